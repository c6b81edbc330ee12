#include "arfc/baselines/budget.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "arfc/core/error.h"

namespace arfc {

CodeGeometry value_geometry(int64_t input_dim, int64_t max_values) {
  CodeGeometry g;
  g.input_dim = input_dim;
  g.token_width = 1;
  g.max_tokens = max_values;
  g.value_level = true;
  g.int4 = true;  // every float codec calibrates its int4 scales on training rows
  return g;
}

int64_t byte_budget_for_ratio(const std::string& method, double ratio, int64_t input_dim) {
  ARFC_CHECK(std::isfinite(ratio) && ratio >= 1.0, method, ": ratio must be >= 1, got ", ratio,
             ". Hint: pass ratios such as 2,4,8.");
  const auto b = int64_t(std::floor(4.0 * double(input_dim) / ratio + 1e-9));
  ARFC_CHECK(b >= 1, method, ": ratio ", ratio, " leaves less than one byte of a ", input_dim,
             "-d float32 vector. Hint: use a ratio <= ", 4 * input_dim, ".");
  return b;
}

Matrix shared_space_train(const FeatureSet& fs, const std::string& method) {
  if (fs.task != Task::Crossmodal || fs.train_b.empty()) return fs.train_x;
  ARFC_CHECK(fs.train_b.d == fs.train_x.d, method, ": fits one space for both modalities, but ",
             "train_x has D = ", fs.train_x.d, " and train_b has D = ", fs.train_b.d,
             ". Hint: use methods that compress each modality separately (trunc, ptq, arfc).");
  Matrix u(fs.train_x.n + fs.train_b.n, fs.train_x.d);
  std::copy(fs.train_x.data.begin(), fs.train_x.data.end(), u.data.begin());
  std::copy(fs.train_b.data.begin(), fs.train_b.data.end(), u.data.begin() + fs.train_x.data.size());
  return u;
}

Matrix subsample_rows(const Matrix& m, int64_t max_rows, uint64_t seed) {
  if (m.n <= max_rows) return m;
  std::vector<int64_t> idx(size_t(m.n));
  std::iota(idx.begin(), idx.end(), int64_t(0));
  std::mt19937_64 rng(seed);
  // Partial Fisher-Yates: the first max_rows entries are a uniform sample.
  for (int64_t i = 0; i < max_rows; ++i) {
    std::uniform_int_distribution<int64_t> pick(i, m.n - 1);
    std::swap(idx[size_t(i)], idx[size_t(pick(rng))]);
  }
  idx.resize(size_t(max_rows));
  std::sort(idx.begin(), idx.end());
  return gather_rows(m, idx);
}

}  // namespace arfc
