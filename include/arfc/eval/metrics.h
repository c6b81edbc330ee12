// The fixed evaluation protocol: identical settings for every method, so numbers compare.
// All inputs are row-major float32 matrices on the CPU; the work runs in batched torch
// (CPU, blocked matrix products so memory stays bounded).
#pragma once

#include <cstdint>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/eval/codec.h"

namespace arfc {

// Multinomial logistic regression on standardised features (train mean/std), zero-
// initialised weights, Adam with a cosine learning-rate decay, L2 on the weights, fixed
// shuffling seed. Fast enough for hundreds of probes (54k x 256 in a few seconds).
struct ProbeOptions {
  int64_t epochs = 10;
  int64_t batch_size = 512;
  double lr = 0.01;
  double l2 = 1e-4;       // weight decay on the weights (not the bias)
  uint64_t seed = 0;
};

// train_x: [N, q], train_y: [N] class ids >= 0; test_x: [M, q], test_y: [M].
// Returns test accuracy in [0, 1]. Classes are 0..max(label); absent ones are harmless.
double linear_probe_accuracy(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                             const Labels& test_y, const ProbeOptions& opt = {});

// For every query row, the indices of its k most similar database rows (best first).
// sim Cosine: cosine similarity; NegL2: -||q - d||^2. exclude_self (requires query.n ==
// database.n): row i never returns i. [Q, k] row-major, k <= database.n (- 1 if excluded).
std::vector<int64_t> top_k(const Matrix& query, const Matrix& database, Similarity sim, int64_t k,
                           bool exclude_self);

// k-nearest-neighbour classification: each test query votes among its k most similar train
// rows (majority; ties go to the larger summed similarity rank, i.e. the earlier neighbour).
double knn_accuracy(const Matrix& train_db, const Labels& train_y, const Matrix& test_query,
                    const Labels& test_y, Similarity sim, int64_t k = 10);

// Open-set retrieval: each row of `query` searches all OTHER rows of `database` (same
// items, query.n == database.n); Recall@k = fraction of queries with at least one of the
// top-k sharing its label. Returns one value per entry of ks.
std::vector<double> recall_at_k(const Matrix& query, const Matrix& database, const Labels& y,
                                Similarity sim, const std::vector<int64_t>& ks);

// Paired retrieval: query row i matches database row i. Recall@k = fraction of queries whose
// match ranks in the top k (ties count against the match). query.n == database.n.
std::vector<double> paired_recall_at_k(const Matrix& query, const Matrix& database, Similarity sim,
                                       const std::vector<int64_t>& ks);

// Label-free neighbourhood preservation: mean overlap |N_k(ref) & N_k(codes)| / k between the
// k nearest other items under the reference (uncompressed, cosine) and under the codes.
double neighbour_overlap(const Matrix& reference, const Representation& codes, int64_t k = 10);

}  // namespace arfc
