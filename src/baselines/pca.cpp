#include "arfc/baselines/pca.h"

#include <torch/torch.h>

#include <cstring>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

PcaModel PcaModel::fit(const Matrix& x) {
  ARFC_CHECK(x.n >= 2, "pca: needs at least 2 training rows, got ", x.n, ". Hint: check the train split.");
  torch::NoGradGuard ng;
  auto t = to_tensor(x).to(torch::kFloat64);
  auto mean = t.mean(0, /*keepdim=*/true);
  auto c = t - mean;
  auto cov = c.t().mm(c) / double(x.n - 1);
  auto eig = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  auto vals = std::get<0>(eig).flip({0});
  auto vecs = std::get<1>(eig).flip({1});
  PcaModel p;
  p.mean_ = to_matrix(mean);
  p.components_ = to_matrix(vecs);
  auto v = vals.contiguous();
  p.eigenvalues_.assign(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
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

PcaCodec::PcaCodec(double ratio, int64_t input_dim, CodecCache& cache)
    : d_(input_dim), m_(float_values_for_ratio("pca", ratio, input_dim)), cache_(cache) {}

void PcaCodec::fit(const FeatureSet& fs) {
  auto it = cache_.models.find("pca");
  if (it != cache_.models.end()) {
    model_ = std::static_pointer_cast<PcaModel>(it->second);
  } else {
    model_ = std::make_shared<PcaModel>(PcaModel::fit(shared_space_train(fs, "pca")));
    cache_.models["pca"] = model_;
  }
  ARFC_CHECK(model_->dim() == d_, "pca: the model has D = ", model_->dim(), ", the codec was made for D = ", d_, ".");
}

Representation PcaCodec::encode(const Matrix& x, int64_t modality) const {
  ARFC_ASSERT(model_, "pca: encode() before fit()");
  Representation r;
  r.database = model_->project(x, m_);
  r.query = r.database;
  r.sim = Similarity::Cosine;
  return r;
}

}  // namespace arfc
