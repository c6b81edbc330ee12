#include "arfc/baselines/learned_codec.h"

#include <algorithm>

#include "arfc/baselines/autoencoder.h"
#include "arfc/baselines/budget.h"
#include "arfc/baselines/matryoshka.h"
#include "arfc/baselines/qformer.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/json_keys.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_config.h"
#include "arfc/train/train_arfc.h"

namespace arfc {

std::string learned_method_name(LearnedMethod m) {
  switch (m) {
    case LearnedMethod::AutoEncoder: return "ae";
    case LearnedMethod::QFormer: return "qformer";
    case LearnedMethod::Matryoshka: return "mrl";
  }
  ARFC_ASSERT(false, "unknown LearnedMethod");
  return "";
}

const std::vector<double>& default_matryoshka_ratios() {
  static const std::vector<double> r = {2, 3, 4, 5.3, 8, 12, 16, 32, 64};  // `arfc eval`'s default
  return r;
}

nlohmann::json parse_config_overrides(const std::string& text) {
  const std::string shown = text.size() <= 80 ? text : text.substr(0, 80) + "...";
  return detail::parse_json_object(text, "config overrides '" + shown + "'",
                                   "Hint: pass an object such as {\"train\": {\"lr\": 0.001}}.");
}

LearnedTrainConfig learned_train_config(Task task, int64_t input_dim, int64_t epochs, uint64_t seed,
                                        const std::string& device, const nlohmann::json& overrides) {
  ARFC_CHECK(overrides.is_object(), "learned baselines: config overrides must be a JSON object, got ",
             overrides.dump(), ".");
  const ArfcConfig c = parse_arfc_config(merge_config(default_arfc_config(task, input_dim), overrides));
  LearnedTrainConfig out;
  out.train = c.train;
  out.loss = c.loss;
  out.model = c.model;
  if (epochs > 0) out.train.epochs = epochs;
  out.train.seed = seed;
  out.train.device = device;
  return out;
}

std::shared_ptr<PrefixEncoderImpl> make_learned_encoder(LearnedMethod method, int64_t input_dim,
                                                        int64_t input_dim_b, int64_t code_values,
                                                        const LearnedTrainConfig& cfg) {
  const ArcOptions& m = cfg.model;
  const int64_t dec_hidden = m.decoder_hidden(), dec_layers = m.decoder_layers();
  switch (method) {
    case LearnedMethod::AutoEncoder:
      // Encoder hidden width = the decoder head's, so encoder and decoder are alike in size.
      return AutoEncoder(AutoEncoderOptions(input_dim, code_values)
                             .input_dim_b(input_dim_b)
                             .hidden(dec_hidden)
                             .decoder_hidden(dec_hidden)
                             .decoder_layers(dec_layers))
          .ptr();
    case LearnedMethod::Matryoshka:
      return Matryoshka(MatryoshkaOptions(input_dim, code_values)
                            .input_dim_b(input_dim_b)
                            .hidden(dec_hidden)
                            .decoder_hidden(dec_hidden)
                            .decoder_layers(dec_layers))
          .ptr();
    case LearnedMethod::QFormer:
      return QFormer(QFormerOptions(input_dim, code_values)
                         .input_dim_b(input_dim_b)
                         .token_width(m.token_width())
                         .d_model(m.d_model())
                         .num_heads(m.num_heads())
                         .mlp_ratio(m.mlp_ratio())
                         .context_chunks(m.context_chunks())
                         .context_layers(m.context_layers())
                         .query_layers(m.generator_layers())
                         .decoder_hidden(dec_hidden)
                         .decoder_layers(dec_layers))
          .ptr();
  }
  ARFC_ASSERT(false, "unknown LearnedMethod");
  return nullptr;
}

std::shared_ptr<PrefixEncoderImpl> train_learned_encoder(LearnedMethod method, const FeatureSet& fs,
                                                         int64_t code_values, const LearnedTrainConfig& cfg,
                                                         const std::vector<int64_t>& prefix_sizes,
                                                         TrainSummary* summary) {
  const int64_t dim_b = fs.task == Task::Crossmodal ? fs.train_b.d : 0;
  seed_everything(cfg.train.seed);  // initialisation seeded like train_arfc's
  auto encoder = make_learned_encoder(method, fs.train_x.d, dim_b, code_values, cfg);
  encoder->to(parse_device(cfg.train.device));
  TrainOptions opt = cfg.train;
  if (method == LearnedMethod::Matryoshka) {
    ARFC_CHECK(!prefix_sizes.empty() && prefix_sizes.back() == code_values,
               "mrl: prefix sizes must end at the code length ", code_values, ". Hint: pass the prefix sizes in ascending order.");
    opt.prefix_mode = "fixed";
    opt.fixed_tokens = prefix_sizes;  // granularity 1: token counts are value counts
    // The published Matryoshka loss: every prefix's loss trains all of its values, whatever
    // ARFC's default for the task (train.prefix_gradient).
    opt.prefix_gradient = "all";
    opt.prefix_gradient_scale = 0.0;
  } else {
    opt.prefix_mode = "full";
  }
  log_info(learned_method_name(method) + ": training " + std::to_string(code_values) + "-value codes on " +
           fs.train_x.shape_str() + " for " + std::to_string(opt.epochs) + " epochs");
  TrainSummary s = train_prefix_encoder(encoder, fs, opt, cfg.loss);
  log_info(learned_method_name(method) + ": trained in " + format_duration(s.seconds) + ", " + s.val_metric_name +
           " " + std::to_string(s.val_metric_full));
  if (summary) *summary = s;
  encoder->eval();
  return encoder;
}

Matrix encode_matrix(PrefixEncoderImpl& encoder, const Matrix& x, int64_t n_values, int64_t modality,
                     int64_t batch_rows) {
  ARFC_ASSERT(batch_rows > 0, "batch_rows must be > 0");
  torch::NoGradGuard no_grad;
  const bool was_training = encoder.is_training();
  encoder.eval();
  torch::Device device = torch::kCPU;
  for (const auto& p : encoder.parameters()) {
    device = p.device();
    break;
  }
  Matrix out(x.n, n_values);
  const torch::Tensor all = to_tensor(x);
  for (int64_t b = 0; b < x.n; b += batch_rows) {
    const int64_t e = std::min(x.n, b + batch_rows);
    torch::Tensor codes = encoder.encode(all.slice(0, b, e).to(device), n_values, modality)
                              .to(torch::kCPU, torch::kFloat32)
                              .contiguous();
    ARFC_ASSERT(codes.size(0) == e - b && codes.size(1) == n_values, "encoder returned ", codes.sizes());
    std::copy(codes.data_ptr<float>(), codes.data_ptr<float>() + codes.numel(), out.row(b));
  }
  if (was_training) encoder.train();
  return out;
}

LearnedCodec::LearnedCodec(LearnedMethod method, double ratio, int64_t input_dim, CodecCache& cache,
                           std::optional<StorageType> dtype)
    : FloatCodec(learned_method_name(method), ratio, dtype), method_(method), input_dim_(input_dim), cache_(cache) {
  set_geometry(value_geometry(input_dim, input_dim));
}

void LearnedCodec::fit_transform(const FeatureSet& fs) {
  const std::string method = learned_method_name(method_);
  ARFC_CHECK(fs.train_x.d == input_dim_, method, ": codec built for D = ", input_dim_, ", but train_x has D = ",
             fs.train_x.d, ". Hint: pass the feature set's dimension to make_codec().");
  const LearnedTrainConfig cfg = learned_train_config(fs.task, input_dim_, cache_.epochs, cache_.seed, cache_.device,
                                                      parse_config_overrides(cache_.overrides_json));
  const int64_t m = layout().n_values;
  if (method_ != LearnedMethod::Matryoshka) {
    encoder_ = train_learned_encoder(method_, fs, m, cfg);
    return;
  }
  // One adaptor per run and storage serves every ratio (the one-model peer of ARFC),
  // trained at the value counts the run's layouts need.
  auto it = cache_.models.find(name());
  if (it == cache_.models.end()) {
    std::vector<int64_t> sizes{m};
    for (double r : cache_.ratios.empty() ? default_matryoshka_ratios() : cache_.ratios) {
      try {
        sizes.push_back(choose_layout(geometry(), CodeBudget::ratio(r, fixed_dtype())).n_values);
      } catch (const Error&) {
        // a ratio this storage cannot reach: no prefix for it
      }
    }
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    auto enc = train_learned_encoder(method_, fs, sizes.back(), cfg, sizes);
    it = cache_.models.emplace(name(), std::make_shared<std::shared_ptr<PrefixEncoderImpl>>(enc)).first;
  }
  encoder_ = *std::static_pointer_cast<std::shared_ptr<PrefixEncoderImpl>>(it->second);
  ARFC_CHECK(m <= encoder_->max_values(), method, ": the adaptor of this run was trained for codes of at most ",
             encoder_->max_values(), " values; ratio ", ratio(), " needs ", m,
             ". Hint: put the lowest ratio first in the ratio list.");
}

Matrix LearnedCodec::transform(const Matrix& x, int64_t n_values, int64_t modality) const {
  ARFC_CHECK(encoder_ != nullptr, learned_method_name(method_),
             ": encode() before fit(). Hint: fit the codec on the training split first.");
  return encode_matrix(*encoder_, x, n_values, modality);
}

Matrix LearnedCodec::inverse(const Matrix& values, int64_t modality) const {
  ARFC_CHECK(encoder_ != nullptr, learned_method_name(method_), ": decode() before fit().");
  torch::NoGradGuard no_grad;
  encoder_->eval();
  torch::Device device = torch::kCPU;
  for (const auto& p : encoder_->parameters()) {
    device = p.device();
    break;
  }
  return to_matrix(encoder_->decode(to_tensor(values).to(device), modality).to(torch::kCPU, torch::kFloat32));
}

}  // namespace arfc
