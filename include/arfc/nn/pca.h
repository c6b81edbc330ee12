// Principal component analysis of a feature matrix, the one implementation shared by the
// PCA baseline (baselines/pca.h) and ARC's linear base initialisation (model/arc.h).
#pragma once

#include <torch/torch.h>

namespace arfc {

struct PcaBasis {
  torch::Tensor mean;         // [D] float64
  torch::Tensor components;   // [D, D] float64: column j is the j-th principal direction
  torch::Tensor eigenvalues;  // [D] float64, descending
};

// x: [N, D] floating (N >= 2, any device; computed in float64 on x's device). Components
// sorted by decreasing eigenvalue of the sample covariance. N < 2 -> arfc::Error.
PcaBasis fit_pca(const torch::Tensor& x);

}  // namespace arfc
