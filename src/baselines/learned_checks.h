// Entry-point checks shared by the learned baseline encoders (private to src/baselines).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "arfc/core/error.h"

namespace arfc::detail {

// x must be [B, dim] floating; modality must be < num_modalities.
inline void check_encoder_input(const char* who, const torch::Tensor& x, int64_t dim,
                                int64_t modality, int64_t num_modalities) {
  ARFC_CHECK(modality >= 0 && modality < num_modalities, who, ": modality expected in [0, ",
             num_modalities - 1, "], got ", modality,
             ". Hint: modality 1 exists only for models trained on crossmodal data.");
  ARFC_CHECK(x.dim() == 2 && x.size(1) == dim, who, ": input expected [B, ", dim, "], got ",
             x.sizes(), ". Hint: use features of the dimension the model was built for.");
}

inline void check_code_input(const char* who, const torch::Tensor& codes, int64_t lo, int64_t hi,
                             int64_t modality, int64_t num_modalities) {
  ARFC_CHECK(modality >= 0 && modality < num_modalities, who, ": modality expected in [0, ",
             num_modalities - 1, "], got ", modality, ".");
  ARFC_CHECK(codes.dim() == 2 && codes.size(1) >= lo && codes.size(1) <= hi, who,
             ": codes expected [B, m] with m in [", lo, ", ", hi, "], got ", codes.sizes(), ".");
}

}  // namespace arfc::detail
