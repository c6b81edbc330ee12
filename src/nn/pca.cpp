#include "arfc/nn/pca.h"

#include <algorithm>
#include <utility>

#include "arfc/core/error.h"

namespace arfc {

namespace {

// Rows per float64 block: about 32 MB of float64 at any D, so a fit holds one block's
// copy of the rows at a time instead of two float64 copies of all of them.
int64_t block_rows(int64_t d) { return std::max<int64_t>(1024, (int64_t(1) << 22) / std::max<int64_t>(d, 1)); }

// Calls fn(block) for the rows of every tensor of xs, a float64 block at a time (through
// map first when set).
void for_each_block(const std::vector<torch::Tensor>& xs, const RowMap& map,
                    const std::function<void(const torch::Tensor&)>& fn) {
  for (size_t k = 0; k < xs.size(); ++k) {
    const torch::Tensor& x = xs[k];
    const int64_t step = block_rows(x.size(1));
    for (int64_t i = 0; i < x.size(0); i += step) {
      auto b = x.narrow(0, i, std::min(step, x.size(0) - i));
      fn((map ? map(b, k) : b).to(torch::kFloat64));
    }
  }
}

// xs -> their dimension D and row count, checked to be [N_i, D] matrices of one D.
std::pair<int64_t, int64_t> rows_and_dim(const std::vector<torch::Tensor>& xs) {
  ARFC_CHECK(!xs.empty(), "pca: no rows given");
  int64_t n = 0;
  for (const auto& x : xs) {
    ARFC_CHECK(x.dim() == 2 && x.size(1) == xs[0].size(1), "pca: needs [N, D] matrices of one D, got ", x.sizes(),
               " beside ", xs[0].sizes());
    n += x.size(0);
  }
  return {n, xs[0].size(1)};
}

// -> [D] float64 column sums.
torch::Tensor column_sums(const std::vector<torch::Tensor>& xs, const RowMap& map, int64_t d) {
  auto s = torch::zeros({d}, xs[0].options().dtype(torch::kFloat64));
  for_each_block(xs, map, [&](const torch::Tensor& b) { s += b.sum(0); });
  return s;
}

// mean [D] float64 -> [D, D] float64 sum over rows of (x - mean)(x - mean)^T.
torch::Tensor scatter(const std::vector<torch::Tensor>& xs, const RowMap& map, const torch::Tensor& mean) {
  const int64_t d = mean.size(0);
  auto s = torch::zeros({d, d}, mean.options());
  for_each_block(xs, map, [&](const torch::Tensor& b) {
    auto c = b - mean.unsqueeze(0);
    s.addmm_(c.t(), c);
  });
  return s;
}

}  // namespace

PcaBasis fit_pca(const torch::Tensor& x) {
  ARFC_CHECK(x.dim() == 2 && x.size(0) >= 2, "pca: needs a [N, D] matrix with at least 2 rows, got ", x.sizes(),
             ". Hint: check the train split.");
  return fit_pca(std::vector<torch::Tensor>{x}, RowMap());
}

PcaBasis fit_pca(const std::vector<torch::Tensor>& xs, const RowMap& map) {
  const auto [n, d] = rows_and_dim(xs);
  ARFC_CHECK(n >= 2, "pca: needs at least 2 rows, got ", n, ". Hint: check the train split.");
  torch::NoGradGuard ng;
  auto mean = column_sums(xs, map, d) / double(n);
  return pca_of_covariance(mean, scatter(xs, map, mean) / double(n - 1));
}

PcaBasis pca_of_covariance(const torch::Tensor& mean, const torch::Tensor& cov) {
  auto eig = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  PcaBasis p;
  p.mean = mean;
  p.eigenvalues = std::get<0>(eig).flip({0}).contiguous();
  p.components = std::get<1>(eig).flip({1}).contiguous();
  return p;
}

PcaBasis fit_pca_of_parts(const std::vector<torch::Tensor>& xs, const RowMap& map,
                          const std::function<void(torch::Tensor&)>& sum_over_parts) {
  const auto [rows, d] = rows_and_dim(xs);
  torch::NoGradGuard ng;
  // Two passes, as fit_pca: the mean of all parts, then the scatter around it.
  auto count = torch::full({1}, double(rows), xs[0].options().dtype(torch::kFloat64));
  auto first = torch::cat({column_sums(xs, map, d), count});
  sum_over_parts(first);
  const double n = first[-1].item<double>();
  ARFC_CHECK(n >= 2, "pca: needs at least 2 rows over all parts, got ", n, ". Hint: check the train split.");
  auto mean = first.narrow(0, 0, d) / n;
  auto s = scatter(xs, map, mean);
  sum_over_parts(s);
  return pca_of_covariance(mean, s / (n - 1));
}

}  // namespace arfc
