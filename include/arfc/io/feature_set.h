// A feature set on disk: the unit that `arfc train` and `arfc eval` consume.
//
// Directory layout (written by `arfc data fmnist`, or by hand for your own data):
//   DIR/meta.json     {"format": "arfc-featureset", "version": 1, "name": "cls",
//                      "task": "classification", "dim": 256, ... free-form provenance}
//   DIR/train_x.npy   [n_train, D] float32        features used to train compressors
//   DIR/train_y.npy   [n_train] int64             labels (classification, retrieval)
//   DIR/train_b.npy   [n_train, D_b] float32      second modality (crossmodal only)
//   DIR/test_x.npy    [n_test, D] float32         evaluation features
//   DIR/test_y.npy    [n_test] int64
//   DIR/test_b.npy    [n_test, D_b] float32       (crossmodal only; row i pairs with test_x row i)
// Task "retrieval" means open-set: test classes are disjoint from train classes.
#pragma once

#include <string>

#include "arfc/core/matrix.h"

namespace arfc {

enum class Task { Generic, Classification, Retrieval, Crossmodal };

Task parse_task(const std::string& name);  // unknown -> arfc::Error listing the accepted names
std::string task_name(Task t);

struct FeatureSet {
  std::string name;
  Task task = Task::Generic;
  std::string meta_json = "{}";  // the whole meta.json (provenance, reference numbers)
  Matrix train_x, train_b, test_x, test_b;
  Labels train_y, test_y;
};

// Validates presence and shapes for the task (labels for classification/retrieval, pairs
// for crossmodal, equal row counts, same D for train and test) with arfc::Error messages.
FeatureSet load_feature_set(const std::string& dir);
// Only the directory's meta.json, validated as load_feature_set validates it (format,
// version, task): name, task and meta_json filled, no arrays read.
FeatureSet read_feature_set_meta(const std::string& dir);
void save_feature_set(const std::string& dir, const FeatureSet& fs);

// The training files of a feature set directory (meta.json validated, files present; y for
// classification/retrieval, b for crossmodal, else empty), for reading only some rows
// (io/training_rows.h) instead of load_feature_set's everything.
struct TrainingFiles {
  Task task = Task::Generic;
  std::string x, b, y;
};
TrainingFiles training_files(const std::string& dir);

}  // namespace arfc
