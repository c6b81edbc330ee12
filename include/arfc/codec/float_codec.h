// A float codec is a transform (x -> up to max_values float values: PCA, random projection,
// truncation, the learned encoders, ARFC) composed with a storage type for those values:
// f32, f16, or calibrated symmetric int8 or int4. FAISS writes this "PCA16,SQ8"; the codec
// factory writes "pca+i8" (storage fixed) or "pca" (storage chosen per budget).
//
// Every float codec, ARFC included, picks its layout for a byte budget by the same rule:
// choose_layout(geometry, budget) (codes/ratio.h): the largest code that fits, ties to more
// values at lower precision. The bytes counted are the stored values only; the integer scales
// are per-codec (fitted on training rows once, like FAISS's SQ8 trained ranges), never
// per vector or per file, so a vector's code does not depend on the rows around it.
//
// encode() returns the dequantised stored values [N, n_values] (cosine), which is exactly
// what a reader of the stored bytes gets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/codes/ratio.h"

namespace arfc {

// Rows of the training split used to calibrate int8 scales (first rows, deterministic).
constexpr int64_t kCalibrationRows = 20000;

class FloatCodec : public Codec {
 public:
  // method: the transform's name ("pca"); dtype: fixed storage, or nullopt = chosen per
  // budget. The layout is chosen at construction (set_geometry) so a size the transform
  // cannot reach fails before any training.
  FloatCodec(std::string method, double ratio, std::optional<StorageType> dtype);

  std::string name() const override;     // "pca" or "pca+i8"
  std::string variant() const override;  // "i8 x 64"
  void fit(const FeatureSet& fs) final;  // fit_transform, then int8 calibration per modality
  Representation encode(const Matrix& x, int64_t modality) const final;
  int64_t bytes_per_vector() const override { return layout().bytes_per_vector; }
  bool can_decode() const override { return invertible(); }
  // r.codes [N, n_values] -> [N, D] through inverse().
  Matrix decode(const Representation& r, int64_t modality) const override;

  const CodeLayout& layout() const;
  const std::string& method() const { return method_; }
  double ratio() const { return ratio_; }
  const std::optional<StorageType>& fixed_dtype() const { return dtype_; }

 protected:
  // Called by the subclass constructor: what the transform can express (D, values per
  // step, steps). Chooses the layout; throws arfc::Error when the ratio is out of reach.
  void set_geometry(const CodeGeometry& g);
  const CodeGeometry& geometry() const { return geometry_; }

  // Train the transform (layout() is known). Modalities: 1, or 2 for crossmodal sets.
  virtual void fit_transform(const FeatureSet& fs) = 0;
  // x [N, D_modality] -> [N, n_values] unquantised values; for a q8 layout (geometries
  // with discrete tokens: ARFC) the code-space vectors [N, q] of n_values discrete tokens.
  virtual Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const = 0;
  virtual bool invertible() const { return false; }
  // values [N, m] -> [N, D_modality].
  virtual Matrix inverse(const Matrix& values, int64_t modality) const;
  // int8 / int4 scales [>= n_values] for a modality (layout().dtype). Default:
  // calibrate_scales on the transform of the first kCalibrationRows training rows of that
  // modality.
  virtual std::vector<float> calibrate(const FeatureSet& fs, int64_t modality) const;

 private:
  std::string method_;
  double ratio_;
  std::optional<StorageType> dtype_;
  CodeGeometry geometry_;
  CodeLayout layout_;
  bool have_layout_ = false;
  std::vector<std::vector<float>> scales_;  // per modality (i8 and i4 layouts only)
};

}  // namespace arfc
