#include "arfc/baselines/pca.h"

#include <torch/torch.h>

#include <cstring>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

PcaModel PcaModel::fit(const Matrix& x) {
  ARFC_CHECK(x.n >= 2, "pca: needs at least 2 training rows, got ", x.n, ". Hint: check the train split.");
  PcaBasis b = fit_pca(to_tensor(x));
  PcaModel p;
  p.mean_ = to_matrix(b.mean.unsqueeze(0));
  p.components_ = to_matrix(b.components);
  p.eigenvalues_.assign(b.eigenvalues.data_ptr<double>(), b.eigenvalues.data_ptr<double>() + b.eigenvalues.numel());
  return p;
}

Matrix PcaModel::project(const Matrix& x, int64_t m) const {
  ARFC_ASSERT(m >= 1 && m <= dim(), "pca: m = ", m, " outside [1, ", dim(), "]");
  ARFC_CHECK(x.d == dim(), "pca: input has D = ", x.d, ", the model was fitted on D = ", dim(),
             ". Hint: encode features of the same kind as the training split.");
  torch::NoGradGuard ng;
  auto comps = to_tensor(components_).narrow(1, 0, m);
  return to_matrix((to_tensor(x) - to_tensor(mean_)).mm(comps));
}

Matrix PcaModel::reconstruct(const Matrix& coeffs) const {
  ARFC_CHECK(coeffs.d >= 1 && coeffs.d <= dim(), "pca: reconstruct takes 1..", dim(),
             " coefficients per row, got ", coeffs.d, ".");
  torch::NoGradGuard ng;
  auto comps = to_tensor(components_).narrow(1, 0, coeffs.d);
  return to_matrix(to_tensor(coeffs).mm(comps.t()) + to_tensor(mean_));
}

PcaCodec::PcaCodec(double ratio, int64_t input_dim, CodecCache& cache, std::optional<StorageType> dtype)
    : FloatCodec("pca", ratio, dtype), d_(input_dim), cache_(cache) {
  set_geometry(value_geometry(input_dim, input_dim));
}

void PcaCodec::fit_transform(const FeatureSet& fs) {
  auto it = cache_.models.find("pca");
  if (it != cache_.models.end()) {
    model_ = std::static_pointer_cast<PcaModel>(it->second);
  } else {
    model_ = std::make_shared<PcaModel>(PcaModel::fit(shared_space_train(fs, "pca")));
    cache_.models["pca"] = model_;
  }
  ARFC_CHECK(model_->dim() == d_, "pca: the model has D = ", model_->dim(), ", the codec was made for D = ", d_, ".");
}

Matrix PcaCodec::transform(const Matrix& x, int64_t n_values, int64_t) const {
  ARFC_ASSERT(model_, "pca: encode() before fit()");
  return model_->project(x, n_values);
}

Matrix PcaCodec::inverse(const Matrix& values, int64_t) const {
  ARFC_ASSERT(model_, "pca: decode() before fit()");
  return model_->reconstruct(values);
}

}  // namespace arfc
