#include "arfc/baselines/truncation.h"

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"

namespace arfc {

TruncationCodec::TruncationCodec(double ratio, int64_t input_dim)
    : d_(input_dim), m_(float_values_for_ratio("trunc", ratio, input_dim)) {}

Representation TruncationCodec::encode(const Matrix& x, int64_t modality) const {
  ARFC_CHECK(x.d >= m_, "trunc: input has D = ", x.d, ", fewer than the ", m_, " kept values.");
  Representation r;
  r.database = prefix_cols(x, m_);
  r.query = r.database;
  r.sim = Similarity::Cosine;
  return r;
}

}  // namespace arfc
