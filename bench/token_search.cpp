// The beam search of discrete tokens over inner-product tables against the same search
// over residuals (model/token_codebooks.h, beam_encode's table_tokens): rows/s of each, per
// code length, on one thread, and how many codes come out identical.
//
//   token_search [--dims 256,768] [--tokens 1,2,4,8,16,32] [--beam 8] [--lookahead 8]
//                [--rows 4096] [--fit-rows 4096] [--min-time 1] [--threads 1]
//
// Synthetic codes (value j with standard deviation 0.9^j, correlated by a random mixing,
// as ARC codes put what matters first), codebooks of max(tokens) + lookahead steps fitted
// on --fit-rows of them (plain k-means, 4 iterations: the search's cost does not depend
// on how well they fit); the rows are searched in blocks of 256, as ArfcModel::quantize
// runs them on each thread, with the model's default search (beam 8, each token decided
// 8 tokens later). Table time includes z.C for every step read, not the tables themselves
// (made once per model and kept; their time is printed once per D).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arfc/core/error.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/nn/blas_threads.h"
#include "bench_args.h"

using namespace arfc;
using namespace arfc::bench;

namespace {

constexpr int64_t kBlock = 256;  // ArfcModel::kEncodeBlock: rows per search call

torch::Tensor ordered_codes(int64_t n, int64_t V, uint64_t seed) {
  torch::manual_seed(seed);
  auto scale = torch::pow(0.9, torch::arange(V, torch::kFloat32));
  auto mix = torch::eye(V) + 0.1 * torch::randn({V, V});
  return torch::randn({n, V}).matmul(mix) * scale;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> dims{256, 768}, tokens{1, 2, 4, 8, 16, 32};
  int64_t beam = 8, lookahead = 8, rows = 4096, fit_rows = 4096, threads = 1;
  double min_time = 1;
  try {
    parse_options(argc, argv,
                  "usage: %s [--dims 256,768] [--tokens 1,2,4,8,16,32] [--beam 8] [--lookahead 8]\n"
                  "          [--rows 4096] [--fit-rows 4096] [--min-time 1] [--threads 1]\n",
                  {{"--dims", [&](const std::string& v) { dims = int_list(v); }},
                   {"--tokens", [&](const std::string& v) { tokens = int_list(v); }},
                   {"--beam", [&](const std::string& v) { beam = std::stoll(v); }},
                   {"--lookahead", [&](const std::string& v) { lookahead = std::stoll(v); }},
                   {"--rows", [&](const std::string& v) { rows = std::stoll(v); }},
                   {"--fit-rows", [&](const std::string& v) { fit_rows = std::stoll(v); }},
                   {"--min-time", [&](const std::string& v) { min_time = std::stod(v); }},
                   {"--threads", [&](const std::string& v) { threads = std::stoll(v); }}});
    ARFC_CHECK(!dims.empty() && !tokens.empty() && beam >= 2 && beam <= kMaxBeam && lookahead >= 0 && rows >= 1 &&
                   fit_rows >= kCodebookSize && threads >= 1,
               "expected dims and tokens, beam in [2, ", kMaxBeam, "], lookahead >= 0, rows >= 1, fit-rows >= ",
               kCodebookSize, ", threads >= 1");
    // Codebooks hold (max tokens + lookahead) x 256 x D floats: bounded before any allocation.
    for (int64_t n : tokens) ARFC_CHECK(n >= 1 && n <= 256, "token counts must be in [1, 256], got ", n);
    for (int64_t V : dims) ARFC_CHECK(V >= 1 && V <= 4096, "dims must be in [1, 4096], got ", V);
    ARFC_CHECK(lookahead <= 256 && rows <= (int64_t(1) << 22) && fit_rows <= (int64_t(1) << 20),
               "expected lookahead <= 256, rows <= 4194304, fit-rows <= 1048576");
    at::set_num_threads(int(threads));
    const OneBlasThread one_blas_thread;  // as ArfcModel::quantize runs its blocks
    torch::NoGradGuard ng;
    int64_t most = 0;
    for (int64_t n : tokens) most = std::max(most, n);
    const int64_t M = most + lookahead;
    std::printf("beam %lld, each token decided %lld tokens later, %lld rows in blocks of %lld, %lld thread(s)\n\n",
                (long long)beam, (long long)lookahead, (long long)rows, (long long)kBlock, (long long)threads);
    std::printf("| D | bytes | steps read | residual search (rows/s) | table search (rows/s) | speed-up | "
                "identical codes | rel. error residual | rel. error table |\n|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (int64_t V : dims) {
      TokenCodebooks cb(TokenCodebooksOptions(M, V).beam(beam).lookahead(lookahead).progressive_from(M));
      cb->fit(ordered_codes(fit_rows, V, 1), 1, /*iters=*/4);
      const auto x = ordered_codes(rows, V, 2);
      const double x2 = x.pow(2).sum().item<double>();
      auto search = [&](int64_t n, int64_t table_tokens) {
        std::vector<torch::Tensor> parts;
        for (int64_t s = 0; s < rows; s += kBlock)
          parts.push_back(cb->beam_encode(x.narrow(0, s, std::min(kBlock, rows - s)), cb->tokens_read(n), beam, 0,
                                          lookahead, table_tokens)
                              .narrow(1, 0, n));
        return torch::cat(parts);
      };
      const auto t0 = std::chrono::steady_clock::now();
      search(1, kTableTokens);  // makes the tables
      std::fprintf(stderr, "D = %lld: tables of %lld steps made and one search in %.2f s\n", (long long)V,
                   (long long)std::min(M, kTableTokens), seconds_since(t0));
      for (int64_t n : tokens) {
        torch::Tensor res, tab;
        const double r_res = best_rate(rows, min_time, [&] { res = search(n, 0); });
        const double r_tab = best_rate(rows, min_time, [&] { tab = search(n, kTableTokens); });
        const double same = res.eq(tab).all(1).to(torch::kDouble).mean().item<double>();
        const double e_res = (x - cb->decode(res)).pow(2).sum().item<double>() / x2;
        const double e_tab = (x - cb->decode(tab)).pow(2).sum().item<double>() / x2;
        std::printf("| %lld | %lld | %lld | %.0f | %.0f | %.2f | %.4f | %.5f | %.5f |\n", (long long)V, (long long)n,
                    (long long)cb->tokens_read(n), r_res, r_tab, r_tab / r_res, same, e_res, e_tab);
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "token_search: %s\n", e.what());
    return 1;
  }
  return 0;
}
