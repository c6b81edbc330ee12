#include "beam_tables.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

#include "arfc/core/error.h"

namespace arfc::detail {

BeamTables make_beam_tables(const torch::Tensor& codebooks) {
  ARFC_ASSERT(codebooks.dim() == 3 && codebooks.size(0) >= 1 && codebooks.is_cpu() &&
                  codebooks.scalar_type() == torch::kFloat32,
              "beam tables: expected float32 CPU codebooks [T, K, V], got ", codebooks.sizes());
  torch::NoGradGuard ng;
  const int64_t T = codebooks.size(0), K = codebooks.size(1), V = codebooks.size(2);
  auto cb = codebooks.contiguous();
  auto flat = cb.view({T * K, V});
  BeamTables t;
  // Step by step, so that a step's tables are the same bits in tables of any length.
  t.norms = torch::empty({T, K});
  t.cross.resize(size_t(T));
  for (int64_t m = 0; m < T; ++m) {
    t.norms[m].copy_(cb[m].pow(2).sum(1));
    if (m > 0) t.cross[size_t(m)] = flat.narrow(0, 0, m * K).matmul(cb[m].t()).contiguous();
  }
  return t;
}

struct BeamTableCache::State {
  std::mutex mutex;
  const void* impl = nullptr;
  const void* data = nullptr;
  int64_t version = -1;
  std::shared_ptr<const BeamTables> tables;
};

BeamTableCache::BeamTableCache() : state_(std::make_shared<State>()) {}

std::shared_ptr<const BeamTables> BeamTableCache::get(const torch::Tensor& codebooks, int64_t tokens) {
  const int64_t T = std::min(codebooks.size(0), tokens);
  const void* impl = codebooks.unsafeGetTensorImpl();
  const void* data = codebooks.data_ptr();
  const int64_t version = codebooks._version();
  std::lock_guard<std::mutex> lock(state_->mutex);
  State& s = *state_;
  const bool same = s.tables && s.impl == impl && s.data == data && s.version == version;
  if (!same || s.tables->tokens() < T) {
    // Grown to the longest search asked for (never shrunk while the codebooks stay).
    const int64_t made = same ? std::max(T, s.tables->tokens()) : T;
    s.tables = std::make_shared<const BeamTables>(make_beam_tables(codebooks.narrow(0, 0, made)));
    s.impl = impl, s.data = data, s.version = version;
  }
  return s.tables;
}

namespace {

// One row's search. Candidates are ordered by (error, index c * K + k), so ties keep the
// lower index; a bounded max-heap holds the best `keep` of a step.
struct RowSearch {
  const BeamTables& t;
  int64_t T, K, beam, greedy_tokens, lookahead;
  std::vector<float> err, next_err, base, acc;
  std::vector<uint8_t> codes, next_codes;  // [b, T] bytes of each candidate
  std::vector<std::pair<float, int32_t>> heap;

  RowSearch(const BeamTables& tables, int64_t steps, int64_t b, int64_t g, int64_t l)
      : t(tables), T(steps), K(tables.norms.size(1)), beam(b), greedy_tokens(g), lookahead(l) {
    err.resize(size_t(beam)), next_err.resize(size_t(beam)), base.resize(size_t(K)), acc.resize(size_t(K));
    codes.resize(size_t(beam * T)), next_codes.resize(size_t(beam * T));
    heap.reserve(size_t(beam));
  }

  // zc [T, K] of one row, z2 its squared norm -> nb candidates in codes / err.
  int64_t run(const float* zc, float z2) {
    int64_t nb = 1;
    err[0] = z2;
    const float* norms = t.norms.data_ptr<float>();
    for (int64_t m = 0; m < T; ++m) {
      const int64_t keep = std::min(m < greedy_tokens ? int64_t(1) : beam, nb * K);
      for (int64_t k = 0; k < K; ++k) base[size_t(k)] = norms[m * K + k] - 2 * zc[m * K + k];
      const float* cross = m > 0 ? t.cross[size_t(m)].data_ptr<float>() : nullptr;
      heap.clear();
      for (int64_t c = 0; c < nb; ++c) {
        const float e = err[size_t(c)];
        // A dropped candidate (infinite error) only fills a heap with room: later indices
        // never displace equal errors.
        if (std::isinf(e) && int64_t(heap.size()) == keep) continue;
        std::fill(acc.begin(), acc.end(), 0.f);
        const uint8_t* cc = codes.data() + c * T;
        for (int64_t s = 0; s < m; ++s) {
          const float* row = cross + (s * K + cc[s]) * K;
          for (int64_t k = 0; k < K; ++k) acc[size_t(k)] += row[k];
        }
        for (int64_t k = 0; k < K; ++k) {
          const std::pair<float, int32_t> cand(e + base[size_t(k)] + 2 * acc[size_t(k)], int32_t(c * K + k));
          if (int64_t(heap.size()) < keep) {
            heap.push_back(cand);
            std::push_heap(heap.begin(), heap.end());
          } else if (cand < heap.front()) {
            std::pop_heap(heap.begin(), heap.end());
            heap.back() = cand;
            std::push_heap(heap.begin(), heap.end());
          }
        }
      }
      std::sort_heap(heap.begin(), heap.end());
      for (int64_t i = 0; i < keep; ++i) {
        const int64_t parent = heap[size_t(i)].second / K, word = heap[size_t(i)].second % K;
        next_err[size_t(i)] = heap[size_t(i)].first;
        std::memcpy(next_codes.data() + i * T, codes.data() + parent * T, size_t(m));
        next_codes[size_t(i * T + m)] = uint8_t(word);
      }
      std::swap(codes, next_codes);
      std::swap(err, next_err);
      nb = keep;
      if (lookahead > 0 && m >= lookahead && keep > 1) {
        const int64_t j = m - lookahead;
        for (int64_t c = 1; c < nb; ++c)
          if (codes[size_t(c * T + j)] != codes[size_t(j)]) err[size_t(c)] = std::numeric_limits<float>::infinity();
      }
    }
    return nb;
  }
};

}  // namespace

TableBeam table_beam_search(const BeamTables& tables, const torch::Tensor& zc, const torch::Tensor& z2, int64_t beam,
                            int64_t greedy_tokens, int64_t lookahead) {
  const int64_t B = zc.size(0), T = zc.size(1), K = zc.size(2);
  ARFC_ASSERT(zc.dim() == 3 && T >= 1 && T <= tables.tokens() && K == tables.norms.size(1) && zc.is_cpu() &&
                  zc.is_contiguous() && zc.scalar_type() == torch::kFloat32,
              "table beam search: zc ", zc.sizes(), " against tables of ", tables.tokens(), " steps");
  ARFC_ASSERT(z2.dim() == 1 && z2.size(0) == B && z2.is_contiguous() && z2.scalar_type() == torch::kFloat32,
              "table beam search: z2 ", z2.sizes());
  ARFC_ASSERT(beam >= 1 && K <= 256, "table beam search: beam ", beam, ", ", K, " words");
  // Candidates after the last step: the same for every row.
  int64_t nb = 1;
  for (int64_t m = 0; m < T; ++m) nb = std::min(m < greedy_tokens ? int64_t(1) : beam, nb * K);
  TableBeam out;
  out.codes = torch::empty({B, nb, T}, torch::kLong);
  out.err = torch::empty({B, nb}, torch::kFloat32);
  const float* zcp = zc.data_ptr<float>();
  const float* z2p = z2.data_ptr<float>();
  int64_t* cp = out.codes.data_ptr<int64_t>();
  float* ep = out.err.data_ptr<float>();
  at::parallel_for(0, B, 16, [&](int64_t begin, int64_t end) {
    RowSearch rs(tables, T, std::max(beam, int64_t(1)), greedy_tokens, lookahead);
    for (int64_t r = begin; r < end; ++r) {
      const int64_t got = rs.run(zcp + r * T * K, z2p[r]);
      ARFC_ASSERT(got == nb, "table beam search: ", got, " candidates, expected ", nb);
      for (int64_t c = 0; c < nb; ++c) {
        ep[r * nb + c] = rs.err[size_t(c)];
        for (int64_t m = 0; m < T; ++m) cp[(r * nb + c) * T + m] = rs.codes[size_t(c * T + m)];
      }
    }
  });
  return out;
}

}  // namespace arfc::detail
