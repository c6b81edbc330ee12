// Training an ARFC model end to end: the default configuration of a task, and train_arfc
// (the ARC trained with its task losses and ERGC, then int8 calibration and the discrete-
// token codebooks fitted on the training rows). The result is a model/arfc_model.h model.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "arfc/io/feature_set.h"
#include "arfc/io/training_rows.h"
#include "arfc/model/arfc_model.h"

namespace arfc {

class ProcessGroup;  // train/distributed.h

// Trains an ARFC model on fs.train_* (a validation split is carved from it) with `config`
// (missing keys take their defaults; unknown keys -> arfc::Error). When checkpoint_path is
// not empty, the model + optimiser state is written there after every epoch and, with
// resume = true, training continues from it and ends identical to an uninterrupted run.
// With a process group (train/distributed.h) every rank calls this with the same data and
// config and gets the same model; rank 0 alone writes the checkpoint.
ArfcModel train_arfc(const FeatureSet& fs, const nlohmann::json& config,
                     const std::string& checkpoint_path = "", bool resume = false,
                     const std::shared_ptr<ProcessGroup>& group = nullptr);

// Data-parallel training where each rank reads only its share of the rows: this rank's
// blocks of the batches and the validation rows (train/trainer.h, rank_rows), read from
// `rows` (io/training_rows.h, e.g. the training files) before training. The PCA start of
// the linear base sums each rank's moments over the group (every row once, as one process
// fits it), and the calibration and codebook fits after training read their rows (at most
// a few ten thousand) from `rows`.
// Every rank ends with the same model. With the same config, one process with
// train.micro_batches = W gives that model up to rounding (the same batches, parts and
// order), through train_arfc.
ArfcModel train_arfc_sharded(const TrainingRows& rows, const nlohmann::json& config,
                             const std::string& checkpoint_path = "", bool resume = false,
                             const std::shared_ptr<ProcessGroup>& group = nullptr);

// The default configuration (model + training) for a task and input dimension, as JSON.
nlohmann::json default_arfc_config(Task task, int64_t input_dim);

}  // namespace arfc
