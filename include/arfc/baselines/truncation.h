// Prefix truncation: keep the first m = floor(D / R) dimensions as float32. No training.
// Similarity: cosine.
#pragma once

#include <cstdint>

#include "arfc/eval/codec.h"

namespace arfc {

class TruncationCodec : public Codec {
 public:
  TruncationCodec(double ratio, int64_t input_dim);
  std::string name() const override { return "trunc"; }
  std::string distance() const override { return "cosine"; }
  void fit(const FeatureSet&) override {}
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return 4 * m_; }

 private:
  int64_t d_, m_;
};

}  // namespace arfc
