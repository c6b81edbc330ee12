#include "arfc/eval/arfc_codec.h"

#include "arfc/baselines/learned_codec.h"
#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {

ArfcCodec::ArfcCodec(const std::string& model_path, double ratio, int64_t input_dim, CodecCache& cache)
    : model_path_(model_path), ratio_(ratio), input_dim_(input_dim), cache_(cache) {
  if (model_path_.empty()) return;
  const std::string key = "arfc:" + model_path_;
  auto it = cache_.models.find(key);
  if (it == cache_.models.end())
    it = cache_.models.emplace(key, std::make_shared<ArfcModel>(ArfcModel::load(model_path_, cache_.device))).first;
  set_model(std::static_pointer_cast<ArfcModel>(it->second));
}

void ArfcCodec::set_model(std::shared_ptr<ArfcModel> m) {
  const CodeGeometry g = m->geometry();
  ARFC_CHECK(g.input_dim == input_dim_, "arfc: model ", model_path_.empty() ? "(trained in process)" : model_path_,
             " compresses D = ", g.input_dim, " features, the evaluation set has D = ", input_dim_,
             ". Hint: evaluate the model on the feature set it was trained for.");
  layout_ = choose_layout(g, CodeBudget::ratio(ratio_));
  model_ = std::move(m);
}

void ArfcCodec::fit(const FeatureSet& fs) {
  ARFC_CHECK(fs.train_x.d == input_dim_, "arfc: codec built for D = ", input_dim_, ", but train_x has D = ",
             fs.train_x.d, ". Hint: pass the feature set's dimension to make_codec().");
  if (model_) {
    ARFC_CHECK(model_->task() == fs.task || fs.task == Task::Generic || model_->task() == Task::Generic,
               "arfc: model ", model_path_, " was trained for task ", task_name(model_->task()),
               ", the evaluation set is ", task_name(fs.task), ". Hint: train a model on this feature set.");
    return;  // a loaded model: nothing to fit
  }
  auto it = cache_.models.find("arfc");
  if (it == cache_.models.end()) {
    // train_arfc fills every key not given here from default_arfc_config(task, D).
    nlohmann::json cfg = parse_config_overrides(cache_.overrides_json);
    if (!cfg.contains("train")) cfg["train"] = nlohmann::json::object();
    if (cache_.epochs > 0) cfg["train"]["epochs"] = cache_.epochs;
    cfg["train"]["seed"] = cache_.seed;
    cfg["train"]["device"] = cache_.device;
    log_info("arfc: training a model in process (" + fs.train_x.shape_str() + ")");
    it = cache_.models.emplace("arfc", std::make_shared<ArfcModel>(train_arfc(fs, cfg))).first;
  }
  set_model(std::static_pointer_cast<ArfcModel>(it->second));
}

const CodeLayout& ArfcCodec::layout() const {
  ARFC_CHECK(model_ != nullptr, "arfc: the code layout is known once the model is (fit() first). "
             "Hint: fit the codec on the training split before asking for sizes.");
  return layout_;
}

int64_t ArfcCodec::bytes_per_vector() const { return layout().bytes_per_vector; }

Representation ArfcCodec::encode(const Matrix& x, int64_t modality) const {
  const CodeLayout& l = layout();
  const CodeGeometry g = model_->geometry();
  const Matrix values = model_->encode(x, l.n_values, modality);
  const CodeSet stored = quantize_codes(values, l.dtype, model_->fingerprint(), g.input_dim, g.token_width,
                                        g.value_level);
  ARFC_ASSERT(stored.bytes_per_vector() == l.bytes_per_vector, "stored ", stored.bytes_per_vector(),
              " bytes/vector, layout says ", l.bytes_per_vector);
  Representation r;
  r.database = dequantize_codes(stored);
  r.query = r.database;
  r.sim = Similarity::Cosine;
  return r;
}

}  // namespace arfc
