// Held-out trials of a trained model (ArfcModel::select_int4, ArfcModel::fit_codebooks):
// which training rows are judged, and how stored codes of those rows score. Internal to
// the model module.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arfc/codes/ratio.h"
#include "arfc/io/training_rows.h"
#include "arfc/model/arfc_model.h"

namespace arfc::detail {

// Which training rows a trial judges, and which rows the discrete-token codebooks may fit
// on without them. Open-set retrieval models (retrieval with labels) are judged on classes
// held out (the highest class ids, at least two and together at least a fifth of the rows,
// leaving at least two classes; up to 2 000 of their rows): judged on held-out rows of the
// training classes, discrete tokens won at 16-64 bytes and then searched the unseen test
// classes 2-3 points worse than int8 values (docs/DESIGN.md, "Which budgets are
// discrete"). Other models (and labels of fewer than 4 classes) hold out their last
// min(2000, N/5) rows. With hold_out false nothing is held out.
struct HeldOutSplit {
  std::vector<int64_t> held;  // the judged rows
  std::vector<int64_t> fit;   // the first up to max_rows other rows
  bool by_class = false;
};
HeldOutSplit held_out_split(const TrainingRows& rows, int64_t max_rows, bool hold_out);

// The scores of one stored code of the held-out rows: per row [H] float64 (1-NN and R@1
// hits 0 or 1, the cross-modal pair the mean of its two directions, the overlap a fraction),
// and their mean as a trial reports it.
struct HeldOutScores {
  torch::Tensor per_row;
  double mean = 0;
  std::vector<double> values() const;  // per_row as a vector
};

// Stored codes of the held-out rows, judged by what the model is for: cross-modal R@1 of
// held-out pairs (both directions, both sides compressed) for two-modality models (the
// label-free overlap kept discrete tokens at 32 bytes on twoview, where they then retrieved
// 1.8 points worse than RQ; docs/RESULTS.md), leave-one-out 1-NN label accuracy with labels
// (on the open-set model the label-free overlap preferred 16 discrete tokens, 0.745 vs
// 0.722, that then searched unseen classes 3 points worse than int8 values), else the
// overlap of each row's 10 nearest neighbours with those under the full continuous code.
// All by cosine of the code-space vectors. The rows are encoded once at the full length
// (from `source`: the ARC code, or the base code; Model = the model's code_source());
// every trial stores a prefix of those codes (prefix property), exactly as compress()
// would at that budget. The 10-NN reference is always the full ARC code.
class HeldOutTrial {
 public:
  HeldOutTrial(const ArfcModel& model, const TrainingRows& rows, const HeldOutSplit& split,
               CodeSource source = CodeSource::Model);
  HeldOutScores scores(const CodeLayout& l) const;
  const char* measure() const;    // "crossmodal_r1", "knn1_accuracy" or "knn10_overlap"
  std::string rows_text() const;  // "2000 rows of held-out classes" / "2000 held-out rows"
  // The summary entry of a trial: held_out_rows, measure, the trials, held_out = "classes".
  nlohmann::json summary(const nlohmann::json& trials) const;

 private:
  const ArfcModel& model_;
  bool by_class_;
  int64_t held_;
  bool pairs_ = false;
  Matrix full_a_, full_b_;        // [H, max_values] full continuous codes per modality
  torch::Tensor labels_, reference_;
};

}  // namespace arfc::detail
