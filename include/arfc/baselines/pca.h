// PCA: one model (mean + eigenvectors of the training covariance, via torch in float64)
// serves every size; the m-value code is the projection on the m leading components.
// Similarity: cosine between the (centred) projections.
#pragma once

#include <cstdint>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/eval/codec.h"

namespace arfc {

class PcaModel {
 public:
  // x: [N, D] float32 (N >= 2). Components sorted by decreasing eigenvalue.
  static PcaModel fit(const Matrix& x);
  int64_t dim() const { return mean_.d; }
  // x: [N, D] -> [N, m] coefficients, 1 <= m <= D.
  Matrix project(const Matrix& x, int64_t m) const;
  // coeffs: [N, m] -> [N, D] (mean + the m leading components); exact for m == D.
  Matrix reconstruct(const Matrix& coeffs) const;
  const std::vector<double>& eigenvalues() const { return eigenvalues_; }

 private:
  Matrix mean_;        // [1, D]
  Matrix components_;  // [D, D]: column j is the j-th principal direction
  std::vector<double> eigenvalues_;  // [D], descending
};

// Fitted once per run through CodecCache (key "pca") on shared_space_train(fs).
class PcaCodec : public Codec {
 public:
  PcaCodec(double ratio, int64_t input_dim, CodecCache& cache);
  std::string name() const override { return "pca"; }
  std::string distance() const override { return "cosine"; }
  void fit(const FeatureSet& fs) override;
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return 4 * m_; }
  int64_t values() const { return m_; }

 private:
  int64_t d_, m_;
  CodecCache& cache_;
  std::shared_ptr<PcaModel> model_;
};

}  // namespace arfc
