// Dedicated per-ratio autoencoder baseline: one model per code size m (fixed_length()).
//
//   encoder (per modality): Mlp  x [B, D_mod] -> (Linear, LayerNorm, GELU) x hidden_layers
//                                             -> Linear -> code [B, m]
//   decoder (per modality): DecoderHead (model/decoder_head.h, the same head ARC uses)
//                                  code [B, m] -> [B, D_mod]
//
// Crossmodal data (input_dim_b > 0) gets one encoder/decoder pair per modality writing into
// one shared m-value code space. All tensors float32 on the module's device.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "arfc/model/decoder_head.h"
#include "arfc/model/prefix_encoder.h"
#include "arfc/nn/mlp.h"

namespace arfc {

struct AutoEncoderOptions {
  AutoEncoderOptions(int64_t input_dim, int64_t code_values)
      : input_dim_(input_dim), code_values_(code_values) {}
  TORCH_ARG(int64_t, input_dim);             // D of modality 0
  TORCH_ARG(int64_t, code_values);           // m: values per code
  TORCH_ARG(int64_t, input_dim_b) = 0;       // D_b of modality 1 (crossmodal); 0 = one modality
  TORCH_ARG(int64_t, hidden) = 512;          // encoder hidden width
  TORCH_ARG(int64_t, hidden_layers) = 1;     // encoder hidden layers (>= 0)
  TORCH_ARG(int64_t, decoder_hidden) = 512;  // decoder head hidden width
  TORCH_ARG(int64_t, decoder_layers) = 1;    // decoder head hidden layers
};

class AutoEncoderImpl : public PrefixEncoderImpl {
 public:
  explicit AutoEncoderImpl(const AutoEncoderOptions& options);
  void reset();

  int64_t input_dim() const override { return options.input_dim(); }
  int64_t max_values() const override { return options.code_values(); }
  int64_t granularity() const override { return options.code_values(); }
  bool fixed_length() const override { return true; }
  int64_t num_modalities() const { return options.input_dim_b() > 0 ? 2 : 1; }
  int64_t modality_dim(int64_t modality) const;

  // x: [B, D_mod] -> [B, m]. n_values must equal m (arfc::Error otherwise).
  torch::Tensor encode(const torch::Tensor& x, int64_t n_values, int64_t modality = 0) override;
  // codes: [B, m] -> [B, D_mod].
  torch::Tensor decode(const torch::Tensor& codes, int64_t modality = 0) override;

  // For wrappers that build nested codes on this network (matryoshka.h):
  // x [B, D_mod] -> the full code [B, m], and codes [B, k] with 1 <= k <= m -> [B, D_mod].
  torch::Tensor encode_full(const torch::Tensor& x, int64_t modality);
  torch::Tensor decode_prefix(const torch::Tensor& codes, int64_t modality);

  AutoEncoderOptions options;
  std::vector<Mlp> encoders;          // one per modality
  std::vector<DecoderHead> decoders;  // one per modality
};
TORCH_MODULE(AutoEncoder);

}  // namespace arfc
