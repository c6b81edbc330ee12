// The fixed evaluation protocol: identical settings for every method, so numbers compare.
// All inputs are row-major float32 matrices on the CPU; the work runs in batched torch
// (CPU, blocked matrix products so memory stays bounded).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/core/matrix.h"

namespace arfc {

// Linear probe: multinomial logistic regression with bias, trained to convergence.
//  - Inputs: centred by the train mean and divided by ONE global scalar, the RMS of the
//    centred train values (not per-dimension standardisation), so the probe is invariant
//    to orthogonal rotations of the features: PCA, a rotated PCA and the raw features
//    that PCA keeps all probe alike.
//  - Objective: mean cross-entropy + (l2 / 2) * ||W||^2 (the bias is not penalised),
//    minimised in float64 by full-batch L-BFGS (strong Wolfe line search) from zero.
//  - l2 chosen on a held-out part of the training rows (seeded split, holdout_fraction of
//    them, at least one row on each side): every l2 of the grid is fitted, largest first,
//    each warm-started from the previous solution; the best held-out accuracy wins (ties:
//    the larger l2). Then refitted on all training rows with that l2 and scored on test.
// Deterministic: the same inputs, options and thread count give the same accuracy.
struct ProbeOptions {
  // Candidate L2 strengths (any order, each > 0). One value: no held-out selection.
  std::vector<double> l2_grid = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
  double holdout_fraction = 0.1;  // share of the training rows held out to choose l2
  int64_t max_iter = 500;         // L-BFGS iterations per fit (a cap; fits stop earlier)
  double tolerance = 1e-5;        // stop when max |gradient| <= tolerance
  uint64_t seed = 0;              // the held-out split
};

// What one probe found (for logs: the chosen l2 and how hard the final fit worked).
struct ProbeResult {
  double accuracy = 0;   // test accuracy in [0, 1]
  double l2 = 0;         // the l2 chosen on the held-out rows
  double holdout_accuracy = 0;  // held-out accuracy at that l2 (1 value grid: 0)
  int64_t evaluations = 0;      // loss/gradient evaluations of the final fit
};

// train_x: [N, q], train_y: [N] class ids >= 0 (at most kMaxProbeClasses - 1); test_x:
// [M, q], test_y: [M]. Rows must be finite. Classes absent from the training labels are
// never predicted. Throws arfc::Error on mismatched sizes, empty splits, negative or too
// large labels and bad options.
constexpr int64_t kMaxProbeClasses = 100000;
ProbeResult linear_probe(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                         const Labels& test_y, const ProbeOptions& opt = {});
// linear_probe(...).accuracy
double linear_probe_accuracy(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                             const Labels& test_y, const ProbeOptions& opt = {});
// One-line protocol note for reports, e.g. "Linear probe: multinomial logistic regression,
// ... L2 chosen on 10% held-out training rows from {1e-06, ..., 0.1}; identical for every
// method."
std::string describe_probe(const ProbeOptions& opt = {});

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
// k nearest other items under the reference (uncompressed, cosine) and under the codes
// (codes.codes against themselves with codes.sim). reference.n == codes.codes.n.
double neighbour_overlap(const Matrix& reference, const Representation& codes, int64_t k = 10);

}  // namespace arfc
