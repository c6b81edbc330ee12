// ARFC under evaluation: "arfc:PATH" evaluates a trained model file; "arfc" trains one in
// process with default_arfc_config (CodecCache: epochs, seed, device, overrides_json), once
// per run (cache key "arfc"), and serves every ratio from it.
//
// A FloatCodec (codec/float_codec.h) like every float baseline: the layout of ratio R comes
// from choose_layout over the model's geometry (value count and storage f32/f16/i8; fixed
// by "arfc+i8" etc.), int8 scales are the model's stored calibration (fitted on training
// rows by train_arfc; per-codec calibration on the training split for older model files),
// and the representation is the dequantised stored code, compared by cosine. Budgets the
// model serves with discrete tokens (q8) are represented by the code-space vectors the
// tokens stand for; a model trained in process may keep fewer discrete tokens than
// planned (measured split), and then its layouts are chosen again after training. Decode: the
// model's decoder head (asymmetric search scores a raw query against the decoded code).
// Rows are encoded once per run at the full length (continuous values and every discrete
// token), cached in the CodecCache by a hash of their bytes, and each ratio takes its
// prefix: the same codes as encoding at that ratio, by the prefix property.
// "arfc" encodes as `arfc compress` does by default (the model's code source,
// ArfcModel::code_source); "arfc-arc" and "arfc-base" (":PATH" as for "arfc") are the same
// model (trained once per run, shared with "arfc") encoding the full ARC code or its base
// code (`arfc compress --tokens-from arc|base`: the values, or the discrete tokens that
// quantise it; for the base the transformer is not run).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "arfc/codec/float_codec.h"
#include "arfc/train/train_arfc.h"

namespace arfc {

class ArfcCodec : public FloatCodec {
 public:
  // model_path "" = train in process at fit(). A path is loaded (and validated) here, once
  // per cache (key "arfc:PATH"), so a bad file fails before any training; its input
  // dimension must equal input_dim and R must be a ratio the model can reach (arfc::Error).
  // source: where the codes come from (Model: "arfc", Arc: "arfc-arc", Base: "arfc-base").
  ArfcCodec(const std::string& model_path, double ratio, int64_t input_dim, CodecCache& cache,
            std::optional<StorageType> dtype = std::nullopt, CodeSource source = CodeSource::Model);

  // The method that evaluates codes of `source`: "arfc" (Model), "arfc-arc", "arfc-base".
  static std::string method_name(CodeSource source);

  std::string distance() const override { return "cosine"; }
  const std::shared_ptr<ArfcModel>& model() const { return model_; }

 protected:
  void fit_transform(const FeatureSet& fs) override;
  Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const override;
  bool invertible() const override { return true; }
  Matrix inverse(const Matrix& values, int64_t modality) const override;
  std::vector<float> calibrate(const FeatureSet& fs, int64_t modality) const override;

 private:
  std::string model_path_;
  std::string model_key_;  // "arfc" (trained in process) or "arfc:PATH" in the CodecCache
  int64_t input_dim_;
  CodecCache& cache_;
  std::shared_ptr<ArfcModel> model_;
  CodeSource source_ = CodeSource::Model;
};

}  // namespace arfc
