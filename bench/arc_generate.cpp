// ARC generation throughput by thread count and row-block size: the continuous encoder
// alone (no codebooks, no file I/O), with the default model of a given D (untrained: the
// cost does not depend on the weights).
//
//   arc_generate [D=256] [THREADS=1] [BLOCK=256] [ROWS=8192] [TOKENS=K_max] [S=default]
//
// Encodes ROWS random rows to TOKENS tokens in blocks of BLOCK rows over THREADS threads
// (nn/tensor_util.h for_each_row_block, what ArfcModel::encode does with BLOCK =
// ArfcModel::kEncodeBlock) and prints vectors/s of the best of 3 passes. S sets the MoS
// solutions (model.solutions; the default model's when omitted).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "arfc/model/arc.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_config.h"
#include "arfc/train/train_arfc.h"

using namespace arfc;

int main(int argc, char** argv) {
  try {
    const int64_t D = argc > 1 ? std::stoll(argv[1]) : 256;
    const int threads = argc > 2 ? std::stoi(argv[2]) : 1;
    const int64_t block = argc > 3 ? std::stoll(argv[3]) : ArfcModel::kEncodeBlock;
    const int64_t rows = argc > 4 ? std::stoll(argv[4]) : 8192;
    auto cfg = parse_arfc_config(default_arfc_config(Task::Generic, D));
    cfg.model.discrete_tokens(0);
    const int64_t tokens = argc > 5 ? std::stoll(argv[5]) : cfg.model.max_tokens();
    if (argc > 6) cfg.model.solutions(std::stoll(argv[6]));
    if (threads < 1 || block < 1 || rows < 1 || tokens < 1 || tokens > cfg.model.max_tokens() ||
        cfg.model.solutions() < 1) {
      std::fprintf(stderr, "usage: %s [D=256] [THREADS=1] [BLOCK=256] [ROWS=8192] [TOKENS=1..%lld] [S>=1]\n",
                   argv[0], (long long)cfg.model.max_tokens());
      return 2;
    }
    set_threads(threads);
    torch::manual_seed(0);
    Arc arc(cfg.model);
    arc->eval();
    const auto x = torch::randn({rows, D});
    const int64_t values = tokens * cfg.model.token_width();
    auto pass = [&] {
      const auto t0 = std::chrono::steady_clock::now();
      for_each_row_block(rows, block, torch::kCPU,
                         [&](int64_t b, int64_t e) { arc->encode(x.narrow(0, b, e - b), values); });
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    pass();  // warm-up
    double best = 1e30;
    for (int i = 0; i < 3; ++i) best = std::min(best, pass());
    std::printf("D=%lld threads=%d block=%lld tokens=%lld S=%lld: %.0f vectors/s\n", (long long)D, threads,
                (long long)block, (long long)tokens, (long long)cfg.model.solutions(), double(rows) / best);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arc_generate: %s\n", e.what());
    return 1;
  }
}
