// Learned baselines (autoencoder, Q-Former, Matryoshka), their codec and the ARFC codec.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "arfc/baselines/autoencoder.h"
#include "arfc/baselines/learned_codec.h"
#include "arfc/baselines/matryoshka.h"
#include "arfc/baselines/qformer.h"
#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/eval/arfc_codec.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/trainer.h"

namespace arfc {
namespace {

class LearnedBaselines : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_everything(7);
    set_threads(2);
  }
};

// Four classes that differ only in dims 0..3 (class c: +2.5 on dim c, small noise there);
// the other dims carry larger, label-free noise, so a random map to 2 values mostly keeps
// noise while a trained one can keep the class.
FeatureSet clustered(int64_t n_train, int64_t n_test, int64_t dim, uint64_t seed) {
  std::mt19937 rng{uint32_t(seed)};
  std::normal_distribution<float> g(0.f, 1.f);
  auto make = [&](int64_t n, Matrix& x, Labels& y) {
    x = Matrix(n, dim);
    y.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t c = i % 4;
      y[size_t(i)] = c;
      for (int64_t j = 0; j < dim; ++j) x.at(i, j) = (j < 4 ? 0.3f : 1.5f) * g(rng);
      x.at(i, c) += 2.5f;
    }
  };
  FeatureSet fs;
  fs.name = "clustered";
  fs.task = Task::Classification;
  make(n_train, fs.train_x, fs.train_y);
  make(n_test, fs.test_x, fs.test_y);
  return fs;
}

// Nearest class mean (cosine) of the test codes, class means from the training codes.
double centroid_accuracy(const Matrix& train, const Labels& ytr, const Matrix& test, const Labels& yte) {
  torch::Tensor a = torch::nn::functional::normalize(to_tensor(train), torch::nn::functional::NormalizeFuncOptions().dim(1));
  torch::Tensor b = torch::nn::functional::normalize(to_tensor(test), torch::nn::functional::NormalizeFuncOptions().dim(1));
  torch::Tensor ya = to_tensor(ytr), yb = to_tensor(yte);
  const int64_t k = ya.max().item<int64_t>() + 1;
  torch::Tensor means = torch::zeros({k, a.size(1)});
  means.index_add_(0, ya, a);
  means = torch::nn::functional::normalize(means, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return b.matmul(means.t()).argmax(1).eq(yb).to(torch::kFloat64).mean().item<double>();
}

double task_accuracy(PrefixEncoderImpl& enc, const FeatureSet& fs, int64_t m) {
  return centroid_accuracy(encode_matrix(enc, fs.train_x, m, 0), fs.train_y, encode_matrix(enc, fs.test_x, m, 0),
                           fs.test_y);
}

TrainOptions quick_options(int64_t epochs) {
  TrainOptions o;
  o.epochs = epochs;
  o.batch_size = 64;
  o.lr = 3e-3;
  o.val_frac = 0.1;
  o.seed = 3;
  return o;
}

// ---------------------------------------------------------------- shapes and contracts

TEST_F(LearnedBaselines, AutoEncoderShapesAndFixedLength) {
  AutoEncoder ae(AutoEncoderOptions(24, 5).input_dim_b(10).hidden(32).decoder_hidden(32));
  EXPECT_TRUE(ae->fixed_length());
  EXPECT_EQ(ae->granularity(), 5);
  EXPECT_EQ(ae->max_values(), 5);
  EXPECT_EQ(ae->input_dim(), 24);
  auto x = torch::randn({3, 24});
  EXPECT_EQ(ae->encode(x, 5).sizes(), torch::IntArrayRef({3, 5}));
  EXPECT_EQ(ae->encode(torch::randn({3, 10}), 5, 1).sizes(), torch::IntArrayRef({3, 5}));
  EXPECT_EQ(ae->decode(torch::randn({3, 5})).sizes(), torch::IntArrayRef({3, 24}));
  EXPECT_EQ(ae->decode(torch::randn({3, 5}), 1).sizes(), torch::IntArrayRef({3, 10}));
  EXPECT_THROW(ae->encode(x, 4), Error);                    // one length only
  EXPECT_THROW(ae->encode(torch::randn({3, 23}), 5), Error);  // wrong D
  EXPECT_THROW(ae->encode(x, 5, 2), Error);                 // no third modality
  EXPECT_THROW(ae->decode(torch::randn({3, 4})), Error);
  EXPECT_THROW(AutoEncoder(AutoEncoderOptions(24, 0)), Error);
}

TEST_F(LearnedBaselines, QFormerShapesAndFixedLength) {
  // m = 7 with token width 3: 3 queries, 9 values cut to 7. D = 10 is not a multiple of
  // the 4 chunks (zero padding).
  QFormer qf(QFormerOptions(10, 7).input_dim_b(6).token_width(3).d_model(16).num_heads(2).context_chunks(4)
                 .query_layers(1).decoder_hidden(16));
  EXPECT_TRUE(qf->fixed_length());
  EXPECT_EQ(qf->granularity(), 7);
  EXPECT_EQ(qf->max_values(), 7);
  EXPECT_EQ(qf->num_queries(), 3);
  auto x = torch::randn({4, 10});
  auto z = qf->encode(x, 7);
  EXPECT_EQ(z.sizes(), torch::IntArrayRef({4, 7}));
  EXPECT_EQ(qf->encode(torch::randn({4, 6}), 7, 1).sizes(), torch::IntArrayRef({4, 7}));
  EXPECT_EQ(qf->decode(z).sizes(), torch::IntArrayRef({4, 10}));
  EXPECT_EQ(qf->decode(z, 1).sizes(), torch::IntArrayRef({4, 6}));
  // Each row's code depends on that row only (no leakage across the batch).
  qf->eval();
  EXPECT_TRUE(torch::allclose(qf->encode(x.slice(0, 1, 2), 7), z.slice(0, 1, 2), 1e-5, 1e-6));
  EXPECT_THROW(qf->encode(x, 6), Error);
  EXPECT_THROW(qf->encode(torch::randn({4, 9}), 7), Error);
  EXPECT_THROW(QFormer(QFormerOptions(10, 4).d_model(10).num_heads(4)), Error);
  // Gradients reach the queries and the chunk embedding.
  qf->train();
  qf->encode(x, 7).pow(2).sum().backward();
  for (const auto& p : qf->named_parameters())
    if (p.key().rfind("queries", 0) == 0 || p.key().rfind("chunk_embed0", 0) == 0)
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
}

TEST_F(LearnedBaselines, MatryoshkaCodesAreNested) {
  Matryoshka mrl(MatryoshkaOptions(16, 8).hidden(32).decoder_hidden(32));
  mrl->eval();
  EXPECT_FALSE(mrl->fixed_length());
  EXPECT_EQ(mrl->granularity(), 1);
  EXPECT_EQ(mrl->max_values(), 8);
  auto x = torch::randn({5, 16});
  auto full = mrl->encode(x, 8);
  for (int64_t m = 1; m <= 8; ++m) {
    auto z = mrl->encode(x, m);
    ASSERT_EQ(z.sizes(), torch::IntArrayRef({5, m}));
    EXPECT_TRUE(torch::equal(z, full.narrow(1, 0, m)));
    EXPECT_EQ(mrl->decode(z).sizes(), torch::IntArrayRef({5, 16}));
  }
  EXPECT_THROW(mrl->encode(x, 0), Error);
  EXPECT_THROW(mrl->encode(x, 9), Error);
  EXPECT_THROW(mrl->decode(torch::randn({5, 9})), Error);
}


// ---------------------------------------------------------------- training

// A short training with the shared trainer and the task losses must beat the untrained
// encoder on the task metric: the same check for each of the three methods.
void expect_training_helps(LearnedMethod method, int64_t code_values, const std::vector<int64_t>& sizes) {
  const FeatureSet fs = clustered(480, 240, 32, 11);
  LearnedTrainConfig cfg;
  cfg.train = quick_options(12);
  cfg.loss = default_loss_options(Task::Classification);
  cfg.model = ArcOptions(32).token_width(2).d_model(16).num_heads(2).context_chunks(8).context_layers(1)
                  .generator_layers(1).decoder_hidden(64);
  seed_everything(5);
  auto untrained = make_learned_encoder(method, 32, 0, code_values, cfg);
  const int64_t m = sizes.empty() ? code_values : sizes.front();
  const double before = task_accuracy(*untrained, fs, m);
  seed_everything(5);
  TrainSummary summary;
  auto trained = train_learned_encoder(method, fs, code_values, cfg, sizes, &summary);
  EXPECT_EQ(summary.epochs_run, 12);
  const double after = task_accuracy(*trained, fs, m);
  // Chance is 0.25; 12 short epochs on 432 rows reach about 0.53 (Q-Former) to 0.71 (mrl)
  // from 0.27..0.40 untrained.
  EXPECT_GT(after, 0.45) << learned_method_name(method) << " before " << before;
  EXPECT_GT(after, before + 0.1) << learned_method_name(method);
}

TEST_F(LearnedBaselines, AutoEncoderTrainingImprovesTheTaskMetric) {
  expect_training_helps(LearnedMethod::AutoEncoder, 2, {});
}

TEST_F(LearnedBaselines, QFormerTrainingImprovesTheTaskMetric) {
  expect_training_helps(LearnedMethod::QFormer, 2, {});
}

TEST_F(LearnedBaselines, MatryoshkaTrainingImprovesTheShortestPrefix) {
  expect_training_helps(LearnedMethod::Matryoshka, 8, {2, 4, 8});
}

// ---------------------------------------------------------------- codecs

TEST_F(LearnedBaselines, FactoryResolvesTheLearnedSpecs) {
  for (const char* s : {"ae", "qformer", "mrl", "arfc", "arfc:model.arfc"})
    EXPECT_NE(find_codec_entry(s), nullptr) << s;
  const std::string model = ::testing::TempDir() + "x." + std::to_string(::getpid()) + ".arfc";
  std::ofstream(model) << "x";  // arfc:PATH needs the file when the list is parsed
  EXPECT_EQ(parse_method_list("ae,qformer,mrl,arfc,arfc:" + model).size(), 5u);
  std::filesystem::remove(model);
  CodecCache cache;
  EXPECT_THROW(make_codec("ae:3", 8, 32, cache), Error);
  EXPECT_THROW(make_codec("ae+f32", 64, 32, cache), Error);  // floor(32 / 64) = 0 values
  EXPECT_EQ(make_codec("ae", 64, 32, cache)->variant(), "i4 x 4");  // int4: 4 values in 2 bytes
  EXPECT_EQ(make_codec("ae+i8", 64, 32, cache)->variant(), "i8 x 2");  // int8 storage reaches 64x
  EXPECT_THROW(make_codec("arfc:/nonexistent/model.arfc", 8, 32, cache), Error);
  auto ae = make_codec("ae+f32", 8, 32, cache);
  EXPECT_EQ(ae->name(), "ae+f32");
  EXPECT_EQ(ae->bytes_per_vector(), 16);  // 4 float32 values
  EXPECT_EQ(make_codec("qformer+f32", 5.3, 32, cache)->bytes_per_vector(), 24);
}

TEST_F(LearnedBaselines, LearnedCodecsTrainAndEncode) {
  const FeatureSet fs = clustered(256, 64, 32, 13);
  CodecCache cache;
  cache.epochs = 1;
  cache.seed = 1;
  auto ae = make_codec("ae+i8", 8, 32, cache);
  ae->fit(fs);
  Representation r = ae->encode(fs.test_x, 0);
  EXPECT_EQ(r.codes.n, 64);
  EXPECT_EQ(r.codes.d, 16);  // 16 int8 values = 16 bytes
  EXPECT_EQ(r.sim, Similarity::Cosine);
  check_finite(r.codes, "ae codes");
  EXPECT_TRUE(cache.models.empty());  // dedicated models are not shared
  ASSERT_TRUE(ae->can_decode());
  EXPECT_EQ(ae->decode(r, 0).d, 32);  // the decoder head, for asymmetric search

  // One Matryoshka adaptor serves both ratios: the 4x code starts with the 8x code.
  auto m8 = make_codec("mrl+f32", 8, 32, cache);
  auto m4 = make_codec("mrl+f32", 4, 32, cache);
  m8->fit(fs);
  m4->fit(fs);
  EXPECT_EQ(cache.models.count("mrl+f32"), 1u);
  EXPECT_EQ(dynamic_cast<LearnedCodec&>(*m8).encoder(), dynamic_cast<LearnedCodec&>(*m4).encoder());
  EXPECT_EQ(m4->bytes_per_vector(), 32);
  const Matrix c8 = m8->encode(fs.test_x, 0).codes, c4 = m4->encode(fs.test_x, 0).codes;
  ASSERT_EQ(c4.d, 8);
  for (int64_t i = 0; i < c8.n; ++i)
    for (int64_t j = 0; j < c8.d; ++j) EXPECT_EQ(c8.at(i, j), c4.at(i, j));
}

std::string fixture_model() { return std::string(ARFC_TEST_DATA) + "/model_v1.arfc"; }

// [n, d] standard normal rows drawn with `seed`.
Matrix normal_rows(int64_t n, int64_t d, unsigned seed) {
  Matrix x(n, d);
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01;
  for (auto& v : x.data) v = n01(rng);
  return x;
}

TEST_F(LearnedBaselines, ArfcCodecHitsRequestedRatiosWithStoredBytes) {
  if (!std::filesystem::exists(fixture_model())) GTEST_SKIP() << "fixture " << fixture_model() << " not present";
  CodecCache cache;
  const ArfcModel model = ArfcModel::load(fixture_model());
  const CodeGeometry g = model.geometry();
  const int64_t D = g.input_dim;
  const Matrix x = normal_rows(6, D, 1);
  bool any_quantised_layout = false, saw_quantised = false;
  for (double R : {2.0, 4.0, 8.0, 10.7, 16.0, 32.0}) {
    CodeLayout want;
    try {
      want = choose_layout(g, CodeBudget::ratio(R));
    } catch (const Error&) {
      EXPECT_THROW(make_codec("arfc:" + fixture_model(), R, D, cache), Error) << R;
      continue;
    }
    auto codec = make_codec("arfc:" + fixture_model(), R, D, cache);
    auto& ac = dynamic_cast<ArfcCodec&>(*codec);
    EXPECT_EQ(codec->name(), "arfc");
    EXPECT_EQ(codec->bytes_per_vector(), want.bytes_per_vector) << R;
    EXPECT_EQ(ac.layout().n_values, want.n_values) << R;
    EXPECT_GE(4.0 * D / double(codec->bytes_per_vector()), R * (1 - kRatioTolerance)) << R;
    FeatureSet fs;
    fs.train_x = x;  // the fixture predates stored calibration: int8 is calibrated on train rows
    codec->fit(fs);  // a loaded model has nothing else to fit (D checked)
    const Representation r = codec->encode(x, 0);
    ASSERT_EQ(r.codes.n, 6);
    ASSERT_EQ(r.codes.d, want.n_values);
    // The representation is exactly what the stored bytes decode to.
    const Matrix raw = model.encode(x, want.n_values, 0);
    const Matrix stored = dequantize_codes(
        quantize_codes(raw, want.dtype, model.fingerprint(), D, g.token_width, g.value_level));
    EXPECT_EQ(r.codes.data, stored.data) << R;
    if (want.dtype != StorageType::F32) {
      any_quantised_layout = true;
      saw_quantised = saw_quantised || r.codes.data != raw.data;
    }
  }
  // The file was loaded once, and x encoded once at the full length for every ratio.
  EXPECT_EQ(cache.models.count("arfc:" + fixture_model()), 1u);
  EXPECT_EQ(cache.models.size(), 2u);
  EXPECT_EQ(saw_quantised, any_quantised_layout);  // f16/i8 layouts really round the values
  EXPECT_THROW(make_codec("arfc:" + fixture_model(), 4.0 * D * 10, D, cache), Error);  // beyond one value
  EXPECT_THROW(make_codec("arfc:" + fixture_model(), 4, D + 1, cache), Error);         // wrong D
}

// Every ratio of a run is served from one encoding at the full length (continuous values
// and all discrete tokens): the representation equals compressing at that ratio directly.
TEST_F(LearnedBaselines, ArfcCodecServesEveryRatioFromOneEncoding) {
  const std::string path = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " not present";
  CodecCache cache;
  const ArfcModel model = ArfcModel::load(path);
  const CodeGeometry g = model.geometry();
  const int64_t D = g.input_dim;
  const Matrix x = normal_rows(40, D, 2);
  FeatureSet fs;
  fs.train_x = x;
  bool saw_q8 = false, saw_values = false;
  for (double R : {1.5, 2.0, 4.0, 8.0, 4.0 * D / 3, 4.0 * D / 2, 4.0 * D}) {
    const CodeLayout l = choose_layout(g, CodeBudget::ratio(R));
    auto codec = make_codec("arfc:" + path, R, D, cache);
    codec->fit(fs);
    const Matrix direct = model.code_values(model.compress(x, l));
    EXPECT_EQ(codec->encode(x, 0).codes.data, direct.data) << R;
    (l.dtype == StorageType::Q8 ? saw_q8 : saw_values) = true;
  }
  EXPECT_TRUE(saw_q8 && saw_values);
  EXPECT_EQ(cache.models.size(), 2u);  // the model, and x's full-length codes
  // "arfc-base": the same model (no second load) encoding its base code, as `compress
  // --tokens-from base` does, for values and discrete tokens alike.
  for (double R : {2.0, 8.0, 4.0 * D / 2}) {
    const CodeLayout l = choose_layout(g, CodeBudget::ratio(R));
    auto codec = make_codec("arfc-base:" + path, R, D, cache);
    EXPECT_EQ(codec->name(), "arfc-base");
    codec->fit(fs);
    const Matrix direct = model.code_values(model.compress(x, l, 0, TokenSearch{0, CodeSource::Base}));
    EXPECT_EQ(codec->encode(x, 0).codes.data, direct.data) << R;
    EXPECT_NE(direct.data, model.code_values(model.compress(x, l)).data) << R;
  }
  EXPECT_EQ(cache.models.size(), 3u);  // the one model, and x's full ARC and base codes
}

// Timing probe, skipped unless ARFC_TIME_LEARNED=<rows> is set: trains each dedicated
// baseline at ratio 8 with the default config for one epoch on that many rows of the cls
// feature set (ARFC_TIME_DIR, default data/fmnist/cls) or of synthetic 256-d data.
TEST_F(LearnedBaselines, TimeOneEpochOfDedicatedTraining) {
  const char* rows_env = std::getenv("ARFC_TIME_LEARNED");
  if (rows_env == nullptr) GTEST_SKIP() << "set ARFC_TIME_LEARNED=<rows> to time training";
  const int64_t rows = std::atoll(rows_env);
  const char* dir_env = std::getenv("ARFC_TIME_DIR");
  const std::string dir = dir_env ? dir_env : "data/fmnist/cls";
  FeatureSet fs;
  if (std::filesystem::exists(dir + "/meta.json")) {
    fs = load_feature_set(dir);
    fs.train_x = slice_rows(fs.train_x, 0, std::min(rows, fs.train_x.n));
    fs.train_y.resize(size_t(fs.train_x.n));
  } else {
    fs = clustered(rows, 16, 256, 1);
  }
  for (LearnedMethod method : {LearnedMethod::AutoEncoder, LearnedMethod::QFormer}) {
    LearnedTrainConfig cfg = learned_train_config(fs.task, fs.train_x.d, 1, 0, "cpu");
    TrainSummary s;
    train_learned_encoder(method, fs, fs.train_x.d / 8, cfg, {}, &s);
    std::printf("%s: one epoch on %lld rows (D=%lld, %s): %.1f s, %.0f samples/s; default epochs %lld\n",
                learned_method_name(method).c_str(), (long long)fs.train_x.n, (long long)fs.train_x.d,
                std::filesystem::exists(dir + "/meta.json") ? dir.c_str() : "synthetic", s.seconds, s.samples_per_s,
                (long long)learned_train_config(fs.task, fs.train_x.d, 0, 0, "cpu").train.epochs);
  }
}

}  // namespace
}  // namespace arfc
