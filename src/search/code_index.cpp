#include "arfc/search/code_index.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/nn/blas_threads.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

namespace {

// Rows [begin, end) of stored codes, as their own CodeSet (payload copied: one block).
CodeSet code_rows(const CodeSet& c, int64_t begin, int64_t end) {
  CodeSet out = c;
  const auto row = size_t(c.bytes_per_vector());
  out.n = end - begin;
  out.payload.assign(c.payload.begin() + std::ptrdiff_t(size_t(begin) * row),
                     c.payload.begin() + std::ptrdiff_t(size_t(end) * row));
  return out;
}

// The k best (score, row) of what was pushed: higher score first, then the lower row.
class TopK {
 public:
  explicit TopK(int64_t k = 1) : k_(size_t(k)) { ARFC_ASSERT(k >= 1, "TopK: k = ", k); }
  static bool better(const std::pair<float, int64_t>& a, const std::pair<float, int64_t>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  }
  void push(float score, int64_t row) {
    const std::pair<float, int64_t> item{score, row};
    if (items_.size() == k_ && !better(item, items_.back())) return;
    items_.insert(std::upper_bound(items_.begin(), items_.end(), item, better), item);
    if (items_.size() > k_) items_.pop_back();
  }
  // Scores below this one cannot enter (-inf until k items are held); equal ones may, by row.
  float floor() const { return items_.size() == k_ ? items_.back().first : -std::numeric_limits<float>::infinity(); }
  const std::vector<std::pair<float, int64_t>>& items() const { return items_; }

 private:
  size_t k_;
  std::vector<std::pair<float, int64_t>> items_;
};

// Lookup-table scores of R consecutive rows of n-byte codes c (row r at c + r n): sum[r] =
// sum over m of t[m * 256 + c[r n + m]]. R independent sums keep the adds in flight; each
// row's sum runs over its tokens in order whatever R is, so every R gives the same scores.
// N > 0: n is N, known when compiling (short codes, where the loop itself is the cost).
template <int R, int N>
inline void table_sums(const float* t, const uint8_t* c, int64_t n, float* sum) {
  if constexpr (N > 0) n = N;
  float acc[R] = {};
  for (int64_t m = 0; m < n; ++m, t += 256)
    for (int r = 0; r < R; ++r) acc[r] += t[c[r * n + m]];
  for (int r = 0; r < R; ++r) sum[r] = acc[r];
}

// Scores `rows` rows (codes [rows, n] bytes, inverse norms inv [rows]; row numbers from
// first) against the lookup tables of bq queries (luts [bq, n * 256]) into top[j].
template <int N>
void scan_tables_n(const float* luts, int64_t bq, const uint8_t* codes, int64_t n, const float* inv, int64_t first,
                   int64_t rows, std::vector<TopK>& top) {
  constexpr int R = 4;  // eight gained no more than run-to-run noise (docs/RESULTS.md)
  float sum[R];
  for (int64_t j = 0; j < bq; ++j) {
    const float* t = luts + j * n * 256;
    TopK& tk = top[size_t(j)];
    float floor = tk.floor();
    auto offer = [&](float score, int64_t i) {
      if (score < floor) return;
      tk.push(score, first + i);
      floor = tk.floor();
    };
    int64_t i = 0;
    for (; i + R <= rows; i += R) {
      table_sums<R, N>(t, codes + i * n, n, sum);
      for (int r = 0; r < R; ++r) offer(sum[r] * inv[i + r], i + r);
    }
    for (; i < rows; ++i) {
      table_sums<1, N>(t, codes + i * n, n, sum);
      offer(sum[0] * inv[i], i);
    }
  }
}

void scan_tables(const float* luts, int64_t bq, const uint8_t* codes, int64_t n, const float* inv, int64_t first,
                 int64_t rows, std::vector<TopK>& top) {
  switch (n) {
    case 1: return scan_tables_n<1>(luts, bq, codes, n, inv, first, rows, top);
    case 2: return scan_tables_n<2>(luts, bq, codes, n, inv, first, rows, top);
    case 4: return scan_tables_n<4>(luts, bq, codes, n, inv, first, rows, top);
    case 8: return scan_tables_n<8>(luts, bq, codes, n, inv, first, rows, top);
    case 16: return scan_tables_n<16>(luts, bq, codes, n, inv, first, rows, top);
    default: return scan_tables_n<0>(luts, bq, codes, n, inv, first, rows, top);
  }
}

}  // namespace

CodeIndex::CodeIndex(const ArfcModel& model, CodeSet codes) : codes_(std::move(codes)) {
  ARFC_CHECK(codes_.model_fingerprint == model.fingerprint(), "code index: the codes were written by model ",
             format_fingerprint(codes_.model_fingerprint), ", this model is ", format_fingerprint(model.fingerprint()),
             ". Hint: search with the model that compressed them.");
  ARFC_CHECK(int64_t(codes_.payload.size()) == codes_.n * codes_.bytes_per_vector(), "code index: ", codes_.n,
             " codes of ", codes_.bytes_per_vector(), " bytes need ", codes_.n * codes_.bytes_per_vector(),
             " payload bytes, got ", codes_.payload.size());
  const CodeGeometry g = model.geometry();
  if (codes_.dtype == StorageType::Q8) {
    ARFC_CHECK(codes_.n_values >= 1 && codes_.n_values <= g.discrete_tokens, "code index: codes of ",
               codes_.n_values, " discrete tokens, but the model has ", g.discrete_tokens,
               ". Hint: search with the model that compressed them.");
    const Matrix all = model.token_codewords();
    codewords_ = slice_rows(all, 0, codes_.n_values * 256);
    query_dim_ = g.max_values();
  } else {
    ARFC_CHECK(codes_.n_values >= 1 && codes_.n_values <= g.max_values(), "code index: codes of ", codes_.n_values,
               " values, but the model's codes have at most ", g.max_values(), ".");
    query_dim_ = codes_.n_values;
  }
  inv_norm_.assign(size_t(codes_.n), 0.0f);
  for_each_row_block(codes_.n, kBlockRows, torch::kCPU, [&](int64_t s, int64_t e) {
    check_interrupt();
    const CodeSet rows = code_rows(codes_, s, e);
    const Matrix y = codes_.dtype == StorageType::Q8 ? model.code_values(rows) : dequantize_codes(rows);
    for (int64_t i = 0; i < y.n; ++i) {
      double sq = 0;
      for (int64_t j = 0; j < y.d; ++j) sq += double(y.at(i, j)) * double(y.at(i, j));
      inv_norm_[size_t(s + i)] = sq > 0 ? float(1.0 / std::sqrt(sq)) : 0.0f;
    }
  });
}

SearchResult CodeIndex::search(const Matrix& queries, int64_t k) const {
  ARFC_CHECK(queries.d >= query_dim_, "search: queries have ", queries.d, " values per row; expected at least ",
             query_dim_, " (", codes_.dtype == StorageType::Q8 ? "the model's max_values, for discrete tokens"
                                                                : "the stored codes' values", ").");
  ARFC_CHECK(k >= 1, "search: k must be >= 1, got ", k);
  check_finite(queries, "search queries", 0, "clean or drop that query.");
  SearchResult out;
  out.queries = queries.n;
  out.k = std::min(k, codes_.n);
  ARFC_CHECK(out.queries <= kMaxResults / std::max<int64_t>(out.k, 1), "search: ", out.queries, " queries x k = ",
             out.k, " results; at most ", kMaxResults, " per call. Hint: search the queries in parts, or ask for a ",
             "smaller k.");
  out.ids.assign(size_t(out.queries * out.k), -1);
  out.scores.assign(size_t(out.queries * out.k), 0.0f);
  if (out.k == 0 || queries.n == 0) return out;
  const bool q8 = codes_.dtype == StorageType::Q8;
  const int64_t n = codes_.n_values, row_bytes = codes_.bytes_per_vector();
  const int64_t blocks = (codes_.n + kBlockRows - 1) / kBlockRows;
  // Queries per batch: at most kQueryBatch, fewer where their lookup tables and per-block
  // top-k lists would pass kBatchBytes (large k, long codes).
  const int64_t per_query = int64_t(sizeof(std::pair<float, int64_t>)) * blocks * std::min(out.k, kBlockRows) +
                            (q8 ? int64_t(sizeof(float)) * n * 256 : 0);
  ARFC_CHECK(per_query <= kBatchBytes, "search: k = ", out.k, " over ", codes_.n, " codes needs ",
             per_query >> 20, " MB of top-k lists per query; at most ", kBatchBytes >> 20,
             " MB. Hint: ask for a smaller k, or search the codes in parts.");
  const int64_t batch = std::min(kBatchBytes / per_query, kQueryBatch);
  torch::NoGradGuard ng;
  const OneBlasThread one_blas_thread;  // the tables' last bits must not depend on OpenBLAS's threads
  for (int64_t q0 = 0; q0 < queries.n; q0 += batch) {
    const int64_t bq = std::min(batch, queries.n - q0);
    // Unit queries [bq, query_dim] (a zero query scores 0 everywhere).
    auto q = to_tensor(prefix_cols(slice_rows(queries, q0, q0 + bq), query_dim_));
    q = q / q.norm(2, 1, true).clamp_min(1e-30);
    // q8: the lookup tables [bq, n * 256], lut[j][m * 256 + b] = <query j, codeword b of token m>.
    torch::Tensor lut;
    if (q8) lut = torch::mm(q, tensor_view(codewords_).t()).contiguous();
    std::vector<std::vector<TopK>> tops(static_cast<size_t>(blocks));
    for_each_row_block(codes_.n, kBlockRows, torch::kCPU, [&](int64_t s, int64_t e) {
      check_interrupt();
      std::vector<TopK>& top = tops[size_t(s / kBlockRows)];
      top.assign(size_t(bq), TopK(out.k));
      if (q8) {
        scan_tables(lut.data_ptr<float>(), bq, codes_.payload.data() + s * row_bytes, n, inv_norm_.data() + s, s,
                    e - s, top);
        return;
      }
      // Unit rows before the product: finite but huge stored values cannot overflow it.
      Matrix y = dequantize_codes(code_rows(codes_, s, e));  // [e - s, n]
      for (int64_t i = 0; i < y.n; ++i)
        for (int64_t c = 0; c < y.d; ++c) y.at(i, c) *= inv_norm_[size_t(s + i)];
      const auto sc = torch::mm(q, tensor_view(y).t()).contiguous();  // [bq, e - s]
      for (int64_t j = 0; j < bq; ++j) {
        const float* row = sc.data_ptr<float>() + j * (e - s);
        for (int64_t i = 0; i < e - s; ++i) top[size_t(j)].push(row[i], s + i);
      }
    });
    // Blocks merge in row order, so the result is the one a single thread finds.
    for (int64_t j = 0; j < bq; ++j) {
      TopK all(out.k);
      for (const auto& top : tops)
        for (const auto& [score, row] : top[size_t(j)].items()) all.push(score, row);
      const auto& best = all.items();
      for (size_t r = 0; r < best.size(); ++r) {
        out.scores[size_t((q0 + j) * out.k) + r] = best[r].first;
        out.ids[size_t((q0 + j) * out.k) + r] = best[r].second;
      }
    }
  }
  return out;
}

}  // namespace arfc
