// The library's dense batch type: n x d float32, row-major (faiss convention: a batch is
// `(n, const float* x)` with row i at x + i*d). Labels are int64 class ids, one per row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace arfc {

struct Matrix {
  int64_t n = 0;
  int64_t d = 0;
  std::vector<float> data;  // n*d values, row-major

  Matrix() = default;
  Matrix(int64_t rows, int64_t cols) : n(rows), d(cols), data(size_t(rows * cols), 0.0f) {}

  float* row(int64_t i) { return data.data() + i * d; }
  const float* row(int64_t i) const { return data.data() + i * d; }
  float& at(int64_t i, int64_t j) { return data[size_t(i * d + j)]; }
  float at(int64_t i, int64_t j) const { return data[size_t(i * d + j)]; }
  bool empty() const { return n == 0; }
  std::string shape_str() const { return std::to_string(n) + " x " + std::to_string(d); }
};

using Labels = std::vector<int64_t>;
// Class ids are in [0, kMaxClasses): everything that allocates per class (the probe's
// [rows, classes] targets, the training head's prototypes) is bounded by it.
constexpr int64_t kMaxClasses = 1000000;
// Throws arfc::Error naming `what` (where the labels come from), the first label outside
// [0, kMaxClasses) and its index.
void check_class_ids(const Labels& y, const std::string& what);

// Rows [begin, end) as a new matrix.
Matrix slice_rows(const Matrix& m, int64_t begin, int64_t end);
// Rows picked by index, in order.
Matrix gather_rows(const Matrix& m, const std::vector<int64_t>& idx);
// First `cols` columns.
Matrix prefix_cols(const Matrix& m, int64_t cols);
// Throws arfc::Error naming `what` and the first (row, col) holding NaN or Inf; rows are
// numbered from row_offset (m is rows [row_offset, ...) of something larger). `hint` ends
// the message (what the user can do); the default speaks of input features.
void check_finite(const Matrix& m, const std::string& what, int64_t row_offset = 0,
                  const std::string& hint = "clean or drop that row before compressing.");
// Row-wise L2 normalisation in place (zero rows stay zero).
void l2_normalize_rows(Matrix& m);

}  // namespace arfc
