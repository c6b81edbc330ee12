#include "arfc/core/matrix.h"

#include <algorithm>
#include <cmath>

#include "arfc/core/error.h"

namespace arfc {

Matrix slice_rows(const Matrix& m, int64_t begin, int64_t end) {
  ARFC_ASSERT(0 <= begin && begin <= end && end <= m.n);
  Matrix out(end - begin, m.d);
  std::copy(m.row(begin), m.row(begin) + (end - begin) * m.d, out.data.begin());
  return out;
}

Matrix gather_rows(const Matrix& m, const std::vector<int64_t>& idx) {
  Matrix out(int64_t(idx.size()), m.d);
  for (size_t i = 0; i < idx.size(); ++i) {
    ARFC_ASSERT(idx[i] >= 0 && idx[i] < m.n);
    std::copy(m.row(idx[i]), m.row(idx[i]) + m.d, out.row(int64_t(i)));
  }
  return out;
}

Matrix prefix_cols(const Matrix& m, int64_t cols) {
  ARFC_ASSERT(cols >= 0 && cols <= m.d);
  Matrix out(m.n, cols);
  for (int64_t i = 0; i < m.n; ++i) std::copy(m.row(i), m.row(i) + cols, out.row(i));
  return out;
}

void check_finite(const Matrix& m, const std::string& what, int64_t row_offset, const std::string& hint) {
  for (int64_t i = 0; i < m.n; ++i) {
    const float* r = m.row(i);
    for (int64_t j = 0; j < m.d; ++j) {
      if (!std::isfinite(r[j])) {
        ARFC_THROW(what, ": row ", row_offset + i, ", column ", j, " holds ", r[j],
                   "; expected finite values. Hint: ", hint);
      }
    }
  }
}

void l2_normalize_rows(Matrix& m) {
  for (int64_t i = 0; i < m.n; ++i) {
    float* r = m.row(i);
    double s = 0;
    for (int64_t j = 0; j < m.d; ++j) s += double(r[j]) * r[j];
    if (s <= 0) continue;
    float inv = float(1.0 / std::sqrt(s));
    for (int64_t j = 0; j < m.d; ++j) r[j] *= inv;
  }
}

void check_class_ids(const Labels& y, const std::string& what) {
  for (size_t i = 0; i < y.size(); ++i)
    ARFC_CHECK(y[i] >= 0 && y[i] < kMaxClasses, what, ": label ", i, " is ", y[i], "; expected class ids in [0, ",
               kMaxClasses, "). Hint: map classes to 0..C-1.");
}

}  // namespace arfc
