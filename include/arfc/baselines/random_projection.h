// Random Gaussian projection: x -> x G[:, :m] / sqrt(m) with G a D x D standard Gaussian
// matrix drawn from cache.seed (std::mt19937_64, so identical on every platform). The
// projection is nested (a smaller code is a prefix). No training. Stored as f32/f16/int8
// (FloatCodec: "rp", "rp+i8"). Similarity: cosine. No inverse (no asymmetric search).
#pragma once

#include <cstdint>
#include <memory>

#include "arfc/codec/float_codec.h"

namespace arfc {

// [D, D] float32 standard Gaussian, deterministic in (D, seed).
Matrix gaussian_matrix(int64_t d, uint64_t seed);

class RandomProjectionCodec : public FloatCodec {
 public:
  RandomProjectionCodec(double ratio, int64_t input_dim, CodecCache& cache,
                        std::optional<StorageType> dtype = std::nullopt);
  std::string distance() const override { return "cosine"; }

 protected:
  void fit_transform(const FeatureSet& fs) override;
  Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const override;

 private:
  int64_t d_;
  CodecCache& cache_;
  std::shared_ptr<Matrix> g_;  // [D, D], shared through the cache (key "rp")
};

}  // namespace arfc
