// The configuration document stored in every model file (docs/FORMAT.md):
//   {"task": "classification",
//    "model": {...ArcOptions...}, "train": {...}, "loss": {...},
//    "geometry": {...derived, informative...}, "summary": {...written after training...}}
// This is the model's part of it: the task, the network (ArcOptions) and the document's
// shape. The train and loss sections are kept as JSON objects here; train/arfc_config.h
// parses them into TrainOptions / LossOptions for training. Parsing fills defaults and
// rejects unknown keys (listing the accepted ones) and bad values with arfc::Error naming
// the field ("config.model.d_model ...").
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "arfc/io/feature_set.h"
#include "arfc/model/arc.h"

namespace arfc {

struct ModelConfig {
  Task task = Task::Generic;
  ArcOptions model{1};
  nlohmann::json train = nlohmann::json::object();    // the "train" section as stored
  nlohmann::json loss = nlohmann::json::object();     // the "loss" section as stored
  nlohmann::json summary = nlohmann::json::object();  // empty until trained
  // The whole document, "geometry" derived from model (summary only when not empty).
  nlohmann::json to_json() const;
};

nlohmann::json to_json(const ArcOptions& o);
// `j` must hold input_dim (and input_dim_b for two modalities).
ArcOptions arc_options_from_json(const nlohmann::json& j, const std::string& where = "config.model");
// A complete document: "task" and "model.input_dim" are required, "train" and "loss" must be
// objects when present (their keys are checked by parse_arfc_config), "geometry" is ignored.
ModelConfig parse_model_config(const nlohmann::json& j, const std::string& where = "config");

}  // namespace arfc
