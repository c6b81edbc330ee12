#include "arfc/nn/pca.h"

#include "arfc/core/error.h"

namespace arfc {

PcaBasis fit_pca(const torch::Tensor& x) {
  ARFC_CHECK(x.dim() == 2 && x.size(0) >= 2, "pca: needs a [N, D] matrix with at least 2 rows, got ", x.sizes(),
             ". Hint: check the train split.");
  torch::NoGradGuard ng;
  auto t = x.to(torch::kFloat64);
  auto mean = t.mean(0, /*keepdim=*/true);
  auto c = t - mean;
  auto cov = c.t().mm(c) / double(x.size(0) - 1);
  auto eig = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  PcaBasis p;
  p.mean = mean.squeeze(0);
  p.eigenvalues = std::get<0>(eig).flip({0}).contiguous();
  p.components = std::get<1>(eig).flip({1}).contiguous();
  return p;
}

}  // namespace arfc
