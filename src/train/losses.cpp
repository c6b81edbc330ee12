#include "arfc/train/losses.h"

#include "arfc/core/error.h"

namespace arfc {

namespace {

torch::Tensor cosine_matrix(const torch::Tensor& a, const torch::Tensor& b) {
  auto an = torch::nn::functional::normalize(a, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8));
  auto bn = torch::nn::functional::normalize(b, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8));
  return torch::matmul(an, bn.t());
}

// Row-wise KL(softmax(target/tau) || softmax(pred/tau)) over off-diagonal entries, averaged.
torch::Tensor graph_kl(const torch::Tensor& target, const torch::Tensor& pred, double tau) {
  const int64_t n = target.size(0);
  auto eye = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(target.device()));
  const double neg = -1e9;
  auto t = (target / tau).masked_fill(eye, neg);
  auto p = (pred / tau).masked_fill(eye, neg);
  auto log_pt = torch::log_softmax(t, 1);
  auto log_pp = torch::log_softmax(p, 1);
  auto kl = (log_pt.exp() * (log_pt - log_pp)).masked_fill(eye, 0.0).sum(1);
  return kl.mean();
}

}  // namespace

torch::Tensor ergc_loss(const torch::Tensor& features, const torch::Tensor& codes, double tau) {
  ARFC_ASSERT(features.dim() == 2 && codes.dim() == 2 && features.size(0) == codes.size(0),
              "ergc_loss: features [B, D] and codes [B, m] must share B");
  ARFC_ASSERT(features.size(0) >= 2, "ergc_loss needs a batch of at least 2");
  torch::Tensor g;
  {
    torch::NoGradGuard ng;
    g = cosine_matrix(features, features);
  }
  return graph_kl(g, cosine_matrix(codes, codes), tau);
}

torch::Tensor ergc_loss_crossmodal(const torch::Tensor& features_a, const torch::Tensor& features_b,
                                   const torch::Tensor& codes_a, const torch::Tensor& codes_b, double tau) {
  ARFC_ASSERT(features_a.size(0) == features_b.size(0) && codes_a.size(0) == codes_b.size(0) &&
                  codes_a.size(1) == codes_b.size(1),
              "ergc_loss_crossmodal: paired batches must match");
  torch::Tensor g;
  {
    torch::NoGradGuard ng;
    auto gaa = cosine_matrix(features_a, features_a);
    auto gbb = cosine_matrix(features_b, features_b);
    auto gab = (gaa + gbb) / 2;
    gab.fill_diagonal_(1.0);
    g = torch::cat({torch::cat({gaa, gab}, 1), torch::cat({gab.t(), gbb}, 1)}, 0);
  }
  auto c = torch::cat({codes_a, codes_b}, 0);
  return graph_kl(g, cosine_matrix(c, c), tau);
}

torch::Tensor reconstruction_loss(const torch::Tensor& recon, const torch::Tensor& target) {
  ARFC_ASSERT(recon.sizes() == target.sizes(), "reconstruction_loss: shape mismatch");
  auto denom = target.detach().pow(2).mean() + 1e-8;
  return (recon - target).pow(2).mean() / denom;
}

torch::Tensor supcon_loss(const torch::Tensor& codes, const torch::Tensor& labels, double tau) {
  const int64_t n = codes.size(0);
  auto sim = cosine_matrix(codes, codes) / tau;
  auto eye = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(codes.device()));
  auto pos = labels.view({n, 1}).eq(labels.view({1, n})).logical_and(eye.logical_not());
  auto log_prob = torch::log_softmax(sim.masked_fill(eye, -1e9), 1);
  auto npos = pos.sum(1);
  auto has = npos.gt(0);
  if (!has.any().item<bool>()) return codes.sum() * 0.0;
  auto per_anchor = -(log_prob * pos.to(log_prob.scalar_type())).sum(1) / npos.clamp_min(1).to(log_prob.scalar_type());
  return per_anchor.masked_select(has).mean();
}

torch::Tensor infonce_loss(const torch::Tensor& codes_a, const torch::Tensor& codes_b, double tau) {
  auto logits = cosine_matrix(codes_a, codes_b) / tau;
  auto target = torch::arange(codes_a.size(0), torch::TensorOptions().dtype(torch::kInt64).device(codes_a.device()));
  return 0.5 * (torch::nn::functional::cross_entropy(logits, target) +
                torch::nn::functional::cross_entropy(logits.t(), target));
}

}  // namespace arfc
