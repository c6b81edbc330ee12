// The generic trainer: trains any PrefixEncoderImpl (ARC and the learned baselines) with
// the task objective + ERGC + decoder reconstruction, at several prefix lengths per batch.
//
// Per batch: prefix lengths (in values, multiples of the encoder's granularity) are drawn
// by the prefix schedule; the longest is encoded once and shorter codes are slices of it
// (valid because codes are nested); every loss is computed per prefix length and combined
// with the prefix weighting. AdamW, linear warm-up then cosine decay, gradient clipping.
// A validation split is carved from the training rows; a validation metric is logged per
// epoch. Epoch e shuffles and samples with a generator seeded from (seed, e), so a run
// resumed from its per-epoch checkpoint ends bit-identical (CPU) to an uninterrupted one.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arfc/io/feature_set.h"
#include "arfc/model/prefix_encoder.h"
#include "arfc/train/distributed.h"

namespace arfc {

// The JSON "train" section. Every field has a default; from_json rejects unknown keys.
struct TrainOptions {
  int64_t epochs = 8;
  int64_t batch_size = 256;
  double lr = 2e-3;
  double weight_decay = 0.01;
  double warmup_frac = 0.05;      // fraction of all steps with linear warm-up
  double min_lr_frac = 0.05;      // cosine decays to lr * min_lr_frac
  double clip_norm = 1.0;         // global gradient-norm clip (0 = off)
  double val_frac = 0.1;          // validation split of the training rows (0 = none)
  int64_t max_val_rows = 5000;    // cap on validation rows evaluated per epoch
  uint64_t seed = 0;
  std::string device = "cpu";     // "cpu", "cuda", "cuda:N", "auto"

  // Prefix lengths per batch. "beta": `prefixes_per_batch` token counts drawn from
  // Beta(beta_a, beta_b) over [1, K_max] (value counts when granularity is 1), plus the full
  // length if include_full. "fixed": the token counts in fixed_tokens (Matryoshka; distinct,
  // counts above K_max train K_max).
  // "full": only the full length (fixed-length encoders are always trained this way).
  std::string prefix_mode = "beta";
  double beta_a = 1.0;
  double beta_b = 1.0;
  int64_t prefixes_per_batch = 2;
  bool include_full = true;
  // progressive: the largest token count that may be sampled grows linearly from 1 to
  // K_max over the first half of training.
  bool progressive = false;
  std::vector<int64_t> fixed_tokens;
  // How the per-prefix losses combine: "uniform" (mean), "length" (weight proportional to
  // the prefix length, favouring long codes) or "short" (weight proportional to
  // 1 / sqrt(length), favouring short codes); prefix_weight below.
  std::string prefix_weighting = "uniform";
  // Which values of a prefix its loss trains: "all" (every value of the prefix) or "new"
  // (only the values past the batch's next shorter prefix; the shorter values enter that
  // loss as constants, so each value is trained by the shortest prefix holding it).
  std::string prefix_gradient = "all";
  // With prefix_gradient "new": the factor on the gradient a prefix's loss passes to the
  // values of the next shorter prefix, in [0, 1) (0: they enter as constants). Ignored
  // (set to 0 when read) with "all".
  double prefix_gradient_scale = 0.0;
  // Each batch is processed as this many micro-batches (gradient accumulation): batch-level
  // losses (ERGC, SupCon, InfoNCE) see one micro-batch, gradients are weighted by
  // micro-batch size and summed before the step. With W data-parallel ranks every rank
  // takes micro_batches of the W x micro_batches parts (train/distributed.h), so W ranks
  // train the model one process trains with micro_batches = W.
  int64_t micro_batches = 1;
  // Learning rate of the code's base (ARC parameters named base*, the PCA-initialised
  // linear base and its MLP) as a multiple of lr; 0 keeps the base where it started.
  double base_lr_scale = 1.0;
  // After training, held-out rows decide up to which budget int4 values compete with
  // int8 values (ArfcModel::select_int4); false keeps the fixed rule (D/8 bytes).
  bool int4_select = true;
  // The code compress() makes by default: "trial" (after the codebooks are fitted, held-out
  // rows decide between the ARC code and its base, ArfcModel::select_code_source), or "arc"
  // or "base", set before the calibration, which with the trials and the codebook fit then
  // fits that code (ArfcModel::set_code_source; "base" leaves models without a separate base
  // on the ARC code). Configs written before the key said `source_select` false for "arc".
  std::string code_source = "trial";
  // Discrete-token codebooks tuned with the task loss after they are fitted
  // (train/codebook_tuning.h): epochs over the fitting rows (0 = not tuned), Adam learning
  // rate, and how many leading tokens are tuned (the later ones are refitted after).
  int64_t codebook_epochs = 0;
  double codebook_lr = 1e-3;
  int64_t codebook_tokens = 16;
  // Straight-through training of the network on its discrete codes (train/straight_through.h):
  // the last st_epochs epochs (0 = off) also see the task loss and ERGC of the codes the
  // first 2, 4, ... st_tokens discrete tokens stand for, weighted st_weight against the
  // continuous prefixes' losses, on codebooks fitted to the network before those epochs.
  int64_t st_epochs = 0;
  double st_weight = 1.0;
  int64_t st_tokens = 16;
};

// The JSON "loss" section.
struct LossOptions {
  double task_weight = 1.0;   // classification CE / retrieval SupCon / crossmodal InfoNCE
  double task_tau = 0.1;      // temperature of SupCon and InfoNCE
  double proto_scale = 10.0;  // classification: prototype classifier scale
  double ergc_weight = 1.0;
  double ergc_tau = 0.1;
  double recon_weight = 1.0;  // decoder-head reconstruction
  bool recon_detach = false;  // true: reconstruction trains the decoder only, not the codes
  // Quantisation-aware training: > 0 adds uniform noise of one quantisation step (step_j =
  // max |code_j| over the batch / quant_noise, no gradient through the step) to the codes
  // the losses see, as a uniform quantiser with quant_noise levels per side would (7 =
  // int4, 127 = int8). 0 = off. The noise comes from libtorch's global generator (seeded
  // by train.seed), which checkpoints do not hold: with it on, `--resume` and data-parallel
  // runs are not bit-identical to one uninterrupted process (off, they are).
  double quant_noise = 0.0;
};

nlohmann::json to_json(const TrainOptions& o);
nlohmann::json to_json(const LossOptions& o);
// Missing keys keep their defaults; unknown keys or bad values -> arfc::Error naming the
// field and listing the accepted keys/values. `where` prefixes messages (e.g. "config.train").
TrainOptions train_options_from_json(const nlohmann::json& j, const std::string& where = "train");
LossOptions loss_options_from_json(const nlohmann::json& j, const std::string& where = "loss");
// Defaults per task (e.g. reconstruction detached for non-generic tasks).
LossOptions default_loss_options(Task task);

// A quantised view of the codes that the losses also see in the last `epochs` epochs
// (straight-through training: train/straight_through.h). `start` is called once before
// the first of those epochs (e.g. fits the quantiser to the network as it is then); what
// it sets must live in the model's state, which checkpoints keep: a run resumed after
// that epoch does not call it again;
// `codes(full)` maps the full continuous codes [B, max_values] of one modality to the
// quantised codes [B, max_values] they are judged by, one per token count, each carrying
// the gradient of `full`. The view's losses are the task loss and ERGC (no
// reconstruction), their mean over the codes weighted `weight` against the mean over the
// continuous prefixes.
struct CodeView {
  int64_t epochs = 0;
  double weight = 1.0;
  std::function<void()> start;
  std::function<std::vector<torch::Tensor>(const torch::Tensor& full)> codes;
};

struct TrainSummary {
  int64_t epochs_run = 0;       // epochs trained by this call (after a resume: the rest)
  int64_t epochs_total = 0;
  int64_t train_rows = 0, val_rows = 0;
  double final_train_loss = 0;
  double final_val_loss = 0;
  std::string val_metric_name;  // e.g. "val_acc@1tok/full", "val_r1", "val_ergc"
  double val_metric_short = 0;  // metric at the shortest fixed prefix, else 1 token (1 value if value-level)
  double val_metric_full = 0;   // metric at the full code
  double seconds = 0;           // the training steps and validation
  double samples_per_s = 0;    // over all ranks
  double view_seconds = 0;     // straight-through: the view's codebook fit (not in seconds)
  int64_t ranks = 1;            // data-parallel processes
  nlohmann::json to_json() const;
};

// How the trainer uses N training rows. A fixed permutation from train.seed picks the
// validation rows (val_frac of N, at least 2, at most max_val_rows; the rows between that
// cap and val_frac are left out) and the training rows. The training rows are dealt into
// `parts` blocks by their position in the permutation modulo the batch size: block p
// holds the rows that fill part p of every batch, and each epoch shuffles every block on
// its own. parts = ranks x micro_batches; with one part the block is the whole permutation
// (the order of one process without micro-batches). Rank r of W takes the parts r m ..
// r m + m - 1 (m = micro_batches), so it reads only their blocks and the validation rows.
struct RowSplit {
  std::vector<int64_t> val;                  // row numbers
  std::vector<int64_t> unused;               // between the validation cap and val_frac
  std::vector<std::vector<int64_t>> blocks;  // [parts] row numbers
  int64_t train_rows = 0;                    // rows of all blocks together
  int64_t batch_size = 0;                    // min(train.batch_size, train_rows)
  int64_t steps_per_epoch = 0;
};
RowSplit split_rows(int64_t n, const TrainOptions& opt, int64_t parts);
// The rows rank `rank` trains and validates on, ascending, from the split of its group
// (parts = ranks x micro_batches): what a data-parallel rank reads of the training files.
std::vector<int64_t> rank_rows(const RowSplit& s, int64_t rank, int64_t micro_batches);

// A rank's share of N training rows: the feature set given to the trainer holds exactly
// these rows (rank_rows), in this order.
struct RowShard {
  std::vector<int64_t> rows;  // ascending row numbers
  int64_t total_rows = 0;     // N
  std::vector<int64_t> classes;  // class_ids of all N labels (classification, retrieval)
};

// The distinct class ids of y, ascending (each in [0, kMaxClasses), else arfc::Error
// naming it). Training numbers the classes by their place in this list, so the class head
// has one row per class present, however large or sparse the ids.
std::vector<int64_t> class_ids(const Labels& y);

// Trains `model` in place on fs.train_x (+ fs.train_y / fs.train_b by task). When
// checkpoint_path is not empty the model, task head, optimiser, epoch and `checkpoint_meta`
// (e.g. the full config) are written there atomically after every epoch; with resume the
// run continues from it (its checkpoint_meta must equal the given one, else arfc::Error).
// The model must already be on the device named in opt.device. With a process group of W
// ranks (train/distributed.h) every rank calls this with the same data and options; only
// rank 0 writes the checkpoint, every rank ends with the same model. With a shard, fs holds
// only this rank's rows (RowShard); without, every rank holds all N.
TrainSummary train_prefix_encoder(const std::shared_ptr<PrefixEncoderImpl>& model,
                                  const FeatureSet& fs, const TrainOptions& opt,
                                  const LossOptions& loss, const std::string& checkpoint_path = "",
                                  bool resume = false,
                                  const nlohmann::json& checkpoint_meta = nlohmann::json::object(),
                                  const std::shared_ptr<ProcessGroup>& group = nullptr,
                                  const CodeView* view = nullptr, const RowShard* shard = nullptr);

// Unnormalised weight of a prefix of `values` values under TrainOptions::prefix_weighting
// (a batch's weights are divided by their sum): 1, values or 1 / sqrt(values).
double prefix_weight(const std::string& weighting, int64_t values);

// codes [B, >= values] -> [B, values]: the first `values` values, of which the first
// `fixed` pass back their gradient times `scale` (0: they enter as constants);
// TrainOptions::prefix_gradient "new" passes the batch's next shorter prefix length as
// `fixed` and prefix_gradient_scale as `scale`, "all" passes fixed 0.
torch::Tensor prefix_for_loss(const torch::Tensor& codes, int64_t values, int64_t fixed, double scale = 0.0);

// Learning rate at step `step` of `total` (warm-up then cosine), exposed for tests.
double scheduled_lr(const TrainOptions& opt, int64_t step, int64_t total);

}  // namespace arfc
