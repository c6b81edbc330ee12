#include "arfc/io/training_rows.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"

namespace arfc {

TrainingRows TrainingRows::of(const FeatureSet& fs) {
  TrainingRows r;
  r.task_ = fs.task;
  r.n_ = fs.train_x.n;
  r.dims_ = {fs.train_x.d};
  if (fs.task == Task::Crossmodal) r.dims_.push_back(fs.train_b.d);
  r.labels_ = fs.train_y;
  const FeatureSet* data = &fs;
  r.read_ = [data](int64_t modality, const std::vector<int64_t>& ids) {
    return gather_rows(modality == 0 ? data->train_x : data->train_b, ids);
  };
  return r;
}

TrainingRows TrainingRows::from_files(const TrainingFiles& f) {
  TrainingRows r;
  r.task_ = f.task;
  const MatrixShape x = read_matrix_shape(f.x);
  r.n_ = x.n;
  r.dims_ = {x.d};
  if (f.task == Task::Crossmodal) {
    ARFC_CHECK(!f.b.empty(), "training data: task crossmodal needs a second modality. Hint: pass --pair.");
    const MatrixShape b = read_matrix_shape(f.b);
    ARFC_CHECK(b.n == x.n, "file '", f.b, "': ", b.n, " rows, but '", f.x, "' has ", x.n,
               "; expected one row per row. Hint: row i of the second modality pairs with row i of the first.");
    r.dims_.push_back(b.d);
  }
  if (!f.y.empty()) {
    r.labels_ = read_labels(f.y);
    ARFC_CHECK(int64_t(r.labels_.size()) == x.n, "file '", f.y, "': ", r.labels_.size(), " labels, but '", f.x,
               "' has ", x.n, " rows; expected one label per row. Hint: pass the labels of these rows, in order.");
    check_class_ids(r.labels_, "file '" + f.y + "'");
  }
  const std::vector<std::string> paths = {f.x, f.b};
  r.read_ = [paths](int64_t modality, const std::vector<int64_t>& ids) {
    return read_matrix_rows(paths[size_t(modality)], ids);
  };
  return r;
}

int64_t TrainingRows::dim(int64_t modality) const {
  ARFC_CHECK(modality >= 0 && modality < modalities(), "training rows: modality ", modality, " of ", modalities());
  return dims_[size_t(modality)];
}

Matrix TrainingRows::gather(int64_t modality, const std::vector<int64_t>& ids) const {
  const int64_t d = dim(modality);
  for (int64_t i : ids)
    ARFC_CHECK(i >= 0 && i < n_, "training rows: row ", i, " asked for, but there are ", n_, " rows");
  // Read each distinct row once, in ascending order, then lay them out as asked.
  std::vector<int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted == ids) return read_(modality, ids);
  const Matrix got = read_(modality, sorted);
  Matrix out(int64_t(ids.size()), d);
  for (size_t k = 0; k < ids.size(); ++k) {
    const int64_t at = int64_t(std::lower_bound(sorted.begin(), sorted.end(), ids[k]) - sorted.begin());
    std::memcpy(out.row(int64_t(k)), got.row(at), size_t(d) * sizeof(float));
  }
  return out;
}

Matrix TrainingRows::slice(int64_t modality, int64_t begin, int64_t end) const {
  ARFC_CHECK(begin >= 0 && begin <= end && end <= n_, "training rows: rows [", begin, ", ", end, ") of ", n_);
  std::vector<int64_t> ids(size_t(end - begin));
  std::iota(ids.begin(), ids.end(), begin);
  return read_(modality, ids);
}

}  // namespace arfc
