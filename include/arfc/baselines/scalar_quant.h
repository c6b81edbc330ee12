// Post-training scalar quantisation of the original feature, at its native ratio:
//   f16  float16 per value                               2 D bytes   (2x)
//   i8   per-dimension affine int8, range from train      D bytes    (4x)
//   i4   per-dimension affine int4, range from train      ceil(D/2)  (8x)
//   bin  sign(x - train mean) per value                   ceil(D/8)  (32x)
// The per-dimension ranges / means are per-file metadata (like the int8 scales of ARFC
// code files) and are not counted per vector. Values outside the train range are clipped.
// The representation is the dequantised vector (bin: a +-1 vector, so the cosine ordering
// equals the Hamming ordering: dot = D - 2 * Hamming). Each modality keeps its own ranges.
// (The "+i8" storage of transforms, e.g. pca+i8, is codec/float_codec.h: symmetric int8
// of the transform's values; this is per-dimension affine int8 of the raw feature.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"

namespace arfc {

enum class ScalarQuant { F16, I8, I4, Bin };

ScalarQuant parse_scalar_quant(const std::string& name);  // "f16", "i8", "i4", "bin"
std::string scalar_quant_name(ScalarQuant q);

class ScalarQuantCodec : public Codec {
 public:
  ScalarQuantCodec(ScalarQuant kind, int64_t input_dim);
  std::string name() const override { return scalar_quant_name(kind_); }
  std::string distance() const override { return kind_ == ScalarQuant::Bin ? "hamming" : "cosine"; }
  void fit(const FeatureSet& fs) override;
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override;
  // f16/i8/i4 dequantise to the input space (asymmetric search); bin's +-1 vectors do not.
  bool can_decode() const override { return kind_ != ScalarQuant::Bin; }
  Matrix decode(const Representation& r, int64_t) const override { return r.codes; }
  // Native ratio for a D-dim input: 4 D / bytes_per_vector().
  static double native_ratio(ScalarQuant kind, int64_t input_dim);

  // The integer codes of x: [N, D] values in [0, levels-1] (i8: 256 levels, i4: 16) or
  // {0, 1} (bin), and their dequantisation. Exposed for tests.
  std::vector<uint8_t> quantize(const Matrix& x, int64_t modality) const;
  Matrix dequantize(const std::vector<uint8_t>& q, int64_t n, int64_t modality) const;

 private:
  struct Range {
    std::vector<float> lo, step, mean;  // [D] each
  };
  ScalarQuant kind_;
  int64_t d_;
  std::vector<Range> ranges_;  // one per modality
};

}  // namespace arfc
