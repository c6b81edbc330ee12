// Decoder head: a code of any length m (1 <= m <= max_values) back to the feature space.
// The code is zero-padded to max_values and concatenated with a learned embedding of its
// length m, then an MLP maps it to R^out_dim. One head serves every prefix length.
//
// codes [B, m] float32 (module device) -> [B, out_dim].
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "arfc/nn/mlp.h"

namespace arfc {

struct DecoderHeadOptions {
  DecoderHeadOptions(int64_t max_values, int64_t out_dim) : max_values_(max_values), out_dim_(out_dim) {}
  TORCH_ARG(int64_t, max_values);
  TORCH_ARG(int64_t, out_dim);
  TORCH_ARG(int64_t, hidden_dim) = 512;
  TORCH_ARG(int64_t, hidden_layers) = 1;
  TORCH_ARG(int64_t, length_embed_dim) = 32;
};

class DecoderHeadImpl : public torch::nn::Cloneable<DecoderHeadImpl> {
 public:
  explicit DecoderHeadImpl(const DecoderHeadOptions& o);
  // Number of parameters DecoderHeadImpl(o) has, without building it.
  static int64_t parameter_count(const DecoderHeadOptions& o);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& codes);

  DecoderHeadOptions options;
  torch::nn::Embedding length_embed{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(DecoderHead);

}  // namespace arfc
