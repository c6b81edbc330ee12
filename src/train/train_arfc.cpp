#include "arfc/train/train_arfc.h"

#include <algorithm>
#include <chrono>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/json_keys.h"
#include "arfc/model/arc.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_config.h"
#include "arfc/train/codebook_tuning.h"
#include "arfc/train/distributed.h"
#include "arfc/train/straight_through.h"
#include "arfc/train/trainer.h"

namespace arfc {

nlohmann::json default_arfc_config(Task task, int64_t input_dim) {
  ARFC_CHECK(input_dim >= 1, "default_arfc_config: input_dim must be >= 1, got ", input_dim);
  ArfcConfig c;
  c.task = task;
  c.model = ArcOptions(input_dim);
  // Token width D/16 (16 for D = 256) and K_max = 16: f32 codes span 1..16x, f16/i8
  // storage reach 32x/64x, and generation stays at 16 steps.
  c.model.token_width(std::max<int64_t>(1, input_dim / 16));
  c.model.max_tokens(std::min<int64_t>(16, input_dim / c.model.token_width()));
  if (task == Task::Crossmodal) c.model.input_dim_b(input_dim);
  c.model.linear_base(true);
  // A nonlinear base (an MLP of 512 hidden units added to the linear base) for the
  // classification and cross-modal tasks; retrieval of unseen classes keeps the linear
  // base, which generalises better there (docs/DESIGN.md, "Nonlinear base").
  if (task == Task::Classification || task == Task::Crossmodal) c.model.base_hidden(512);
  // Up to D/4 discrete tokens (16x for D = 256), at most 64. Training keeps them for the
  // budgets below the smallest continuous code (one i4 token), and for larger budgets only
  // where they search at least as well as the continuous code of that size on held-out
  // rows (fit_codebooks; docs/DESIGN.md): on cls they beat int8 values, on open-set
  // retrieval int8 prefixes searched better from 16 bytes up.
  c.model.discrete_tokens(std::min<int64_t>(64, std::max<int64_t>(1, input_dim / 4)));
  // Beam 8 from the first token over each code's direction, on codebooks fitted on the
  // residuals of that beam (docs/DESIGN.md, "Discrete tokens", "Training beam": +2.8 / +2.9
  // points at 4 / 8 bytes on cross-modal retrieval, level or better at every size on
  // open-set retrieval, whose first 4 tokens were greedy before; -3.8 at 2 bytes on the
  // full twoview protocol; the fit costs 2.3x). Each token is decided 4 tokens later: a
  // code-space error within 0.0006 of a search over all 64 and search quality level with a
  // lookahead of 8 (the default before) on three feature sets, while a code of n bytes costs n + 4
  // beam steps instead of n + 8, or 64 (docs/DESIGN.md, "Beam lookahead").
  c.model.discrete_beam(8);
  // Cross-modal models keep their first 2 tokens greedy (the beam decides the rest): on the
  // full twoview protocol the 2-byte code gains 3.8 points over a beam from the first token,
  // the 4-byte code is level and 16x-128x are identical; open-set retrieval lost 1.7 points
  // at 2 bytes with greedy first tokens (docs/DESIGN.md, "Training beam").
  c.model.discrete_greedy(task == Task::Crossmodal ? 2 : 0);
  c.model.discrete_train_beam(8);
  c.model.discrete_lookahead(4);
  c.model.discrete_unit(true);
  // Codebook m spans the first whole tokens of about 4 (m + 1) values (2 bits per value)
  // instead of the whole code: the first 4 bytes quantise the one-token code. Full
  // protocol (docs/DESIGN.md, "Codebook spans"): cross-modal retrieval's 4-byte code rose
  // from 35.28 to 44.08% R@1; open-set retrieval's 2 and 4-byte codes fell by 4.2 and 2.1
  // points (unseen classes need the whole code's cluster structure) and classification
  // was level (-0.07 to -0.24 at 2-8 bytes), so only cross-modal models use spans.
  c.model.discrete_bits_per_value(task == Task::Crossmodal ? 2 : 0);
  c.loss = default_loss_options(task);
  // Classification models start the base as its MLP alone (the linear base at zero, the
  // MLP's output layer random) instead of PCA: on the full pixels protocol, with the
  // prefixes below, every ratio from 2x to 512x gained 0.2-0.8 point (docs/DESIGN.md,
  // "How the base starts").
  if (task == Task::Classification) c.model.base_init("zero");
  // Cross-modal and classification models train the 1, 2, 4, ... K_max token prefixes in
  // every batch (Matryoshka-style) instead of two random lengths and the full one: on the
  // full twoview protocol every measured ratio gained, 128x by 3.4 points (docs/DESIGN.md,
  // "Trainer"); on pixels 0.1-0.4 point at 16x-512x with the PCA start.
  if (task == Task::Crossmodal || task == Task::Classification) {
    c.train.prefix_mode = "fixed";
    c.train.fixed_tokens.clear();
    for (int64_t k = 1; k < c.model.max_tokens(); k *= 2) c.train.fixed_tokens.push_back(k);
    c.train.fixed_tokens.push_back(c.model.max_tokens());
  }
  // Cross-modal and retrieval models let a quarter of each longer prefix's gradient reach
  // the shorter prefix's values (with the 1, 2, 4, 8, 16-token prefixes the one-token code
  // weighs its own loss and the four longer ones' alike). Full twoview protocol: the 128x
  // code gained 0.73 point at every one of three seeds and the 256x code 1.4 (seed 0), 64x
  // lost 0.25, 2x-32x 0.04-0.29; against the per-ratio autoencoder 128x went from a loss to
  // a tie, 256x from a tie to a win. Full open-set protocol, seeds 0-2: 256x-512x gained at
  // every seed (0.7-2.8 point), 32x-128x at two seeds of three (0.4-0.9; level at the
  // third), 2x-16x level (docs/DESIGN.md, "Trainer"). Classification keeps "all": on pixels
  // s = 0.25 was level at 16x-64x and 0.29 point lower at 128x (seed 0).
  if (task == Task::Crossmodal || task == Task::Retrieval) {
    c.train.prefix_gradient = "new";
    c.train.prefix_gradient_scale = 0.25;
  }
  // Retrieval models divide each modality by one scale (each row keeps its norm, as PCA's
  // rows do) and store the linear base's code, on which the calibration and the codebooks
  // are then fitted. Full open-set protocol, seeds 0-2 against per-row normalisation with
  // the trial: 128x +2.7 to +2.8 point at every seed, 12x-64x +0.06 to +1.34, 256x +0.2 to
  // +1.2; 512x -1.4 to -2.1 and 2x -0.2 (docs/DESIGN.md, "One scale per set with the base
  // code"). The trial chose the ARC code for such models, on held-out rows of trained
  // classes; on the unseen classes the base code searched better at every size from 16x to
  // 128x.
  if (task == Task::Retrieval) {
    c.model.input_norm("set");
    c.train.code_source = "base";
  }
  return c.to_json();
}

namespace {

// The codebooks' task-aware tuning (train/codebook_tuning.h) on the rows they were fitted
// on (the first up to 20 000, both modalities), then the tokens after the tuned ones
// refitted on the residuals the tuned ones leave.
void tune_model_codebooks(ArfcModel& model, const ArcImpl& arc, const TrainingRows& rows, const ArfcConfig& cfg) {
  constexpr int64_t kRows = 20000;
  const bool pairs = model.num_modalities() > 1;
  const bool labelled = (rows.task() == Task::Classification || rows.task() == Task::Retrieval) &&
                        int64_t(rows.labels().size()) == rows.rows();
  if (!pairs && !labelled) {
    log_warn("train.codebook_epochs: the codebooks are tuned with a task loss, and this task (" +
             std::string(task_name(rows.task())) + ") has none; not tuned");
    return;
  }
  const int64_t n = std::min(kRows, rows.rows());
  const torch::Device device = parse_device(cfg.train.device);
  auto t_a = to_tensor(model.source_code(rows.slice(0, 0, n), 0)).to(device);
  auto t_b = pairs ? to_tensor(model.source_code(rows.slice(1, 0, n), 1)).to(device) : torch::Tensor();
  torch::Tensor labels;
  if (labelled) labels = to_tensor(Labels(rows.labels().begin(), rows.labels().begin() + n)).to(device);
  TokenCodebooksImpl& cb = *arc.codebooks();
  nlohmann::json s = tune_codebooks(cb, t_a, t_b, labels, cfg.train, cfg.loss.task_tau, 1.0);
  const int64_t tuned = s.at("tokens").get<int64_t>();
  if (tuned < cb.options.steps()) {
    const auto t0 = std::chrono::steady_clock::now();
    cb.fit(pairs ? torch::cat({t_a, t_b}, 0) : t_a, cfg.train.seed, 16, tuned);
    s["refit_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  log_info("tuned the first " + std::to_string(tuned) + " discrete-token codebooks with the task loss in " +
           format_duration(s.at("seconds").get<double>()));
  model.network_updated("codebook_tuning", s);
}

// One implementation for both entry points: with `in_memory` every row is in memory (the
// trainer and the PCA start see all of them); without, this process holds only its rows
// (rank_rows), the PCA start sums its moments over the ranks, and the fits after training
// read their rows from `rows`.
ArfcModel train_impl(const TrainingRows& rows, const FeatureSet* in_memory, const nlohmann::json& config,
                     const std::string& checkpoint_path, bool resume, const std::shared_ptr<ProcessGroup>& group) {
  ARFC_CHECK(rows.rows() > 0, "train_arfc: no training rows");
  const Task task = rows.task();
  const int64_t dim = rows.dim(0);
  nlohmann::json base = default_arfc_config(task, dim);
  if (task == Task::Crossmodal) base["model"]["input_dim_b"] = rows.dim(1);
  nlohmann::json merged = merge_config(base, config.is_null() ? nlohmann::json::object() : config);
  // The merged config has both keys (from the defaults; merge_config keeps sections
  // objects); a config may have given them values of any JSON type.
  const nlohmann::json& t = merged.at("task");
  ARFC_CHECK(t.is_string() && t.get<std::string>() == task_name(task), "config.task is ", detail::json_excerpt(t),
             " but the data is for task \"", task_name(task), "\". Hint: drop \"task\" from the config.");
  const nlohmann::json& d = merged.at("model").at("input_dim");
  ARFC_CHECK(d.is_number_integer() && d.get<int64_t>() == dim, "config.model.input_dim is ", detail::json_excerpt(d),
             " but the training features have dimension ", dim,
             ". Hint: drop input_dim from the config; it is taken from the data.");
  merged.erase("summary");
  merged.erase("geometry");
  ArfcConfig cfg = parse_arfc_config(merged);
  cfg.summary = nlohmann::json::object();
  const torch::Device device = parse_device(cfg.train.device);

  // A shard: this rank's rows (its blocks of the batches and the validation rows).
  const int64_t world = group ? group->world_size() : 1, rank = group ? group->rank() : 0;
  FeatureSet shard_fs;
  RowShard shard;
  const RowSplit split = in_memory ? RowSplit() : split_rows(rows.rows(), cfg.train, world * cfg.train.micro_batches);
  if (!in_memory) {
    shard.rows = rank_rows(split, rank, cfg.train.micro_batches);
    shard.total_rows = rows.rows();
    shard_fs.task = task;
    shard_fs.train_x = rows.gather(0, shard.rows);
    if (task == Task::Crossmodal) shard_fs.train_b = rows.gather(1, shard.rows);
    if (!rows.labels().empty()) {
      shard.classes = class_ids(rows.labels());
      for (int64_t i : shard.rows) shard_fs.train_y.push_back(rows.labels()[size_t(i)]);
    }
    log_info("this rank holds " + std::to_string(shard.rows.size()) + " of " + std::to_string(rows.rows()) +
             " training rows (rank " + std::to_string(rank) + " of " + std::to_string(world) + ")");
    // The other ranks log warnings only: rank 0 names their shards (the same split).
    for (int64_t r = 1; rank == 0 && r < world; ++r)
      log_info("rank " + std::to_string(r) + " holds " +
               std::to_string(rank_rows(split, r, cfg.train.micro_batches).size()) + " of " +
               std::to_string(rows.rows()) + " training rows");
  }
  const FeatureSet& fs = in_memory ? *in_memory : shard_fs;

  seed_everything(cfg.train.seed);
  Arc arc(cfg.model);
  arc->to(device);
  // The input scale (model.input_norm "set"), then the base's PCA of the rows it scales.
  if (cfg.model.linear_base() || cfg.model.input_norm() == "set") {
    if (in_memory) {
      std::vector<torch::Tensor> train = {tensor_view(fs.train_x)};
      if (task == Task::Crossmodal) train.push_back(tensor_view(fs.train_b));
      arc->fit_input_scale(train);
      arc->init_linear_base(train);
    } else {
      // Every row once over the ranks, as one process fits it: each rank its blocks, rank 0
      // also the validation rows, and each rank its share of the rows the validation cap
      // leaves out (read for this only).
      std::vector<int64_t> own;
      std::vector<int64_t> val = split.val;
      std::sort(val.begin(), val.end());
      for (int64_t k = 0; k < int64_t(shard.rows.size()); ++k)
        if (rank == 0 || !std::binary_search(val.begin(), val.end(), shard.rows[size_t(k)])) own.push_back(k);
      const int64_t u = int64_t(split.unused.size());
      std::vector<int64_t> extra(split.unused.begin() + rank * u / world,
                                 split.unused.begin() + (rank + 1) * u / world);
      std::sort(extra.begin(), extra.end());
      auto idx = torch::tensor(own, torch::kInt64);
      std::vector<torch::Tensor> train;
      for (int64_t m = 0; m < rows.modalities(); ++m) {
        train.push_back(tensor_view(m == 0 ? fs.train_x : fs.train_b).index_select(0, idx));
        if (!extra.empty()) train.back() = torch::cat({train.back(), to_tensor(rows.gather(m, extra))});
      }
      const auto sum_over_ranks = [&group](torch::Tensor& t) {
        if (group) group->all_reduce_sum({t});
      };
      arc->fit_input_scale(train, sum_over_ranks);
      arc->init_linear_base(train, [&](const std::vector<torch::Tensor>& xs, const RowMap& map) {
        return fit_pca_of_parts(xs, map, sum_over_ranks);
      });
    }
  }
  const nlohmann::json meta = cfg.to_json();
  // Straight-through epochs (train/straight_through.h) train on the discrete codes of
  // codebooks fitted to the network before them; the staged fit below refits them all.
  CodeView view;
  if (cfg.train.st_epochs > 0) view = straight_through_view(arc.ptr(), rows, cfg.train);
  TrainSummary s = train_prefix_encoder(arc.ptr(), fs, cfg.train, cfg.loss, checkpoint_path, resume, meta, group,
                                        cfg.train.st_epochs > 0 ? &view : nullptr, in_memory ? nullptr : &shard);
  shard_fs = FeatureSet();  // the shard is not needed by the fits
  cfg.summary = s.to_json();
  cfg.summary["library_version"] = ARFC_VERSION;
  ArfcModel model = ArfcModel::from_network(cfg.to_json(), arc.ptr(), cfg.train.device);
  // A code source given by the config is set first, so the calibration, the trials and the
  // codebooks fit the code compress() stores; the trial's choice comes after the codebooks
  // (it compares both codes on them).
  if (cfg.train.code_source != "trial") model.set_code_source(code_source_from_name(cfg.train.code_source));
  model.calibrate(rows);
  if (cfg.train.int4_select) model.select_int4(rows);
  model.fit_codebooks(rows);
  if (cfg.train.codebook_epochs > 0 && !arc->codebooks().is_empty()) tune_model_codebooks(model, *arc, rows, cfg);
  if (cfg.train.code_source == "trial") model.select_code_source(rows);
  return model;
}

}  // namespace

ArfcModel train_arfc(const FeatureSet& fs, const nlohmann::json& config, const std::string& checkpoint_path,
                     bool resume, const std::shared_ptr<ProcessGroup>& group) {
  ARFC_CHECK(!fs.train_x.empty(), "train_arfc: no training rows");
  return train_impl(TrainingRows::of(fs), &fs, config, checkpoint_path, resume, group);
}

ArfcModel train_arfc_sharded(const TrainingRows& rows, const nlohmann::json& config,
                             const std::string& checkpoint_path, bool resume,
                             const std::shared_ptr<ProcessGroup>& group) {
  return train_impl(rows, nullptr, config, checkpoint_path, resume, group);
}

}  // namespace arfc
