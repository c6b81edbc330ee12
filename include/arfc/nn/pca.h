// Principal component analysis of a feature matrix, the one implementation shared by the
// PCA baseline (baselines/pca.h) and ARC's linear base initialisation (model/arc.h).
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <functional>

namespace arfc {

struct PcaBasis {
  torch::Tensor mean;         // [D] float64
  torch::Tensor components;   // [D, D] float64: column j is the j-th principal direction
  torch::Tensor eigenvalues;  // [D] float64, descending
};

// Applied to each block of rows before the float64 sums, e.g. a row normalisation, so a fit
// of transformed rows never holds all of them transformed: (block [b, D], index of the
// tensor of xs it comes from) -> [b, D].
using RowMap = std::function<torch::Tensor(const torch::Tensor&, size_t)>;

// x: [N, D] floating (N >= 2, any device; computed in float64 on x's device, a block of
// rows at a time, so the fit adds about 32 MB to x, not two float64 copies of it).
// Components sorted by decreasing eigenvalue of the sample covariance. N < 2 -> arfc::Error.
PcaBasis fit_pca(const torch::Tensor& x);
// The rows of every tensor of xs ([N_i, D] each, one D; at least 2 rows in all), each
// block passed through `map` when it is set: fit_pca of map(cat(xs)) without either copy.
PcaBasis fit_pca(const std::vector<torch::Tensor>& xs, const RowMap& map);
// The basis of a mean [D] and covariance [D, D] (float64), as fit_pca orders it.
PcaBasis pca_of_covariance(const torch::Tensor& mean, const torch::Tensor& cov);
// PCA of rows spread over parts (data-parallel ranks): xs and map are this part's rows, as
// fit_pca takes them; `sum_over_parts` sums a float64 tensor over the parts in place (the
// identity for one part); every part calls it twice, in the same order. Equals fit_pca of
// all the rows up to rounding.
PcaBasis fit_pca_of_parts(const std::vector<torch::Tensor>& xs, const RowMap& map,
                          const std::function<void(torch::Tensor&)>& sum_over_parts);

}  // namespace arfc
