#include "held_out_trial.h"

#include <limits>
#include <map>
#include <set>

#include "arfc/nn/tensor_util.h"

namespace arfc::detail {

namespace {

// Rows of t [N, q] scaled to unit L2 norm (zero rows stay zero).
torch::Tensor unit_rows(const torch::Tensor& t) { return t / t.norm(2, 1, true).clamp_min(1e-12); }

// How well codes [H, q] of held-out rows keep what search needs, compared by cosine:
// leave-one-out 1-NN label accuracy when labels are given, else the overlap of each row's
// 10 nearest neighbours with those under the full continuous code `reference`. The mean is
// computed as a total of whole counts over its count (hits / (H k)), so equal totals give
// equal scores, bit for bit.
HeldOutScores search_scores(const Matrix& codes, const torch::Tensor& labels, const torch::Tensor& reference) {
  auto neighbours = [&](const torch::Tensor& t, int64_t k) {
    auto u = unit_rows(t);
    auto sim = u.matmul(u.t());
    sim.fill_diagonal_(-std::numeric_limits<float>::infinity());
    return std::get<1>(sim.topk(k, 1));
  };
  const auto c = to_tensor(codes);
  if (labels.defined()) {
    auto nn = neighbours(c, 1).squeeze(1);
    const auto hits = labels.index_select(0, nn).eq(labels).to(torch::kFloat64);
    return {hits, hits.mean().item<double>()};
  }
  const int64_t k = std::min<int64_t>(10, c.size(0) - 1);
  auto a = neighbours(c, k), b = neighbours(reference, k);
  const auto hits = a.unsqueeze(2).eq(b.unsqueeze(1)).any(2).to(torch::kFloat64);
  return {hits.mean(1), hits.mean().item<double>()};
}

// Cross-modal retrieval on held-out pairs [H, q] (row i of a pairs with row i of b), both
// sides compressed: the mean of the two directions' R@1 under cosine similarity (per pair:
// the mean of its two hits).
HeldOutScores pair_scores(const Matrix& codes_a, const Matrix& codes_b) {
  const auto sim = unit_rows(to_tensor(codes_a)).matmul(unit_rows(to_tensor(codes_b)).t());
  const auto truth = torch::arange(sim.size(0), torch::kLong);
  const auto a_to_b = sim.argmax(1).eq(truth).to(torch::kFloat64);
  const auto b_to_a = sim.argmax(0).eq(truth).to(torch::kFloat64);
  return {0.5 * (a_to_b + b_to_a), 0.5 * (a_to_b.mean().item<double>() + b_to_a.mean().item<double>())};
}

// The rows of the classes an open-set retrieval model's split is judged on: the classes
// with the highest ids, at least two and together at least a fifth of the rows, leaving at
// least two classes for the codebooks. Empty when the labels have fewer than 4 classes.
std::vector<int64_t> unseen_class_rows(const Labels& y) {
  std::map<int64_t, int64_t> count;
  for (int64_t c : y) ++count[c];
  if (count.size() < 4) return {};
  std::set<int64_t> held;
  int64_t rows = 0;
  for (auto it = count.rbegin(); it != count.rend(); ++it) {
    if ((held.size() >= 2 && rows * 5 >= int64_t(y.size())) || count.size() - held.size() <= 2) break;
    held.insert(it->first);
    rows += it->second;
  }
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < int64_t(y.size()); ++i)
    if (held.count(y[size_t(i)])) idx.push_back(i);
  return idx;
}

bool has_labels(const TrainingRows& rows) {
  return (rows.task() == Task::Classification || rows.task() == Task::Retrieval) &&
         int64_t(rows.labels().size()) == rows.rows();
}

}  // namespace

HeldOutSplit held_out_split(const TrainingRows& rows, int64_t max_rows, bool hold_out) {
  HeldOutSplit s;
  const int64_t n = rows.rows();
  if (hold_out && rows.task() == Task::Retrieval && has_labels(rows)) s.held = unseen_class_rows(rows.labels());
  s.by_class = !s.held.empty();
  if (s.by_class) {
    std::vector<char> is_held(size_t(n), 0);
    for (int64_t i : s.held) is_held[size_t(i)] = 1;
    for (int64_t i = 0; i < n && int64_t(s.fit.size()) < max_rows; ++i)
      if (!is_held[size_t(i)]) s.fit.push_back(i);
    if (int64_t(s.held.size()) > 2000) s.held.resize(2000);
  } else {
    const int64_t held = hold_out ? std::min<int64_t>(2000, n / 5) : 0;
    for (int64_t i = n - held; i < n; ++i) s.held.push_back(i);
    for (int64_t i = 0; i < std::min(max_rows, n - held); ++i) s.fit.push_back(i);
  }
  return s;
}

HeldOutTrial::HeldOutTrial(const ArfcModel& model, const TrainingRows& rows, const HeldOutSplit& split,
                           CodeSource source)
    : model_(model), by_class_(split.by_class), held_(int64_t(split.held.size())) {
  const int64_t full = model.geometry().max_values();
  pairs_ = model.num_modalities() > 1;
  if (has_labels(rows)) {
    Labels y;
    for (int64_t i : split.held) y.push_back(rows.labels()[size_t(i)]);
    labels_ = to_tensor(y);
  }
  if (source == CodeSource::Model) source = model.code_source();
  auto code = [&](const Matrix& x, int64_t modality) {
    return source == CodeSource::Base ? model.base_code(x, modality) : model.encode(x, full, modality);
  };
  const Matrix a = rows.gather(0, split.held);
  full_a_ = code(a, 0);
  if (pairs_) full_b_ = code(rows.gather(1, split.held), 1);
  if (!labels_.defined() && !pairs_)
    reference_ = to_tensor(source == CodeSource::Arc ? full_a_ : model.encode(a, full, 0));
}

HeldOutScores HeldOutTrial::scores(const CodeLayout& l) const {
  const Matrix a = model_.code_values(model_.quantize(full_a_, l, 0));
  if (pairs_)
    return pair_scores(
        a, model_.code_values(model_.quantize(full_b_, make_layout(model_.input_dim(1), l.n_values, l.dtype), 1)));
  return search_scores(a, labels_, reference_);
}

std::vector<double> HeldOutScores::values() const {
  const torch::Tensor c = per_row.to(torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

const char* HeldOutTrial::measure() const {
  return pairs_ ? "crossmodal_r1" : labels_.defined() ? "knn1_accuracy" : "knn10_overlap";
}

std::string HeldOutTrial::rows_text() const {
  return std::to_string(held_) + (by_class_ ? " rows of held-out classes" : " held-out rows");
}

nlohmann::json HeldOutTrial::summary(const nlohmann::json& trials) const {
  nlohmann::json j = {{"held_out_rows", held_}, {"measure", measure()}, {"trials", trials}};
  if (by_class_) j["held_out"] = "classes";
  return j;
}

}  // namespace arfc::detail
