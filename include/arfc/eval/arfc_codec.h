// ARFC under evaluation: "arfc:PATH" evaluates a trained model file; "arfc" trains one in
// process with default_arfc_config (CodecCache: epochs, seed, device, overrides_json), once
// per run (cache key "arfc"), and serves every ratio from it.
//
// For a requested ratio R the code layout comes from choose_layout (value count and storage
// type f32/f16/i8, docs/FORMAT.md "Ratios"). encode() quantises the codes to that storage
// type and dequantises them (quantize_codes -> dequantize_codes), so the measured quality is
// that of the stored bytes; bytes_per_vector() is the stored size of one code.
// Representation: the dequantised codes, compared by cosine (query == database).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "arfc/codes/ratio.h"
#include "arfc/eval/codec.h"
#include "arfc/train/arfc_model.h"

namespace arfc {

class ArfcCodec : public Codec {
 public:
  // model_path "" = train in process at fit(). A path is loaded (and validated) here, once
  // per cache (key "arfc:PATH"), so a bad file fails before any training; its input
  // dimension must equal input_dim and R must be a ratio the model can reach (arfc::Error).
  ArfcCodec(const std::string& model_path, double ratio, int64_t input_dim, CodecCache& cache);

  std::string name() const override { return "arfc"; }
  std::string distance() const override { return "cosine"; }
  void fit(const FeatureSet& fs) override;
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override;  // arfc::Error before the layout is known

  const CodeLayout& layout() const;  // the layout of ratio R (after construction with a path, or fit)
  const std::shared_ptr<ArfcModel>& model() const { return model_; }

 private:
  void set_model(std::shared_ptr<ArfcModel> m);

  std::string model_path_;
  double ratio_;
  int64_t input_dim_;
  CodecCache& cache_;
  std::shared_ptr<ArfcModel> model_;
  CodeLayout layout_;
};

}  // namespace arfc
