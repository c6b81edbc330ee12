// ARFC ablation variants for `arfc eval --ablation`: each is the "arfc" method trained in
// process with default_arfc_config() plus one override (config keys: docs/DESIGN.md), so
// every variant differs from the default in exactly one setting. Keys (for --variants):
//   default
//   s2, s4, s8        MoS on: model.solutions S (the default S = 1 is MoS off)
//   s1                S = 1 spelled out: the default since MoS stopped being on by default;
//                     kept so older commands run, and left out of "all"
//   ergc_off          ERGC: loss.ergc_weight 0
//   linear_base_off   model.linear_base off (the transformer alone, random start)
//   base_only         model.base_only: the PCA-initialised linear base trained alone with
//                     the same losses and epochs (what the transformer adds over its base)
//   length_prefixes   train.prefix_weighting "length" (favours long codes) vs "uniform"
//   beta25, beta52    train.beta_a / beta_b of the prefix-length distribution: (1,1) is the
//                     default uniform, (2,5) favours short codes, (5,2) long ones
#pragma once

#include <string>
#include <vector>

#include "arfc/eval/harness.h"

namespace arfc {

struct AblationVariant {
  std::string key;      // short name for --variants
  EvalMethod method;    // report label, "arfc", overrides
  bool in_all = true;   // part of the run without --variants
};

// Every variant, in report order.
const std::vector<AblationVariant>& arfc_ablation_variants();
// The variants named in `keys` (comma-separated, in report order, repeats once; "" = all
// those with in_all);
// an unknown or empty name -> arfc::Error listing the known ones.
std::vector<EvalMethod> select_ablation_variants(const std::string& keys);

}  // namespace arfc
