// Matryoshka-style adaptor: ONE model for every code size (the strongest one-model peer).
//
// An MLP maps x [B, D] to max_values values; the m-value code is the first m of them
// (granularity 1, nested by construction). Trained with nested prefix losses at the fixed
// list of prefix sizes the evaluation uses (the value counts of the run's layouts,
// LearnedCodec). The decoder is
// ARC's DecoderHead (zero-padding + length embedding), so any 1 <= m <= max_values decodes.
//
// The network is the autoencoder's (autoencoder.h) with m = max_values; only the prefix
// handling differs. All tensors float32 on the module's device.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "arfc/baselines/autoencoder.h"
#include "arfc/model/prefix_encoder.h"

namespace arfc {

struct MatryoshkaOptions {
  MatryoshkaOptions(int64_t input_dim, int64_t max_values)
      : input_dim_(input_dim), max_values_(max_values) {}
  TORCH_ARG(int64_t, input_dim);        // D of modality 0
  TORCH_ARG(int64_t, max_values);       // longest code
  TORCH_ARG(int64_t, input_dim_b) = 0;       // D_b of modality 1 (crossmodal); 0 = one modality
  TORCH_ARG(int64_t, hidden) = 512;          // encoder hidden width
  TORCH_ARG(int64_t, hidden_layers) = 1;
  TORCH_ARG(int64_t, decoder_hidden) = 512;
  TORCH_ARG(int64_t, decoder_layers) = 1;
};

class MatryoshkaImpl : public PrefixEncoderImpl {
 public:
  explicit MatryoshkaImpl(const MatryoshkaOptions& options);
  void reset();

  int64_t input_dim() const override { return options.input_dim(); }
  int64_t max_values() const override { return options.max_values(); }
  int64_t granularity() const override { return 1; }
  int64_t num_modalities() const { return net->num_modalities(); }

  // x: [B, D_mod] -> [B, n_values], the first n_values of the full code.
  torch::Tensor encode(const torch::Tensor& x, int64_t n_values, int64_t modality = 0) override;
  // codes: [B, m], 1 <= m <= max_values -> [B, D_mod].
  torch::Tensor decode(const torch::Tensor& codes, int64_t modality = 0) override;

  MatryoshkaOptions options;
  AutoEncoder net{nullptr};
};
TORCH_MODULE(Matryoshka);

}  // namespace arfc
