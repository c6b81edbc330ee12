#include "arfc/codec/float_codec.h"

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/parallel.h"

namespace arfc {

FloatCodec::FloatCodec(std::string method, double ratio, std::optional<StorageType> dtype)
    : method_(std::move(method)), ratio_(ratio), dtype_(dtype) {}

std::string FloatCodec::name() const { return dtype_ ? method_ + "+" + storage_name(*dtype_) : method_; }

std::string FloatCodec::variant() const {
  if (!have_layout_) return "";
  if (layout_.dtype == StorageType::Q8) return "q8 x " + std::to_string(layout_.n_values) + " tokens";
  return storage_name(layout_.dtype) + " x " + std::to_string(layout_.n_values);
}

void FloatCodec::set_geometry(const CodeGeometry& g) {
  geometry_ = g;
  try {
    layout_ = choose_layout(g, CodeBudget::ratio(ratio_, dtype_));
  } catch (const Error& e) {
    ARFC_THROW(name(), ": ", e.what());
  }
  have_layout_ = true;
}

const CodeLayout& FloatCodec::layout() const {
  ARFC_ASSERT(have_layout_, method_, ": the subclass did not call set_geometry()");
  return layout_;
}

void FloatCodec::fit(const FeatureSet& fs) {
  fit_transform(fs);
  scales_.clear();
  if (!has_scales(layout().dtype)) return;
  const int64_t mods = fs.task == Task::Crossmodal && !fs.train_b.empty() ? 2 : 1;
  for (int64_t m = 0; m < mods; ++m) {
    scales_.push_back(calibrate(fs, m));
    ARFC_ASSERT(int64_t(scales_.back().size()) >= layout().n_values, name(), ": ", scales_.back().size(),
                " ", storage_name(layout().dtype), " scales for ", layout().n_values, " values");
  }
}

std::vector<float> FloatCodec::calibrate(const FeatureSet& fs, int64_t modality) const {
  const Matrix& x = modality == 0 ? fs.train_x : fs.train_b;
  ARFC_CHECK(!x.empty(), name(), ": no training rows to calibrate ", storage_name(layout().dtype),
             " storage on (modality ", modality, ").");
  const Matrix head = x.n > kCalibrationRows ? slice_rows(x, 0, kCalibrationRows) : x;
  return calibrate_scales(transform(head, layout().n_values, modality), layout().dtype);
}

Representation FloatCodec::encode(const Matrix& x, int64_t modality) const {
  const CodeLayout& l = layout();
  Matrix values = transform(x, l.n_values, modality);
  // q8 (discrete tokens, ARFC only): the transform chooses the tokens itself and returns
  // the code-space vectors they stand for.
  if (l.dtype == StorageType::Q8) return {std::move(values), Similarity::Cosine};
  ARFC_ASSERT(values.n == x.n && values.d == l.n_values, name(), ": transform returned ", values.shape_str());
  if (l.dtype != StorageType::F32) {
    std::vector<float> none;
    const std::vector<float>* scales = &none;
    if (has_scales(l.dtype)) {
      ARFC_CHECK(modality >= 0 && modality < int64_t(scales_.size()), name(), ": encode() of modality ", modality,
                 " before fit() calibrated it. Hint: fit the codec on the training split first.");
      scales = &scales_[size_t(modality)];
    }
    // One quantiser for every codec: the stored-code arithmetic of codes/ (value_level:
    // any value count is a valid code here).
    const CodeSet stored =
        quantize_codes(values, l.dtype, 0, geometry_.input_dim, 1, true, *scales, worker_threads());
    values = dequantize_codes(stored);
  }
  return {std::move(values), Similarity::Cosine};
}

Matrix FloatCodec::inverse(const Matrix&, int64_t) const {
  ARFC_THROW(name(), ": this transform has no inverse (no asymmetric search).");
}

Matrix FloatCodec::decode(const Representation& r, int64_t modality) const {
  ARFC_CHECK(invertible(), name(), ": this transform has no inverse (no asymmetric search).");
  return inverse(r.codes, modality);
}

}  // namespace arfc
