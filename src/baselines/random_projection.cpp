#include "arfc/baselines/random_projection.h"

#include <torch/torch.h>

#include <cmath>
#include <random>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

Matrix gaussian_matrix(int64_t d, uint64_t seed) {
  Matrix g(d, d);
  std::mt19937_64 rng(seed ^ 0x5eed5eedULL);
  // Box-Muller by hand: std::normal_distribution differs between standard libraries.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (size_t i = 0; i < g.data.size(); i += 2) {
    double u1 = std::max(u(rng), 1e-300), u2 = u(rng);
    double r = std::sqrt(-2.0 * std::log(u1));
    g.data[i] = float(r * std::cos(2 * M_PI * u2));
    if (i + 1 < g.data.size()) g.data[i + 1] = float(r * std::sin(2 * M_PI * u2));
  }
  return g;
}

RandomProjectionCodec::RandomProjectionCodec(double ratio, int64_t input_dim, CodecCache& cache,
                                             std::optional<StorageType> dtype)
    : FloatCodec("rp", ratio, dtype), d_(input_dim), cache_(cache) {
  set_geometry(value_geometry(input_dim, input_dim));
}

void RandomProjectionCodec::fit_transform(const FeatureSet& fs) {
  shared_space_train(fs, "rp");  // only validates that both modalities share one space
  auto it = cache_.models.find("rp");
  if (it != cache_.models.end()) {
    g_ = std::static_pointer_cast<Matrix>(it->second);
  } else {
    g_ = std::make_shared<Matrix>(gaussian_matrix(d_, cache_.seed));
    cache_.models["rp"] = g_;
  }
  ARFC_ASSERT(g_->d == d_);
}

Matrix RandomProjectionCodec::transform(const Matrix& x, int64_t n_values, int64_t) const {
  ARFC_ASSERT(g_, "rp: encode() before fit()");
  ARFC_CHECK(x.d == d_, "rp: input has D = ", x.d, ", expected ", d_, ".");
  torch::NoGradGuard ng;
  auto g = to_tensor(*g_).narrow(1, 0, n_values) / std::sqrt(double(n_values));
  return to_matrix(to_tensor(x).mm(g));
}

}  // namespace arfc
