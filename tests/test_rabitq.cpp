// RaBitQ baseline: sizes, rotation, estimator error, determinism, recall, input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "arfc/baselines/rabitq.h"
#include "arfc/core/error.h"
#include "arfc/io/half.h"

using namespace arfc;

namespace {

// n rows around k Gaussian centres (unit scale), per-dimension noise `noise`.
Matrix clustered(int64_t n, int64_t d, int64_t k, float noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix centres(k, d), m(n, d);
  for (auto& v : centres.data) v = g(rng);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) m.at(i, j) = centres.at(i % k, j) + noise * g(rng);
  return m;
}

FeatureSet clustered_set(int64_t d, uint64_t seed = 1) {
  FeatureSet fs;
  fs.name = "clusters";
  fs.task = Task::Generic;
  fs.train_x = clustered(400, d, 8, 0.7f, seed);
  fs.test_x = clustered(300, d, 8, 0.7f, seed + 100);
  return fs;
}

double dot(const float* a, const float* b, int64_t d) {
  double s = 0;
  for (int64_t j = 0; j < d; ++j) s += double(a[j]) * b[j];
  return s;
}

double l2sq(const float* a, const float* b, int64_t d) {
  double s = 0;
  for (int64_t j = 0; j < d; ++j) s += (double(a[j]) - b[j]) * (double(a[j]) - b[j]);
  return s;
}

// Indices of the k nearest rows of db to row q of qs (L2), excluding index `self`.
std::vector<int64_t> top_k(const Matrix& qs, int64_t q, const Matrix& db, int64_t k, int64_t self) {
  std::vector<std::pair<double, int64_t>> d;
  for (int64_t i = 0; i < db.n; ++i)
    if (i != self) d.emplace_back(l2sq(qs.row(q), db.row(i), db.d), i);
  std::partial_sort(d.begin(), d.begin() + k, d.end());
  std::vector<int64_t> out;
  for (int64_t i = 0; i < k; ++i) out.push_back(d[size_t(i)].second);
  return out;
}

}  // namespace

TEST(Rabitq, SizesAndNames) {
  CodecCache cache;
  for (int64_t d : {1, 8, 37, 64, 784}) {
    RabitqCodec c(d, cache);
    EXPECT_EQ(c.bytes_per_vector(), (d + 7) / 8 + 4) << "D = " << d;
    EXPECT_DOUBLE_EQ(RabitqCodec::native_ratio(d), 4.0 * d / double((d + 7) / 8 + 4));
  }
  RabitqCodec c(256, cache);
  EXPECT_EQ(c.bytes_per_vector(), 36);
  EXPECT_EQ(c.name(), "rabitq");
  EXPECT_EQ(c.variant(), "1 bit x 256 + 2 x f16");
  EXPECT_TRUE(c.can_decode());
}

TEST(Rabitq, RotationIsOrthogonalAndIpInRange) {
  for (int64_t d : {37, 64}) {
    CodecCache cache;
    cache.seed = 3;
    RabitqCodec c(d, cache);
    FeatureSet fs = clustered_set(d);
    c.fit(fs);
    const Matrix& p = c.rotation();
    ASSERT_EQ(p.n, d);
    ASSERT_EQ(p.d, d);
    double worst = 0;
    for (int64_t a = 0; a < d; ++a)
      for (int64_t b = 0; b < d; ++b) {
        double s = 0;  // (P^T P)[a, b]
        for (int64_t i = 0; i < d; ++i) s += double(p.at(i, a)) * p.at(i, b);
        worst = std::max(worst, std::abs(s - (a == b ? 1.0 : 0.0)));
      }
    EXPECT_LT(worst, 1e-5) << "D = " << d;
    RabitqCodes q = c.quantize(fs.test_x);
    ASSERT_EQ(q.n, fs.test_x.n);
    EXPECT_EQ(q.bits.size(), size_t(q.n * ((d + 7) / 8)));
    for (int64_t i = 0; i < q.n; ++i) {
      // ip >= 1/sqrt(D) (||y||_1 >= ||y||_2 = 1), <= 1, with float16 slack.
      EXPECT_GE(q.ip[size_t(i)], 1.0 / std::sqrt(double(d)) - 1e-3);
      EXPECT_LE(q.ip[size_t(i)], 1.0f + 1e-3f);
      EXPECT_GT(q.norm[size_t(i)], 0.0f);
      EXPECT_LE(q.norm[size_t(i)], 2.0f + 1e-3f);  // unit x, ||c|| <= 1
    }
    // The factors are stored as float16: the values are exactly representable.
    for (float v : q.ip) EXPECT_EQ(half_to_float(float_to_half(v)), v);
  }
}

// <x_hat - c, q - c> estimates <x - c, q - c> with error O(||x - c|| ||q - c|| / sqrt(D)),
// for raw (asymmetric) queries. Error measured relative to ||x - c|| ||q - c||.
TEST(Rabitq, EstimatorIsUnbiasedWithSmallError) {
  for (int64_t d : {37, 64}) {
    CodecCache cache;
    cache.seed = 11;
    RabitqCodec c(d, cache);
    FeatureSet fs = clustered_set(d);
    c.fit(fs);
    Matrix x = fs.test_x;
    l2_normalize_rows(x);
    Matrix xh = c.encode(fs.test_x, 0).codes;
    Matrix q = clustered(60, d, 8, 0.7f, 77);
    l2_normalize_rows(q);
    const float* cen = c.centroid().data.data();
    double sum = 0, sum2 = 0, est_true = 0, true2 = 0;
    int64_t count = 0;
    std::vector<float> xc(static_cast<size_t>(d)), hc(xc), qc(xc);
    for (int64_t i = 0; i < x.n; ++i) {
      for (int64_t j = 0; j < d; ++j) {
        xc[size_t(j)] = x.at(i, j) - cen[j];
        hc[size_t(j)] = xh.at(i, j) - cen[j];
      }
      const double xn = std::sqrt(dot(xc.data(), xc.data(), d));
      for (int64_t k = 0; k < q.n; ++k) {
        for (int64_t j = 0; j < d; ++j) qc[size_t(j)] = q.at(k, j) - cen[j];
        const double qn = std::sqrt(dot(qc.data(), qc.data(), d));
        const double truth = dot(xc.data(), qc.data(), d) / (xn * qn);
        const double est = dot(hc.data(), qc.data(), d) / (xn * qn);
        const double err = est - truth;
        est_true += est * truth;
        true2 += truth * truth;
        sum += err;
        sum2 += err * err;
        ++count;
      }
    }
    const double mean = sum / double(count), rms = std::sqrt(sum2 / double(count));
    // Theory: rms ~ sqrt(1 - ip^2) / ip / sqrt(D) ~ 0.75 / sqrt(D).
    EXPECT_LT(rms, 1.2 / std::sqrt(double(d))) << "D = " << d;
    EXPECT_GT(rms, 0.2 / std::sqrt(double(d))) << "D = " << d << " (1 bit cannot be this exact)";
    EXPECT_LT(std::abs(mean), 0.15 / std::sqrt(double(d))) << "D = " << d;
    // Unbiased: the least-squares slope of estimate on truth is 1 (without the 1 / ip
    // correction it would be ~ E[ip] ~ 0.8).
    EXPECT_NEAR(est_true / true2, 1.0, 0.1) << "D = " << d;
  }
}

TEST(Rabitq, DeterministicInSeed) {
  FeatureSet fs = clustered_set(64);
  auto codes = [&](uint64_t seed) {
    CodecCache cache;
    cache.seed = seed;
    RabitqCodec c(64, cache);
    c.fit(fs);
    return c.quantize(fs.test_x);
  };
  RabitqCodes a = codes(5), b = codes(5), other = codes(6);
  EXPECT_EQ(a.bits, b.bits);
  EXPECT_EQ(a.norm, b.norm);
  EXPECT_EQ(a.ip, b.ip);
  EXPECT_NE(a.bits, other.bits);
  EXPECT_EQ(a.norm, other.norm);  // r does not depend on the rotation
  // A row's code does not depend on the rows encoded with it.
  CodecCache cache;
  cache.seed = 5;
  RabitqCodec c(64, cache);
  c.fit(fs);
  RabitqCodes part = c.quantize(slice_rows(fs.test_x, 40, 41));
  const int64_t nb = RabitqCodec::bits_bytes(64);
  EXPECT_EQ(part.bits, std::vector<uint8_t>(a.bits.begin() + 40 * nb, a.bits.begin() + 41 * nb));
  EXPECT_EQ(part.ip[0], a.ip[40]);
}

TEST(Rabitq, FittedOnceThroughTheCache) {
  FeatureSet fs = clustered_set(64);
  CodecCache cache;
  RabitqCodec a(64, cache), b(64, cache);
  a.fit(fs);
  fs.train_x = clustered(50, 64, 2, 0.1f, 9);  // ignored: the run's model is reused
  b.fit(fs);
  EXPECT_EQ(&a.rotation(), &b.rotation());
  EXPECT_EQ(a.encode(fs.test_x, 0).codes.data, b.encode(fs.test_x, 1).codes.data);
  RabitqCodec wrong_d(32, cache);
  EXPECT_THROW(wrong_d.fit(fs), Error);
}

TEST(Rabitq, DecodeReturnsReconstruction) {
  FeatureSet fs = clustered_set(37);
  CodecCache cache;
  RabitqCodec c(37, cache);
  c.fit(fs);
  Representation r = c.encode(fs.test_x, 0);
  EXPECT_EQ(r.sim, Similarity::Cosine);
  ASSERT_EQ(r.codes.n, fs.test_x.n);
  ASSERT_EQ(r.codes.d, 37);
  EXPECT_EQ(c.decode(r, 0).data, r.codes.data);
  EXPECT_EQ(c.reconstruct(c.quantize(fs.test_x)).data, r.codes.data);
}

// Symmetric search (both sides encoded) finds most true neighbours; random would be
// 10 / 299 ~ 0.03.
TEST(Rabitq, RecallAt10FarAboveRandom) {
  FeatureSet fs = clustered_set(64);
  CodecCache cache;
  cache.seed = 2;
  RabitqCodec c(64, cache);
  c.fit(fs);
  Matrix x = fs.test_x;
  l2_normalize_rows(x);
  Matrix xh = c.encode(fs.test_x, 0).codes;
  double sym = 0, asym = 0;
  const int64_t queries = 100, k = 10;
  for (int64_t q = 0; q < queries; ++q) {
    auto truth = top_k(x, q, x, k, q);
    std::sort(truth.begin(), truth.end());
    auto hits = [&](std::vector<int64_t> found) {
      std::sort(found.begin(), found.end());
      std::vector<int64_t> both;
      std::set_intersection(truth.begin(), truth.end(), found.begin(), found.end(), std::back_inserter(both));
      return double(both.size()) / double(k);
    };
    sym += hits(top_k(xh, q, xh, k, q));
    asym += hits(top_k(x, q, xh, k, q));
  }
  sym /= double(queries);
  asym /= double(queries);
  EXPECT_GT(sym, 0.3);
  EXPECT_GT(asym, 0.4);
  RecordProperty("recall10_symmetric", std::to_string(sym));
  RecordProperty("recall10_asymmetric", std::to_string(asym));
}

TEST(Rabitq, BadInputThrows) {
  CodecCache cache;
  RabitqCodec c(64, cache);
  FeatureSet fs = clustered_set(64);
  c.fit(fs);
  EXPECT_THROW(c.encode(clustered(5, 63, 2, 0.1f, 1), 0), Error);
  EXPECT_THROW(c.encode(fs.test_x, 2), Error);
  Matrix bad = fs.test_x;
  bad.at(3, 4) = std::nanf("");
  EXPECT_THROW(c.encode(bad, 0), Error);
  RabitqCodes codes = c.quantize(fs.test_x);
  codes.ip.pop_back();
  EXPECT_THROW(c.reconstruct(codes), Error);
  Representation r;
  r.codes = Matrix(2, 63);
  EXPECT_THROW(c.decode(r, 0), Error);
  EXPECT_THROW(RabitqCodec(0, cache), Error);

  CodecCache fresh;
  RabitqCodec empty(64, fresh);
  FeatureSet none;
  none.train_x = Matrix(0, 64);
  EXPECT_THROW(empty.fit(none), Error);
  RabitqCodec wrong(64, fresh);
  FeatureSet narrow = clustered_set(32);
  EXPECT_THROW(wrong.fit(narrow), Error);
}

// A vector at the centroid (r = 0, o = any unit vector) decodes to the centroid exactly;
// a zero row stays finite.
TEST(Rabitq, CentroidAndZeroRows) {
  CodecCache cache;
  RabitqCodec c(37, cache);
  FeatureSet fs = clustered_set(37);
  Matrix one = clustered(1, 37, 1, 0.0f, 4);
  l2_normalize_rows(one);
  fs.train_x = gather_rows(one, std::vector<int64_t>(20, 0));  // c = that unit row
  c.fit(fs);
  RabitqCodes q = c.quantize(one);
  EXPECT_EQ(q.norm[0], 0.0f);
  Matrix xh = c.reconstruct(q);
  for (int64_t j = 0; j < 37; ++j) EXPECT_FLOAT_EQ(xh.at(0, j), one.at(0, j)) << j;
  Matrix zh = c.encode(Matrix(1, 37), 0).codes;
  check_finite(zh, "decoded zero row");
}
