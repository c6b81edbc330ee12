// Encoding throughput of ARFC against the baselines, through the one Codec interface the
// evaluation uses (so every method pays the same Matrix <-> tensor conversions):
//   BM_Encode/<method>/<ratio>: encode N = 4096 vectors of D = 256 at the given ratio;
//   items_per_second = vectors per second. Learned methods are trained for one epoch on
//   4096 clustered rows first (quality is irrelevant here; cost does not depend on it).
//   BM_ArcTrainStep: one training step of the default ARC (batch 256, all 16 tokens,
//   forward + backward + AdamW); items_per_second = training samples per second.
//   BM_StoreI8: quantize_codes of 262 144 x 256 values to int8 with fixed scales, one call
//   on one thread (what storing costs after any encoder); items_per_second = rows per second.
// Environment: ARFC_BENCH_THREADS (libtorch threads; default 1, so numbers are comparable
// on a busy machine), ARFC_BENCH_DEVICE ("cpu" default, "cuda" on a GPU machine).
// Compare methods within one run: absolute numbers depend on the machine and its load.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/core/log.h"
#include "arfc/core/matrix.h"
#include "arfc/codec/codec.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/model/arc.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_config.h"
#include "arfc/train/train_arfc.h"

namespace {

constexpr int64_t kRows = 4096, kDim = 256, kClasses = 10;

std::string env_or(const char* name, const std::string& def) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : def;
}

// Clustered features with labels: enough structure for every codec to train on.
const arfc::FeatureSet& bench_set() {
  static const arfc::FeatureSet fs = [] {
    arfc::FeatureSet f;
    f.name = "bench";
    f.task = arfc::Task::Classification;
    std::mt19937_64 rng(1);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    arfc::Matrix centers(kClasses, kDim);
    for (auto& v : centers.data) v = 3.0f * nd(rng);
    f.train_x = arfc::Matrix(kRows, kDim);
    for (int64_t i = 0; i < kRows; ++i) {
      const int64_t c = i % kClasses;
      f.train_y.push_back(c);
      for (int64_t j = 0; j < kDim; ++j) f.train_x.data[size_t(i * kDim + j)] = centers.data[size_t(c * kDim + j)] + nd(rng);
    }
    f.test_x = f.train_x;
    f.test_y = f.train_y;
    return f;
  }();
  return fs;
}

struct Setup {
  Setup() {
    arfc::set_log_callback([](arfc::LogLevel, const std::string&, const std::string&) {});
    arfc::set_threads(std::atoi(env_or("ARFC_BENCH_THREADS", "1").c_str()));
    cache.device = env_or("ARFC_BENCH_DEVICE", "cpu");
    cache.epochs = 1;
    cache.seed = 0;
  }
  arfc::CodecCache cache;
};

Setup& setup() {
  static Setup s;
  return s;
}

const char* kMethods[] = {"pca", "i8", "pq", "ae", "qformer", "mrl", "arfc"};

void BM_Encode(benchmark::State& state, const std::string& method, double ratio) {
  Setup& s = setup();
  std::unique_ptr<arfc::Codec> codec;
  try {
    codec = arfc::make_codec(method, ratio, kDim, s.cache);
    codec->fit(bench_set());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) {
    arfc::Representation r = codec->encode(bench_set().test_x, 0);
    benchmark::DoNotOptimize(r.codes.data.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["bytes_per_vector"] = double(codec->bytes_per_vector());
}

void BM_ArcTrainStep(benchmark::State& state) {
  setup();
  const auto cfg = arfc::parse_arfc_config(arfc::default_arfc_config(arfc::Task::Generic, kDim));
  arfc::Arc arc(cfg.model);
  const torch::Device dev = arfc::parse_device(env_or("ARFC_BENCH_DEVICE", "cpu"));
  arc->to(dev);
  arc->train();
  torch::optim::AdamW opt(arc->parameters(), torch::optim::AdamWOptions(1e-3));
  const int64_t batch = 256;
  auto x = arfc::to_tensor(bench_set().train_x).narrow(0, 0, batch).to(dev);
  for (auto _ : state) {
    auto codes = arc->encode(x, arc->max_values());
    auto loss = (arc->decode(codes) - x).pow(2).mean() + codes.pow(2).mean();
    opt.zero_grad();
    loss.backward();
    opt.step();
    benchmark::DoNotOptimize(loss.item<float>());
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void BM_StoreI8(benchmark::State& state) {
  arfc::Matrix v(262144, 256);
  std::mt19937 rng(0);
  std::normal_distribution<float> nd;
  for (float& x : v.data) x = nd(rng);
  const std::vector<float> scales(size_t(v.d), 0.05f);
  for (auto _ : state)
    benchmark::DoNotOptimize(arfc::quantize_codes(v, arfc::StorageType::I8, 1, 512, 16, false, scales).payload.data());
  state.SetItemsProcessed(state.iterations() * v.n);
}

const int kRegistered = [] {
  for (const char* m : kMethods)
    for (double r : {4.0, 16.0, 64.0}) {
      if (std::string(m) == "i8" && r != 4.0) continue;  // fixed-rate: 4x only
      benchmark::RegisterBenchmark(("BM_Encode/" + std::string(m) + "/" + std::to_string(int(r)) + "x").c_str(),
                                   BM_Encode, std::string(m), r)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(1.0);
    }
  benchmark::RegisterBenchmark("BM_ArcTrainStep", BM_ArcTrainStep)->Unit(benchmark::kMillisecond)->MinTime(2.0);
  benchmark::RegisterBenchmark("BM_StoreI8", BM_StoreI8)->Unit(benchmark::kMillisecond)->MinTime(1.0);
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
