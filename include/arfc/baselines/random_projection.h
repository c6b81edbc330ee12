// Random Gaussian projection: x -> x G[:, :m] / sqrt(m) with G a D x D standard Gaussian
// matrix drawn from cache.seed (std::mt19937_64, so identical on every platform). The
// projection is nested (a smaller code is a prefix). No training. Similarity: cosine.
#pragma once

#include <cstdint>
#include <memory>

#include "arfc/eval/codec.h"

namespace arfc {

// [D, D] float32 standard Gaussian, deterministic in (D, seed).
Matrix gaussian_matrix(int64_t d, uint64_t seed);

class RandomProjectionCodec : public Codec {
 public:
  RandomProjectionCodec(double ratio, int64_t input_dim, CodecCache& cache);
  std::string name() const override { return "rp"; }
  std::string distance() const override { return "cosine"; }
  void fit(const FeatureSet& fs) override;
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return 4 * m_; }

 private:
  int64_t d_, m_;
  CodecCache& cache_;
  std::shared_ptr<Matrix> g_;  // [D, D], shared through the cache (key "rp")
};

}  // namespace arfc
