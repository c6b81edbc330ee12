// Synthetic features the throughput benchmarks share.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"

namespace arfc::bench {

// Clustered rows: 10 centres (N(0, 4) per value), unit noise; `rows` training and as many
// test rows drawn alike, labelled by their centre (task classification).
inline FeatureSet clustered_set(int64_t rows, int64_t dim, uint64_t seed) {
  FeatureSet f;
  f.name = "bench" + std::to_string(dim);
  f.task = Task::Classification;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const int64_t classes = 10;
  Matrix centres(classes, dim);
  for (auto& v : centres.data) v = 2.0f * nd(rng);
  auto draw = [&](Matrix& x, std::vector<int64_t>& y) {
    x = Matrix(rows, dim);
    y.clear();
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t c = int64_t(rng() % classes);
      y.push_back(c);
      for (int64_t j = 0; j < dim; ++j) x.at(i, j) = centres.at(c, j) + nd(rng);
    }
  };
  draw(f.train_x, f.train_y);
  draw(f.test_x, f.test_y);
  return f;
}

}  // namespace arfc::bench
