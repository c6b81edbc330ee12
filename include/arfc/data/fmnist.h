// The four Fashion-MNIST feature sets of `arfc data fmnist` (see docs/DATA.md):
//   pixels   784-d raw pixels in [0,1]                      task classification
//   cls      256-d penultimate features of a CNN trained on the train split (10 classes)
//   openset  256-d features of a CNN trained on train classes 0-4; train part = train
//            classes 0-4, test part = TEST-split classes 5-9   task retrieval
//   twoview  256-d L2-normalised embeddings of the left / right 14 columns from a dual
//            encoder trained with symmetric InfoNCE           task crossmodal
// Backbones train on the train split only. Same seed + same thread count on CPU gives
// bit-identical features.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/data/idx.h"
#include "arfc/io/feature_set.h"

namespace arfc {

// Bumped whenever a change alters the produced features (invalidates cached sets).
constexpr int kFmnistBuilderVersion = 1;
constexpr const char* kFmnistDefaultDir = "/usr/share/datasets/fashion-mnist";

struct FmnistOptions {
  std::string source_dir = kFmnistDefaultDir;  // holds the four *-ubyte.gz IDX files
  uint64_t seed = 0;       // torch init and data order
  int epochs = 0;          // backbone epochs; 0 = the per-set default (fmnist_default_epochs)
  int64_t limit = 0;       // > 0: only the first `limit` train and `limit/6` test images
  std::string device = "cpu";  // "cpu", "cuda", "cuda:N" or "auto"
};

// "pixels", "cls", "openset", "twoview"
const std::vector<std::string>& fmnist_set_names();
int fmnist_default_epochs(const std::string& set);

struct FmnistData {
  IdxImages train_images, test_images;  // n x 28 x 28
  Labels train_labels, test_labels;     // 0..9
};

// Reads and validates the four IDX files (image/label counts agree, 28x28, labels 0..9),
// keeping only the first `limit` train and limit/6 test items when limit > 0.
// A missing directory or file -> arfc::Error with the apt-get hint.
FmnistData load_fmnist(const std::string& dir, int64_t limit = 0);

// Builds one set in memory (trains its backbone if it has one). meta_json holds the
// settings, split description, backbone, timings and reference numbers.
FeatureSet build_fmnist_set(const std::string& set, const FmnistOptions& opt);
FeatureSet build_fmnist_set(const std::string& set, const FmnistData& data, const FmnistOptions& opt);

// The cache key stored under "settings" in meta.json: builder version, set, seed,
// resolved epochs, limit.
std::string fmnist_settings_json(const std::string& set, const FmnistOptions& opt);
// True when set_dir/meta.json carries the same settings and the set's .npy files exist;
// then *meta_text (when given) holds that meta.json.
bool fmnist_set_is_cached(const std::string& set_dir, const std::string& set, const FmnistOptions& opt,
                          std::string* meta_text = nullptr);

struct FmnistBuildReport {
  std::string set, dir;
  bool cached = false;   // skipped: an identical set was already on disk
  double seconds = 0;
  std::string meta_json;
};

// Builds each set into out_dir/<set>/ (written to a temporary directory, then renamed),
// skipping sets that are cached unless `force`.
std::vector<FmnistBuildReport> build_fmnist_sets(const std::string& out_dir, const std::vector<std::string>& sets,
                                                 const FmnistOptions& opt, bool force = false);

}  // namespace arfc
