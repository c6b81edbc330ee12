// The contract shared by every learned compressor (ARC and the learned baselines: per-ratio
// autoencoder, per-ratio Q-Former, Matryoshka adaptor), so that one trainer, one set of
// losses and one evaluation path serve them all.
//
// A code is a row of values. A prefix encoder's codes are nested: the first m values of a
// longer code are the m-value code (m a multiple of granularity(), or any m when
// granularity() == 1). Fixed-length models (dedicated per-ratio baselines) only produce
// max_values().
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace arfc {

class PrefixEncoderImpl : public torch::nn::Module {
 public:
  ~PrefixEncoderImpl() override = default;

  virtual int64_t input_dim() const = 0;   // D
  virtual int64_t max_values() const = 0;  // longest code, in values
  virtual int64_t granularity() const = 0; // values per token
  virtual bool fixed_length() const { return false; }

  // x: [B, D] float32 on the module's device; modality: 0, or 1 for the second modality of
  // crossmodal data. Returns [B, n_values], 1 <= n_values <= max_values().
  virtual torch::Tensor encode(const torch::Tensor& x, int64_t n_values, int64_t modality = 0) = 0;

  // codes: [B, m], any 1 <= m <= max_values() -> [B, D] reconstruction (decoder head).
  virtual torch::Tensor decode(const torch::Tensor& codes, int64_t modality = 0) = 0;
};

}  // namespace arfc
