// The evaluation harness: every method at every requested ratio on one feature set, under
// the fixed protocol of eval/metrics.h, into records that the report writers (report.h)
// turn into tables and a plot.
//
// Per task (metrics[0] is the main metric, plotted):
//   classification  probe_acc (converged linear probe, test accuracy), knn_acc (k = 10)
//   retrieval       R@1, R@2, R@4, R@8 (open set, test vs other test items), R@1 asym
//   crossmodal      R@1 mean (of both directions), A->B R@1/5/10, B->A R@1/5/10, R@1 mean asym
//   generic         nn_overlap@10 (neighbours kept vs the uncompressed features)
// Search is symmetric (both sides compressed, codec/codec.h) except the "asym" metrics:
// raw query vs decoded database, cosine, for codecs that decode (NaN otherwise).
// A row "uncompressed" (the raw features, cosine) is the reference of every task.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/codes/ratio.h"  // parse_ratio_list
#include "arfc/eval/metrics.h"
#include "arfc/io/feature_set.h"

namespace arfc {

struct EvalMethod {
  std::string label;                  // row name in the report ("pca", "arfc S=4")
  std::string spec;                   // make_codec() spec ("pca", "arfc:model.arfc")
  std::string overrides_json = "{}";  // learned methods: config overrides (ablations)
};

struct EvalOptions {
  std::vector<EvalMethod> methods;  // validated specs (see parse_method_list)
  std::vector<double> ratios;       // requested ratios, each > 1
  uint64_t seed = 0;                // codecs, probes and --limit subsampling
  int64_t epochs = 0;               // learned methods alike (0 = their default)
  int64_t threads = 0;              // passed to codecs (CodecCache::threads)
  std::string device = "cpu";       // learned methods
  int64_t limit = 0;                // > 0: at most this many train and test rows each
  ProbeOptions probe;               // seed is overwritten by `seed`
  int64_t knn_k = 10;
  std::string command_line;         // recorded in the report
};

struct EvalRecord {
  std::string task, method;
  double ratio_requested = 0;  // 1 for the uncompressed reference
  double ratio_achieved = 0;   // 4 D / bytes_per_vector
  int64_t bytes_per_vector = 0;
  std::string metric;
  double value = 0;            // in [0, 1]; NaN when error is set
  double se = 0;               // binomial standard error of value over the test queries
  std::string distance;
  std::string variant;         // what the code is made of ("i8 x 64", "M=8 x 8 bit")
  double seconds = 0;          // fit + encode + metrics of this (method, ratio)
  std::string error;           // empty unless the method failed or cannot reach the ratio
  bool unreachable = false;    // the method cannot make a code of this size (error says why)
};

struct EvalReport {
  std::string dataset, task;
  int64_t dim = 0, n_train = 0, n_test = 0;
  std::vector<std::string> methods;   // row labels in order, "uncompressed" first
  std::vector<std::string> distances; // per method, same order
  std::vector<double> ratios;         // requested ratios (columns)
  std::vector<std::string> metrics;   // metrics[0] is the main metric
  std::vector<EvalRecord> records;
  std::string command_line;
  uint64_t seed = 0;
  int64_t epochs = 0, limit = 0;
  double seconds = 0;                 // whole run (merged reports: the sum of their runs)
  std::vector<std::string> notes;     // protocol notes for the report
  std::vector<std::string> sources;   // merged reports (eval/report_merge.h): one line per part
};

// The metric names of a task, main metric first.
std::vector<std::string> task_metrics(Task t);

// The protocol's ratio grid, 2x..512x.
const std::vector<double>& default_ratio_grid();

// At most `limit` train and test rows each (seeded, uniform, order kept; pairs and labels
// stay aligned). limit <= 0 returns fs unchanged.
FeatureSet limit_feature_set(const FeatureSet& fs, int64_t limit, uint64_t seed);

// Runs everything. Bad options (no methods, no ratios, unknown spec) throw arfc::Error
// before any work; a method failing at one ratio records an error and the run goes on.
EvalReport run_evaluation(const FeatureSet& fs, const EvalOptions& opt);

// Fits `codec` on fs (train split) and returns the task_metrics(fs.task) values, in order,
// measured on the test split (asym metrics NaN when the codec cannot decode).
std::vector<double> evaluate_codec(Codec& codec, const FeatureSet& fs, const EvalOptions& opt);

}  // namespace arfc
