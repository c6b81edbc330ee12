// PCA: one model (mean + eigenvectors of the training covariance, via torch in float64)
// serves every size; the m-value code is the projection on the m leading components,
// stored as f32/f16/int8 (FloatCodec: "pca", "pca+i8", ...). Similarity: cosine between
// the (centred) projections; decode = mean + the m leading components (asymmetric search).
#pragma once

#include <cstdint>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/codec/float_codec.h"

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
class PcaCodec : public FloatCodec {
 public:
  PcaCodec(double ratio, int64_t input_dim, CodecCache& cache, std::optional<StorageType> dtype = std::nullopt);
  std::string distance() const override { return "cosine"; }
  int64_t values() const { return layout().n_values; }

 protected:
  void fit_transform(const FeatureSet& fs) override;
  Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const override;
  bool invertible() const override { return true; }
  Matrix inverse(const Matrix& values, int64_t modality) const override;

 private:
  int64_t d_;
  CodecCache& cache_;
  std::shared_ptr<PcaModel> model_;
};

}  // namespace arfc
