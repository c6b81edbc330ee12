#include "arfc/train/straight_through.h"

#include <algorithm>
#include <chrono>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/model/arc.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/codebook_tuning.h"

namespace arfc {

std::vector<torch::Tensor> straight_through_codes(const TokenCodebooksImpl& cb, const torch::Tensor& full,
                                                  const std::vector<int64_t>& tokens) {
  const int64_t M = cb.options.steps();
  ARFC_CHECK(!tokens.empty() && std::is_sorted(tokens.begin(), tokens.end()) && tokens.front() >= 1 &&
                 tokens.back() <= M,
             "straight-through codes: token counts must be ascending in [1, ", M, "]");
  ARFC_CHECK(full.dim() == 2 && full.size(1) == cb.options.dim(), "straight-through codes: expected codes [B, ",
             cb.options.dim(), "], got ", full.sizes());
  const auto p = cb.prepare(full);
  std::vector<torch::Tensor> out;
  out.reserve(tokens.size());
  const auto codes = cb.encode(full.detach(), tokens.back());  // int64: carries no gradient
  for (int64_t m : tokens) out.push_back(p + (cb.decode(codes.narrow(1, 0, m)) - p).detach());
  return out;
}

CodeView straight_through_view(const std::shared_ptr<ArcImpl>& arc, const TrainingRows& data,
                               const TrainOptions& opt) {
  ARFC_CHECK(arc != nullptr && !arc->codebooks().is_empty(),
             "train.st_epochs: straight-through training needs discrete tokens (model.discrete_tokens > 0)");
  const bool pairs = arc->num_modalities() > 1;
  ARFC_CHECK(!pairs || data.modalities() == 2, "train.st_epochs: the model has two modalities, the training rows ",
             data.modalities());
  CodeView v;
  v.epochs = opt.st_epochs;
  v.weight = opt.st_weight;
  const auto tokens = doubling_token_counts(opt.st_tokens, arc->codebooks()->options.steps());
  ArcImpl* net = arc.get();
  const uint64_t seed = opt.seed;
  const int64_t top = tokens.back();
  // `data` outlives the view: train_arfc holds both.
  v.start = [net, &data, pairs, seed, top]() {
    constexpr int64_t kRows = 20000, kChunk = 2048;
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t n = std::min(kRows, data.rows()), V = net->max_values();
    const torch::Device device = net->codebooks()->codebooks.device();
    std::vector<torch::Tensor> rows;
    torch::NoGradGuard ng;
    for (int64_t modality = 0; modality < (pairs ? 2 : 1); ++modality)
      for (int64_t s = 0; s < n; s += kChunk)
        rows.push_back(
            net->encode(to_tensor(data.slice(modality, s, std::min(n, s + kChunk))).to(device), V, modality));
    // Only the codebooks the view's codes read; the staged fit after training fits them all.
    const int64_t fitted = net->codebooks()->tokens_read(top);
    net->codebooks()->fit(torch::cat(rows, 0), seed, 16, 0, fitted);
    log_info("straight-through: fitted the first " + std::to_string(fitted) +
             " discrete-token codebooks to the network on " + std::to_string(n) + " rows in " +
             format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  };
  v.codes = [net, tokens](const torch::Tensor& full) { return straight_through_codes(*net->codebooks(), full, tokens); };
  return v;
}

}  // namespace arfc
