#include "arfc/baselines/truncation.h"

#include <algorithm>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"

namespace arfc {

TruncationCodec::TruncationCodec(double ratio, int64_t input_dim, std::optional<StorageType> dtype)
    : FloatCodec("trunc", ratio, dtype), d_(input_dim) {
  set_geometry(value_geometry(input_dim, input_dim));
}

Matrix TruncationCodec::transform(const Matrix& x, int64_t n_values, int64_t) const {
  ARFC_CHECK(x.d >= n_values, "trunc: input has D = ", x.d, ", fewer than the ", n_values, " kept values.");
  return prefix_cols(x, n_values);
}

Matrix TruncationCodec::inverse(const Matrix& values, int64_t) const {
  ARFC_CHECK(values.d <= d_, "trunc: ", values.d, " values for D = ", d_, ".");
  Matrix out(values.n, d_);
  for (int64_t i = 0; i < values.n; ++i) std::copy(values.row(i), values.row(i) + values.d, out.row(i));
  return out;
}

}  // namespace arfc
