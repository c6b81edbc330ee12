// Encoding effort of discrete tokens: what a smaller token-search beam (`arfc compress
// --beam`) saves in time and costs in search quality, per byte budget, on a real feature
// set with one trained model.
//
//   encode_effort --data DIR [--model M.arfc] [--beams 1,2,4,8] [--bytes 2,4,8,16]
//                 [--limit 10000] [--epochs 3] [--threads 1] [--time-rows 2000] [--min-time 1]
//
// The model: --model when that file exists, else the default configuration trained on the
// first --limit rows (limit_feature_set, seed 0, as `arfc eval --limit`) for --epochs and
// saved there (or not kept without --model). Per budget of b bytes (discrete tokens, q8 x b)
// and beam: the token search's time per row (ArfcModel::quantize on the first --time-rows
// test rows' full continuous codes, best of >= 3 passes), the vectors/s of the whole encode
// (full continuous code, timed once, plus that search), and the set's metric with both
// sides compressed by that beam: R@1 of the test rows among themselves (retrieval), mean
// R@1 of both directions over the test pairs (crossmodal), 10-NN accuracy of the test rows
// against the training rows (classification); with its binomial standard error. The last
// column is the mean cosine between each code and the full continuous code it quantises.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/eval/harness.h"
#include "arfc/eval/metrics.h"
#include "arfc/model/arfc_model.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/train_arfc.h"
#include "bench_args.h"

using namespace arfc;

namespace {

struct Args {
  std::string data, model;
  std::vector<int64_t> beams = {1, 2, 4, 8}, bytes = {2, 4, 8, 16};
  int64_t limit = 10000, epochs = 3, threads = 1, time_rows = 2000;
  double min_time = 1.0;
};

constexpr char kUsage[] =
    "usage: %s --data DIR [--model M.arfc] [--beams 1,2,4,8] [--bytes 2,4,8,16]\n"
    "          [--limit 10000] [--epochs 3] [--threads 1] [--time-rows 2000] [--min-time 1]\n";

Args parse_args(int argc, char** argv) {
  Args a;
  auto num = [](int64_t& field) { return [&field](const std::string& v) { field = std::stoll(v); }; };
  bench::parse_options(argc, argv, kUsage,
                       {{"--data", [&](const std::string& v) { a.data = v; }},
                        {"--model", [&](const std::string& v) { a.model = v; }},
                        {"--beams", [&](const std::string& v) { a.beams = bench::int_list(v); }},
                        {"--bytes", [&](const std::string& v) { a.bytes = bench::int_list(v); }},
                        {"--limit", num(a.limit)},
                        {"--epochs", num(a.epochs)},
                        {"--threads", num(a.threads)},
                        {"--time-rows", num(a.time_rows)},
                        {"--min-time", [&](const std::string& v) { a.min_time = std::stod(v); }}});
  ARFC_CHECK(!a.data.empty(), "expected --data DIR (a feature set, `arfc data fmnist`); --help lists the options");
  ARFC_CHECK(!a.beams.empty() && !a.bytes.empty() && a.epochs >= 1 && a.threads >= 1 && a.time_rows >= 1 &&
                 a.min_time > 0,
             "expected --beams and --bytes lists, --epochs, --threads, --time-rows >= 1 and --min-time > 0");
  for (int64_t b : a.beams) ARFC_CHECK(b >= 1 && b <= kMaxBeam, "--beams: expected 1..", kMaxBeam, ", got ", b);
  return a;
}

// The set's metric with both sides' codes given (code-space vectors), as a fraction.
double task_metric(const FeatureSet& fs, const Matrix& train, const Matrix& test, const Matrix& test_b) {
  switch (fs.task) {
    case Task::Retrieval:
      return recall_at_k(test, test, fs.test_y, Similarity::Cosine, {1})[0];
    case Task::Crossmodal:
      return 0.5 * (paired_recall_at_k(test, test_b, Similarity::Cosine, {1})[0] +
                    paired_recall_at_k(test_b, test, Similarity::Cosine, {1})[0]);
    case Task::Classification:
      return knn_accuracy(train, fs.train_y, test, fs.test_y, Similarity::Cosine, 10);
    default:
      ARFC_THROW("encode_effort: set '", fs.name, "' has task ", task_name(fs.task),
                 "; expected classification, retrieval or crossmodal");
  }
}

double mean_cosine(const Matrix& a, const Matrix& b) {
  auto x = to_tensor(a), y = to_tensor(b);
  return torch::cosine_similarity(x, y, 1, 1e-12).mean().item<double>();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    torch::set_num_threads(int(a.threads));
    const FeatureSet fs = limit_feature_set(load_feature_set(a.data), a.limit, 0);
    const bool trained = a.model.empty() || !std::filesystem::exists(a.model);
    const ArfcModel model = trained ? train_arfc(fs, {{"train", {{"epochs", a.epochs}, {"seed", 0}}}})
                                    : ArfcModel::load(a.model);
    if (trained && !a.model.empty()) model.save(a.model);
    const CodeGeometry g = model.geometry();
    ARFC_CHECK(g.discrete_tokens > 0, "model has no discrete tokens; encode_effort measures their search");
    const bool pairs = fs.task == Task::Crossmodal, knn = fs.task == Task::Classification;
    // Full continuous codes, computed once: every beam quantises the same ones.
    const Matrix test_full = model.encode(fs.test_x, g.max_values());
    const Matrix test_b_full = pairs ? model.encode(fs.test_b, g.max_values(), 1) : Matrix();
    const Matrix train_full = knn ? model.encode(fs.train_x, g.max_values()) : Matrix();
    const Matrix timed = slice_rows(test_full, 0, std::min(a.time_rows, test_full.n));
    const Matrix timed_x = slice_rows(fs.test_x, 0, timed.n);
    const double full_rate =
        bench::best_rate(timed.n, a.min_time, [&] { (void)model.encode(timed_x, g.max_values()); });
    std::printf("# %s: %lld train / %lld test rows, %s, model %s (beam %lld); %lld thread(s)\n", a.data.c_str(),
                (long long)fs.train_x.n, (long long)fs.test_x.n,
                pairs ? "mean cross-modal R@1" : knn ? "10-NN accuracy" : "R@1",
                trained ? "trained here" : a.model.c_str(), (long long)model.token_beam(), (long long)a.threads);
    std::printf("# full continuous code: %.0f vectors/s (%.1f us/row), timed on %lld test rows\n", full_rate,
                1e6 / full_rate, (long long)timed.n);
    std::printf("| bytes | beam | search us/row | vectors/s (code + search) | x model's beam | metric %% | SE | "
                "cos to full code |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (int64_t b : a.bytes) {
      if (b < 1 || b > g.discrete_tokens) {
        std::printf("| %lld | - | (the model has 1..%lld discrete tokens) |\n", (long long)b,
                    (long long)g.discrete_tokens);
        continue;
      }
      const CodeLayout layout = make_layout(g.input_dim, b, StorageType::Q8);
      struct Row {
        int64_t beam;
        double search_rate, rate, metric, se, cosine;
      };
      std::vector<Row> rows;
      double reference_rate = 0;  // the model's own beam, when measured
      for (int64_t beam : a.beams) {
        Row r{beam};
        r.search_rate = bench::best_rate(timed.n, a.min_time, [&] { (void)model.quantize(timed, layout, 0, beam); });
        r.rate = 1.0 / (1.0 / full_rate + 1.0 / r.search_rate);
        if (beam == model.token_beam()) reference_rate = r.rate;
        auto codes = [&](const Matrix& full, int64_t modality) {
          return model.code_values(model.quantize(full, layout, modality, beam));
        };
        const Matrix test = codes(test_full, 0);
        const Matrix test_b = pairs ? codes(test_b_full, 1) : Matrix();
        const Matrix train = knn ? codes(train_full, 0) : Matrix();
        r.metric = task_metric(fs, train, test, test_b);
        r.se = std::sqrt(r.metric * (1 - r.metric) / double(fs.test_x.n));
        r.cosine = mean_cosine(test, test_full);
        rows.push_back(r);
      }
      for (const Row& r : rows) {
        char x[32] = "-";
        if (reference_rate > 0) std::snprintf(x, sizeof x, "%.2f", r.rate / reference_rate);
        std::printf("| %lld | %lld | %.1f | %.0f | %s | %.2f | %.2f | %.4f |\n", (long long)b, (long long)r.beam,
                    1e6 / r.search_rate, r.rate, x, 100 * r.metric, 100 * r.se, r.cosine);
      }
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encode_effort: %s\n", e.what());
    return 1;
  }
}
