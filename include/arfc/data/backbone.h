// Small convolutional backbones that turn Fashion-MNIST images into feature vectors.
//
// CnnBackbone: [B, in_channels, height, width] float32 -> features [B, feature_dim] ->
// (optional) linear head -> logits [B, num_classes]. Layers:
//   conv3x3(c1)-bn-relu, maxpool2, conv3x3(c2)-bn-relu, maxpool2, conv3x3(c3)-bn-relu,
//   flatten, linear(feature_dim)-bn, relu (if relu_features), [linear(num_classes)]
// Inputs, parameters and outputs live on the module's device.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

namespace arfc {

struct CnnBackboneOptions {
  TORCH_ARG(int64_t, in_channels) = 1;
  TORCH_ARG(int64_t, height) = 28;
  TORCH_ARG(int64_t, width) = 28;
  // Narrow on purpose: all four sets must build in minutes on 2 CPU cores.
  TORCH_ARG(int64_t, channels1) = 16;
  TORCH_ARG(int64_t, channels2) = 32;
  TORCH_ARG(int64_t, channels3) = 64;
  TORCH_ARG(int64_t, feature_dim) = 256;
  // ReLU after the feature layer (classifier features); false gives a signed embedding.
  TORCH_ARG(bool, relu_features) = true;
  // 0: no classification head (forward() then returns the features).
  TORCH_ARG(int64_t, num_classes) = 10;
};

class CnnBackboneImpl : public torch::nn::Cloneable<CnnBackboneImpl> {
 public:
  explicit CnnBackboneImpl(CnnBackboneOptions options = {});
  void reset() override;
  // x: [B, C, H, W] float32 -> [B, feature_dim]
  torch::Tensor features(const torch::Tensor& x);
  // x: [B, C, H, W] float32 -> logits [B, num_classes] (features when num_classes == 0)
  torch::Tensor forward(const torch::Tensor& x);
  // features [B, feature_dim] -> logits [B, num_classes] (requires num_classes > 0)
  torch::Tensor classify(const torch::Tensor& features);
  int64_t num_parameters() const;

  CnnBackboneOptions options;

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Linear fc_{nullptr}, head_{nullptr};
  torch::nn::BatchNorm1d bn_fc_{nullptr};
};
TORCH_MODULE(CnnBackbone);

// Settings for the supervised and contrastive trainers below.
struct BackboneTrainOptions {
  int epochs = 4;
  int64_t batch_size = 128;
  double lr = 2e-3;            // AdamW peak learning rate
  double weight_decay = 5e-4;
  double warmup_frac = 0.05;   // linear warm-up over this fraction of steps, then cosine to 0
  uint64_t seed = 0;           // data order (std::mt19937_64); torch is seeded by the caller
  torch::Device device = torch::kCPU;
  std::string what = "train";  // progress label
};

struct TrainStats {
  int64_t steps = 0;
  double final_loss = 0;  // mean loss over the last epoch
  double seconds = 0;
};

// The shared loop: opt.epochs passes over 0..n-1 in epoch_order, batches of
// opt.batch_size indices (the last partial batch dropped, for BatchNorm), warm-up + cosine
// learning rate on every param group of the AdamW optimizer, progress with the mean loss.
// batch_loss receives the batch's row indices ([B] int64, CPU) and returns a scalar loss.
TrainStats train_loop(torch::optim::AdamW& optim, int64_t n, const BackboneTrainOptions& opt,
                      const std::function<torch::Tensor(const torch::Tensor& idx)>& batch_loss);

// Cross-entropy training. images: [N, C, H, W] float32 (CPU), labels: [N] int64 in
// [0, num_classes). Batches are moved to opt.device.
TrainStats train_classifier(CnnBackbone& net, const torch::Tensor& images, const torch::Tensor& labels,
                            const BackboneTrainOptions& opt);

// Eval-mode, no-grad batched pass. images: [N, C, H, W] float32 (CPU) -> [N, feature_dim]
// float32 (CPU); logits_out (if given) receives [N, num_classes] float32 (CPU).
torch::Tensor extract_features(CnnBackbone& net, const torch::Tensor& images, torch::Device device,
                               int64_t batch_size = 1000, torch::Tensor* logits_out = nullptr);

// Learning rate at `step` of `total`: linear warm-up, then cosine decay to 0.
double warmup_cosine_lr(double base, int64_t step, int64_t total, double warmup_frac);

// Shuffled 0..n-1 for `epoch`, from std::mt19937_64 seeded with (seed, epoch).
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int epoch);

}  // namespace arfc
