// Prefix truncation: keep the first m dimensions, stored as f32/f16/int8 (FloatCodec:
// "trunc", "trunc+i8"). No training. Similarity: cosine. Decode: the kept dimensions, zeros
// elsewhere (asymmetric search).
#pragma once

#include <cstdint>

#include "arfc/codec/float_codec.h"

namespace arfc {

class TruncationCodec : public FloatCodec {
 public:
  TruncationCodec(double ratio, int64_t input_dim, std::optional<StorageType> dtype = std::nullopt);
  std::string distance() const override { return "cosine"; }

 protected:
  void fit_transform(const FeatureSet&) override {}
  Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const override;
  bool invertible() const override { return true; }
  Matrix inverse(const Matrix& values, int64_t modality) const override;

 private:
  int64_t d_;
};

}  // namespace arfc
