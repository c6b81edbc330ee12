#include "arfc/baselines/qformer.h"

#include <string>

#include "arfc/core/error.h"
#include "learned_checks.h"

namespace arfc {

QFormerImpl::QFormerImpl(const QFormerOptions& options_) : options(options_) {
  const auto& o = options;
  ARFC_CHECK(o.input_dim() > 0 && o.input_dim_b() >= 0, "qformer: input_dim must be > 0 and input_dim_b >= 0, got ",
             o.input_dim(), " and ", o.input_dim_b());
  ARFC_CHECK(o.code_values() >= 1, "qformer: code_values must be >= 1, got ", o.code_values(),
             ". Hint: the ratio is too high for this input dimension.");
  ARFC_CHECK(o.token_width() >= 1 && o.context_chunks() >= 1 && o.query_layers() >= 1 && o.context_layers() >= 0,
             "qformer: token_width, context_chunks and query_layers must be >= 1 and context_layers >= 0, got ",
             o.token_width(), ", ", o.context_chunks(), ", ", o.query_layers(), ", ", o.context_layers());
  ARFC_CHECK(o.num_heads() >= 1 && o.d_model() % o.num_heads() == 0, "qformer: d_model (", o.d_model(),
             ") must be a multiple of num_heads (", o.num_heads(), ")");
  reset();
}

int64_t QFormerImpl::modality_dim(int64_t modality) const {
  return modality == 0 ? options.input_dim() : options.input_dim_b();
}

int64_t QFormerImpl::num_queries() const {
  return (options.code_values() + options.token_width() - 1) / options.token_width();
}

void QFormerImpl::reset() {
  const int64_t d = options.d_model(), C = options.context_chunks();
  chunk_size_.clear();
  chunk_embed_.clear();
  global_embed_.clear();
  context_blocks_.clear();
  query_blocks_.clear();
  decoders_.clear();
  for (int64_t mod = 0; mod < num_modalities(); ++mod) {
    const int64_t dim = modality_dim(mod), cs = (dim + C - 1) / C;
    const std::string s = std::to_string(mod);
    chunk_size_.push_back(cs);
    chunk_embed_.push_back(register_module("chunk_embed" + s, torch::nn::Linear(cs, d)));
    global_embed_.push_back(register_module("global_embed" + s, torch::nn::Linear(dim, d)));
    decoders_.push_back(register_module(
        "decoder" + s, DecoderHead(DecoderHeadOptions(options.code_values(), dim)
                                       .hidden_dim(options.decoder_hidden())
                                       .hidden_layers(options.decoder_layers()))));
  }
  context_pos_ = register_parameter("context_pos", torch::randn({C + 1, d}) * 0.02);
  for (int64_t i = 0; i < options.context_layers(); ++i)
    context_blocks_.push_back(register_module(
        "context_block" + std::to_string(i),
        TransformerBlock(TransformerBlockOptions(d, options.num_heads()).mlp_ratio(options.mlp_ratio()))));
  queries_ = register_parameter("queries", torch::randn({num_queries(), d}) * 0.02);
  for (int64_t i = 0; i < options.query_layers(); ++i)
    query_blocks_.push_back(register_module(
        "query_block" + std::to_string(i),
        TransformerBlock(
            TransformerBlockOptions(d, options.num_heads()).mlp_ratio(options.mlp_ratio()).cross_attention(true))));
  out_norm_ = register_module("out_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  head_ = register_module("head", torch::nn::Linear(d, options.token_width()));
}

torch::Tensor QFormerImpl::context(const torch::Tensor& x, int64_t modality) {
  const int64_t B = x.size(0), C = options.context_chunks(), cs = chunk_size_[size_t(modality)];
  const int64_t pad = C * cs - x.size(1);
  torch::Tensor chunks = (pad > 0 ? torch::constant_pad_nd(x, {0, pad}, 0.0) : x).reshape({B, C, cs});
  torch::Tensor ctx = torch::cat({global_embed_[size_t(modality)]->forward(x).unsqueeze(1),
                                  chunk_embed_[size_t(modality)]->forward(chunks)},
                                 1) +
                      context_pos_.unsqueeze(0);
  for (auto& blk : context_blocks_) ctx = blk->forward(ctx);
  return ctx;
}

torch::Tensor QFormerImpl::encode(const torch::Tensor& x, int64_t n_values, int64_t modality) {
  ARFC_CHECK(n_values == options.code_values(), "qformer.encode: this dedicated model makes ",
             options.code_values(), "-value codes, asked for ", n_values,
             ". Hint: train one Q-Former per code size.");
  detail::check_encoder_input("qformer.encode", x, modality_dim(modality), modality, num_modalities());
  const int64_t B = x.size(0);
  const torch::Tensor ctx = context(x, modality);
  torch::Tensor h = queries_.unsqueeze(0).expand({B, num_queries(), options.d_model()});
  for (auto& blk : query_blocks_) h = blk->forward(h, {}, ctx);
  torch::Tensor tokens = head_->forward(out_norm_->forward(h));  // [B, q, w]
  return tokens.reshape({B, -1}).narrow(1, 0, options.code_values());
}

torch::Tensor QFormerImpl::decode(const torch::Tensor& codes, int64_t modality) {
  const int64_t m = options.code_values();
  detail::check_code_input("qformer.decode", codes, m, m, modality, num_modalities());
  return decoders_[size_t(modality)]->forward(codes);
}

}  // namespace arfc
