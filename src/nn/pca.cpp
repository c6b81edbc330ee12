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
  return pca_of_covariance(mean.squeeze(0), cov);
}

PcaBasis pca_of_covariance(const torch::Tensor& mean, const torch::Tensor& cov) {
  auto eig = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  PcaBasis p;
  p.mean = mean;
  p.eigenvalues = std::get<0>(eig).flip({0}).contiguous();
  p.components = std::get<1>(eig).flip({1}).contiguous();
  return p;
}

PcaBasis fit_pca_of_parts(const torch::Tensor& x, const std::function<void(torch::Tensor&)>& sum_over_parts) {
  ARFC_CHECK(x.dim() == 2, "pca: needs a [N, D] matrix, got ", x.sizes());
  torch::NoGradGuard ng;
  auto t = x.to(torch::kFloat64);
  // Two passes, as fit_pca: the mean of all parts, then the scatter around it.
  auto first = torch::cat({t.sum(0), torch::full({1}, double(t.size(0)), t.options())});
  sum_over_parts(first);
  const double n = first[-1].item<double>();
  ARFC_CHECK(n >= 2, "pca: needs at least 2 rows over all parts, got ", n, ". Hint: check the train split.");
  auto mean = first.narrow(0, 0, t.size(1)) / n;
  auto c = t - mean.unsqueeze(0);
  auto scatter = c.t().mm(c);
  sum_over_parts(scatter);
  return pca_of_covariance(mean, scatter / (n - 1));
}

}  // namespace arfc
