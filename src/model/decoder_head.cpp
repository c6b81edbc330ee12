#include "arfc/model/decoder_head.h"

#include "arfc/core/error.h"

namespace arfc {

DecoderHeadImpl::DecoderHeadImpl(const DecoderHeadOptions& o) : options(o) { reset(); }

namespace {
MlpOptions mlp_options(const DecoderHeadOptions& o) {
  return MlpOptions(o.max_values() + o.length_embed_dim(), o.hidden_dim(), o.out_dim()).hidden_layers(o.hidden_layers());
}
}  // namespace

int64_t DecoderHeadImpl::parameter_count(const DecoderHeadOptions& o) {
  return (o.max_values() + 1) * o.length_embed_dim() + MlpImpl::parameter_count(mlp_options(o));
}

void DecoderHeadImpl::reset() {
  length_embed = register_module(
      "length_embed", torch::nn::Embedding(options.max_values() + 1, options.length_embed_dim()));
  mlp = register_module("mlp", Mlp(mlp_options(options)));
}

torch::Tensor DecoderHeadImpl::forward(const torch::Tensor& codes) {
  ARFC_CHECK(codes.dim() == 2 && codes.size(1) >= 1 && codes.size(1) <= options.max_values(),
             "decode: codes must be [N, m] with 1 <= m <= ", options.max_values(), ", got ",
             codes.sizes(), ". Hint: pass a code produced by this model (or a prefix of one).");
  const int64_t m = codes.size(1);
  auto padded = torch::constant_pad_nd(codes, {0, options.max_values() - m});
  auto len = torch::full({codes.size(0)}, m, torch::TensorOptions().dtype(torch::kInt64).device(codes.device()));
  return mlp(torch::cat({padded, length_embed(len)}, 1));
}

}  // namespace arfc
