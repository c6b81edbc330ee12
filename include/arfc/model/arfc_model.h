// A trained ARFC model as users see it: load/save the self-describing model file, encode
// features to codes of any length, decode codes back to the feature space. Loading and
// encoding need nothing from training: training lives in train/train_arfc.h, the network
// itself is model/arc.h, the stored configuration model/model_config.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/codes/ratio.h"
#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"
#include "arfc/io/training_rows.h"

namespace arfc {

class ArcImpl;  // model/arc.h

// Where a code's tokens come from: the full ARC code (ArfcModel::encode: the base plus the
// transformer's correction) or the base code alone (ArfcModel::base_code: the transformer
// not run, 50-100x faster on the CPU). Model: the model's choice (ArfcModel::code_source).
enum class CodeSource { Model, Arc, Base };
const char* code_source_name(CodeSource s);  // "model", "arc", "base"
// "model", "arc" or "base" -> its CodeSource; arfc::Error naming the accepted names otherwise.
CodeSource code_source_from_name(const std::string& name);

// How ArfcModel::compress finds a code's tokens. Any setting makes codes the model decodes,
// and codes made with one setting keep the prefix property among themselves. Speed and
// search quality of each: docs/DESIGN.md, "Encoding effort".
struct TokenSearch {
  // Discrete tokens (q8 layouts; continuous ones ignore it): candidates per row the search
  // keeps: 0 = the model's (ArfcModel::token_beam()), 1 = greedy, at most kMaxBeam
  // (model/token_codebooks.h). Smaller is faster and a little coarser.
  int64_t beam = 0;
  // Every layout: the code the values (or the discrete tokens that quantise it) come from.
  // Base needs a model with a base (linear_base).
  CodeSource source = CodeSource::Model;
  // Discrete tokens with a beam: how many tokens later the search decides each token (-1 =
  // the model's, model.discrete_lookahead; 0 = after the last token the model holds). A
  // code of n tokens runs n + lookahead search steps; smaller is faster, a little coarser.
  int64_t lookahead = -1;
};

class ArfcModel {
 public:
  // Rows per encoder batch in encode/compress/decode. A row's code depends only on the row
  // and on how the rows are cut into batches (BLAS kernels round differently for other
  // batch sizes), so callers that split a file into chunks of a multiple of this many rows
  // get the same bytes as one call on the whole file. On the CPU each batch runs as blocks
  // of kEncodeBlock rows spread over the threads (small blocks stay in cache; measured in
  // docs/DESIGN.md, "Encoding speed"); the codes do not depend on the thread count.
  // On an accelerator a block is up to kAcceleratorBlock rows (one kernel launch serves many
  // rows; bounded by the caller's chunk, e.g. `arfc compress --chunk-rows`); there the codes
  // may differ in the last bit with the chunking, as GPU kernels do not promise otherwise.
  static constexpr int64_t kEncodeBatch = 2048;
  static constexpr int64_t kEncodeBlock = 256;
  static constexpr int64_t kAcceleratorBlock = 32 * kEncodeBatch;

  // Validates magic, format version, config and weights; arfc::Error on bad files.
  // device: "cpu", "cuda", "auto".
  static ArfcModel load(const std::string& path, const std::string& device = "cpu");
  void save(const std::string& path) const;  // atomic

  CodeGeometry geometry() const;   // D, token width w, K_max, value_level, discrete_tokens
  uint64_t fingerprint() const;    // hash of config + weights; stored in code files
  Task task() const;
  int64_t num_modalities() const;  // 2 for crossmodal models, else 1
  // D of a modality's features (modality 1: the second modality of a crossmodal model);
  // a modality the model does not have -> arfc::Error.
  int64_t input_dim(int64_t modality = 0) const;
  nlohmann::json config() const;   // the full config (model + training), defaults filled

  // x: [N, D] float32 -> [N, n_values] float32 (1 <= n_values <= geometry().max_values();
  // n_values must be a multiple of w unless value_level). No grad, eval mode, batched.
  // modality: 0, or 1 for the second modality of a crossmodal model.
  Matrix encode(const Matrix& x, int64_t n_values, int64_t modality = 0) const;
  // codes: [N, m] float32 (dequantised) -> [N, D] reconstruction via the decoder head.
  Matrix decode(const Matrix& codes, int64_t modality = 0) const;

  // x: [N, D_modality] -> the stored code of the layout (choose_layout over geometry()):
  // continuous layouts are encode() + quantize_codes with the stored calibration; q8
  // layouts are discrete tokens (the full continuous code, then the token codebooks).
  // search: how the tokens are found (TokenSearch; by default the model's code source and,
  // for q8, its own beam).
  CodeSet compress(const Matrix& x, const CodeLayout& layout, int64_t modality = 0,
                   const TokenSearch& search = {}) const;
  // The second half of compress: continuous codes of this model, values [N, m] from
  // encode() (or base_code()) with m >= layout.n_values (q8: m = max_values), -> the stored
  // code; q8 tokens by a search of `beam` and `lookahead` (TokenSearch). Lets a caller
  // encode once at the full length and store several layouts (prefix property).
  CodeSet quantize(const Matrix& values, const CodeLayout& layout, int64_t modality = 0, int64_t beam = 0,
                   int64_t lookahead = -1) const;
  // x: [N, D_modality] -> [N, max_values] the model's base code (linear base plus base MLP),
  // which the transformer's tokens correct; one matrix product (and the MLP) per row.
  // arfc::Error for a model without a base.
  Matrix base_code(const Matrix& x, int64_t modality = 0) const;
  // x: [N, D_modality] -> [N, max_values] the full continuous code of the default code
  // source (code_source()): base_code or encode at full length. What compress() stores,
  // and so what calibrate() and fit_codebooks() fit on.
  Matrix source_code(const Matrix& x, int64_t modality = 0) const;
  // Candidates per row the token search keeps by default (model.discrete_beam; 1 = greedy
  // and for models without discrete tokens).
  int64_t token_beam() const;
  // Tokens later a beam search decides each token by default (model.discrete_lookahead; 0 =
  // after the last token the model holds, and for models without discrete tokens).
  int64_t token_lookahead() const;
  // The search compress() runs when asked for `asked`: each default (beam 0, source Model,
  // lookahead -1) replaced by the model's own (token_beam, code_source, token_lookahead).
  TokenSearch token_search(const TokenSearch& asked = {}) const;
  // The code compress() makes by default: Base where select_code_source found the ARC code
  // no better than its base on held-out rows, else Arc (and for model files written before
  // the trial, or without a base).
  CodeSource code_source() const;
  // Held-out trial (rows and measure as select_int4's) of the default code source: at the
  // budgets of 8x, 32x, 128x and 512x the model reaches, each stored as the model stores it
  // (values or discrete tokens, the model's beam), the held-out rows' codes made from the
  // ARC code and from the base code are scored; the ARC code stays the default where its
  // mean per-row gain over the base, over those budgets, is positive. Otherwise the base
  // code, at least as good there and 14-100x cheaper to encode, becomes the default (stored
  // in the model file's calibration, "code_source"; the gain's paired SE is reported).
  // The trials go to the summary ("source_selection"). No-op for models without a base, for
  // base_only models (their ARC code is the base code), and with fewer than 50 held-out
  // rows. Called by train_arfc after the codebooks are fitted when train.code_source is
  // "trial" (the default).
  void select_code_source(const TrainingRows& rows);
  // Sets the default code source without a trial (train.code_source "arc" or "base"; the
  // summary's "source_selection" says so). As the trial, a no-op for models without a base
  // and for base_only models. source must be Arc or Base (else arfc::Error).
  void set_code_source(CodeSource source);
  // The code-space vectors a stored code stands for: [N, n_values] dequantised values, or
  // for q8 codes [N, max_values] (the sum of the tokens' codewords). Searching and probing
  // codes means comparing these (cosine). q8 codes of another shape -> arfc::Error.
  Matrix code_values(const CodeSet& c) const;
  // The discrete tokens' codewords: [M * 256, max_values] float32, row m * 256 + k is
  // codeword k of token m (0-based), so a q8 code b_0..b_{n-1} stands for the sum of rows
  // m * 256 + b_m (code_values). 0 rows for a model without discrete tokens.
  Matrix token_codewords() const;
  // Measures, on held-out training rows, up to which budget i4 values search better than
  // int8 values of the same bytes, and stores that limit (geometry().int4_max_bytes, the
  // model file's calibration "i4_max_bytes"; the budget rule, codes/ratio.h, lets i4
  // compete up to it). The trial budgets are the bytes of 512x, 256x, ..., 12x and 8x
  // where both types make a code and i4 holds more values; each is scored per held-out row
  // as fit_codebooks scores (same rows and measure), and choose_int4_limit (codes/ratio.h)
  // keeps the fixed rule's D/8 unless another threshold gains more than 3 standard errors.
  // The trials go to the summary ("int4_selection"). No-op for models without an int4
  // calibration, with fewer than 50 held-out rows, or without a budget where both types
  // make a code. Called by train_arfc after
  // calibrate() unless train.int4_select is false.
  void select_int4(const TrainingRows& rows);
  // Fits the discrete-token codebooks on the full continuous codes of up to max_rows
  // training rows per modality (all modalities share them), and updates the fingerprint.
  // With model.discrete_select, held-out rows decide how many discrete tokens to keep:
  // always the budgets below the smallest continuous code (one i4 token, w/2 bytes, for a
  // model with an int4 calibration; one int8 token otherwise), extended by that size at a
  // time while b discrete tokens search at least as well as the continuous code b bytes
  // buy (choose_layout without discrete tokens): cross-modal R@1 of held-out
  // pairs (both directions, both sides compressed) for two-modality models, 1-NN label
  // accuracy with labels, else the 10-NN overlap with the full code. The held-out rows are
  // the last min(2000, N/5) rows; for open-set retrieval models they are (up to 2000) rows
  // of held-out classes (the highest class ids, >= 2 classes, >= N/5 rows). They are left
  // out of a first fit (both modalities) that the trials judge; the codebooks are then
  // refitted on the first min(N, max_rows) rows where the first fit had fewer. The trials
  // go to the summary ("discrete_selection"). No-op for models without discrete tokens.
  // Called by train_arfc. Reads only those rows (io/training_rows.h).
  void fit_codebooks(const TrainingRows& rows, int64_t max_rows = 20000);

  // Integer calibration of this model's codes, per storage type (i8, i4) and modality:
  // [max_values] scales (codes/code_file.h, calibrate_scales), fitted by train_arfc on
  // training rows only and stored in the model file, so a vector's integer code never
  // depends on the file it is compressed in. Empty for other types and for models written
  // before that calibration was stored (then int8 codes fall back to per-file scales, and
  // the geometry offers no i4).
  const std::vector<float>& scales(StorageType t, int64_t modality = 0) const;
  bool calibrated() const;
  // Fits the calibration on the first max_rows training rows (each modality) and updates
  // the fingerprint. Called by train_arfc; exposed for models trained before it existed
  // (TrainingRows::of(feature_set)).
  void calibrate(const TrainingRows& rows, int64_t max_rows = 20000);

  // After the network's weights were changed in place (train/codebook_tuning.h tunes the
  // codebooks): stores `summary` as config.summary[key] and recomputes the fingerprint.
  void network_updated(const std::string& key, const nlohmann::json& summary);

  // A model around a trained network: `config` is its full configuration document
  // (ModelConfig::to_json(), e.g. ArfcConfig::to_json() after training; "train.seed" seeds
  // the codebook fit), `arc` the network built from config.model with its trained weights.
  // Not yet calibrated and without fitted codebooks (train_arfc does both).
  static ArfcModel from_network(const nlohmann::json& config, std::shared_ptr<ArcImpl> arc,
                                const std::string& device = "cpu");

  struct Impl;
  explicit ArfcModel(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

// The first 8 bytes of every model file (checked by ArfcModel::load).
std::string model_file_magic();
// What a model file holds, after full validation (ArfcModel::load on the CPU): format, task,
// geometry (input_dim, token_width, max_tokens, max_values, modalities), token_beam, int4_max_bytes
// (the largest budget where i4 competes; 0 without i4 storage), solutions,
// linear_base, parameters, fingerprint, file_bytes and the training summary.
nlohmann::json describe_model_file(const std::string& path);

}  // namespace arfc
