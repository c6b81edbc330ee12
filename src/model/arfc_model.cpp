#include "arfc/model/arfc_model.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include <ATen/Parallel.h>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/log.h"
#include "arfc/io/json_keys.h"
#include "arfc/model/arc.h"
#include "arfc/model/model_config.h"
#include "arfc/nn/module_bytes.h"
#include "arfc/nn/tensor_util.h"
#include "held_out_trial.h"

namespace arfc {

namespace {
constexpr char kModelMagic[8] = {'A', 'R', 'F', 'C', 'M', 'O', 'D', 'L'};
constexpr uint32_t kModelFormatVersion = 1;

// The beam argument of compress/quantize: 0 (the model's) or 1..kMaxBeam.
void check_beam(int64_t beam) {
  ARFC_CHECK(beam >= 0 && beam <= kMaxBeam, "token search: beam must be in [1, ", kMaxBeam,
             "] candidates per row (0: the model's), got ", beam);
}

// The lookahead argument of compress/quantize: -1 (the model's) or 0.. (0: after the last
// token the model holds; a search never reads more tokens than the model holds).
void check_lookahead(int64_t lookahead) {
  ARFC_CHECK(lookahead >= -1, "token search: lookahead must be >= 0 tokens (-1: the model's), got ", lookahead);
}

// Open-loop (per_token) tokens are each the nearest word of their slice: no search.
bool searches_tokens(const TokenCodebooks& cb) { return !cb.is_empty() && cb->options.mode() != "per_token"; }

// Most candidates (rows x beam x 256) one beam-search call holds: 256 rows at the largest beam.
constexpr int64_t kSearchCandidates = int64_t(256) * kMaxBeam * kCodebookSize;

std::string hex64(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", (unsigned long long)v);
  return b;
}
}  // namespace

struct ArfcModel::Impl {
  ModelConfig cfg;
  nlohmann::json config;  // cfg.to_json(), as stored
  Arc arc{nullptr};
  torch::Device device{torch::kCPU};
  uint64_t fingerprint = 0;
  std::vector<std::vector<float>> i8_scales;  // per modality, [max_values]; empty = not calibrated
  std::vector<std::vector<float>> i4_scales;  // per modality, [max_values]; empty = no i4 (older file)
  // Largest budget (bytes) where i4 competes, measured by select_int4; -1 = D/8 (files
  // written before the trial, and models without one).
  int64_t int4_max_bytes = -1;
  // The default code source, chosen by select_code_source (false: the ARC code, as files
  // written before the trial).
  bool base_source = false;

  // Whether the model has a base code apart from its ARC code (a linear base, and not
  // base_only, whose ARC code is its base code): only then is there a source to choose.
  bool separate_base() const { return arc->options.linear_base() && !arc->options.base_only(); }

  // Rows per block of encode/decode: small cache-resident blocks spread over the threads on
  // the CPU, large blocks on an accelerator.
  int64_t encode_block() const { return device.is_cpu() ? ArfcModel::kEncodeBlock : ArfcModel::kAcceleratorBlock; }

  // x [N, D_modality] are features of `modality` (arfc::Error naming `where` otherwise).
  void check_features(const Matrix& x, int64_t modality, const char* where) const {
    ARFC_CHECK(modality >= 0 && modality < arc->num_modalities(), where, ": modality must be in [0, ",
               arc->num_modalities() - 1, "], got ", modality);
    ARFC_CHECK(x.d == arc->modality_dim(modality), where, ": features have dimension ", x.d,
               " but the model expects ", arc->modality_dim(modality), (modality ? " (second modality)" : ""),
               ". Hint: use the features the model was trained for.");
  }

  // x [N, d] -> [N, out_d], f mapping each block of encode_block() rows (on the model's
  // device, the blocks spread over the threads, no grad, eval mode) to its [rows, out_d].
  Matrix map_row_blocks(const Matrix& x, int64_t out_d,
                        const std::function<torch::Tensor(const torch::Tensor&)>& f) {
    arc->eval();
    Matrix out(x.n, out_d);
    for_each_row_block(x.n, encode_block(), device, [&](int64_t s, int64_t e) {
      check_interrupt();
      auto xb = torch::from_blob(const_cast<float*>(x.row(s)), {e - s, x.d}, torch::kFloat32).to(device);
      auto y = f(xb).to(torch::kCPU).contiguous();
      std::memcpy(out.row(s), y.data_ptr<float>(), sizeof(float) * size_t((e - s) * out_d));
    });
    return out;
  }

  nlohmann::json calibration_json() const {
    nlohmann::json j = {{"i8_scales", i8_scales}};
    if (!i4_scales.empty()) j["i4_scales"] = i4_scales;
    if (int4_max_bytes >= 0) j["i4_max_bytes"] = int4_max_bytes;
    if (base_source) j["code_source"] = "base";
    return j;
  }
  void finish() {
    config = cfg.to_json();
    arc->eval();
    std::string text = config.dump();
    // Calibration is part of what the codes depend on; uncalibrated (older) models keep
    // their fingerprint.
    if (!i8_scales.empty()) text += calibration_json().dump();
    fingerprint = hash_module(*arc, fnv1a64(text.data(), text.size()));
  }
};

ArfcModel::ArfcModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ArfcModel ArfcModel::from_network(const nlohmann::json& config, std::shared_ptr<ArcImpl> arc,
                                  const std::string& device) {
  ARFC_CHECK(arc != nullptr, "ArfcModel::from_network: no network");
  auto impl = std::make_shared<Impl>();
  impl->cfg = parse_model_config(config);
  const ArcOptions& o = impl->cfg.model;
  ARFC_CHECK(arc->max_values() == o.token_width() * o.max_tokens() &&
                 arc->num_modalities() == (o.input_dim_b() > 0 ? 2 : 1) && arc->modality_dim(0) == o.input_dim(),
             "ArfcModel::from_network: the network does not match config.model");
  impl->arc = Arc(std::move(arc));
  impl->device = parse_device(device);
  impl->arc->to(impl->device);
  impl->finish();
  return ArfcModel(impl);
}

CodeGeometry ArfcModel::geometry() const {
  CodeGeometry g;
  g.input_dim = impl_->cfg.model.input_dim();
  g.token_width = impl_->cfg.model.token_width();
  g.max_tokens = impl_->cfg.model.max_tokens();
  g.value_level = impl_->cfg.model.value_level();
  g.discrete_tokens = impl_->cfg.model.discrete_tokens();
  g.int4 = !impl_->i4_scales.empty();
  g.int4_max_bytes = impl_->int4_max_bytes;
  return g;
}

uint64_t ArfcModel::fingerprint() const { return impl_->fingerprint; }
Task ArfcModel::task() const { return impl_->cfg.task; }
int64_t ArfcModel::num_modalities() const { return impl_->arc->num_modalities(); }
nlohmann::json ArfcModel::config() const { return impl_->config; }

int64_t ArfcModel::input_dim(int64_t modality) const {
  ARFC_CHECK(modality >= 0 && modality < num_modalities(), "modality must be 0",
             (num_modalities() > 1 ? " or 1" : ""), " (the model has ", num_modalities(), " modalit",
             (num_modalities() == 1 ? "y" : "ies"), "), got ", modality,
             ". Hint: modality 1 exists only for crossmodal models.");
  return impl_->arc->modality_dim(modality);
}

Matrix ArfcModel::encode(const Matrix& x, int64_t n_values, int64_t modality) const {
  auto& arc = impl_->arc;
  impl_->check_features(x, modality, "encode");
  ARFC_CHECK(n_values >= 1 && n_values <= arc->max_values(), "encode: code length must be in [1, ",
             arc->max_values(), "] values, got ", n_values);
  ARFC_CHECK(n_values % arc->granularity() == 0, "encode: code length ", n_values,
             " values is not a multiple of the token width ", arc->granularity(),
             ". Hint: ask for whole tokens; this model was trained without value-level prefixes.");
  return impl_->map_row_blocks(x, n_values, [&](const torch::Tensor& xb) { return arc->encode(xb, n_values, modality); });
}

Matrix ArfcModel::decode(const Matrix& codes, int64_t modality) const {
  auto& arc = impl_->arc;
  ARFC_CHECK(modality >= 0 && modality < arc->num_modalities(), "decode: modality must be in [0, ",
             arc->num_modalities() - 1, "], got ", modality);
  ARFC_CHECK(codes.d >= 1 && codes.d <= arc->max_values(), "decode: codes have ", codes.d,
             " values, expected 1..", arc->max_values(), ". Hint: decode codes produced by this model.");
  return impl_->map_row_blocks(codes, arc->modality_dim(modality),
                               [&](const torch::Tensor& cb) { return arc->decode(cb, modality); });
}

CodeSet ArfcModel::compress(const Matrix& x, const CodeLayout& layout, int64_t modality,
                            const TokenSearch& search) const {
  check_beam(search.beam);
  check_lookahead(search.lookahead);
  // The base code is computed whole at every length (its prefixes are then exactly the
  // shorter codes), the ARC code to the layout's length (q8 tokens quantise all of it).
  const CodeSource source = token_search(search).source;
  if (source == CodeSource::Base)
    return quantize(base_code(x, modality), layout, modality, search.beam, search.lookahead);
  const bool q8 = layout.dtype == StorageType::Q8;
  return quantize(encode(x, q8 ? geometry().max_values() : layout.n_values, modality), layout, modality, search.beam,
                  search.lookahead);
}

Matrix ArfcModel::base_code(const Matrix& x, int64_t modality) const {
  auto& arc = impl_->arc;
  impl_->check_features(x, modality, "base code");
  ARFC_CHECK(arc->options.linear_base(), "this model has no base code (model.linear_base is false). Hint: "
             "search the tokens of the full code (the default).");
  return impl_->map_row_blocks(x, arc->max_values(),
                               [&](const torch::Tensor& xb) { return arc->base_code(xb, modality); });
}

Matrix ArfcModel::source_code(const Matrix& x, int64_t modality) const {
  return code_source() == CodeSource::Base ? base_code(x, modality) : encode(x, geometry().max_values(), modality);
}

CodeSource ArfcModel::code_source() const { return impl_->base_source ? CodeSource::Base : CodeSource::Arc; }

const char* code_source_name(CodeSource s) {
  switch (s) {
    case CodeSource::Arc: return "arc";
    case CodeSource::Base: return "base";
    default: return "model";
  }
}

CodeSource code_source_from_name(const std::string& name) {
  for (CodeSource s : {CodeSource::Model, CodeSource::Arc, CodeSource::Base})
    if (name == code_source_name(s)) return s;
  ARFC_THROW("code source: expected model, arc or base, got '", name, "'");
}

int64_t ArfcModel::token_beam() const {
  auto cb = impl_->arc->codebooks();
  return searches_tokens(cb) ? cb->options.beam() : 1;
}

int64_t ArfcModel::token_lookahead() const {
  auto cb = impl_->arc->codebooks();
  return searches_tokens(cb) ? cb->options.lookahead() : 0;
}

TokenSearch ArfcModel::token_search(const TokenSearch& asked) const {
  return {asked.beam > 0 ? asked.beam : token_beam(),
          asked.source == CodeSource::Model ? code_source() : asked.source,
          asked.lookahead >= 0 ? asked.lookahead : token_lookahead()};
}

CodeSet ArfcModel::quantize(const Matrix& values, const CodeLayout& layout, int64_t modality, int64_t beam,
                            int64_t lookahead) const {
  check_beam(beam);
  check_lookahead(lookahead);
  const CodeGeometry g = geometry();
  const int64_t dim = impl_->arc->modality_dim(modality);
  if (layout.dtype != StorageType::Q8) {
    ARFC_CHECK(values.d >= layout.n_values, "quantize: ", values.d, " values per row, the layout needs ",
               layout.n_values);
    const Matrix prefix = values.d == layout.n_values ? Matrix() : prefix_cols(values, layout.n_values);
    const Matrix& v = values.d == layout.n_values ? values : prefix;
    const std::vector<float>& sc = scales(layout.dtype, modality);
    // The stored values are coded on the run's threads (an encoder on an accelerator
    // outruns one CPU thread rounding its values); the bytes do not depend on the count.
    CodeSet c = quantize_codes(v, layout.dtype, fingerprint(), dim, g.token_width, g.value_level, sc,
                               at::get_num_threads());
    c.modality = modality;
    return c;
  }
  auto cb = impl_->arc->codebooks();
  ARFC_CHECK(!cb.is_empty(), "compress: this model has no discrete tokens (q8). Hint: use f32, f16 or i8.");
  ARFC_CHECK(layout.n_values >= 1 && layout.n_values <= g.discrete_tokens, "compress: expected 1 to ",
             g.discrete_tokens, " discrete tokens, got ", layout.n_values);
  ARFC_CHECK(values.d == g.max_values(), "quantize: discrete tokens need the full continuous code (",
             g.max_values(), " values per row), got ", values.d);
  std::vector<uint8_t> bytes(size_t(values.n * layout.n_values));
  // A beam search holds [rows, beam, 256] distances and [rows, beam, V] residuals: rows per
  // search call are capped so that rows x beam x 256 stays at kSearchCandidates (the CPU's
  // 256-row blocks at the largest beam; an accelerator's larger blocks are searched in parts).
  const int64_t width = beam > 0 ? beam : token_beam();
  const int64_t search_rows = std::max<int64_t>(1, kSearchCandidates / (width * kCodebookSize));
  for_each_row_block(values.n, impl_->encode_block(), impl_->device, [&](int64_t s, int64_t e) {
    for (int64_t s2 = s; s2 < e; s2 += search_rows) {
      check_interrupt();
      const int64_t e2 = std::min(e, s2 + search_rows);
      auto t = torch::from_blob(const_cast<float*>(values.row(s2)), {e2 - s2, values.d}, torch::kFloat32)
                   .to(impl_->device);
      auto idx = cb->encode(t, layout.n_values, beam, lookahead).to(torch::kCPU, torch::kUInt8).contiguous();
      std::memcpy(bytes.data() + s2 * layout.n_values, idx.data_ptr<uint8_t>(), size_t((e2 - s2) * layout.n_values));
    }
  });
  CodeSet c = discrete_codes(std::move(bytes), values.n, layout.n_values, fingerprint(), dim, g.token_width);
  c.modality = modality;
  return c;
}

Matrix ArfcModel::code_values(const CodeSet& c) const {
  if (c.dtype != StorageType::Q8) return dequantize_codes(c);
  auto cb = impl_->arc->codebooks();
  const CodeGeometry g = geometry();
  ARFC_CHECK(!cb.is_empty() && c.n_values <= g.discrete_tokens, "codes of ", c.n_values,
             " discrete tokens (q8), but this model has ", g.discrete_tokens,
             " discrete tokens. Hint: use the model that compressed the codes.");
  Matrix out(c.n, g.max_values());
  for_each_row_block(c.n, impl_->encode_block(), impl_->device, [&](int64_t s, int64_t e) {
    check_interrupt();
    auto idx = torch::from_blob(const_cast<uint8_t*>(c.payload.data() + s * c.n_values), {e - s, c.n_values},
                                torch::kUInt8).to(torch::kLong);
    auto y = cb->decode(idx.to(impl_->device)).to(torch::kCPU).contiguous();
    std::memcpy(out.row(s), y.data_ptr<float>(), sizeof(float) * size_t((e - s) * out.d));
  });
  return out;
}

Matrix ArfcModel::token_codewords() const {
  auto cb = impl_->arc->codebooks();
  const CodeGeometry g = geometry();
  if (cb.is_empty() || g.discrete_tokens == 0) return Matrix(0, g.max_values());
  // Residual codebooks are [M, 256, V]; open-loop ("per_token") ones [M, 256, V / M], token
  // m's words placing values [m s, (m + 1) s): zero elsewhere, so sums decode either mode.
  const auto w = cb->codebooks.to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t M = w.size(0), K = w.size(1), s = w.size(2), V = g.max_values();
  ARFC_ASSERT(w.dim() == 3 && (s == V || s * M == V), "token codebooks: unexpected shape ", w.sizes());
  Matrix out(M * K, V);
  const float* src = w.data_ptr<float>();
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < K; ++k)
      std::memcpy(out.row(m * K + k) + (s == V ? 0 : m * s), src + (m * K + k) * s, sizeof(float) * size_t(s));
  return out;
}

namespace {

using detail::held_out_split;
using detail::HeldOutSplit;
using detail::HeldOutTrial;

// Budgets the storage-type trial compares i4 and int8 at: the bytes of these ratios.
constexpr double kInt4TrialRatios[] = {512, 256, 128, 64, 32, 16, 12, 8};
// Budgets the code-source trial compares the ARC and the base code at. The ARC code stays
// the default wherever its held-out mean is ahead: a bar of 3 SE favouring the cheaper base
// code let the cross-modal model of the full protocol take it at a held-out gain of 1.2 SE
// for the ARC code, which then searched 0.2-0.3 point better at 2x-8x (docs/RESULTS.md).
constexpr double kSourceTrialRatios[] = {512, 128, 32, 8};

}  // namespace

void ArfcModel::select_int4(const TrainingRows& rows) {
  if (impl_->i4_scales.empty()) return;
  const HeldOutSplit split = held_out_split(rows, 0, true);
  if (split.held.size() < 50) return;
  CodeGeometry g = geometry();
  g.discrete_tokens = 0;
  // Candidates: budgets where both types make a code and int4 holds more values (below
  // one int8 code int4 is the only continuous code, and keeps those budgets either way).
  struct Candidate {
    int64_t bytes;
    CodeLayout i8, i4;
  };
  const int64_t floor_bytes = code_bytes(StorageType::I8, g.value_level ? 1 : g.token_width) - 1;
  std::vector<Candidate> candidates;
  for (double r : kInt4TrialRatios) {
    // The bytes `--ratio r` buys (codes/ratio.h: the ratio's slack included), so a limit of
    // b bytes covers the ratio it was measured at.
    const auto b = int64_t(std::floor(ratio_budget_bytes(g.input_dim, r)));
    if (b <= floor_bytes || (!candidates.empty() && candidates.back().bytes >= b)) continue;
    Candidate c{b, choose_layout(g, CodeBudget::bytes(double(b), StorageType::I8)),
                choose_layout(g, CodeBudget::bytes(double(b), StorageType::I4))};
    if (c.i4.n_values > c.i8.n_values) candidates.push_back(c);
  }
  if (candidates.empty()) return;
  const HeldOutTrial judge(*this, rows, split);
  nlohmann::json report = nlohmann::json::array();
  std::vector<Int4Trial> trials;
  for (const Candidate& c : candidates) {
    const detail::HeldOutScores r8 = judge.scores(c.i8), r4 = judge.scores(c.i4);
    Int4Trial t{c.bytes, r8.values(), r4.values()};
    const double s8 = r8.mean, s4 = r4.mean;
    report.push_back({{"bytes", t.bytes}, {"i8", s8}, {"i8_values", c.i8.n_values}, {"i4", s4},
                      {"i4_values", c.i4.n_values}});
    log_info("int4 at " + std::to_string(t.bytes) + " bytes: " + judge.measure() + " " + std::to_string(s4) + " (" +
             std::to_string(c.i4.n_values) + " i4 values) vs " + std::to_string(s8) + " (" +
             std::to_string(c.i8.n_values) + " i8 values) on " + judge.rows_text());
    trials.push_back(std::move(t));
  }
  CodeGeometry fixed_rule = g;
  fixed_rule.int4_max_bytes = -1;
  const int64_t fixed = fixed_rule.int4_limit();  // D/8
  const Int4Limit choice = choose_int4_limit(trials, floor_bytes, fixed);
  impl_->int4_max_bytes = choice.max_bytes;
  nlohmann::json summary = judge.summary(report);
  summary["int4_max_bytes"] = choice.max_bytes;
  summary["measured"] = choice.measured;
  summary["gain"] = choice.gain;
  summary["gain_se"] = choice.se;
  impl_->cfg.summary["int4_selection"] = summary;
  char gain[96];
  std::snprintf(gain, sizeof gain, "%+.4f (SE %.4f)", choice.gain, choice.se);
  std::string why;
  if (choice.measured)
    why = std::string(": the held-out trial's limit, ") + gain + " over the fixed rule's " + std::to_string(fixed);
  else if (choice.gain == 0)
    why = " (the fixed rule: no threshold scored higher)";
  else
    why = std::string(" (the fixed rule: the best threshold's gain, ") + gain + ", is within 3 SE)";
  log_info("int4 storage competes for budgets of at most " + std::to_string(choice.max_bytes) + " bytes/vector" + why);
  impl_->finish();
}

void ArfcModel::select_code_source(const TrainingRows& rows) {
  if (!impl_->separate_base()) return;
  const HeldOutSplit split = held_out_split(rows, 0, true);
  if (split.held.size() < 50) return;
  const CodeGeometry g = geometry();
  std::vector<std::pair<int64_t, CodeLayout>> budgets;  // (bytes, the model's layout there)
  for (double r : kSourceTrialRatios) {
    const auto b = int64_t(std::floor(ratio_budget_bytes(g.input_dim, r)));
    if (!budgets.empty() && budgets.back().first == b) continue;
    try {
      budgets.emplace_back(b, choose_layout(g, CodeBudget::bytes(double(b))));
    } catch (const Error&) {
      continue;  // below the model's smallest code
    }
  }
  if (budgets.empty()) return;
  const HeldOutTrial arc(*this, rows, split, CodeSource::Arc), base(*this, rows, split, CodeSource::Base);
  nlohmann::json report = nlohmann::json::array();
  std::vector<double> diff(split.held.size(), 0.0);  // [H] the ARC code's score minus the base code's, over budgets
  for (const auto& [bytes, layout] : budgets) {
    const detail::HeldOutScores a = arc.scores(layout), b = base.scores(layout);
    const std::vector<double> av = a.values(), bv = b.values();
    for (size_t r = 0; r < diff.size(); ++r) diff[r] += av[r] - bv[r];
    report.push_back({{"bytes", bytes}, {"code", describe_layout(layout, g.token_width)}, {"arc", a.mean},
                      {"base", b.mean}});
    log_info("code source at " + std::to_string(bytes) + " bytes: " + arc.measure() + " " + std::to_string(a.mean) +
             " (ARC code) vs " + std::to_string(b.mean) + " (base code) on " + arc.rows_text());
  }
  for (double& d : diff) d /= double(budgets.size());
  const PairedGain pg = paired_gain(diff, std::vector<double>(diff.size(), 0.0));
  const double gain = pg.gain, se = pg.se;
  impl_->base_source = !(gain > 0);
  nlohmann::json summary = arc.summary(report);
  summary["gain"] = gain;
  summary["gain_se"] = se;
  summary["code_source"] = code_source_name(code_source());
  impl_->cfg.summary["source_selection"] = summary;
  char why[128];
  std::snprintf(why, sizeof why, "the ARC code's mean gain over the base code is %+.4f (SE %.4f)", gain, se);
  log_info(std::string("default code source: ") + (impl_->base_source ? "the base code (" : "the ARC code (") + why +
           ")");
  impl_->finish();
}

void ArfcModel::set_code_source(CodeSource source) {
  ARFC_CHECK(source == CodeSource::Arc || source == CodeSource::Base, "set_code_source: the source must be the ARC "
             "code or the base code");
  if (source == CodeSource::Base && !impl_->separate_base()) {
    // As the trial, a no-op: without a base there is only the ARC code, and a base_only
    // model's ARC code is its base code.
    log_info(std::string("code source \"base\": this model ") +
             (impl_->arc->options.linear_base() ? "is base_only, so its ARC code is its base code" : "has no base (model.linear_base "
                                                                               "false); compress makes the ARC code"));
    return;
  }
  impl_->base_source = source == CodeSource::Base;
  impl_->cfg.summary["source_selection"] = {{"code_source", code_source_name(code_source())},
                                            {"chosen_by", "train.code_source"}};
  log_info(std::string("default code source: the ") + (impl_->base_source ? "base" : "ARC") +
           " code (train.code_source)");
  impl_->finish();
}

void ArfcModel::fit_codebooks(const TrainingRows& rows, int64_t max_rows) {
  auto cb = impl_->arc->codebooks();
  if (cb.is_empty()) return;
  const CodeGeometry g = geometry();
  const int64_t candidates = g.discrete_tokens, n = rows.rows();
  const uint64_t seed = impl_->cfg.train.value("seed", uint64_t(0));
  const bool select = impl_->cfg.model.discrete_select();
  const bool pairs = num_modalities() > 1;
  // Held-out rows judge the discrete/continuous split on codebooks fitted without them (both
  // modalities), so the trials see codes of rows the codebooks never saw, as the test
  // queries are (held_out_split). After the decision the codebooks are refitted on all rows
  // (up to max_rows) where the held-out rows would have been among them.
  const HeldOutSplit split = held_out_split(rows, max_rows, select);
  const int64_t held = int64_t(split.held.size());
  // Codebooks are fitted as far as they are read: the trials of a budget of b bytes read
  // tokens_read(b) of them (b plus the beam's lookahead), the kept model `keep`. Token m's
  // codebook does not depend on how far the fit goes (TokenCodebooksImpl::fit), so fitting
  // in parts costs only the tokens read: a model keeping 7 of 64 tokens after failing the
  // trial at 8 bytes fits 16 + 7 codebooks instead of 2 x 64 (docs/DESIGN.md).
  torch::Tensor codes;   // [rows (x modalities), V] what the codebooks are fitted on
  int64_t fitted = 0;    // codebooks fitted on `codes`
  std::string on_rows;   // "N rows (...)" for the log
  auto take_rows = [&](const std::vector<int64_t>& idx, const char* what) {
    std::vector<torch::Tensor> parts;
    parts.push_back(to_tensor(source_code(rows.gather(0, idx), 0)));
    if (pairs) parts.push_back(to_tensor(source_code(rows.gather(1, idx), 1)));
    codes = torch::cat(parts, 0).to(impl_->device);
    fitted = 0;
    on_rows = std::to_string(idx.size()) + " rows" + what;
  };
  auto fit_to = [&](int64_t last) {
    last = std::min(last, candidates);
    if (last <= fitted) return;
    const auto t0 = std::chrono::steady_clock::now();
    cb->fit(codes, seed, 16, fitted, last);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log_info("fitted discrete-token codebooks " + std::to_string(fitted + 1) + "-" + std::to_string(last) + " of " +
             std::to_string(candidates) + " on " + on_rows + " in " + format_duration(secs));
    fitted = last;
  };
  take_rows(split.fit, split.by_class ? " (the held-out classes left out)" : "");

  int64_t keep = candidates;
  if (select && held >= 50) {
    // Discrete tokens always serve the budgets below the smallest continuous code (one
    // token of the least precise type: i4 when calibrated, else i8); a larger budget of b
    // bytes (multiples of that size) joins them while b discrete tokens search better than
    // the continuous code the budget buys (choose_layout: i4 or i8 values) on the held-out
    // rows, beyond noise (discrete_beats_continuous; measured per model: docs/DESIGN.md).
    CodeGeometry continuous = g;
    continuous.discrete_tokens = 0;
    // The smallest continuous code the budget rule can give (i4 only up to int4_limit()).
    int64_t step_bytes = 0;
    for (const CodeLayout& l : all_layouts(continuous))
      if (l.dtype != StorageType::I4 || int4_competes(continuous, l.bytes_per_vector)) step_bytes = l.bytes_per_vector;
    keep = std::min(candidates, std::max<int64_t>(1, step_bytes - 1));
    const HeldOutTrial judge(*this, rows, split);
    nlohmann::json trials = nlohmann::json::array();
    for (int64_t b = step_bytes; b <= candidates && b <= g.max_values(); b += step_bytes) {
      fit_to(cb->tokens_read(b));
      const CodeLayout cont = choose_layout(continuous, CodeBudget::bytes(double(b)));
      const detail::HeldOutScores q8 = judge.scores(make_layout(g.input_dim, b, StorageType::Q8));
      const detail::HeldOutScores c = judge.scores(cont);
      const PairedGain pg = paired_gain(q8.values(), c.values());
      const bool wins = discrete_beats_continuous(pg);
      trials.push_back({{"bytes", b},
                        {"q8", q8.mean},
                        {"continuous", c.mean},
                        {"dtype", storage_name(cont.dtype)},
                        {"values", cont.n_values},
                        {"gain", pg.gain},
                        {"gain_se", pg.se}});
      char gain[128];
      std::snprintf(gain, sizeof gain, " (gain %+.4f, SE %.4f): %s", pg.gain, pg.se,
                    wins ? "discrete" : "continuous from here (the gain is not beyond");
      log_info("discrete tokens at " + std::to_string(b) + " bytes: " + judge.measure() + " " +
               std::to_string(q8.mean) + " vs " + std::to_string(cont.n_values) + " " + storage_name(cont.dtype) +
               " values " + std::to_string(c.mean) + " on " + judge.rows_text() + gain +
               (wins ? "" : " " + format_ratio(kDiscreteGuardSe) + " SE)"));
      if (!wins) break;
      keep = std::min(candidates, b + step_bytes - 1);
    }
    nlohmann::json summary = judge.summary(trials);
    summary["discrete_tokens"] = keep;
    impl_->cfg.summary["discrete_selection"] = summary;
  }
  // The refit: rows 0 .. min(max_rows, N) - 1, unless the first fit already had them all
  // (with N >= max_rows + the held-out rows, the held-out rows are past max_rows anyway).
  // The kept model reads its first `keep` codebooks only (a beam's lookahead stops at the
  // last token it has).
  const int64_t all_rows = std::min(max_rows, n);
  if (int64_t(split.fit.size()) < all_rows) {
    std::vector<int64_t> all;
    for (int64_t i = 0; i < all_rows; ++i) all.push_back(i);
    take_rows(all, split.by_class ? " (all classes)" : " (held-out rows included)");
  }
  fit_to(keep);
  if (keep < candidates) {
    impl_->arc->keep_discrete_tokens(keep);
    impl_->cfg.model.discrete_tokens(keep);
  }
  impl_->finish();
}

void ArfcModel::network_updated(const std::string& key, const nlohmann::json& summary) {
  impl_->cfg.summary[key] = summary;
  impl_->finish();
}

const std::vector<float>& ArfcModel::scales(StorageType t, int64_t modality) const {
  static const std::vector<float> none;
  static const std::vector<std::vector<float>> no_table;
  const auto& all = t == StorageType::I8 ? impl_->i8_scales : t == StorageType::I4 ? impl_->i4_scales : no_table;
  if (all.empty()) return none;
  ARFC_CHECK(modality >= 0 && modality < int64_t(all.size()), "scales: modality must be in [0, ", all.size() - 1,
             "], got ", modality);
  return all[size_t(modality)];
}

bool ArfcModel::calibrated() const { return !impl_->i8_scales.empty(); }

void ArfcModel::calibrate(const TrainingRows& rows, int64_t max_rows) {
  ARFC_CHECK(rows.rows() > 0, "calibrate: no training rows.");
  ARFC_CHECK(rows.modalities() >= num_modalities(), "calibrate: the model has ", num_modalities(),
             " modalities, the training rows ", rows.modalities());
  std::vector<std::vector<float>> s8, s4;
  for (int64_t m = 0; m < num_modalities(); ++m) {
    const Matrix x = rows.slice(m, 0, std::min(rows.rows(), max_rows));
    const Matrix codes = source_code(x, m);
    s8.push_back(calibrate_scales(codes, StorageType::I8));
    s4.push_back(calibrate_scales(codes, StorageType::I4));
  }
  impl_->i8_scales = std::move(s8);
  impl_->i4_scales = std::move(s4);
  impl_->finish();
}

void ArfcModel::save(const std::string& path) const {
  nlohmann::json header = {{"format", "arfc-model"},
                           {"library_version", ARFC_VERSION},
                           {"fingerprint", hex64(impl_->fingerprint)},
                           {"config", impl_->config}};
  if (!impl_->i8_scales.empty()) header["calibration"] = impl_->calibration_json();
  impl_->arc->to(torch::kCPU);
  std::string blob = module_to_bytes(*impl_->arc);
  impl_->arc->to(impl_->device);
  write_container(path, kModelMagic, kModelFormatVersion, header, blob);
}

ArfcModel ArfcModel::load(const std::string& path, const std::string& device) {
  ContainerFile c = read_container(path, kModelMagic, kModelFormatVersion, "model file");
  ARFC_CHECK(c.header.contains("config") && c.header.at("config").is_object(), "model file '", path,
             "': header has no \"config\" object. Hint: the file is corrupt.");
  auto impl = std::make_shared<Impl>();
  try {
    impl->cfg = parse_model_config(c.header.at("config"), "model file config");
  } catch (const Error& e) {
    ARFC_THROW("model file '", path, "': ", e.what());
  }
  // The weights archive stores every parameter as float32: a config that asks for more than
  // the file holds is refused before the model is built.
  const int64_t params = ArcImpl::parameter_count(impl->cfg.model);
  ARFC_CHECK(uint64_t(params) * sizeof(float) <= c.blob.size(), "model file '", path, "': its config describes ",
             params, " parameters (", params * int64_t(sizeof(float)), " bytes of float32 weights) but the file holds ",
             c.blob.size(), " bytes of weights. Hint: the file is corrupt or truncated.");
  impl->arc = Arc(impl->cfg.model);
  module_from_bytes(*impl->arc, c.blob, "model file '" + path + "'");
  impl->arc->check_stored_scales("model file '" + path + "'");
  impl->device = parse_device(device);
  impl->arc->to(impl->device);
  if (c.header.contains("calibration")) {
    const nlohmann::json& cal = c.header.at("calibration");
    const int64_t mods = impl->arc->num_modalities(), values = impl->arc->max_values();
    ARFC_CHECK(cal.is_object() && cal.contains("i8_scales"), "model file '", path,
               "': \"calibration\" must hold \"i8_scales\". Hint: the file is corrupt.");
    // i4_scales exist in files written since i4 storage; older files have int8 only.
    for (const char* key : {"i8_scales", "i4_scales"}) {
      if (!cal.contains(key)) continue;
      const nlohmann::json& table = cal.at(key);
      ARFC_CHECK(table.is_array() && int64_t(table.size()) == mods, "model file '", path, "': calibration \"", key,
                 "\" must hold one array per modality (", mods, "). Hint: the file is corrupt.");
      auto& out = std::string(key) == "i8_scales" ? impl->i8_scales : impl->i4_scales;
      for (const auto& row : table) {
        ARFC_CHECK(row.is_array() && int64_t(row.size()) == values, "model file '", path, "': calibration has ",
                   row.is_array() ? row.size() : 0, " ", key, " per modality, expected ", values, " (max_values).");
        std::vector<float> v;
        for (const auto& e : row) {
          // Checked as stored (float32): 1e300 would become inf, 1e-50 zero.
          const float f = e.is_number() ? e.get<float>() : 0.0f;
          ARFC_CHECK(std::isnormal(f) && f > 0, "model file '", path, "': calibration scale ", detail::json_excerpt(e),
                     " is not a positive finite float32 number. Hint: the file is corrupt or was edited.");
          v.push_back(f);
        }
        out.push_back(std::move(v));
      }
    }
    // i4_max_bytes exists in files whose training measured where int4 competes.
    if (cal.contains("i4_max_bytes")) {
      const nlohmann::json& v = cal.at("i4_max_bytes");
      const int64_t full = 4 * impl->cfg.model.input_dim();
      ARFC_CHECK(!impl->i4_scales.empty() && v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() < full,
                 "model file '", path, "': calibration \"i4_max_bytes\" must be a whole number of bytes in [0, ", full,
                 ") beside \"i4_scales\", got ", detail::json_excerpt(v), ". Hint: the file is corrupt or was edited.");
      impl->int4_max_bytes = v.get<int64_t>();
    }
    // code_source exists in files whose training chose the base code (select_code_source).
    if (cal.contains("code_source")) {
      const nlohmann::json& v = cal.at("code_source");
      ARFC_CHECK(v.is_string() && (v.get<std::string>() == "base" || v.get<std::string>() == "arc"), "model file '",
                 path, "': calibration \"code_source\" must be \"arc\" or \"base\", got ", detail::json_excerpt(v),
                 ". Hint: the file is corrupt or was edited.");
      impl->base_source = v.get<std::string>() == "base";
      ARFC_CHECK(!impl->base_source || impl->cfg.model.linear_base(), "model file '", path, "': calibration "
                 "\"code_source\" is \"base\" but the model has no base (model.linear_base is false). Hint: the "
                 "file is corrupt or was edited.");
    }
  }
  impl->finish();
  // Every model file ever written stores its fingerprint: a missing one means an edited file.
  ARFC_CHECK(c.header.contains("fingerprint") && c.header.at("fingerprint").is_string(), "model file '", path,
             "': header has no \"fingerprint\" string. Hint: the file is corrupt or was edited.");
  ARFC_CHECK(c.header.at("fingerprint").get<std::string>() == hex64(impl->fingerprint), "model file '", path,
             "': fingerprint mismatch (stored ", c.header.at("fingerprint").get<std::string>(), ", computed ",
             hex64(impl->fingerprint), "). Hint: the file is corrupt.");
  return ArfcModel(impl);
}

}  // namespace arfc

namespace arfc {

std::string model_file_magic() { return std::string(kModelMagic, sizeof kModelMagic); }

nlohmann::json describe_model_file(const std::string& path) {
  ArfcModel m = ArfcModel::load(path, "cpu");
  const CodeGeometry g = m.geometry();
  const nlohmann::json cfg = m.config();
  int64_t params = 0;
  for (const auto& p : m.impl()->arc->parameters()) params += p.numel();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  return {{"format", "arfc-model"},
          {"task", task_name(m.task())},
          {"input_dim", g.input_dim},
          {"token_width", g.token_width},
          {"max_tokens", g.max_tokens},
          {"max_values", g.max_values()},
          {"value_level", g.value_level},
          {"modalities", m.num_modalities()},
          {"solutions", cfg["model"].value("solutions", int64_t(1))},
          {"linear_base", cfg["model"].value("linear_base", false)},
          {"base_hidden", cfg["model"].value("base_hidden", int64_t(0))},
          {"discrete_tokens", g.discrete_tokens},
          {"token_beam", m.token_beam()},
          {"token_lookahead", m.token_lookahead()},
          {"code_source", code_source_name(m.code_source())},
          {"int8_calibration", m.calibrated() ? "stored (fitted on training rows)" : "none (per-file scales)"},
          {"int4_calibration", g.int4 ? "stored (fitted on training rows)" : "none (no i4 storage)"},
          {"int4_max_bytes", g.int4 ? g.int4_limit() : int64_t(0)},
          {"parameters", params},
          {"fingerprint", hex64(m.fingerprint())},
          {"file_bytes", ec ? int64_t(0) : int64_t(bytes)},
          {"summary", cfg.value("summary", nlohmann::json::object())}};
}

}  // namespace arfc
