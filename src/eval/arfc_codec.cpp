#include "arfc/eval/arfc_codec.h"

#include "arfc/baselines/learned_codec.h"
#include "arfc/codes/ratio.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/container.h"
#include "arfc/train/arfc_config.h"

namespace arfc {
namespace {

// The geometry a model trained in process will have: default config + overrides.
CodeGeometry planned_geometry(int64_t input_dim, const std::string& overrides_json) {
  const ArfcConfig c = parse_arfc_config(
      merge_config(default_arfc_config(Task::Generic, input_dim), parse_config_overrides(overrides_json)));
  CodeGeometry g;
  g.input_dim = input_dim;
  g.token_width = c.model.token_width();
  g.max_tokens = c.model.max_tokens();
  g.value_level = c.model.value_level();
  g.discrete_tokens = c.model.discrete_tokens();
  g.int4 = true;  // train_arfc calibrates int4 scales
  return g;
}

}  // namespace

std::string ArfcCodec::method_name(CodeSource source) {
  return source == CodeSource::Model ? std::string("arfc") : std::string("arfc-") + code_source_name(source);
}

ArfcCodec::ArfcCodec(const std::string& model_path, double ratio, int64_t input_dim, CodecCache& cache,
                     std::optional<StorageType> dtype, CodeSource source)
    : FloatCodec(method_name(source), ratio, dtype),
      model_path_(model_path),
      model_key_(model_path.empty() ? "arfc" : "arfc:" + model_path),
      input_dim_(input_dim),
      cache_(cache),
      source_(source) {
  if (model_path_.empty()) {
    set_geometry(planned_geometry(input_dim, cache_.overrides_json));
    return;
  }
  auto it = cache_.models.find(model_key_);
  if (it == cache_.models.end())
    it = cache_.models.emplace(model_key_, std::make_shared<ArfcModel>(ArfcModel::load(model_path_, cache_.device)))
             .first;
  model_ = std::static_pointer_cast<ArfcModel>(it->second);
  const CodeGeometry g = model_->geometry();
  ARFC_CHECK(g.input_dim == input_dim_, "arfc: model ", model_path_, " compresses D = ", g.input_dim,
             " features, the evaluation set has D = ", input_dim_,
             ". Hint: evaluate the model on the feature set it was trained for.");
  set_geometry(g);
}

void ArfcCodec::fit_transform(const FeatureSet& fs) {
  ARFC_CHECK(fs.train_x.d == input_dim_, "arfc: codec built for D = ", input_dim_, ", but train_x has D = ",
             fs.train_x.d, ". Hint: pass the feature set's dimension to make_codec().");
  if (!model_path_.empty()) {
    ARFC_CHECK(model_->task() == fs.task || fs.task == Task::Generic || model_->task() == Task::Generic,
               "arfc: model ", model_path_, " was trained for task ", task_name(model_->task()),
               ", the evaluation set is ", task_name(fs.task), ". Hint: train a model on this feature set.");
    return;  // a loaded model: nothing to fit
  }
  auto it = cache_.models.find(model_key_);
  if (it == cache_.models.end()) {
    // train_arfc fills every key not given here from default_arfc_config(task, D).
    nlohmann::json cfg = parse_config_overrides(cache_.overrides_json);
    if (!cfg.contains("train")) cfg["train"] = nlohmann::json::object();
    if (cache_.epochs > 0) cfg["train"]["epochs"] = cache_.epochs;
    cfg["train"]["seed"] = cache_.seed;
    cfg["train"]["device"] = cache_.device;
    log_info("arfc: training a model in process (" + fs.train_x.shape_str() + ")");
    it = cache_.models.emplace(model_key_, std::make_shared<ArfcModel>(train_arfc(fs, cfg))).first;
  }
  model_ = std::static_pointer_cast<ArfcModel>(it->second);
  const CodeGeometry g = model_->geometry();
  ARFC_ASSERT(g.token_width == geometry().token_width && g.max_tokens == geometry().max_tokens &&
                  g.discrete_tokens <= geometry().discrete_tokens,
              "arfc: trained geometry differs from the planned one");
  // Training keeps only the discrete tokens that measured better than int8 values
  // (ArfcModel::fit_codebooks) and measures where int4 competes (ArfcModel::select_int4):
  // the layout of this budget follows the trained model.
  set_geometry(g);
}

namespace {

// The full-length codes of rows this run has encoded: every budget is a prefix of them.
struct FullCodes {
  Matrix values;          // [N, max_values] continuous code
  CodeSet discrete;       // all the model's discrete tokens (n_values 0 when it has none)
};

}  // namespace

Matrix ArfcCodec::transform(const Matrix& x, int64_t n_values, int64_t modality) const {
  ARFC_CHECK(model_ != nullptr, "arfc: encode() before fit(). Hint: fit the codec on the training split first.");
  // One encoding at the longest length serves every ratio of the run (prefix property:
  // the code of n values is the first n values of the full code, bit for bit, and a code
  // of m discrete tokens the first m of the longest one), keyed by the rows' bytes.
  const CodeSource source = source_ == CodeSource::Model ? model_->code_source() : source_;
  const std::string key = CodecCache::kEncodingPrefix + model_key_ + ":" + code_source_name(source) + ":" +
                          std::to_string(modality) + ":" +
                          x.shape_str() + ":" +
                          std::to_string(fnv1a64(x.data.data(), x.data.size() * sizeof(float)));
  auto it = cache_.models.find(key);
  if (it == cache_.models.end()) {
    auto full = std::make_shared<FullCodes>();
    const CodeGeometry g = model_->geometry();
    full->values = source == CodeSource::Base ? model_->base_code(x, modality)
                                              : model_->encode(x, g.max_values(), modality);
    if (g.discrete_tokens > 0)
      full->discrete = model_->quantize(
          full->values, make_layout(model_->input_dim(modality), g.discrete_tokens, StorageType::Q8), modality);
    it = cache_.models.emplace(key, full).first;
  }
  const auto& full = *std::static_pointer_cast<FullCodes>(it->second);
  if (layout().dtype == StorageType::Q8) return model_->code_values(truncate_codes(full.discrete, layout()));
  return n_values == full.values.d ? full.values : prefix_cols(full.values, n_values);
}

Matrix ArfcCodec::inverse(const Matrix& values, int64_t modality) const {
  ARFC_CHECK(model_ != nullptr, "arfc: decode() before fit().");
  return model_->decode(values, modality);
}

std::vector<float> ArfcCodec::calibrate(const FeatureSet& fs, int64_t modality) const {
  const std::vector<float>& stored = model_->scales(layout().dtype, modality);
  if (!stored.empty()) return stored;
  log_warn("arfc: model " + model_path_ + " stores no " + storage_name(layout().dtype) +
           " calibration (older file): calibrating on the training split");
  return FloatCodec::calibrate(fs, modality);
}

}  // namespace arfc
