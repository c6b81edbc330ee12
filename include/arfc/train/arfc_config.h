// The full ARFC configuration as one JSON document (stored inside every model file):
//   {"task": "classification",
//    "model": {...ArcOptions...}, "train": {...TrainOptions...}, "loss": {...LossOptions...},
//    "geometry": {...derived, informative...}, "summary": {...written after training...}}
// Parsing fills defaults, rejects unknown keys (listing the accepted ones) and bad values
// with arfc::Error naming the field ("config.model.d_model ...").
#pragma once

#include <nlohmann/json.hpp>

#include "arfc/io/feature_set.h"
#include "arfc/model/arc.h"
#include "arfc/train/trainer.h"

namespace arfc {

struct ArfcConfig {
  Task task = Task::Generic;
  ArcOptions model{1};
  TrainOptions train;
  LossOptions loss;
  nlohmann::json summary = nlohmann::json::object();  // empty until trained
  // The whole document, defaults filled, "geometry" derived from model.
  nlohmann::json to_json() const;
};

nlohmann::json to_json(const ArcOptions& o);
// `j` must hold input_dim (and input_dim_b for two modalities).
ArcOptions arc_options_from_json(const nlohmann::json& j, const std::string& where = "config.model");
// A complete document: "task" and "model.input_dim" are required; other keys default.
ArfcConfig parse_arfc_config(const nlohmann::json& j, const std::string& where = "config");
// `base` with `user` merged in section by section (user wins per key). Unknown top-level
// or section keys are left for parse_arfc_config() to reject.
nlohmann::json merge_config(const nlohmann::json& base, const nlohmann::json& user);

}  // namespace arfc
