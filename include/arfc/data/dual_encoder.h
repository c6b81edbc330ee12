// Dual encoder for the two-view Fashion-MNIST set: one CnnBackbone tower per image half
// (left 14 columns / right 14 columns), trained with symmetric InfoNCE.
#pragma once

#include <torch/torch.h>

#include "arfc/data/backbone.h"

namespace arfc {

struct DualEncoderOptions {
  TORCH_ARG(int64_t, height) = 28;
  TORCH_ARG(int64_t, half_width) = 14;
  TORCH_ARG(int64_t, embed_dim) = 256;
  TORCH_ARG(double, init_temperature) = 0.07;  // learnable; logit scale capped at 100
};

class DualEncoderImpl : public torch::nn::Cloneable<DualEncoderImpl> {
 public:
  explicit DualEncoderImpl(DualEncoderOptions options = {});
  void reset() override;
  // [B, 1, H, half_width] float32 -> L2-normalised [B, embed_dim]
  torch::Tensor encode_left(const torch::Tensor& x);
  torch::Tensor encode_right(const torch::Tensor& x);
  // Symmetric InfoNCE over a batch of pairs (row i of left pairs with row i of right).
  torch::Tensor loss(const torch::Tensor& left, const torch::Tensor& right);
  double temperature() const;

  DualEncoderOptions options;

 private:
  CnnBackbone left_{nullptr}, right_{nullptr};
  torch::Tensor log_scale_;  // scalar, log(1/temperature)
};
TORCH_MODULE(DualEncoder);

// Splits [N, 1, H, W] into the left W/2 and right W/2 columns (contiguous copies).
std::pair<torch::Tensor, torch::Tensor> split_halves(const torch::Tensor& images);

// Contrastive training on pairs; images: [N, 1, H, W] float32 (CPU).
TrainStats train_dual_encoder(DualEncoder& net, const torch::Tensor& images, const BackboneTrainOptions& opt);

// Eval-mode, no-grad batched embeddings of both halves: ([N, E], [N, E]) float32 CPU.
std::pair<torch::Tensor, torch::Tensor> extract_pairs(DualEncoder& net, const torch::Tensor& images,
                                                      torch::Device device, int64_t batch_size = 1000);

}  // namespace arfc
