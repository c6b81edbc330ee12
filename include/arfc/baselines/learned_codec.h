// The learned baselines as evaluation codecs: "ae" (autoencoder per ratio), "qformer"
// (Q-Former per ratio) and "mrl" (one Matryoshka adaptor for every ratio).
//
// Fairness rule: every learned baseline trains with the generic trainer (train/trainer.h),
// the same losses, optimiser, schedule, batch size and epochs as ARFC's default config for
// the task (default_arfc_config); the Q-Former also takes ARFC's width, heads, chunks and
// token width. One epochs knob (CodecCache::epochs) shortens every method alike.
//
// Storage: a FloatCodec like PCA ("ae", "ae+i8", ...): the layout of ratio R comes from
// choose_layout over any 1..D values, and a dedicated method trains at that value count.
// Representation: the stored codes, compared by cosine; decode = the method's decoder head.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arfc/codec/float_codec.h"
#include "arfc/io/feature_set.h"
#include "arfc/model/arc.h"
#include "arfc/model/prefix_encoder.h"
#include "arfc/train/trainer.h"

namespace arfc {

enum class LearnedMethod { AutoEncoder, QFormer, Matryoshka };

std::string learned_method_name(LearnedMethod m);  // "ae", "qformer", "mrl"

// Ratios the Matryoshka adaptor is trained at when the run does not say otherwise: the
// evaluation protocol's ratios (2..64 and the non-powers-of-two the reports show).
const std::vector<double>& default_matryoshka_ratios();

// Everything a learned baseline trains with: default_arfc_config(task, D) with `overrides`
// (e.g. CodecCache::overrides_json) merged in by merge_config and validated by
// parse_arfc_config, so a bad override fails here exactly as it would for ARFC.
struct LearnedTrainConfig {
  TrainOptions train;
  LossOptions loss;
  ArcOptions model{1};  // ARFC's model options (Q-Former: token width, width, heads, chunks, layers;
                        // all: decoder head size)
};
// epochs > 0 replaces the config's epochs; seed and device replace the config's.
LearnedTrainConfig learned_train_config(Task task, int64_t input_dim, int64_t epochs, uint64_t seed,
                                        const std::string& device,
                                        const nlohmann::json& overrides = nlohmann::json::object());

// CodecCache::overrides_json text -> JSON object (arfc::Error naming the text otherwise).
nlohmann::json parse_config_overrides(const std::string& text);

// An untrained encoder on the CPU. code_values: m for the dedicated methods, max_values for
// the Matryoshka adaptor. input_dim_b > 0 adds a second modality (crossmodal).
std::shared_ptr<PrefixEncoderImpl> make_learned_encoder(LearnedMethod method, int64_t input_dim,
                                                        int64_t input_dim_b, int64_t code_values,
                                                        const LearnedTrainConfig& cfg);

// Builds and trains an encoder on fs.train_* (moved to cfg.train.device). Dedicated methods
// train at their one length ("full"); the Matryoshka adaptor at the fixed list
// `prefix_sizes` (values, ascending; code_values must be its largest entry).
std::shared_ptr<PrefixEncoderImpl> train_learned_encoder(LearnedMethod method, const FeatureSet& fs,
                                                         int64_t code_values, const LearnedTrainConfig& cfg,
                                                         const std::vector<int64_t>& prefix_sizes = {},
                                                         TrainSummary* summary = nullptr);

// x [N, D_mod] -> codes [N, n_values] float32: no grad, eval mode, batches of batch_rows on
// the encoder's device.
Matrix encode_matrix(PrefixEncoderImpl& encoder, const Matrix& x, int64_t n_values, int64_t modality,
                     int64_t batch_rows = 4096);

class LearnedCodec : public FloatCodec {
 public:
  // A ratio whose layout needs no value or more than D (arfc::Error otherwise). The
  // Matryoshka adaptor is trained once per cache and storage (key "mrl", "mrl+i8") at the
  // value counts of the layouts of CodecCache::ratios (or default_matryoshka_ratios() when
  // empty) plus R's, and serves every ratio whose value count it covers.
  LearnedCodec(LearnedMethod method, double ratio, int64_t input_dim, CodecCache& cache,
               std::optional<StorageType> dtype = std::nullopt);

  std::string distance() const override { return "cosine"; }
  int64_t n_values() const { return layout().n_values; }
  const std::shared_ptr<PrefixEncoderImpl>& encoder() const { return encoder_; }

 protected:
  void fit_transform(const FeatureSet& fs) override;
  Matrix transform(const Matrix& x, int64_t n_values, int64_t modality) const override;
  bool invertible() const override { return true; }
  Matrix inverse(const Matrix& values, int64_t modality) const override;

 private:
  LearnedMethod method_;
  int64_t input_dim_;
  CodecCache& cache_;
  std::shared_ptr<PrefixEncoderImpl> encoder_;
};

}  // namespace arfc
