// Input dimension of a model's modality, for the CLI commands that check files against it.
#pragma once

#include <cstdint>

#include "arfc/core/error.h"
#include "arfc/model/arfc_model.h"

namespace arfc::cli {

// D for modality 0; the second modality's D (config model.input_dim_b) for modality 1.
// `source` names where the modality came from in errors ("--modality", "code file 'c.arfc'").
inline int64_t model_input_dim(const ArfcModel& m, int64_t modality, const std::string& model_path,
                               const std::string& source = "--modality") {
  ARFC_CHECK(modality >= 0 && modality < m.num_modalities(), source, ": model '", model_path, "' has ",
             m.num_modalities(), " modalit", (m.num_modalities() == 1 ? "y" : "ies"), ", expected 0",
             (m.num_modalities() > 1 ? " or 1" : ""), ", got ", modality,
             ". Hint: modality 1 exists only for crossmodal models.");
  return m.input_dim(modality);
}

}  // namespace arfc::cli
