// Dedicated per-ratio Q-Former baseline (the paper's own baseline): learned queries attend
// to the feature, one model per code size m (fixed_length()).
//
//   x [B, D_mod] --zero-pad to C * ceil(D_mod / C), split into C chunks--> Linear(chunk, d)
//     plus a global token Linear(D_mod, d), plus position embeddings -> ctx [B, C+1, d]
//   ctx --context_layers bidirectional TransformerBlocks--> ctx
//   q = ceil(m / token_width) learned queries [q, d]
//     --query_layers TransformerBlocks (self-attention among queries + cross-attention to
//       ctx)--> LayerNorm --> Linear(d, token_width) per query
//     --flatten [B, q * token_width], keep the first m--> code [B, m]
//   decoder: DecoderHead (model/decoder_head.h), code [B, m] -> [B, D_mod]
//
// The blocks are the shared nn/transformer.h blocks that ARC's context encoder and generator
// use; with the ARC config's width, heads, chunks and token width it is ARC without the
// auto-regression. Crossmodal data (input_dim_b > 0) gets its own chunk/global embeddings
// and decoder for modality 1; the transformer and queries are shared.
// All tensors float32 on the module's device.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "arfc/model/decoder_head.h"
#include "arfc/model/prefix_encoder.h"
#include "arfc/nn/transformer.h"

namespace arfc {

struct QFormerOptions {
  QFormerOptions(int64_t input_dim, int64_t code_values) : input_dim_(input_dim), code_values_(code_values) {}
  TORCH_ARG(int64_t, input_dim);             // D of modality 0
  TORCH_ARG(int64_t, code_values);           // m: values per code
  TORCH_ARG(int64_t, input_dim_b) = 0;       // D_b of modality 1 (crossmodal); 0 = one modality
  TORCH_ARG(int64_t, token_width) = 16;      // values emitted per query
  TORCH_ARG(int64_t, d_model) = 64;
  TORCH_ARG(int64_t, num_heads) = 4;
  TORCH_ARG(double, mlp_ratio) = 2.0;
  TORCH_ARG(int64_t, context_chunks) = 16;   // C
  TORCH_ARG(int64_t, context_layers) = 1;
  TORCH_ARG(int64_t, query_layers) = 2;
  TORCH_ARG(int64_t, decoder_hidden) = 512;
  TORCH_ARG(int64_t, decoder_layers) = 1;
};

class QFormerImpl : public PrefixEncoderImpl {
 public:
  explicit QFormerImpl(const QFormerOptions& options);
  void reset();

  int64_t input_dim() const override { return options.input_dim(); }
  int64_t max_values() const override { return options.code_values(); }
  int64_t granularity() const override { return options.code_values(); }
  bool fixed_length() const override { return true; }
  int64_t num_modalities() const { return options.input_dim_b() > 0 ? 2 : 1; }
  int64_t modality_dim(int64_t modality) const;
  int64_t num_queries() const;  // ceil(m / token_width)

  // x: [B, D_mod] -> [B, m]. n_values must equal m (arfc::Error otherwise).
  torch::Tensor encode(const torch::Tensor& x, int64_t n_values, int64_t modality = 0) override;
  // codes: [B, m] -> [B, D_mod].
  torch::Tensor decode(const torch::Tensor& codes, int64_t modality = 0) override;

  QFormerOptions options;

 private:
  torch::Tensor context(const torch::Tensor& x, int64_t modality);  // -> [B, C+1, d]

  std::vector<int64_t> chunk_size_;  // per modality
  std::vector<torch::nn::Linear> chunk_embed_, global_embed_;  // per modality
  torch::Tensor context_pos_;  // [C+1, d]
  std::vector<TransformerBlock> context_blocks_;
  torch::Tensor queries_;      // [q, d]
  std::vector<TransformerBlock> query_blocks_;
  torch::nn::LayerNorm out_norm_{nullptr};
  torch::nn::Linear head_{nullptr};  // d -> token_width
  std::vector<DecoderHead> decoders_;  // per modality
};
TORCH_MODULE(QFormer);

}  // namespace arfc
