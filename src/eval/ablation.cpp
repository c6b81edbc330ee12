#include "arfc/eval/ablation.h"

namespace arfc {

std::vector<EvalMethod> arfc_ablation_variants() {
  return {
      {"arfc (default)", "arfc", "{}"},
      {"arfc S=1 (MoS off)", "arfc", R"({"model": {"solutions": 1}})"},
      {"arfc S=4", "arfc", R"({"model": {"solutions": 4}})"},
      {"arfc S=8", "arfc", R"({"model": {"solutions": 8}})"},
      {"arfc ERGC off", "arfc", R"({"loss": {"ergc_weight": 0}})"},
      {"arfc linear base off", "arfc", R"({"model": {"linear_base": false}})"},
      {"arfc base only (no transformer)", "arfc", R"({"model": {"base_only": true}})"},
      {"arfc length-weighted prefixes", "arfc", R"({"train": {"prefix_weighting": "length"}})"},
      {"arfc Beta(2,5)", "arfc", R"({"train": {"beta_a": 2, "beta_b": 5}})"},
      {"arfc Beta(5,2)", "arfc", R"({"train": {"beta_a": 5, "beta_b": 2}})"},
  };
}

}  // namespace arfc
