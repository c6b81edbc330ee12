// The fixed evaluation protocol: identical settings for every method, so numbers compare.
// All inputs are row-major float32 matrices on the CPU; the work runs in batched torch on
// the CPU (searches in blocked matrix products so memory stays bounded; the linear probe
// holds float64 copies of its inputs).
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
//    to orthogonal rotations of the features (and to shifts and global scale): a PCA that
//    keeps every component probes like the raw features (up to rounding), and one that
//    drops low-variance components loses only what they held.
//  - Objective: mean cross-entropy + (l2 / 2) * ||W||^2 (the bias is not penalised),
//    minimised in float64 by full-batch L-BFGS (torch::optim::LBFGS, strong Wolfe line
//    search) from zero, preconditioned by the covariance eigenbasis (same optimum).
//  - l2 from l2_grid, chosen on held-out training rows (a seeded split of holdout_fraction
//    of them, at least one row on each side; both sides scaled with the statistics of all
//    training rows): fitted largest first, each fit warm-started from the previous one,
//    until `patience` values in a row score below the best; the best held-out accuracy
//    wins (ties: the larger l2). Then refitted on all training rows with that l2 (warm
//    start) and scored on the test rows.
// Tolerances, measured on Fashion-MNIST (54000 x PCA-256 and 6000 x 784 pixels, fixed l2):
// the test accuracy at max |gradient| 1e-5 equals the one at 1e-6 (within 0.05 point), at
// 1e-4 it is off by up to 0.2 point for 2-3x fewer evaluations. The search fits only rank
// l2 values, where the held-out noise (about 0.5 point at 5400 rows) dominates, so they
// stop at search_tolerance; the final fit goes to `tolerance`.
// Deterministic: the same inputs, options and threads give the same result.
// Cost: every evaluation is two [N, q] x [q, C] float64 products (BLAS); see
// describe_probe for the one-line protocol note.
struct ProbeOptions {
  // Candidate L2 strengths (any order, each > 0). One value: no held-out selection.
  std::vector<double> l2_grid = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
  double holdout_fraction = 0.1;  // share of the training rows held out to choose l2, in (0, 1)
  int64_t patience = 2;           // stop the search after this many worse l2 in a row (0: all)
  int64_t max_iter = 500;         // L-BFGS iterations per fit (a cap; fits stop earlier)
  double tolerance = 1e-5;        // final fit converged at max |gradient| <= this (preconditioned)
  double search_tolerance = 1e-4; // the same for the held-out fits that choose l2
  uint64_t seed = 0;              // the held-out split
};

// What one probe found (for logs: the chosen l2 and what it cost).
struct ProbeResult {
  double accuracy = 0;          // test accuracy in [0, 1]
  double l2 = 0;                // the l2 used for the final fit
  double holdout_accuracy = 0;  // held-out accuracy at that l2 (0 when nothing was held out)
  int64_t evaluations = 0;      // loss/gradient evaluations over all fits (search + final)
};

// Labels at or above this are rejected (before anything is allocated per class).
constexpr int64_t kMaxProbeClasses = 100000;

// train_x: [N, q], train_y: [N] class ids in [0, kMaxProbeClasses); test_x: [M, q],
// test_y: [M] (same range). Every value finite. Classes absent from train_y are never
// predicted (test rows of such classes count as errors). Throws arfc::Error naming the
// value on: label count != row count, negative or too large labels, train/test width
// mismatch, an empty split, NaN/Inf features, bad options.
ProbeResult linear_probe(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                         const Labels& test_y, const ProbeOptions& opt = {});
// linear_probe(...).accuracy
double linear_probe_accuracy(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                             const Labels& test_y, const ProbeOptions& opt = {});
// One-line protocol note for reports: "Linear probe: multinomial logistic regression (bias
// not penalised), inputs centred and scaled by one global RMS (rotation-invariant), ...;
// L2 chosen on 10% held-out training rows (seed 0) from {1e-06, ..., 0.1}, ...; identical
// for every method."
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
// top-k sharing its label. Items scoring level with the k-th best (within a relative 1e-6,
// e.g. identical codes) fill the top k in a uniformly random order: a query gets the
// probability of a hit, not what a sort's order among equal scores gives. Returns one
// value per entry of ks (1 <= k <= database.n - 1).
std::vector<double> recall_at_k(const Matrix& query, const Matrix& database, const Labels& y,
                                Similarity sim, const std::vector<int64_t>& ks);

// Paired retrieval: query row i matches database row i. Recall@k = fraction of queries whose
// match ranks in the top k; among items scoring level with the match (relative 1e-6) its
// rank is uniformly random, so a query gets the probability of a hit (with t level items
// and none above, R@1 credit 1 / (t + 1)). query.n == database.n.
std::vector<double> paired_recall_at_k(const Matrix& query, const Matrix& database, Similarity sim,
                                       const std::vector<int64_t>& ks);

// Label-free neighbourhood preservation: mean overlap |N_k(ref) & N_k(codes)| / k between the
// k nearest other items under the reference (uncompressed, cosine) and under the codes
// (codes.codes against themselves with codes.sim). reference.n == codes.codes.n.
double neighbour_overlap(const Matrix& reference, const Representation& codes, int64_t k = 10);

}  // namespace arfc
