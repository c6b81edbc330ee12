// Straight-through training of ARFC's discrete tokens: the end-to-end alternative to the
// staged fit (continuous ARC first, codebooks after; docs/DESIGN.md, "Straight-through
// tokens"). The last train.st_epochs epochs of training also judge the network by the
// codes its discrete tokens make. Before them the codebooks are fitted to the network as
// it is then (k-means on the full continuous codes of up to 20 000 training rows per
// modality, as the staged fit does). In each batch the full code t [B, V] is encoded into
// tokens (the model's search, no gradient), and the code of the first m tokens, y_m,
// enters the task loss and ERGC as
//   s_m = p + (y_m - p).detach(),   p = prepare(t) (the direction-scaled code the tokens quantise)
// (forward: y_m; backward: the gradient reaches t as if quantisation were the identity),
// for m = 2, 4, 8, ... up to st_tokens and the codebooks' count. After training,
// train_arfc fits the codebooks again (ArfcModel::fit_codebooks), so the stored codes come
// from the final network.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "arfc/io/training_rows.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/train/trainer.h"

namespace arfc {

class ArcImpl;  // model/arc.h

// full [B, V] continuous codes -> one [B, V] tensor per m in `tokens` (ascending, each in
// [1, cb's steps]): the value of y_m, the code of the first m tokens (cb.decode of
// cb.encode), with the gradient of cb.prepare(full). One encoding at the largest m serves
// every m (prefix property).
std::vector<torch::Tensor> straight_through_codes(const TokenCodebooksImpl& cb, const torch::Tensor& full,
                                                  const std::vector<int64_t>& tokens);

// The CodeView (train/trainer.h) of an ARC network with discrete tokens: `start` fits its
// codebooks on the full codes of the first up to 20 000 rows of `data` (both modalities,
// seed opt.seed), `codes` is straight_through_codes with doubling_token_counts(opt.st_tokens, M)
// (train/codebook_tuning.h),
// epochs opt.st_epochs, weight opt.st_weight. arc and data must outlive the view.
CodeView straight_through_view(const std::shared_ptr<ArcImpl>& arc, const TrainingRows& data, const TrainOptions& opt);

}  // namespace arfc
