// Beam search of residual token codes over inner-product tables (the look-up-table scheme
// of FAISS's residual quantiser): the search never forms a residual. For a candidate whose
// tokens so far sum to y = sum_{s<m} C_s[b_s] and the row's code z, adding word k of
// codebook m leaves the squared error
//   ||z - y - C_m[k]||^2 = ||z - y||^2 + ||C_m[k]||^2 - 2 z.C_m[k] + 2 sum_{s<m} C_s[b_s].C_m[k],
// so a step costs m table rows of 256 per candidate instead of a [beam, V] x [V, 256]
// product, and z.C_m[k] for every step read is one matrix product per block of rows. The
// same search as TokenCodebooksImpl's residual one (same candidates kept, same lookahead
// rule); only the rounding of the errors differs. Internal to the model module; CPU only.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace arfc::detail {

// Tables of the first T codebooks of a residual TokenCodebooks (K = 256 words each).
struct BeamTables {
  torch::Tensor norms;               // [T, K] float32: ||C_m[k]||^2
  std::vector<torch::Tensor> cross;  // cross[m] [m * K, K] float32: row s * K + j is C_s[j] . C_m[.]
  int64_t tokens() const { return norms.size(0); }
};

// codebooks [T, K, V] (T >= 1, float32, CPU) -> the tables of its T steps:
// T (T - 1) / 2 blocks of K x K floats (256 KiB each).
BeamTables make_beam_tables(const torch::Tensor& codebooks);

// The tables of a codebooks tensor, made on first use and kept while that tensor is
// unchanged (same tensor, storage and version counter: fit, load and to() all change one).
// Thread-safe; copies share the cache.
class BeamTableCache {
 public:
  BeamTableCache();
  // codebooks [M, K, V] float32 CPU -> tables of at least its first min(M, tokens) steps.
  std::shared_ptr<const BeamTables> get(const torch::Tensor& codebooks, int64_t tokens);

 private:
  struct State;  // the tables and what they were made from, behind a mutex
  std::shared_ptr<State> state_;
};

// The candidates a table search keeps after its last step.
struct TableBeam {
  torch::Tensor codes;  // [B, b, T] int64, candidates sorted by error (0: the best)
  torch::Tensor err;    // [B, b] float32 squared error (infinite: dropped by the lookahead)
};

// zc [B, T, K] float32 CPU (z . C_m[k] per row), z2 [B] (||z||^2) -> the beam search over
// the T steps of `tables` (T <= tables.tokens()): `beam` candidates per row, the first
// greedy_tokens steps greedy, token j decided after token j + lookahead (0: never early).
TableBeam table_beam_search(const BeamTables& tables, const torch::Tensor& zc, const torch::Tensor& z2, int64_t beam,
                            int64_t greedy_tokens, int64_t lookahead);

}  // namespace arfc::detail
