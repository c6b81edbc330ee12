// Principal component analysis of a feature matrix, the one implementation shared by the
// PCA baseline (baselines/pca.h) and ARC's linear base initialisation (model/arc.h).
#pragma once

#include <torch/torch.h>

#include <functional>

namespace arfc {

struct PcaBasis {
  torch::Tensor mean;         // [D] float64
  torch::Tensor components;   // [D, D] float64: column j is the j-th principal direction
  torch::Tensor eigenvalues;  // [D] float64, descending
};

// x: [N, D] floating (N >= 2, any device; computed in float64 on x's device, a block of
// rows at a time, so the fit adds about 32 MB to x, not two float64 copies of it).
// Components sorted by decreasing eigenvalue of the sample covariance. N < 2 -> arfc::Error.
PcaBasis fit_pca(const torch::Tensor& x);
// The basis of a mean [D] and covariance [D, D] (float64), as fit_pca orders it.
PcaBasis pca_of_covariance(const torch::Tensor& mean, const torch::Tensor& cov);
// PCA of rows spread over parts (data-parallel ranks): x [N_part, D] is this part's rows,
// `sum_over_parts` sums a float64 tensor over the parts in place (the identity for one
// part); every part calls it twice, in the same order. Equals fit_pca of all the rows
// up to rounding.
PcaBasis fit_pca_of_parts(const torch::Tensor& x, const std::function<void(torch::Tensor&)>& sum_over_parts);

}  // namespace arfc
