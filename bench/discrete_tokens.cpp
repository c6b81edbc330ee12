// Discrete ARFC tokens on a real feature set: how each way of building the token codebooks
// serves every byte budget, against the continuous int8 code of the same bytes.
//
//   discrete_tokens DIR MODEL [LIMIT=10000] [EPOCHS=3] [MODES=residual,per_token]
//
// Trains an ARFC model on DIR (first LIMIT train/test rows, as `arfc eval --limit`) unless
// MODEL exists, then fits 64 token codebooks per mode on the training codes and prints, per
// byte count, the relative code-space error on the test rows (||t - y||^2 / ||t||^2, t the
// full continuous code) and the set's main metric with both sides compressed (R@1 for
// retrieval, 10-NN accuracy for classification), and the same for int8 values at those
// bytes. Modes: model/token_codebooks.h; "MODE@a" fits and encodes the code scaled by
// (per-value standard deviation)^a, then unscales (a weighting experiment); "MODE/bN"
// encodes by a beam search with N candidates over all 64 tokens and cuts each size from it
// (the prefix property), "MODE/bNgG" keeps the first G tokens greedy, "MODE/bNn" searches
// each size separately (no prefix property; for comparison), "MODE/bNgGlL" decides each
// token after L more (model/token_codebooks.h, lookahead); prefixes "k:" / "P:" fit
// every token by plain / progressive k-means (default: progressive after the first 4).
// Modes sharing the fit part share one fit. The encode columns: time to encode the test
// rows at 8 and at 64 bytes, per row (the full continuous code not included).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "arfc/codes/code_file.h"
#include "arfc/eval/harness.h"
#include "arfc/eval/metrics.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/train_arfc.h"

using namespace arfc;

namespace {

double metric(const FeatureSet& fs, const Matrix& train_codes, const Matrix& test_codes) {
  if (fs.task == Task::Retrieval) return recall_at_k(test_codes, test_codes, fs.test_y, Similarity::Cosine, {1})[0];
  return knn_accuracy(train_codes, fs.train_y, test_codes, fs.test_y, Similarity::Cosine, 10);
}

double relative_error(const torch::Tensor& t, const torch::Tensor& y) {
  return ((t - y).pow(2).sum() / t.pow(2).sum()).item<double>();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR MODEL [LIMIT=10000] [EPOCHS=3] [MODES=residual,per_token]\n", argv[0]);
    return 2;
  }
  try {
    const std::string dir = argv[1], model_path = argv[2];
    const int64_t limit = argc > 3 ? std::stoll(argv[3]) : 10000;
    const int64_t epochs = argc > 4 ? std::stoll(argv[4]) : 3;
    std::vector<std::string> modes;
    std::stringstream ms(argc > 5 ? argv[5] : "residual,per_token");
    for (std::string m; std::getline(ms, m, ',');) modes.push_back(m);
    const FeatureSet fs = limit_feature_set(load_feature_set(dir), limit, 0);
    ARFC_CHECK(fs.task == Task::Retrieval || fs.task == Task::Classification, "discrete_tokens: expects a "
               "classification or retrieval set, got ", task_name(fs.task));
    if (!std::filesystem::exists(model_path)) {
      nlohmann::json cfg = {{"train", {{"epochs", epochs}, {"seed", 0}}}};
      train_arfc(fs, cfg).save(model_path);
    }
    const ArfcModel model = ArfcModel::load(model_path);
    const CodeGeometry g = model.geometry();
    const Matrix train_full = model.encode(fs.train_x, g.max_values()), test_full = model.encode(fs.test_x, g.max_values());
    const auto t_train_raw = to_tensor(train_full), t_test_raw = to_tensor(test_full);
    const std::vector<int64_t> bytes = {2, 4, 8, 16, 32, 64};
    std::printf("%s: D = %lld, %lld train / %lld test rows, metric %s (both sides compressed)\n\n", dir.c_str(),
                (long long)g.input_dim, (long long)fs.train_x.n, (long long)fs.test_x.n,
                fs.task == Task::Retrieval ? "R@1" : "10-NN accuracy");
    std::printf("| codes | fit s | 8 B encode us/row | 64 B encode us/row |");
    for (int64_t b : bytes) std::printf(" %lld B err | %lld B metric |", (long long)b, (long long)b);
    std::printf("\n|---|--:|--:|--:|");
    for (size_t i = 0; i < bytes.size(); ++i) std::printf("--:|--:|");
    std::printf("\n");
    std::printf("| continuous i8 | - | - | - |");
    for (int64_t b : bytes) {
      if (b % g.token_width != 0) {
        std::printf(" - | - |");
        continue;
      }
      const CodeLayout l = make_layout(g.input_dim, b, StorageType::I8);
      const Matrix tr = model.code_values(model.compress(fs.train_x, l)), te = model.code_values(model.compress(fs.test_x, l));
      auto y = torch::zeros_like(t_test_raw);
      y.narrow(1, 0, b).copy_(to_tensor(te));
      std::printf(" %.4f | %.4f |", relative_error(t_test_raw, y), metric(fs, tr, te));
    }
    std::printf("\n");
    std::map<std::string, torch::Tensor> fitted;
    for (const std::string& spec : modes) {
      // "mode" or "mode@a": quantise the code scaled by std_j^a per value (a > 0 weights the
      // high-variance leading values more), then unscale.
      // "/bN": beam search with N candidates over all 64 tokens, cut to each size (the
      // prefix property); "/bNn": a beam search of each size separately (no prefix property).
      std::string head = spec;
      // "/bNgG": the first G tokens greedy, the beam after them.
      // "/bN...tT": the codebooks fitted with a training beam of T (token_codebooks.h).
      int64_t beam = 1, greedy = 0, lookahead = 0, train_beam = 1;
      bool per_size = false;
      if (const auto sl = spec.find("/b"); sl != std::string::npos) {
        head = spec.substr(0, sl);
        per_size = spec.back() == 'n';
        beam = std::stoll(spec.substr(sl + 2));
        if (const auto gp = spec.find('g', sl); gp != std::string::npos) greedy = std::stoll(spec.substr(gp + 1));
        if (const auto lp = spec.find('l', sl); lp != std::string::npos) lookahead = std::stoll(spec.substr(lp + 1));
        if (const auto tp = spec.find('t', sl); tp != std::string::npos) train_beam = std::stoll(spec.substr(tp + 1));
      }
      // "k:" / "P:" prefix: fit every token by plain / progressive-dimension k-means (default:
      // plain for the first 4 tokens, progressive after); then "u:": quantise the codes scaled
      // to unit norm (search is by cosine).
      std::string rest = head;
      int64_t progressive_from = TokenCodebooksOptions(1, 1).progressive_from();
      if (rest.rfind("k:", 0) == 0 || rest.rfind("P:", 0) == 0) {
        progressive_from = rest[0] == 'k' ? int64_t(1) << 30 : 0;
        rest = rest.substr(2);
      }
      const bool unit = rest.rfind("u:", 0) == 0;
      const std::string body = unit ? rest.substr(2) : rest;
      const auto at = body.find('@');
      const std::string mode = body.substr(0, at);
      const double a = at == std::string::npos ? 0.0 : std::stod(body.substr(at + 1));
      auto unit_rows = [&](const torch::Tensor& t) { return unit ? t / t.norm(2, 1, true).clamp_min(1e-12) : t; };
      const auto t_train = unit_rows(t_train_raw), t_test = unit_rows(t_test_raw);
      const auto scale = t_train.std(0).clamp_min(1e-6).pow(a);
      TokenCodebooks cb(
          TokenCodebooksOptions(64, g.max_values())
              .mode(mode)
              .beam(per_size ? 1 : beam)
              .greedy_tokens(greedy)
              .lookahead(lookahead)
              .train_beam(train_beam)
              .progressive_from(progressive_from));
      // Encoding options share the codebooks of their mode: fitted once (a training beam,
      // with its greedy tokens, is part of the fit).
      const std::string fit_key = train_beam > 1 ? head + "/t" + std::to_string(train_beam) + "g" + std::to_string(greedy) : head;
      const auto t0 = std::chrono::steady_clock::now();
      if (auto it = fitted.find(fit_key); it != fitted.end()) {
        cb->codebooks.copy_(it->second);
      } else {
        cb->fit(t_train.narrow(0, 0, std::min<int64_t>(t_train.size(0), 20000)) * scale, 0);
        fitted[fit_key] = cb->codebooks.clone();
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("| q8 %s | %.1f |", spec.c_str(), secs);
      // err is relative to the code the tokens quantise (unit rows with "u:").
      const auto te = t_test * scale, tr = t_train * scale;
      auto us_per_row = [&](int64_t n, torch::Tensor* out) {
        const auto e0 = std::chrono::steady_clock::now();
        auto c = cb->encode(te, n);
        if (out) *out = c;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
        return std::to_string(int64_t(1e6 * s / double(te.size(0))));
      };
      // The prefix property: one encoding at the longest size serves every size.
      torch::Tensor full_te;
      const std::string short_us = per_size ? "-" : us_per_row(8, nullptr);
      const std::string long_us = per_size ? "-" : us_per_row(bytes.back(), &full_te);
      std::printf(" %s | %s |", short_us.c_str(), long_us.c_str());
      const auto full_tr = per_size ? torch::Tensor() : cb->encode(tr, bytes.back());
      for (int64_t b : bytes) {
        auto yte = cb->decode(per_size ? cb->beam_encode(te, b, beam, greedy) : full_te.narrow(1, 0, b)) / scale;
        auto ytr = cb->decode(per_size ? cb->beam_encode(tr, b, beam, greedy) : full_tr.narrow(1, 0, b)) / scale;
        std::printf(" %.4f | %.4f |", relative_error(t_test, yte), metric(fs, to_matrix(ytr), to_matrix(yte)));
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
