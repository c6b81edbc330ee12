// ARFC ablation variants for `arfc eval --ablation`: each is the "arfc" method trained in
// process with default_arfc_config() plus one override (config keys: docs/DESIGN.md), so
// every variant differs from the default in exactly one setting.
//   MoS:   model.solutions S in {1, 2, 4, 8}   (S = 1 turns MoS off; 2 is the default)
//   ERGC:  loss.ergc_weight 0 (off) vs the default
//   Linear base: model.linear_base off (the transformer alone, random start)
//   Base only: model.base_only (the PCA-initialised linear base trained alone, same losses
//          and epochs): what the transformer adds over its own base
//   Prefix weighting: train.prefix_weighting "length" (favours long codes) vs "uniform"
//   Beta:  train.beta_a / beta_b of the prefix-length distribution: (1,1) default uniform,
//          (2,5) favours short codes (high ratios), (5,2) favours long codes
#pragma once

#include <vector>

#include "arfc/eval/harness.h"

namespace arfc {

std::vector<EvalMethod> arfc_ablation_variants();

}  // namespace arfc
