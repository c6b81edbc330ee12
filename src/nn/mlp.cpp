#include "arfc/nn/mlp.h"

#include "arfc/core/error.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

MlpImpl::MlpImpl(const MlpOptions& o) : options(o) { reset(); }

void MlpImpl::reset() {
  ARFC_ASSERT(options.hidden_layers() >= 0, "hidden_layers must be >= 0");
  torch::nn::Sequential seq;
  int64_t in = options.in_dim();
  for (int64_t i = 0; i < options.hidden_layers(); ++i) {
    seq->push_back(torch::nn::Linear(in, options.hidden_dim()));
    if (options.layer_norm()) seq->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden_dim()})));
    seq->push_back(torch::nn::GELU());
    if (options.dropout() > 0) seq->push_back(torch::nn::Dropout(options.dropout()));
    in = options.hidden_dim();
  }
  seq->push_back(torch::nn::Linear(in, options.out_dim()));
  net = register_module("net", seq);
}

int64_t MlpImpl::parameter_count(const MlpOptions& o) {
  int64_t n = 0, in = o.in_dim();
  for (int64_t i = 0; i < o.hidden_layers(); ++i) {
    n += linear_parameter_count(in, o.hidden_dim()) + (o.layer_norm() ? layer_norm_parameter_count(o.hidden_dim()) : 0);
    in = o.hidden_dim();
  }
  return n + linear_parameter_count(in, o.out_dim());
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) { return net->forward(x); }

}  // namespace arfc
