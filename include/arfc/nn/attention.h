// Multi-head attention with an optional key/value cache, for both full-sequence use
// (encoders, Q-Former queries) and one-position-at-a-time auto-regressive generation.
//
// Shapes (N = batch, Tq = query positions, Tk = key positions, d = embed_dim, H = heads):
//   query [N, Tq, d], keys/values [N, Tk, d] -> [N, Tq, d]; all float32 on the module's
//   device. An attention mask is either empty, bool [Tq, Tk] (true = may attend) or
//   bool [N, Tq, Tk]. causal_mask(T) gives the lower-triangular [T, T] mask.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace arfc {

// Projected keys/values [N, H, T, d/H] of the positions seen so far, contiguous in that
// layout (attention multiplies them per head without a copy). Grows by one step per call
// to MultiheadAttentionImpl::forward_step(). With autograd on, steps are concatenated, so
// a cached unroll can be trained end to end; with autograd off and reserve(steps) called,
// each step writes into storage for `steps` positions instead (no O(T^2) copying; k and v
// are views of it).
struct KVCache {
  torch::Tensor k, v;  // undefined until the first step
  int64_t length() const { return k.defined() ? k.size(2) : 0; }
  void reserve(int64_t steps) { capacity = steps; }
  void clear() { *this = KVCache(); }

  int64_t capacity = 0;        // positions reserve() asked for (0: concatenate)
  torch::Tensor k_all, v_all;  // [N, H, capacity, d/H] once the first step allocates them
};

struct MultiheadAttentionOptions {
  MultiheadAttentionOptions(int64_t embed_dim, int64_t num_heads)
      : embed_dim_(embed_dim), num_heads_(num_heads) {}
  TORCH_ARG(int64_t, embed_dim);
  TORCH_ARG(int64_t, num_heads);
  TORCH_ARG(int64_t, kv_dim) = 0;  // dimension of keys/values inputs; 0 = embed_dim
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(double, dropout) = 0.0;  // on the attention weights, training mode only
};

class MultiheadAttentionImpl : public torch::nn::Cloneable<MultiheadAttentionImpl> {
 public:
  explicit MultiheadAttentionImpl(const MultiheadAttentionOptions& o);
  // Number of parameters MultiheadAttentionImpl(o) has, without building it.
  static int64_t parameter_count(const MultiheadAttentionOptions& o);
  void reset() override;

  // Full attention: query [N, Tq, d], kv_input [N, Tk, kv_dim] -> [N, Tq, d].
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& kv_input,
                        const torch::Tensor& mask = {});
  // Projects kv_input [N, Tk, kv_dim] once (e.g. a context attended to at every step).
  KVCache project_kv(const torch::Tensor& kv_input);
  // Attends query [N, Tq, d] to already projected keys/values -> [N, Tq, d].
  torch::Tensor attend(const torch::Tensor& query, const KVCache& kv, const torch::Tensor& mask = {});
  // Self-attention for one new position x [N, 1, d]: appends its key/value to `cache`
  // and attends over all cached positions (causal by construction) -> [N, 1, d].
  torch::Tensor forward_step(const torch::Tensor& x, KVCache& cache);

  MultiheadAttentionOptions options;
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};

 private:
  torch::Tensor split_heads(const torch::Tensor& t) const;  // [N, T, d] -> [N, H, T, d/H]
};
TORCH_MODULE(MultiheadAttention);

// Lower-triangular bool [T, T] (true = may attend) on `device`.
torch::Tensor causal_mask(int64_t T, torch::Device device = torch::kCPU);

}  // namespace arfc
