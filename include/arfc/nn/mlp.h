// A plain multi-layer perceptron: Linear -> GELU -> ... -> Linear.
// x [..., in_dim] float32 -> [..., out_dim].
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace arfc {

struct MlpOptions {
  MlpOptions(int64_t in_dim, int64_t hidden_dim, int64_t out_dim)
      : in_dim_(in_dim), hidden_dim_(hidden_dim), out_dim_(out_dim) {}
  TORCH_ARG(int64_t, in_dim);
  TORCH_ARG(int64_t, hidden_dim);
  TORCH_ARG(int64_t, out_dim);
  TORCH_ARG(int64_t, hidden_layers) = 1;  // number of hidden (Linear+GELU) layers, >= 0
  TORCH_ARG(bool, layer_norm) = false;    // LayerNorm after each hidden Linear
  TORCH_ARG(double, dropout) = 0.0;
};

class MlpImpl : public torch::nn::Cloneable<MlpImpl> {
 public:
  explicit MlpImpl(const MlpOptions& o);
  // Number of parameters MlpImpl(o) has, without building it.
  static int64_t parameter_count(const MlpOptions& o);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  MlpOptions options;
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace arfc
