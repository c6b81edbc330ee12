// Training rows by row number, without holding them all: what runs on the whole training
// set after (or before) a data-parallel rank trains on its shard (train/trainer.h,
// rank_rows) reads through this: the int8/int4 calibration and the discrete-token
// codebooks read only their few thousand rows (model/arfc_model.h). Backed by a feature set
// in memory, or by the training files, where each call reads only the rows it asks for.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"

namespace arfc {

class TrainingRows {
 public:
  // Every row of fs in memory; fs must outlive this object.
  static TrainingRows of(const FeatureSet& fs);
  // The files of `f` (x [N, D], b [N, D_b] for crossmodal, y [N] for classification and
  // retrieval): shapes and labels are checked here (arfc::Error naming the file), the
  // labels read whole, the features only as rows are asked for.
  static TrainingRows from_files(const TrainingFiles& f);

  Task task() const { return task_; }
  int64_t rows() const { return n_; }
  int64_t modalities() const { return int64_t(dims_.size()); }
  int64_t dim(int64_t modality) const;
  const Labels& labels() const { return labels_; }  // all N, or empty
  // Rows `ids` (each in [0, N), any order, repeats allowed) of one modality: [ids.size(), dim].
  Matrix gather(int64_t modality, const std::vector<int64_t>& ids) const;
  // Rows [begin, end) of one modality.
  Matrix slice(int64_t modality, int64_t begin, int64_t end) const;

 private:
  Task task_ = Task::Generic;
  int64_t n_ = 0;
  std::vector<int64_t> dims_;
  Labels labels_;
  // Reads ascending, distinct row numbers of one modality.
  std::function<Matrix(int64_t modality, const std::vector<int64_t>& sorted_ids)> read_;
};

}  // namespace arfc
