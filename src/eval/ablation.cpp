#include "arfc/eval/ablation.h"

#include <algorithm>

#include "arfc/core/error.h"
#include "arfc/core/text.h"

namespace arfc {

const std::vector<AblationVariant>& arfc_ablation_variants() {
  static const std::vector<AblationVariant> variants = {
      {"default", {"arfc (default)", "arfc", "{}"}},
      {"s1", {"arfc S=1 (MoS off)", "arfc", R"({"model": {"solutions": 1}})"}, /*in_all=*/false},
      {"s2", {"arfc S=2 (MoS on)", "arfc", R"({"model": {"solutions": 2}})"}},
      {"s4", {"arfc S=4", "arfc", R"({"model": {"solutions": 4}})"}},
      {"s8", {"arfc S=8", "arfc", R"({"model": {"solutions": 8}})"}},
      {"ergc_off", {"arfc ERGC off", "arfc", R"({"loss": {"ergc_weight": 0}})"}},
      {"linear_base_off", {"arfc linear base off", "arfc", R"({"model": {"linear_base": false, "base_hidden": 0}})"}},
      {"base_only", {"arfc base only (no transformer)", "arfc", R"({"model": {"base_only": true}})"}},
      {"length_prefixes", {"arfc length-weighted prefixes", "arfc", R"({"train": {"prefix_weighting": "length"}})"}},
      {"beta25", {"arfc Beta(2,5)", "arfc", R"({"train": {"beta_a": 2, "beta_b": 5}})"}},
      {"beta52", {"arfc Beta(5,2)", "arfc", R"({"train": {"beta_a": 5, "beta_b": 2}})"}},
  };
  return variants;
}

std::vector<EvalMethod> select_ablation_variants(const std::string& keys) {
  const auto& all = arfc_ablation_variants();
  std::vector<std::string> wanted;
  for (const std::string& k : split_list(keys)) {
    const bool known = std::any_of(all.begin(), all.end(), [&](const AblationVariant& v) { return v.key == k; });
    if (!known) {
      std::string list;
      for (const auto& v : all) list += (list.empty() ? "" : ", ") + v.key;
      ARFC_THROW(k.empty() ? std::string("empty ablation variant name in '") + keys + "'"
                           : "unknown ablation variant '" + k + "'",
                 ". Known variants: ", list, ".");
    }
    wanted.push_back(k);
  }
  std::vector<EvalMethod> out;
  for (const auto& v : all)
    if (wanted.empty() ? v.in_all : std::count(wanted.begin(), wanted.end(), v.key) > 0) out.push_back(v.method);
  return out;
}

}  // namespace arfc
