#include "arfc/train/codebook_tuning.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/log.h"
#include "arfc/train/losses.h"

namespace arfc {

std::vector<int64_t> doubling_token_counts(int64_t top, int64_t steps) {
  const int64_t last = std::min(top, steps);
  ARFC_CHECK(last >= 1, "token counts: need at least one token and one codebook, got ", top, " and ", steps);
  std::vector<int64_t> t;
  for (int64_t m = 2; m <= last; m *= 2) t.push_back(m);
  if (t.empty()) t.push_back(last);
  return t;
}

nlohmann::json tune_codebooks(TokenCodebooksImpl& cb, const torch::Tensor& t_a, const torch::Tensor& t_b,
                              const torch::Tensor& labels, const TrainOptions& opt, double task_tau,
                              double recon_weight) {
  const int64_t M = cb.options.steps(), V = cb.options.dim(), T = std::min(opt.codebook_tokens, M);
  const bool pairs = t_b.defined();
  ARFC_CHECK(cb.options.mode() == "residual", "codebook tuning needs closed-loop (residual) tokens");
  ARFC_CHECK(t_a.dim() == 2 && t_a.size(1) == V && t_a.size(0) >= 2, "codebook tuning: expected codes [N >= 2, ", V,
             "], got ", t_a.sizes());
  ARFC_CHECK(pairs || labels.defined(), "codebook tuning needs paired codes or labels (its task loss)");
  ARFC_CHECK(!pairs || t_b.sizes() == t_a.sizes(), "codebook tuning: paired codes ", t_b.sizes(), " vs ", t_a.sizes());
  ARFC_CHECK(!labels.defined() || labels.numel() == t_a.size(0), "codebook tuning: ", labels.numel(),
             " labels for ", t_a.size(0), " rows");
  const std::vector<int64_t> lengths = doubling_token_counts(opt.codebook_tokens, M);
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t N = t_a.size(0), bs = std::max<int64_t>(2, std::min(opt.batch_size, N));
  const auto pa = cb.prepare(t_a), pb = pairs ? cb.prepare(t_b) : torch::Tensor();
  auto words = cb.codebooks.narrow(0, 0, T).detach().clone().set_requires_grad(true);  // [T, 256, V]
  torch::optim::Adam adam({words}, torch::optim::AdamOptions(opt.codebook_lr));
  // Codewords stay zero beyond their codebook's span (token_codebooks.h, bits_per_value).
  auto span_mask = torch::zeros({T, 1, words.size(2)}, words.options().requires_grad(false));
  for (int64_t m = 0; m < T; ++m) span_mask[m].narrow(1, 0, cb.span(m)).fill_(1);
  at::Generator gen = at::detail::createCPUGenerator(opt.seed + 7919);
  // y_m for every length in `lengths`: sums of the codewords `codes` [B, >= T] pick.
  auto sums = [&](const torch::Tensor& codes) {
    std::vector<torch::Tensor> ys;
    torch::Tensor y;
    for (int64_t s = 0; s < lengths.back(); ++s) {
      auto c = words[s].index_select(0, codes.select(1, s));
      y = y.defined() ? y + c : c;
      if (std::find(lengths.begin(), lengths.end(), s + 1) != lengths.end()) ys.push_back(y);
    }
    return ys;
  };
  double first_loss = 0, last_loss = 0;
  for (int64_t epoch = 0; epoch < opt.codebook_epochs; ++epoch) {
    auto perm = torch::randperm(N, gen, torch::TensorOptions().dtype(torch::kLong));
    double total = 0;
    int64_t batches = 0;
    for (int64_t start = 0; start + 2 <= N; start += bs) {
      check_interrupt();
      auto idx = perm.narrow(0, start, std::min(bs, N - start)).to(t_a.device());
      torch::Tensor codes_a, codes_b;
      {
        torch::NoGradGuard ng;
        cb.codebooks.narrow(0, 0, T).copy_(words.detach());
        codes_a = cb.encode(t_a.index_select(0, idx), lengths.back());
        if (pairs) codes_b = cb.encode(t_b.index_select(0, idx), lengths.back());
      }
      const auto ya = sums(codes_a), yb = pairs ? sums(codes_b) : std::vector<torch::Tensor>();
      const auto ra = pa.index_select(0, idx), rb = pairs ? pb.index_select(0, idx) : torch::Tensor();
      const auto y_labels = labels.defined() ? labels.index_select(0, idx.to(labels.device())) : torch::Tensor();
      torch::Tensor loss = torch::zeros({}, pa.options());
      for (size_t i = 0; i < ya.size(); ++i) {
        loss = loss + (pairs ? infonce_loss(ya[i], yb[i], task_tau) : supcon_loss(ya[i], y_labels, task_tau));
        loss = loss + recon_weight * reconstruction_loss(ya[i], ra);
        if (pairs) loss = loss + recon_weight * reconstruction_loss(yb[i], rb);
      }
      loss = loss / double(ya.size());
      adam.zero_grad();
      loss.backward();
      adam.step();
      {
        torch::NoGradGuard ng;
        words.mul_(span_mask);
      }
      total += loss.item<double>();
      ++batches;
    }
    const double mean = total / double(std::max<int64_t>(1, batches));
    if (epoch == 0) first_loss = mean;
    last_loss = mean;
    log_info("codebook tuning epoch " + std::to_string(epoch + 1) + "/" + std::to_string(opt.codebook_epochs) +
             ": loss " + std::to_string(mean));
  }
  {
    torch::NoGradGuard ng;
    cb.codebooks.narrow(0, 0, T).copy_(words.detach());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {{"epochs", opt.codebook_epochs}, {"tokens", T}, {"lengths", lengths},
          {"first_loss", first_loss}, {"last_loss", last_loss}, {"seconds", secs}};
}

}  // namespace arfc
