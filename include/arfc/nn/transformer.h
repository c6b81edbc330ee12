// Pre-LayerNorm transformer block: self-attention, optional cross-attention to a context,
// MLP, each as a residual branch. Used bidirectionally (context encoder, cross-solution
// fusion, Q-Former) and causally with a KV cache (the ARC generator).
//
// Shapes: x [N, T, d]; context [N, C, d]; mask as in nn/attention.h. float32, module device.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "arfc/nn/attention.h"
#include "arfc/nn/mlp.h"

namespace arfc {

struct TransformerBlockOptions {
  TransformerBlockOptions(int64_t d_model, int64_t num_heads) : d_model_(d_model), num_heads_(num_heads) {}
  TORCH_ARG(int64_t, d_model);
  TORCH_ARG(int64_t, num_heads);
  TORCH_ARG(double, mlp_ratio) = 4.0;      // MLP hidden = mlp_ratio * d_model
  TORCH_ARG(bool, cross_attention) = false;
  TORCH_ARG(double, dropout) = 0.0;
};

// Per-block state for step-wise generation: the growing self-attention cache and the
// context's projected keys/values (computed once per sequence by prepare_context()).
struct BlockCache {
  KVCache self;
  KVCache cross;
};

class TransformerBlockImpl : public torch::nn::Cloneable<TransformerBlockImpl> {
 public:
  explicit TransformerBlockImpl(const TransformerBlockOptions& o);
  // Number of parameters TransformerBlockImpl(o) has, without building it.
  static int64_t parameter_count(const TransformerBlockOptions& o);
  void reset() override;

  // Full sequence: x [N, T, d], self_mask for self-attention (empty = bidirectional),
  // context [N, C, d] (required iff cross_attention) -> [N, T, d].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& self_mask = {},
                        const torch::Tensor& context = {});
  // Fills cache.cross from context [N, C, d] and clears cache.self, reserving `steps`
  // positions for it (KVCache::reserve; 0 = grow by concatenation).
  void prepare_context(const torch::Tensor& context, BlockCache& cache, int64_t steps = 0);
  // One new position x [N, 1, d] -> [N, 1, d]; equals position t of forward() with a
  // causal mask over the positions stepped so far.
  torch::Tensor forward_step(const torch::Tensor& x, BlockCache& cache);

  TransformerBlockOptions options;
  torch::nn::LayerNorm ln_self{nullptr}, ln_cross{nullptr}, ln_mlp{nullptr};
  MultiheadAttention self_attn{nullptr}, cross_attn{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(TransformerBlock);

}  // namespace arfc
