// Input dimension of a model's modality, for the CLI commands that check files against it.
#pragma once

#include <cstdint>
#include <string>

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

// "" when codes with fingerprint codes_fp were made by model m (loaded from model_path);
// else what differs, naming `source` ("code file 'c.arfc'", "--queries 'q.arfc'") and
// both fingerprints, for the caller to refuse or warn with.
inline std::string fingerprint_mismatch(const ArfcModel& m, uint64_t codes_fp, const std::string& source,
                                        const std::string& model_path) {
  if (codes_fp == m.fingerprint()) return "";
  return source + " was made by the model with fingerprint " + format_fingerprint(codes_fp) + ", but --model '" +
         model_path + "' has fingerprint " + format_fingerprint(m.fingerprint());
}

}  // namespace arfc::cli
