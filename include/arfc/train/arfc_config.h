// The full ARFC configuration for training: the model file's document (model/model_config.h:
// task, ArcOptions, geometry, summary) with its "train" and "loss" sections parsed into
// TrainOptions and LossOptions. Parsing fills defaults, rejects unknown keys (listing the
// accepted ones) and bad values with arfc::Error naming the field ("config.train.lr ...").
#pragma once

#include <nlohmann/json.hpp>

#include "arfc/io/feature_set.h"
#include "arfc/model/arc.h"
#include "arfc/model/model_config.h"
#include "arfc/train/trainer.h"

namespace arfc {

struct ArfcConfig {
  Task task = Task::Generic;
  ArcOptions model{1};
  TrainOptions train;
  LossOptions loss;
  nlohmann::json summary = nlohmann::json::object();  // empty until trained
  // The whole document, defaults filled, "geometry" derived from model (ModelConfig::to_json).
  nlohmann::json to_json() const;
};

// A complete document: "task" and "model.input_dim" are required; other keys default.
ArfcConfig parse_arfc_config(const nlohmann::json& j, const std::string& where = "config");
// `base` with `user` merged in section by section (user wins per key). Unknown top-level
// or section keys are left for parse_arfc_config() to reject.
nlohmann::json merge_config(const nlohmann::json& base, const nlohmann::json& user);

}  // namespace arfc
