// Searching stored ARFC codes without decoding the database: the k rows most similar to
// each query by cosine similarity in the code space (the comparison `arfc eval` makes
// between codes), best first.
//
// The index keeps the codes as stored (N x bytes_per_vector) plus one float per row, the
// inverse norm of the code-space vector the row stands for (computed once, a block of rows
// at a time). Discrete-token (q8) codes are scored by lookup tables, as FAISS scores PQ
// codes (asymmetric distance computation): per query the inner products with every
// codeword of the code's n tokens ([n, 256], one matrix product for a batch of queries),
// then per row n table lookups instead of decoding its V values. Continuous codes (f32,
// f16, i8, i4) are dequantised a block of rows at a time and scored by a matrix product.
// Memory beyond the codes: 4 bytes per row, the codewords of the code's tokens (q8), the
// results, for a batch of queries their lookup tables and per-block top-k lists (at most
// kBatchBytes), and per thread one block's scores (and, for continuous codes, its
// dequantised values): up to kQueryBatch x kBlockRows floats.
#pragma once

#include <cstdint>
#include <vector>

#include "arfc/codes/code_file.h"
#include "arfc/core/matrix.h"
#include "arfc/model/arfc_model.h"

namespace arfc {

struct SearchResult {
  int64_t queries = 0;
  int64_t k = 0;                // min(requested k, database rows)
  std::vector<int64_t> ids;     // [queries, k] row-major: database row numbers, best first
  std::vector<float> scores;    // [queries, k] cosine similarities (0 for a zero vector)
};

class CodeIndex {
 public:
  // Rows scored per block (one task of a thread); queries per lookup-table batch.
  static constexpr int64_t kBlockRows = 16384;
  static constexpr int64_t kQueryBatch = 256;
  // Working memory of a query batch (lookup tables, per-block top-k lists): the batch
  // shrinks below kQueryBatch queries to stay under it, and a k whose lists alone pass it
  // for one query is an arfc::Error. Results of one call: queries x k of at most
  // kMaxResults (12 bytes each).
  static constexpr int64_t kBatchBytes = int64_t(256) << 20;
  static constexpr int64_t kMaxResults = int64_t(1) << 28;

  // codes: stored codes of `model` (fingerprints must match; any layout the model can
  // produce, q8 codes of at most its discrete token count). arfc::Error otherwise. The
  // index keeps the codes and the codewords its tokens read, not the model.
  CodeIndex(const ArfcModel& model, CodeSet codes);

  int64_t size() const { return codes_.n; }
  const CodeSet& codes() const { return codes_; }
  // Values of a query the search reads: the code's n_values for continuous codes, the
  // model's max_values for q8 codes (their codewords span the whole code space).
  int64_t query_dim() const { return query_dim_; }

  // queries: [Q, >= query_dim()] float32 code-space vectors, finite; only the first
  // query_dim() values are read. Asymmetric search: the model's continuous codes of raw
  // features (ArfcModel::encode(x, query_dim())); symmetric: code_values of compressed
  // queries. k >= 1, and queries x min(k, size()) <= kMaxResults (else arfc::Error). Ties
  // go to the lower row. The rows are scored in blocks of kBlockRows on the process's
  // threads (arfc::set_threads, as encoding runs); the result does not depend on the
  // thread count.
  SearchResult search(const Matrix& queries, int64_t k) const;

 private:
  CodeSet codes_;
  int64_t query_dim_ = 0;
  Matrix codewords_;              // q8: [n * 256, V] the codewords of the code's n tokens
  std::vector<float> inv_norm_;   // [N] 1 / ||code-space vector|| (0 for a zero vector)
};

}  // namespace arfc
