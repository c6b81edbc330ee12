#include "arfc/data/dual_encoder.h"

#include <cmath>
#include <tuple>

#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {

namespace F = torch::nn::functional;

DualEncoderImpl::DualEncoderImpl(DualEncoderOptions options_) : options(options_) { reset(); }

void DualEncoderImpl::reset() {
  auto tower = CnnBackboneOptions()
                   .height(options.height())
                   .width(options.half_width())
                   .feature_dim(options.embed_dim())
                   .relu_features(false)
                   .num_classes(0);
  left_ = register_module("left", CnnBackbone(tower));
  right_ = register_module("right", CnnBackbone(tower));
  log_scale_ = register_parameter("log_scale", torch::full({}, std::log(1.0 / options.init_temperature())));
}

torch::Tensor DualEncoderImpl::encode_left(const torch::Tensor& x) {
  return F::normalize(left_->features(x), F::NormalizeFuncOptions().dim(1));
}

torch::Tensor DualEncoderImpl::encode_right(const torch::Tensor& x) {
  return F::normalize(right_->features(x), F::NormalizeFuncOptions().dim(1));
}

torch::Tensor DualEncoderImpl::loss(const torch::Tensor& left, const torch::Tensor& right) {
  auto a = encode_left(left), b = encode_right(right);
  auto scale = log_scale_.clamp_max(std::log(100.0)).exp();
  auto logits = scale * torch::matmul(a, b.t());
  auto target = torch::arange(a.size(0), torch::TensorOptions().dtype(torch::kInt64).device(a.device()));
  return 0.5 * (F::cross_entropy(logits, target) + F::cross_entropy(logits.t(), target));
}

double DualEncoderImpl::temperature() const {
  return 1.0 / std::exp(std::min(log_scale_.item<double>(), std::log(100.0)));
}

std::pair<torch::Tensor, torch::Tensor> split_halves(const torch::Tensor& images) {
  ARFC_ASSERT(images.dim() == 4, "split_halves expects [N, C, H, W], got ", images.sizes());
  const int64_t half = images.size(3) / 2;
  return {images.slice(3, 0, half).contiguous(), images.slice(3, half, 2 * half).contiguous()};
}

TrainStats train_dual_encoder(DualEncoder& net, const torch::Tensor& images, const BackboneTrainOptions& opt) {
  const int64_t n = images.size(0);
  ARFC_CHECK(n >= 2, "training the dual encoder needs at least 2 pairs, got ", n, ". Hint: raise --limit.");
  torch::Tensor left, right;  // not a structured binding: the lambda below captures them
  std::tie(left, right) = split_halves(images);
  net->to(opt.device);
  net->train();
  // No weight decay on the temperature.
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& kv : net->named_parameters()) (kv.key() == "log_scale" ? no_decay : decay).push_back(kv.value());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                    torch::optim::AdamWOptions(opt.lr).weight_decay(0.0)));
  torch::optim::AdamW optim(std::move(groups), torch::optim::AdamWOptions(opt.lr));
  auto st = train_loop(optim, n, opt, [&](const torch::Tensor& idx) {
    return net->loss(left.index_select(0, idx).to(opt.device), right.index_select(0, idx).to(opt.device));
  });
  log_info(opt.what + ": learned temperature " + std::to_string(net->temperature()));
  return st;
}

std::pair<torch::Tensor, torch::Tensor> extract_pairs(DualEncoder& net, const torch::Tensor& images,
                                                      torch::Device device, int64_t batch_size) {
  torch::NoGradGuard no_grad;
  net->to(device);
  net->eval();
  auto [left, right] = split_halves(images);
  std::vector<torch::Tensor> a, b;
  for (int64_t i = 0; i < images.size(0); i += batch_size) {
    const int64_t e = std::min(images.size(0), i + batch_size);
    a.push_back(net->encode_left(left.slice(0, i, e).to(device)).to(torch::kCPU));
    b.push_back(net->encode_right(right.slice(0, i, e).to(device)).to(torch::kCPU));
  }
  return {torch::cat(a, 0), torch::cat(b, 0)};
}

}  // namespace arfc
