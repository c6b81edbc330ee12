// Size arithmetic and training-data helpers shared by the non-learned baselines.
#pragma once

#include <cstdint>

#include "arfc/codes/ratio.h"
#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"

namespace arfc {

// The geometry of a transform that can emit any 1..max_values values of a D-dim input
// (PCA, random projection, truncation, the learned baselines): token width 1.
CodeGeometry value_geometry(int64_t input_dim, int64_t max_values);

// Byte budget of ratio R for a D-dim float32 vector: floor(4 D / R), at least 1 byte.
int64_t byte_budget_for_ratio(const std::string& method, double ratio, int64_t input_dim);

// The training features a shared-space codec fits on: fs.train_x, plus fs.train_b for
// crossmodal data (the two views share one space). Throws arfc::Error naming `method` when
// the two modalities differ in dimension.
Matrix shared_space_train(const FeatureSet& fs, const std::string& method);

// Up to max_rows rows picked uniformly without replacement (seeded); all rows, in order,
// when m.n <= max_rows.
Matrix subsample_rows(const Matrix& m, int64_t max_rows, uint64_t seed);

}  // namespace arfc
