// Tests for the linear probe of the evaluation protocol (eval/metrics.h): converged,
// invariant to rotations of the features, L2 chosen on held-out training rows. Synthetic
// cases, then real Fashion-MNIST pixels (skipped when dataset-fashion-mnist is absent).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "arfc/core/error.h"
#include "io_test_util.h"
#include "arfc/data/fmnist.h"
#include "arfc/data/idx.h"
#include "arfc/eval/metrics.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/tensor_util.h"

using arfc::Error;
using arfc::Labels;
using arfc::Matrix;
using arfc::ProbeOptions;
using arfc::ProbeResult;

namespace {

// One intra-op thread: the probe is a long chain of small torch operations, and on a busy
// 2-core machine (ctest running other suites) every OpenMP region of a 2-thread pool waits
// for a core; measured 91 ms (1 thread) vs 5.5 s (2 threads) for the separable-cluster
// test. The matrix products run in single-threaded BLAS either way.
class Probe : public ::testing::Test {
 protected:
  void SetUp() override { arfc::set_threads(1); }
};

// `classes` clusters of `per_class` points in d dims; centres fixed (seed 42) across splits
// with spread `spread`; Gaussian noise `noise` scaled by 1 / (1 + j / 8) in dimension j
// (anisotropic, so a rotation changes what per-dimension scaling would do).
void clustered(int64_t classes, int64_t per_class, int64_t d, float spread, float noise, uint64_t seed,
               Matrix& x, Labels& y) {
  std::mt19937_64 rng(seed), crng(42);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix centres(classes, d);
  for (auto& v : centres.data) v = spread * g(crng);
  x = Matrix(classes * per_class, d);
  y.clear();
  for (int64_t i = 0; i < x.n; ++i) {
    const int64_t c = i % classes;
    y.push_back(c);
    for (int64_t j = 0; j < d; ++j) x.at(i, j) = centres.at(c, j) + noise * g(rng) / (1.0f + float(j) / 8.0f);
  }
}

// Seeded random orthogonal [d, d] (QR of a Gaussian matrix), float64.
torch::Tensor random_rotation(int64_t d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> a(static_cast<size_t>(d * d));
  for (double& v : a) v = g(rng);
  auto m = torch::from_blob(a.data(), {d, d}, torch::kFloat64).clone();
  return std::get<0>(torch::linalg::qr(m));
}

Matrix times(const Matrix& x, const torch::Tensor& r) {
  return arfc::to_matrix(arfc::to_tensor(x).to(torch::kFloat64).mm(r));
}

using arfc::testing::error_of;

}  // namespace

TEST_F(Probe, SeparableClustersAndShuffledLabels) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(10, 60, 20, 3.0f, 0.5f, 3, xtr, ytr);
  clustered(10, 20, 20, 3.0f, 0.5f, 4, xte, yte);
  EXPECT_GT(arfc::linear_probe_accuracy(xtr, ytr, xte, yte), 0.98);
  // Shuffled train labels: nothing to learn, near chance (10%).
  Labels shuffled = ytr;
  std::mt19937_64 rng(5);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  EXPECT_LT(arfc::linear_probe_accuracy(xtr, shuffled, xte, yte), 0.25);
}

TEST_F(Probe, DeterministicAndReportsTheChosenL2) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(5, 80, 16, 0.4f, 1.5f, 8, xtr, ytr);  // overlapping: L2 matters
  clustered(5, 40, 16, 0.4f, 1.5f, 9, xte, yte);
  ProbeOptions o;
  ProbeResult a = arfc::linear_probe(xtr, ytr, xte, yte, o);
  ProbeResult b = arfc::linear_probe(xtr, ytr, xte, yte, o);
  EXPECT_EQ(a.accuracy, b.accuracy);
  EXPECT_EQ(a.l2, b.l2);
  EXPECT_EQ(a.holdout_accuracy, b.holdout_accuracy);
  EXPECT_NE(std::find(o.l2_grid.begin(), o.l2_grid.end(), a.l2), o.l2_grid.end()) << a.l2;
  EXPECT_GT(a.holdout_accuracy, 0.0);
  EXPECT_GT(a.evaluations, 0);
  EXPECT_EQ(a.accuracy, arfc::linear_probe_accuracy(xtr, ytr, xte, yte, o));
  // Patience 0 fits the whole grid: at least as much work, a held-out score at least as good.
  ProbeOptions all = o;
  all.patience = 0;
  ProbeResult d = arfc::linear_probe(xtr, ytr, xte, yte, all);
  EXPECT_GE(d.evaluations, a.evaluations);
  EXPECT_GE(d.holdout_accuracy, a.holdout_accuracy);
  // One grid value: no selection, that value is used.
  o.l2_grid = {3e-3};
  ProbeResult c = arfc::linear_probe(xtr, ytr, xte, yte, o);
  EXPECT_EQ(c.l2, 3e-3);
  EXPECT_EQ(c.holdout_accuracy, 0.0);
}

TEST_F(Probe, ConvergedAccuracyDoesNotMoveWithATighterTolerance) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(6, 100, 24, 0.4f, 1.5f, 10, xtr, ytr);
  clustered(6, 50, 24, 0.4f, 1.5f, 11, xte, yte);
  ProbeOptions o;
  ProbeOptions tight = o;
  tight.tolerance = o.tolerance / 100;
  tight.search_tolerance = o.search_tolerance / 100;
  tight.max_iter = 20 * o.max_iter;
  ProbeResult a = arfc::linear_probe(xtr, ytr, xte, yte, o);
  ProbeResult b = arfc::linear_probe(xtr, ytr, xte, yte, tight);
  EXPECT_EQ(a.l2, b.l2);
  EXPECT_NEAR(a.accuracy, b.accuracy, 1.0 / double(xte.n) + 1e-12);
}

TEST_F(Probe, InvariantToRotationShiftAndGlobalScale) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(8, 60, 32, 0.4f, 2.0f, 12, xtr, ytr);
  clustered(8, 40, 32, 0.4f, 2.0f, 13, xte, yte);
  const double base = arfc::linear_probe_accuracy(xtr, ytr, xte, yte);
  auto r = random_rotation(32, 7);
  EXPECT_NEAR(arfc::linear_probe_accuracy(times(xtr, r), ytr, times(xte, r), yte), base, 0.002);
  Matrix str = xtr, ste = xte;
  for (float& v : str.data) v = 250.0f * v + 3.0f;
  for (float& v : ste.data) v = 250.0f * v + 3.0f;
  EXPECT_NEAR(arfc::linear_probe_accuracy(str, ytr, ste, yte), base, 0.002);
}

TEST_F(Probe, SmallAndDegenerateInputs) {
  // Two training rows, one per class: one on each side of the held-out split.
  Matrix xtr(2, 3), xte(2, 3);
  xtr.at(0, 0) = 1.0f;
  xtr.at(1, 0) = -1.0f;
  xte.at(0, 0) = 2.0f;
  xte.at(1, 0) = -2.0f;
  const double acc = arfc::linear_probe_accuracy(xtr, {0, 1}, xte, {0, 1});
  EXPECT_GE(acc, 0.0);
  EXPECT_LE(acc, 1.0);
  // One training class: always predicted; test rows of classes never seen count as errors.
  EXPECT_DOUBLE_EQ(arfc::linear_probe_accuracy(xtr, {4, 4}, xte, {4, 9}), 0.5);
  // Sparse class ids and a test class absent from training.
  Matrix x3(4, 1), t3(3, 1);
  x3.data = {-2.0f, -1.5f, 1.5f, 2.0f};
  t3.data = {-1.8f, 1.8f, 0.1f};
  EXPECT_NEAR(arfc::linear_probe_accuracy(x3, {3, 3, 70, 70}, t3, {3, 70, 5}), 2.0 / 3.0, 1e-12);
  // Constant features: nothing to learn, no division by zero.
  Matrix c(4, 2), ct(2, 2);
  const double cacc = arfc::linear_probe_accuracy(c, {0, 1, 0, 1}, ct, {0, 1});
  EXPECT_TRUE(std::isfinite(cacc));
}

TEST_F(Probe, BadInputThrowsNamingTheValue) {
  Matrix x(4, 2), t(2, 2);
  const Labels y = {0, 1, 0, 1}, yt = {0, 1};
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, Labels(3, 0), t, yt); }).find("3 labels for 4 rows"),
            std::string::npos);
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, t, Labels(5, 0)); }).find("5 labels for 2 rows"),
            std::string::npos);
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, {0, -2, 0, 1}, t, yt); })
                .find("linear probe (train): label 1 is -2"),
            std::string::npos);
  const std::string big = error_of([&] { arfc::linear_probe_accuracy(x, {0, 1, 0, 100000}, t, yt); });
  EXPECT_NE(big.find("label 100000"), std::string::npos) << big;
  // Beyond any class count (core/matrix.h, kMaxClasses): refused before the probe sizes anything.
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, t, {0, int64_t(1) << 40}); })
                .find("label 1 is 1099511627776; expected class ids in [0, 1000000)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, Matrix(2, 3), yt); }).find("width 3"),
            std::string::npos);
  EXPECT_THROW(arfc::linear_probe_accuracy(x, y, Matrix(0, 2), {}), Error);
  Matrix bad = x;
  bad.at(2, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(arfc::linear_probe_accuracy(bad, y, t, yt), Error);

  ProbeOptions o;
  o.l2_grid = {};
  EXPECT_THROW(arfc::linear_probe_accuracy(x, y, t, yt, o), Error);
  o.l2_grid = {1e-3, -1.0};
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, t, yt, o); }).find("l2 -1"), std::string::npos);
  o = ProbeOptions{};
  o.holdout_fraction = 1.0;
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, t, yt, o); }).find("holdout_fraction 1"),
            std::string::npos);
  o = ProbeOptions{};
  o.max_iter = 0;
  EXPECT_THROW(arfc::linear_probe_accuracy(x, y, t, yt, o), Error);
  o = ProbeOptions{};
  o.tolerance = 0.0;
  EXPECT_THROW(arfc::linear_probe_accuracy(x, y, t, yt, o), Error);
  o = ProbeOptions{};
  o.search_tolerance = std::numeric_limits<double>::infinity();
  EXPECT_THROW(arfc::linear_probe_accuracy(x, y, t, yt, o), Error);
  o = ProbeOptions{};
  o.patience = -1;
  EXPECT_NE(error_of([&] { arfc::linear_probe_accuracy(x, y, t, yt, o); }).find("patience -1"), std::string::npos);
}

TEST_F(Probe, DescribeNamesTheProtocol) {
  const std::string d = arfc::describe_probe(ProbeOptions{});
  for (const char* part : {"multinomial logistic regression", "one global RMS", "rotation-invariant", "L-BFGS",
                           "10% held-out", "1e-06", "0.1", "identical for every method"})
    EXPECT_NE(d.find(part), std::string::npos) << part << " not in: " << d;
  EXPECT_EQ(d.find('\n'), std::string::npos);
  ProbeOptions one;
  one.l2_grid = {1e-4};
  EXPECT_NE(arfc::describe_probe(one).find("fixed at 0.0001"), std::string::npos) << arfc::describe_probe(one);
}

TEST_F(Probe, NeighbourOverlapComparesCodesWithThemselves) {
  Matrix a(6, 3);
  for (int64_t i = 0; i < a.n; ++i) a.at(i, i % 3) = float(i + 1);
  EXPECT_DOUBLE_EQ(arfc::neighbour_overlap(a, arfc::Representation{a, arfc::Similarity::Cosine}, 2), 1.0);
  EXPECT_THROW(arfc::neighbour_overlap(a, arfc::Representation{Matrix(5, 3), arfc::Similarity::Cosine}, 2), Error);
}

// Real data: 6000 training and 2000 test images of Fashion-MNIST, pixels in [0, 1].
class ProbeFashionMnist : public Probe {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = arfc::kFmnistDefaultDir;
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) return;
    xtr_ = arfc::idx_images_to_matrix(arfc::read_idx_images(dir + "/train-images-idx3-ubyte.gz"), 0, kTrain);
    xte_ = arfc::idx_images_to_matrix(arfc::read_idx_images(dir + "/t10k-images-idx3-ubyte.gz"), 0, kTest);
    Labels ytr = arfc::read_idx_labels(dir + "/train-labels-idx1-ubyte.gz");
    Labels yte = arfc::read_idx_labels(dir + "/t10k-labels-idx1-ubyte.gz");
    ytr_.assign(ytr.begin(), ytr.begin() + kTrain);
    yte_.assign(yte.begin(), yte.begin() + kTest);
    arfc::set_threads(1);
    pixels_ = arfc::linear_probe(xtr_, ytr_, xte_, yte_);
  }
  void SetUp() override {
    Probe::SetUp();
    if (xtr_.empty()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  }
  static constexpr int64_t kTrain = 6000, kTest = 2000;
  static Matrix xtr_, xte_;
  static Labels ytr_, yte_;
  static ProbeResult pixels_;
};
Matrix ProbeFashionMnist::xtr_, ProbeFashionMnist::xte_;
Labels ProbeFashionMnist::ytr_, ProbeFashionMnist::yte_;
ProbeResult ProbeFashionMnist::pixels_;

// PCA keeping half of the 784 components drops only low-variance directions: a converged,
// rotation-invariant probe loses almost nothing (the earlier probe, 10 epochs of Adam on
// per-dimension standardised inputs, lost 3.7 points on the full set: 79.6% vs 83.3%).
TEST_F(ProbeFashionMnist, PcaHalfProbesLikeThePixels) {
  auto x = arfc::to_tensor(xtr_).to(torch::kFloat64);
  arfc::PcaBasis p = arfc::fit_pca(x);
  auto keep = p.components.narrow(1, 0, 392);
  Matrix ztr = arfc::to_matrix((x - p.mean).mm(keep));
  Matrix zte = arfc::to_matrix((arfc::to_tensor(xte_).to(torch::kFloat64) - p.mean).mm(keep));
  ProbeResult pca = arfc::linear_probe(ztr, ytr_, zte, yte_);
  std::printf("[ probe    ] pixels %.4f (l2 %g), PCA-392 %.4f (l2 %g)\n", pixels_.accuracy, pixels_.l2, pca.accuracy,
              pca.l2);
  EXPECT_GT(pixels_.accuracy, 0.80);
  EXPECT_NEAR(pca.accuracy, pixels_.accuracy, 0.005);
}

TEST_F(ProbeFashionMnist, RotatedPixelsProbeLikeThePixels) {
  auto r = random_rotation(784, 11);
  ProbeResult rot = arfc::linear_probe(times(xtr_, r), ytr_, times(xte_, r), yte_);
  std::printf("[ probe    ] pixels %.4f (l2 %g), rotated %.4f (l2 %g)\n", pixels_.accuracy, pixels_.l2, rot.accuracy,
              rot.l2);
  EXPECT_NEAR(rot.accuracy, pixels_.accuracy, 0.002);
}
