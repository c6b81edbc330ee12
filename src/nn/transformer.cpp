#include "arfc/nn/transformer.h"

#include "arfc/core/error.h"
#include "arfc/nn/mlp.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

TransformerBlockImpl::TransformerBlockImpl(const TransformerBlockOptions& o) : options(o) { reset(); }

namespace {
MultiheadAttentionOptions attention_options(const TransformerBlockOptions& o) {
  return MultiheadAttentionOptions(o.d_model(), o.num_heads()).dropout(o.dropout());
}
MlpOptions mlp_options(const TransformerBlockOptions& o) {
  const int64_t d = o.d_model(), hidden = std::max<int64_t>(1, int64_t(o.mlp_ratio() * double(d)));
  return MlpOptions(d, hidden, d).dropout(o.dropout());
}
}  // namespace

int64_t TransformerBlockImpl::parameter_count(const TransformerBlockOptions& o) {
  const int64_t attention =
      layer_norm_parameter_count(o.d_model()) + MultiheadAttentionImpl::parameter_count(attention_options(o));
  return attention * (o.cross_attention() ? 2 : 1) + layer_norm_parameter_count(o.d_model()) +
         MlpImpl::parameter_count(mlp_options(o));
}

void TransformerBlockImpl::reset() {
  const int64_t d = options.d_model();
  auto ln = [d] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})); };
  const auto mha = attention_options(options);
  ln_self = register_module("ln_self", ln());
  self_attn = register_module("self_attn", MultiheadAttention(mha));
  if (options.cross_attention()) {
    ln_cross = register_module("ln_cross", ln());
    cross_attn = register_module("cross_attn", MultiheadAttention(mha));
  }
  ln_mlp = register_module("ln_mlp", ln());
  mlp = register_module("mlp", Mlp(mlp_options(options)));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& self_mask,
                                            const torch::Tensor& context) {
  ARFC_ASSERT(x.dim() == 3 && x.size(2) == options.d_model(), "block input must be [N, T, d_model]");
  auto h = ln_self(x);
  auto y = x + self_attn(h, h, self_mask);
  if (options.cross_attention()) {
    ARFC_ASSERT(context.defined(), "cross-attention block needs a context");
    y = y + cross_attn(ln_cross(y), context);
  }
  return y + mlp(ln_mlp(y));
}

void TransformerBlockImpl::prepare_context(const torch::Tensor& context, BlockCache& cache, int64_t steps) {
  cache.self.clear();
  cache.self.reserve(steps);
  cache.cross = KVCache();
  if (options.cross_attention()) cache.cross = cross_attn->project_kv(context);
}

torch::Tensor TransformerBlockImpl::forward_step(const torch::Tensor& x, BlockCache& cache) {
  auto y = x + self_attn->forward_step(ln_self(x), cache.self);
  if (options.cross_attention()) {
    ARFC_ASSERT(cache.cross.k.defined(), "call prepare_context() before forward_step()");
    y = y + cross_attn->attend(ln_cross(y), cache.cross);
  }
  return y + mlp(ln_mlp(y));
}

}  // namespace arfc
