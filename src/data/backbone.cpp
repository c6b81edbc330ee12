#include "arfc/data/backbone.h"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {

namespace nn = torch::nn;

CnnBackboneImpl::CnnBackboneImpl(CnnBackboneOptions options_) : options(options_) { reset(); }

void CnnBackboneImpl::reset() {
  const auto& o = options;
  ARFC_ASSERT(o.height() >= 4 && o.width() >= 4, "backbone input too small: ", o.height(), "x", o.width());
  conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(o.in_channels(), o.channels1(), 3).padding(1).bias(false)));
  bn1_ = register_module("bn1", nn::BatchNorm2d(o.channels1()));
  conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(o.channels1(), o.channels2(), 3).padding(1).bias(false)));
  bn2_ = register_module("bn2", nn::BatchNorm2d(o.channels2()));
  conv3_ = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(o.channels2(), o.channels3(), 3).padding(1).bias(false)));
  bn3_ = register_module("bn3", nn::BatchNorm2d(o.channels3()));
  const int64_t flat = o.channels3() * (o.height() / 4) * (o.width() / 4);
  fc_ = register_module("fc", nn::Linear(nn::LinearOptions(flat, o.feature_dim()).bias(false)));
  bn_fc_ = register_module("bn_fc", nn::BatchNorm1d(o.feature_dim()));
  head_ = nullptr;
  if (o.num_classes() > 0) head_ = register_module("head", nn::Linear(o.feature_dim(), o.num_classes()));
}

torch::Tensor CnnBackboneImpl::features(const torch::Tensor& x) {
  ARFC_ASSERT(x.dim() == 4 && x.size(1) == options.in_channels() && x.size(2) == options.height() &&
                  x.size(3) == options.width(),
              "backbone input expected [B, ", options.in_channels(), ", ", options.height(), ", ",
              options.width(), "], got ", x.sizes());
  auto h = torch::relu(bn1_(conv1_(x)));
  h = torch::max_pool2d(h, 2);
  h = torch::relu(bn2_(conv2_(h)));
  h = torch::max_pool2d(h, 2);
  h = torch::relu(bn3_(conv3_(h)));
  h = bn_fc_(fc_(h.flatten(1)));
  return options.relu_features() ? torch::relu(h) : h;
}

torch::Tensor CnnBackboneImpl::forward(const torch::Tensor& x) {
  auto f = features(x);
  return head_ ? head_(f) : f;
}

torch::Tensor CnnBackboneImpl::classify(const torch::Tensor& f) {
  ARFC_ASSERT(head_, "classify() on a backbone without a head");
  return head_(f);
}

int64_t CnnBackboneImpl::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

double warmup_cosine_lr(double base, int64_t step, int64_t total, double warmup_frac) {
  const double warm = std::max(1.0, warmup_frac * double(total));
  if (double(step) < warm) return base * double(step + 1) / warm;
  const double t = (double(step) - warm) / std::max(1.0, double(total) - warm);
  return base * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, t)));
}

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int epoch) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  std::mt19937_64 rng(seed * 1000003ULL + uint64_t(epoch) * 7919ULL + 17ULL);
  std::shuffle(idx.begin(), idx.end(), rng);
  return idx;
}

TrainStats train_loop(torch::optim::AdamW& optim, int64_t n, const BackboneTrainOptions& opt,
                      const std::function<torch::Tensor(const torch::Tensor& idx)>& batch_loss) {
  ARFC_CHECK(n >= 2, opt.what, ": training needs at least 2 examples, got ", n, ". Hint: raise --limit.");
  const int64_t bs = std::min(opt.batch_size, n);
  const int64_t steps_per_epoch = n / bs;
  const int64_t total = steps_per_epoch * opt.epochs;
  Progress progress(opt.what, total, 2.0);
  TrainStats st;
  int64_t step = 0;
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    auto order = torch::tensor(epoch_order(n, opt.seed, epoch), torch::kInt64);
    double loss_sum = 0;
    for (int64_t b = 0; b < steps_per_epoch; ++b, ++step) {
      const double lr = warmup_cosine_lr(opt.lr, step, total, opt.warmup_frac);
      for (auto& g : optim.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
      optim.zero_grad();
      auto loss = batch_loss(order.slice(0, b * bs, (b + 1) * bs));
      loss.backward();
      optim.step();
      const double l = loss.item<double>();
      ARFC_CHECK(std::isfinite(l), opt.what, ": loss became ", l, " at step ", step,
                 ". Hint: lower the learning rate.");
      loss_sum += l;
      char extra[96];
      std::snprintf(extra, sizeof extra, "epoch %d/%d loss %.4f", epoch + 1, opt.epochs, loss_sum / double(b + 1));
      progress.update(step + 1, extra);
    }
    st.final_loss = steps_per_epoch > 0 ? loss_sum / double(steps_per_epoch) : 0.0;
  }
  st.steps = step;
  st.seconds = progress.elapsed_s();
  char extra[64];
  std::snprintf(extra, sizeof extra, "final epoch loss %.4f", st.final_loss);
  progress.finish(extra);
  return st;
}

TrainStats train_classifier(CnnBackbone& net, const torch::Tensor& images, const torch::Tensor& labels,
                            const BackboneTrainOptions& opt) {
  ARFC_ASSERT(images.dim() == 4 && labels.dim() == 1 && images.size(0) == labels.size(0),
              "train_classifier: images ", images.sizes(), " vs labels ", labels.sizes());
  net->to(opt.device);
  net->train();
  torch::optim::AdamW optim(net->parameters(), torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay));
  return train_loop(optim, images.size(0), opt, [&](const torch::Tensor& idx) {
    auto x = images.index_select(0, idx).to(opt.device);
    auto y = labels.index_select(0, idx).to(opt.device);
    return torch::nn::functional::cross_entropy(net->forward(x), y);
  });
}

torch::Tensor extract_features(CnnBackbone& net, const torch::Tensor& images, torch::Device device,
                               int64_t batch_size, torch::Tensor* logits_out) {
  torch::NoGradGuard no_grad;
  net->to(device);
  net->eval();
  std::vector<torch::Tensor> feats, logits;
  if (images.size(0) == 0) {  // e.g. a class range absent from a --limit subset
    if (logits_out) *logits_out = torch::zeros({0, std::max<int64_t>(1, net->options.num_classes())});
    return torch::zeros({0, net->options.feature_dim()});
  }
  for (int64_t b = 0; b < images.size(0); b += batch_size) {
    auto x = images.slice(0, b, std::min(images.size(0), b + batch_size)).to(device);
    auto f = net->features(x);
    feats.push_back(f.to(torch::kCPU));
    if (logits_out && net->options.num_classes() > 0) {
      logits.push_back(net->classify(f).to(torch::kCPU));
    }
  }
  if (logits_out) *logits_out = logits.empty() ? torch::Tensor() : torch::cat(logits, 0);
  return torch::cat(feats, 0);
}

}  // namespace arfc
