// Encoding effort: what tokens of the base code instead of the full ARC code (`arfc
// compress --tokens-from base`: the transformer not run) and, for discrete tokens, a smaller
// token-search beam (`--beam`) save in time and cost in search quality, per byte budget, on
// a real feature set with one trained model.
//
//   encode_effort --data DIR [--model M.arfc] [--beams 1,2,4,8] [--lookaheads -1]
//                 [--bytes 2,4,8,16] [--sources arc,base] [--limit 10000] [--epochs 3]
//                 [--threads 1] [--time-rows 2000] [--min-time 1]
//
// The model: --model when that file exists, else the default configuration trained on the
// first --limit rows (limit_feature_set, seed 0, as `arfc eval --limit`) for --epochs and
// saved there (or not kept without --model). Each budget of b bytes is stored as the
// model's rule chooses (choose_layout: discrete tokens, q8 x b, up to the model's
// discrete_tokens bytes, else values). Per source (the code the tokens quantise or the
// values come from: the ARC code, ArfcModel::encode, or the base code,
// ArfcModel::base_code) its rate on the first --time-rows test rows; per budget, source
// and (q8 only) beam and lookahead (TokenSearch::lookahead, -1 = the model's; beams > 1
// only): the time per row of the token search or of rounding the values
// (ArfcModel::quantize on those rows' codes), the vectors/s of the whole encode (source code
// plus that; rates are best of >= 3 passes; for values, the ARC code is timed at the
// layout's length, as compress runs it), that over the model's default (ARC code, its own
// beam), and the set's metric with both sides compressed so: R@1 of the test rows among
// themselves (retrieval), mean R@1 of both directions over the test pairs (crossmodal),
// 10-NN accuracy of the test rows against the training rows (classification), with its
// binomial standard error. The last column is the mean cosine between each code and the
// source code it comes from.
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
  std::vector<int64_t> beams = {1, 2, 4, 8}, lookaheads = {-1}, bytes = {2, 4, 8, 16};
  std::vector<std::string> sources = {"arc", "base"};
  int64_t limit = 10000, epochs = 3, threads = 1, time_rows = 2000;
  double min_time = 1.0;
};

constexpr char kUsage[] =
    "usage: %s --data DIR [--model M.arfc] [--beams 1,2,4,8] [--lookaheads -1] [--bytes 2,4,8,16]\n"
    "          [--sources arc,base] [--limit 10000] [--epochs 3] [--threads 1] [--time-rows 2000] [--min-time 1]\n";

Args parse_args(int argc, char** argv) {
  Args a;
  auto num = [](int64_t& field) { return [&field](const std::string& v) { field = std::stoll(v); }; };
  bench::parse_options(argc, argv, kUsage,
                       {{"--data", [&](const std::string& v) { a.data = v; }},
                        {"--model", [&](const std::string& v) { a.model = v; }},
                        {"--beams", [&](const std::string& v) { a.beams = bench::int_list(v); }},
                        {"--lookaheads", [&](const std::string& v) { a.lookaheads = bench::int_list(v); }},
                        {"--bytes", [&](const std::string& v) { a.bytes = bench::int_list(v); }},
                        {"--sources", [&](const std::string& v) { a.sources = bench::string_list(v); }},
                        {"--limit", num(a.limit)},
                        {"--epochs", num(a.epochs)},
                        {"--threads", num(a.threads)},
                        {"--time-rows", num(a.time_rows)},
                        {"--min-time", [&](const std::string& v) { a.min_time = std::stod(v); }}});
  ARFC_CHECK(!a.data.empty(), "expected --data DIR (a feature set, `arfc data fmnist`); --help lists the options");
  ARFC_CHECK(!a.beams.empty() && !a.lookaheads.empty() && !a.bytes.empty() && !a.sources.empty() && a.epochs >= 1 && a.threads >= 1 && a.time_rows >= 1 &&
                 a.min_time > 0,
             "expected --beams, --lookaheads and --bytes lists, --epochs, --threads, --time-rows >= 1 and --min-time > 0");
  for (const std::string& src : a.sources)
    ARFC_CHECK(src == "arc" || src == "base", "--sources: expected arc and/or base, got ", src);
  for (int64_t b : a.beams) ARFC_CHECK(b >= 1 && b <= kMaxBeam, "--beams: expected 1..", kMaxBeam, ", got ", b);
  for (int64_t l : a.lookaheads) ARFC_CHECK(l >= -1, "--lookaheads: expected -1 (the model's) or >= 0, got ", l);
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
    const bool pairs = fs.task == Task::Crossmodal, knn = fs.task == Task::Classification;
    // Per source, the codes the tokens quantise, computed once (every beam searches the
    // same ones), and the rate of computing them.
    struct Source {
      std::string name;
      Matrix test, test_b, train;
      double rate = 0;
    };
    std::vector<Source> sources;
    for (const std::string& name : a.sources) {
      Source src{name};
      const bool base = name == "base";
      auto full = [&](const Matrix& x, int64_t modality) {
        return base ? model.base_code(x, modality) : model.encode(x, g.max_values(), modality);
      };
      src.test = full(fs.test_x, 0);
      if (pairs) src.test_b = full(fs.test_b, 1);
      if (knn) src.train = full(fs.train_x, 0);
      const Matrix timed_x = slice_rows(fs.test_x, 0, std::min(a.time_rows, fs.test_x.n));
      src.rate = bench::best_rate(timed_x.n, a.min_time, [&] { (void)full(timed_x, 0); });
      std::printf("# tokens of the %s code: computing it runs at %.0f vectors/s (%.1f us/row)\n", name.c_str(),
                  src.rate, 1e6 / src.rate);
      sources.push_back(std::move(src));
    }
    std::printf("# %s: %lld train / %lld test rows, %s, model %s (beam %lld); %lld thread(s); times on the first "
                "%lld test rows\n",
                a.data.c_str(), (long long)fs.train_x.n, (long long)fs.test_x.n,
                pairs ? "mean cross-modal R@1" : knn ? "10-NN accuracy" : "R@1",
                trained ? "trained here" : a.model.c_str(), (long long)model.token_beam(), (long long)a.threads,
                (long long)std::min(a.time_rows, fs.test_x.n));
    std::printf("| bytes (code) | tokens of | beam | lookahead | search or rounding us/row | vectors/s (code + search) | x default | metric %% | SE "
                "| cos to its code |\n|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (int64_t b : a.bytes) {
      CodeLayout layout;
      try {
        layout = choose_layout(g, CodeBudget::bytes(double(b)));
      } catch (const Error& e) {
        std::printf("| %lld | - | - | (%s) |\n", (long long)b, e.what());
        continue;
      }
      const bool q8 = layout.dtype == StorageType::Q8;
      struct Row {
        std::string source;
        int64_t beam, lookahead;
        double search_rate, rate, metric, se, cosine;
      };
      std::vector<Row> rows;
      double reference_rate = 0;  // the model's default: the ARC code, its own beam
      const Matrix timed_x = slice_rows(fs.test_x, 0, std::min(a.time_rows, fs.test_x.n));
      for (const Source& src : sources) {
        const Matrix timed = slice_rows(src.test, 0, std::min(a.time_rows, src.test.n));
        // Values: the ARC code is generated to the layout's length only (compress does so).
        double source_rate = src.rate;
        if (!q8 && src.name == "arc")
          source_rate = bench::best_rate(timed_x.n, a.min_time, [&] { (void)model.encode(timed_x, layout.n_values, 0); });
        for (int64_t beam : q8 ? a.beams : std::vector<int64_t>{0})
        for (int64_t lookahead : q8 && beam > 1 ? a.lookaheads : std::vector<int64_t>{-1}) {
          Row r{src.name, beam, lookahead};
          r.search_rate = bench::best_rate(timed.n, a.min_time,
                                           [&] { (void)model.quantize(timed, layout, 0, beam, lookahead); });
          r.rate = 1.0 / (1.0 / source_rate + 1.0 / r.search_rate);
          if (src.name == "arc" && (!q8 || (beam == model.token_beam() && lookahead == -1))) reference_rate = r.rate;
          auto codes = [&](const Matrix& full, int64_t modality) {
            return model.code_values(model.quantize(full, layout, modality, beam, lookahead));
          };
          const Matrix test = codes(src.test, 0);
          r.metric = task_metric(fs, knn ? codes(src.train, 0) : Matrix(), test,
                                 pairs ? codes(src.test_b, 1) : Matrix());
          r.se = std::sqrt(r.metric * (1 - r.metric) / double(fs.test_x.n));
          r.cosine = mean_cosine(test, q8 ? src.test : prefix_cols(src.test, layout.n_values));
          rows.push_back(r);
        }
      }
      for (const Row& r : rows) {
        char x[32] = "-";
        if (reference_rate > 0) std::snprintf(x, sizeof x, "%.2f", r.rate / reference_rate);
        const std::string beam = q8 ? std::to_string(r.beam) : "-";
        const std::string lookahead = !q8 || r.beam <= 1 ? "-" : r.lookahead < 0 ? "model's" : std::to_string(r.lookahead);
        std::printf("| %lld (%s) | %s | %s | %s | %.1f | %.0f | %s | %.2f | %.2f | %.4f |\n", (long long)b,
                    describe_layout(layout, g.token_width).c_str(), r.source.c_str(), beam.c_str(), lookahead.c_str(),
                    1e6 / r.search_rate,
                    r.rate, x, 100 * r.metric, 100 * r.se, r.cosine);
      }
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encode_effort: %s\n", e.what());
    return 1;
  }
}
