#include "arfc/data/reference_metrics.h"

#include <algorithm>

#include "arfc/core/error.h"

namespace arfc {
namespace {

namespace F = torch::nn::functional;

torch::Tensor unit_rows(const torch::Tensor& x) {
  return F::normalize(x.to(torch::kFloat32), F::NormalizeFuncOptions().dim(1));
}

constexpr int64_t kChunk = 1024;  // queries per similarity block

}  // namespace

double top1_accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  ARFC_ASSERT(logits.dim() == 2 && labels.dim() == 1 && logits.size(0) == labels.size(0),
              "top1_accuracy: logits ", logits.sizes(), " labels ", labels.sizes());
  if (labels.numel() == 0) return 0.0;
  return logits.argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
}

std::vector<double> recall_at_k_labels(const torch::Tensor& feats, const torch::Tensor& labels,
                                       const std::vector<int64_t>& ks) {
  torch::NoGradGuard no_grad;
  const int64_t n = feats.size(0);
  ARFC_ASSERT(labels.dim() == 1 && labels.size(0) == n, "recall_at_k_labels: ", feats.sizes(), " vs ", labels.sizes());
  const int64_t kmax = std::min(n - 1, *std::max_element(ks.begin(), ks.end()));
  std::vector<double> hits(ks.size(), 0.0);
  if (n < 2 || kmax < 1) return hits;
  auto x = unit_rows(feats);
  for (int64_t b = 0; b < n; b += kChunk) {
    const int64_t e = std::min(n, b + kChunk);
    auto sim = torch::matmul(x.slice(0, b, e), x.t());
    sim.index_put_({torch::arange(e - b), torch::arange(b, e)}, -1e9f);  // exclude self
    auto nn = std::get<1>(sim.topk(kmax, 1));
    auto same = labels.index({nn}).eq(labels.slice(0, b, e).unsqueeze(1));  // [B, kmax]
    for (size_t j = 0; j < ks.size(); ++j) {
      const int64_t k = std::min(ks[j], kmax);
      hits[j] += same.slice(1, 0, k).any(1).sum().item<double>();
    }
  }
  for (auto& h : hits) h /= double(n);
  return hits;
}

std::vector<double> recall_at_k_pairs(const torch::Tensor& q, const torch::Tensor& g,
                                      const std::vector<int64_t>& ks) {
  torch::NoGradGuard no_grad;
  const int64_t n = q.size(0);
  ARFC_ASSERT(g.size(0) == n && q.size(1) == g.size(1), "recall_at_k_pairs: ", q.sizes(), " vs ", g.sizes());
  std::vector<double> hits(ks.size(), 0.0);
  if (n == 0) return hits;
  auto a = unit_rows(q), c = unit_rows(g);
  for (int64_t b = 0; b < n; b += kChunk) {
    const int64_t e = std::min(n, b + kChunk);
    auto sim = torch::matmul(a.slice(0, b, e), c.t());
    // Rank of the true match = number of gallery items scoring strictly higher.
    auto own = sim.gather(1, torch::arange(b, e).unsqueeze(1));
    auto rank = sim.gt(own).sum(1);
    for (size_t j = 0; j < ks.size(); ++j) hits[j] += rank.lt(ks[j]).sum().item<double>();
  }
  for (auto& h : hits) h /= double(n);
  return hits;
}

}  // namespace arfc
