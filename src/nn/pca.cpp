#include "arfc/nn/pca.h"

#include <algorithm>

#include "arfc/core/error.h"

namespace arfc {

namespace {

// Rows per float64 block: about 32 MB of float64 at any D, so a fit holds one block's
// copy of the rows at a time instead of two float64 copies of all of them.
int64_t block_rows(int64_t d) { return std::max<int64_t>(1024, (int64_t(1) << 22) / std::max<int64_t>(d, 1)); }

// x [N, D] -> [D] float64 column sums, summed block by block.
torch::Tensor column_sums(const torch::Tensor& x) {
  auto s = torch::zeros({x.size(1)}, x.options().dtype(torch::kFloat64));
  const int64_t step = block_rows(x.size(1));
  for (int64_t i = 0; i < x.size(0); i += step)
    s += x.narrow(0, i, std::min(step, x.size(0) - i)).to(torch::kFloat64).sum(0);
  return s;
}

// x [N, D], mean [D] float64 -> [D, D] float64 sum over rows of (x - mean)(x - mean)^T.
torch::Tensor scatter(const torch::Tensor& x, const torch::Tensor& mean) {
  const int64_t d = x.size(1), step = block_rows(d);
  auto s = torch::zeros({d, d}, x.options().dtype(torch::kFloat64));
  for (int64_t i = 0; i < x.size(0); i += step) {
    auto c = x.narrow(0, i, std::min(step, x.size(0) - i)).to(torch::kFloat64) - mean.unsqueeze(0);
    s.addmm_(c.t(), c);
  }
  return s;
}

}  // namespace

PcaBasis fit_pca(const torch::Tensor& x) {
  ARFC_CHECK(x.dim() == 2 && x.size(0) >= 2, "pca: needs a [N, D] matrix with at least 2 rows, got ", x.sizes(),
             ". Hint: check the train split.");
  torch::NoGradGuard ng;
  auto mean = column_sums(x) / double(x.size(0));
  return pca_of_covariance(mean, scatter(x, mean) / double(x.size(0) - 1));
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
  // Two passes, as fit_pca: the mean of all parts, then the scatter around it.
  auto first = torch::cat({column_sums(x), torch::full({1}, double(x.size(0)), x.options().dtype(torch::kFloat64))});
  sum_over_parts(first);
  const double n = first[-1].item<double>();
  ARFC_CHECK(n >= 2, "pca: needs at least 2 rows over all parts, got ", n, ". Hint: check the train split.");
  auto mean = first.narrow(0, 0, x.size(1)) / n;
  auto s = scatter(x, mean);
  sum_over_parts(s);
  return pca_of_covariance(mean, s / (n - 1));
}

}  // namespace arfc
