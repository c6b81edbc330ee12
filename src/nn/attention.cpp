#include "arfc/nn/attention.h"

#include <cmath>

#include "arfc/core/error.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

MultiheadAttentionImpl::MultiheadAttentionImpl(const MultiheadAttentionOptions& o) : options(o) { reset(); }

void MultiheadAttentionImpl::reset() {
  const int64_t d = options.embed_dim();
  const int64_t kv = options.kv_dim() > 0 ? options.kv_dim() : d;
  ARFC_ASSERT(options.num_heads() > 0 && d % options.num_heads() == 0, "embed_dim ", d,
              " must be a multiple of num_heads ", options.num_heads());
  q_proj = register_module("q_proj", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(options.bias())));
  k_proj = register_module("k_proj", torch::nn::Linear(torch::nn::LinearOptions(kv, d).bias(options.bias())));
  v_proj = register_module("v_proj", torch::nn::Linear(torch::nn::LinearOptions(kv, d).bias(options.bias())));
  out_proj = register_module("out_proj", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(options.bias())));
}

int64_t MultiheadAttentionImpl::parameter_count(const MultiheadAttentionOptions& o) {
  const int64_t d = o.embed_dim(), kv = o.kv_dim() > 0 ? o.kv_dim() : d;
  return 2 * linear_parameter_count(d, d, o.bias()) + 2 * linear_parameter_count(kv, d, o.bias());
}

torch::Tensor MultiheadAttentionImpl::split_heads(const torch::Tensor& t) const {
  const int64_t H = options.num_heads();
  return t.view({t.size(0), t.size(1), H, t.size(2) / H}).transpose(1, 2);
}

KVCache MultiheadAttentionImpl::project_kv(const torch::Tensor& kv_input) {
  KVCache c;
  c.k = split_heads(k_proj(kv_input)).contiguous();
  c.v = split_heads(v_proj(kv_input)).contiguous();
  return c;
}

torch::Tensor MultiheadAttentionImpl::attend(const torch::Tensor& query, const KVCache& kv,
                                             const torch::Tensor& mask) {
  ARFC_ASSERT(query.dim() == 3 && kv.k.defined(), "attend expects query [N, Tq, d] and projected keys");
  const int64_t N = query.size(0), Tq = query.size(1), d = options.embed_dim();
  const double root_dh = std::sqrt(double(d / options.num_heads()));
  auto q = split_heads(q_proj(query));                                  // [N, H, Tq, dh]
  auto scores = torch::matmul(q, kv.k.transpose(-2, -1)) / root_dh;
  if (mask.defined()) {
    auto m = mask.dim() == 2 ? mask.view({1, 1, mask.size(0), mask.size(1)}) : mask.unsqueeze(1);
    scores = scores.masked_fill(m.logical_not(), -std::numeric_limits<float>::infinity());
  }
  auto w = torch::softmax(scores, -1);
  if (options.dropout() > 0 && is_training()) w = torch::dropout(w, options.dropout(), true);
  auto out = torch::matmul(w, kv.v).transpose(1, 2).reshape({N, Tq, d});
  return out_proj(out);
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& kv_input,
                                              const torch::Tensor& mask) {
  return attend(query, project_kv(kv_input), mask);
}

torch::Tensor MultiheadAttentionImpl::forward_step(const torch::Tensor& x, KVCache& cache) {
  ARFC_ASSERT(x.dim() == 3 && x.size(1) == 1, "forward_step expects [N, 1, d]");
  KVCache now = project_kv(x);
  const int64_t t = cache.length();
  // Preallocated storage from the first step on, while autograd stays off; once a step
  // concatenates, the rest of the sequence does too.
  if (cache.capacity > t && !torch::GradMode::is_enabled() && (t == 0 || cache.k_all.defined())) {
    if (t == 0) {
      auto sizes = now.k.sizes().vec();
      sizes[2] = cache.capacity;
      cache.k_all = torch::empty(sizes, now.k.options());
      cache.v_all = torch::empty(sizes, now.v.options());
    }
    cache.k_all.narrow(2, t, 1).copy_(now.k);
    cache.v_all.narrow(2, t, 1).copy_(now.v);
    cache.k = cache.k_all.narrow(2, 0, t + 1);
    cache.v = cache.v_all.narrow(2, 0, t + 1);
  } else if (t > 0) {
    cache.k = torch::cat({cache.k, now.k}, 2);
    cache.v = torch::cat({cache.v, now.v}, 2);
    cache.k_all = cache.v_all = torch::Tensor();
  } else {
    cache.k = now.k;
    cache.v = now.v;
  }
  return attend(x, cache);
}

torch::Tensor causal_mask(int64_t T, torch::Device device) {
  return torch::ones({T, T}, torch::TensorOptions().dtype(torch::kBool).device(device)).tril();
}

}  // namespace arfc
