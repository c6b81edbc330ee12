// Task-aware tuning of the discrete-token codebooks (model/token_codebooks.h), after the
// staged fit: the codebooks are k-means fits of the continuous codes, blind to what the
// codes are searched for. Tuning keeps the assignment rule (each batch is encoded with the
// current codebooks, beam included, no gradient) and moves the codewords of the first T
// tokens by Adam on
//   mean over lengths m in {2, 4, 8, ...} <= T of  task(y_m) + recon_weight * ||t - y_m||^2 / ||t||^2,
// y_m the code-space vector of the first m tokens (a sum of codewords: differentiable in
// them), t the (direction-scaled) continuous code the tokens quantise; task = InfoNCE
// between the paired codes of the two modalities (cross-modal) or SupCon on the labels
// (classification, retrieval), temperature loss.task_tau. Codebooks after T are refitted
// by the caller on the residuals the tuned ones leave.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "arfc/model/token_codebooks.h"
#include "arfc/train/trainer.h"

namespace arfc {

// Token counts a training loss judges codes at: 2, 4, 8, ... <= min(top, steps), or
// {min(top, steps)} when that is below 2 (codebook tuning with top = codebook_tokens,
// straight-through training with top = st_tokens; steps = the codebooks' count).
std::vector<int64_t> doubling_token_counts(int64_t top, int64_t steps);

// t_a [N, V] continuous codes of the fitting rows (modality 0); t_b [N, V] the paired codes
// of modality 1 or undefined; labels [N] int64 or undefined (one of t_b / labels needed).
// Tunes cb.codebooks[0, T) in place, T = min(opt.codebook_tokens, M), for
// opt.codebook_epochs epochs of opt.batch_size rows (shuffled, seeded by opt.seed).
// Returns {"epochs", "tokens", "lengths", "first_loss", "last_loss", "seconds"} (mean loss
// of the first and last epoch).
nlohmann::json tune_codebooks(TokenCodebooksImpl& cb, const torch::Tensor& t_a, const torch::Tensor& t_b,
                              const torch::Tensor& labels, const TrainOptions& opt, double task_tau,
                              double recon_weight);

}  // namespace arfc
