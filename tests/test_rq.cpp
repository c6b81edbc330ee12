// Residual quantisation: prefix codes are exact truncations, error falls with m, one model
// serves every ratio, per-size training against truncation, and the user errors.
// Small on purpose (D = 16, 1000 training rows, M_train = 8): FAISS trains one k-means per level.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

#include "arfc/baselines/residual_quant.h"
#include "arfc/core/error.h"

using namespace arfc;

namespace {

constexpr int64_t kDim = 16, kTrainBytes = 8;

// m bytes of a kDim-d float32 vector: ratio 4 D / m (exact, so the budget is m).
double ratio_for(int64_t m) { return 4.0 * double(kDim) / double(m); }

// Clustered rows: 24 centres, spread 0.4 around each (what RQ codebooks are for).
Matrix clustered(int64_t n, uint64_t seed) {
  std::mt19937_64 crng(11), rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix c(24, kDim);
  for (auto& v : c.data) v = g(crng);
  Matrix x(n, kDim);
  std::uniform_int_distribution<int64_t> pick(0, c.n - 1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = pick(rng);
    for (int64_t j = 0; j < kDim; ++j) x.at(i, j) = c.at(k, j) + 0.4f * g(rng);
  }
  return x;
}

Matrix normalized(Matrix x) {
  l2_normalize_rows(x);
  return x;
}

double mse(const Matrix& a, const Matrix& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.d, b.d);
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i) s += double(a.data[i] - b.data[i]) * double(a.data[i] - b.data[i]);
  return s / double(a.n);
}

double row_sq_err(const Matrix& a, const Matrix& b, int64_t i) {
  double s = 0;
  for (int64_t j = 0; j < a.d; ++j) s += double(a.at(i, j) - b.at(i, j)) * double(a.at(i, j) - b.at(i, j));
  return s;
}

// One run: the shared model (M_train = 8) fitted once for every test in this file.
struct RqRun {
  FeatureSet fs;
  CodecCache cache;
  std::vector<std::unique_ptr<ResidualQuantCodec>> codecs;  // m = 1, 2, 4, 8
  RqRun() {
    fs.name = "clustered";
    fs.train_x = clustered(1000, 1);
    fs.test_x = clustered(400, 2);
    cache.seed = 3;
    cache.threads = 1;  // FAISS's short OpenMP regions crawl on a busy machine
    for (int64_t m : {1, 2, 4, 8}) cache.ratios.push_back(ratio_for(m));
    for (int64_t m : {1, 2, 4, 8}) {
      codecs.push_back(std::make_unique<ResidualQuantCodec>(ratio_for(m), kDim, cache));
      codecs.back()->fit(fs);
    }
  }
  const ResidualQuantCodec& codec(int64_t m) const {
    for (const auto& c : codecs)
      if (c->bytes_per_vector() == m) return *c;
    ARFC_THROW("no codec of ", m, " bytes");
  }
};

const RqRun& rq_run() {
  static const RqRun r;
  return r;
}

}  // namespace

TEST(ResidualQuant, SizesNamesAndVariant) {
  CodecCache cache;
  cache.ratios = {ratio_for(2), ratio_for(8), 1.0, 1e9};  // 1.0 is over the cap, 1e9 under a byte
  ResidualQuantCodec c(ratio_for(2), kDim, cache);
  EXPECT_EQ(c.bytes_per_vector(), 2);
  EXPECT_EQ(c.train_bytes(), std::min<int64_t>(ResidualQuantCodec::kMaxBytes, 4 * kDim));
  EXPECT_EQ(c.name(), "rq");
  EXPECT_EQ(c.distance(), "L2 (decoded)");
  EXPECT_TRUE(c.can_decode());
  ResidualQuantCodec p(ratio_for(2), kDim, cache, /*per_size=*/true);
  EXPECT_EQ(p.name(), "rq/per-size");
  EXPECT_EQ(p.train_bytes(), 2);
  EXPECT_EQ(p.variant(), "2 x 8 bit");
  CodecCache none;  // no run ratios: trains at its own size
  EXPECT_EQ(ResidualQuantCodec(ratio_for(4), kDim, none).train_bytes(), 4);
  EXPECT_EQ(rq_run().codec(2).variant(), "2 x 8 bit (of 8)");
}

TEST(ResidualQuant, PrefixCodesAreExactTruncations) {
  const RqRun& r = rq_run();
  const ResidualQuantCodec& full = r.codec(kTrainBytes);
  const ResidualQuantModel& model = full.model();
  ASSERT_EQ(model.bytes(), kTrainBytes);
  const std::vector<uint8_t> codes8 = full.codes(r.fs.test_x);
  ASSERT_EQ(codes8.size(), size_t(r.fs.test_x.n * kTrainBytes));
  // Byte layout: our decoder at m = M_train is FAISS's decoder, bit for bit.
  EXPECT_EQ(model.decode(codes8, kTrainBytes, kTrainBytes).data, model.faiss_decode(codes8).data);
  for (int64_t m : {1, 2, 4}) {
    const ResidualQuantCodec& c = r.codec(m);
    const std::vector<uint8_t> codes = c.codes(r.fs.test_x);
    ASSERT_EQ(codes.size(), size_t(r.fs.test_x.n * m));
    const Matrix dec = c.encode(r.fs.test_x, 0).codes;
    ASSERT_EQ(dec.n, r.fs.test_x.n);
    ASSERT_EQ(dec.d, kDim);
    for (int64_t i = 0; i < r.fs.test_x.n; ++i) {
      // The m-byte code is the first m bytes of the M_train code ...
      ASSERT_TRUE(std::equal(codes.begin() + i * m, codes.begin() + (i + 1) * m, codes8.begin() + i * kTrainBytes))
          << "m = " << m << ", row " << i;
      // ... and decodes to the sum of the first m codebook entries it names.
      for (int64_t j = 0; j < kDim; ++j) {
        float s = 0;
        for (int64_t k = 0; k < m; ++k) s += model.centroid(k, codes8[size_t(i * kTrainBytes + k)])[j];
        ASSERT_EQ(dec.at(i, j), s) << "m = " << m << ", row " << i << ", col " << j;
      }
    }
  }
  // Modality 1 is the same shared space; decode() returns the decoded vectors as they are.
  const Representation rep = r.codec(2).encode(r.fs.test_x, 1);
  EXPECT_EQ(rep.sim, Similarity::NegL2);
  EXPECT_EQ(rep.codes.data, r.codec(2).encode(r.fs.test_x, 0).codes.data);
  EXPECT_EQ(r.codec(2).decode(rep, 0).data, rep.codes.data);
}

TEST(ResidualQuant, ErrorFallsWithEveryByte) {
  const RqRun& r = rq_run();
  const Matrix x = normalized(r.fs.test_x);
  double prev = 1e9;
  for (int64_t m : {1, 2, 4, 8}) {
    const double e = mse(r.codec(m).encode(r.fs.test_x, 0).codes, x);
    EXPECT_LT(e, prev) << "m = " << m;
    prev = e;
  }
}

TEST(ResidualQuant, OneModelServesEveryRatio) {
  const RqRun& r = rq_run();
  ASSERT_EQ(r.cache.models.size(), 1u);  // trained once, under "rq"
  const void* shared = r.cache.models.at("rq").get();
  for (const auto& c : r.codecs) {
    EXPECT_EQ(static_cast<const void*>(c->shared_model().get()), shared) << c->bytes_per_vector();
    EXPECT_EQ(c->train_bytes(), kTrainBytes);
  }
  // A codec built later on the same run reuses it too.
  CodecCache cache = r.cache;
  ResidualQuantCodec late(ratio_for(4), kDim, cache);
  late.fit(r.fs);
  EXPECT_EQ(static_cast<const void*>(late.shared_model().get()), shared);
  EXPECT_EQ(cache.models.size(), 1u);
}

TEST(ResidualQuant, TruncatedAgainstPerSizeTraining) {
  const RqRun& r = rq_run();
  const int64_t m = 2;
  CodecCache own;
  own.seed = r.cache.seed;
  own.threads = 1;
  ResidualQuantCodec per(ratio_for(m), kDim, own, /*per_size=*/true);
  per.fit(r.fs);
  EXPECT_EQ(own.models.count("rq:M2"), 1u);
  ASSERT_EQ(per.model().bytes(), m);
  const ResidualQuantCodec& trunc = r.codec(m);
  // FAISS trains level by level: the per-size model has the shared model's first m codebooks.
  for (int64_t k = 0; k < m; ++k)
    for (int64_t j = 0; j < 256; ++j)
      ASSERT_TRUE(std::equal(per.model().centroid(k, j), per.model().centroid(k, j) + kDim,
                             trunc.model().centroid(k, j)))
          << "codebook " << k << ", entry " << j;
  // So encoding at m (best level-m beam candidate) is never worse than the prefix of the
  // best M_train code (one of those candidates), row by row.
  const Matrix x = normalized(r.fs.test_x);
  const Matrix dt = trunc.encode(r.fs.test_x, 0).codes, dp = per.encode(r.fs.test_x, 0).codes;
  for (int64_t i = 0; i < x.n; ++i) ASSERT_LE(row_sq_err(dp, x, i), row_sq_err(dt, x, i) + 1e-5) << "row " << i;
  // Both far better than the centroid-only baseline (every row decoded as the training mean).
  const Matrix xt = normalized(r.fs.train_x);
  Matrix mean(x.n, kDim);
  for (int64_t i = 0; i < xt.n; ++i)
    for (int64_t j = 0; j < kDim; ++j) mean.at(0, j) += xt.at(i, j) / float(xt.n);
  for (int64_t i = 1; i < x.n; ++i) std::copy_n(mean.row(0), kDim, mean.row(i));
  const double e_mean = mse(mean, x), e_trunc = mse(dt, x), e_per = mse(dp, x);
  EXPECT_LT(e_trunc, 0.5 * e_mean);
  EXPECT_LT(e_per, 0.5 * e_mean);
  EXPECT_LE(e_per, e_trunc);
  std::printf("[ rq m = 2 ] test MSE: centroid-only %.4f, truncated from 8 bytes %.4f, per-size %.4f\n", e_mean,
              e_trunc, e_per);
}

TEST(ResidualQuant, UserErrors) {
  CodecCache cache;
  // Budget above the cap: refused, naming the cap and the ratio that fits.
  const double too_low = 4.0 * double(kDim) / double(ResidualQuantCodec::kMaxBytes + 1);  // budget cap + 1
  try {
    ResidualQuantCodec c(too_low, kDim, cache);
    FAIL() << "expected arfc::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("at most " + std::to_string(ResidualQuantCodec::kMaxBytes) + " bytes"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("asked for " + std::to_string(ResidualQuantCodec::kMaxBytes + 1) + " bytes"),
              std::string::npos) << msg;
    EXPECT_NE(msg.find("Hint"), std::string::npos) << msg;
  }
  EXPECT_THROW(ResidualQuantCodec(0.5, kDim, cache), Error);              // ratio < 1
  EXPECT_THROW(ResidualQuantCodec(1e6, kDim, cache), Error);              // under one byte
  EXPECT_THROW(ResidualQuantCodec(ratio_for(2), kDim, cache, false, 100), Error);  // max_train < 256
  EXPECT_THROW(ResidualQuantCodec(ratio_for(2), kDim, cache, false, ResidualQuantCodec::kDefaultMaxTrain, 0),
               Error);  // beam 0

  const RqRun& r = rq_run();
  // Wrong D: at fit (features of another dimension) and at encode.
  ResidualQuantCodec wide(4.0 * 32 / 2, 32, cache);
  EXPECT_THROW(wide.fit(r.fs), Error);
  EXPECT_THROW(r.codec(2).encode(Matrix(3, kDim + 1), 0), Error);
  EXPECT_THROW(r.codec(2).encode(r.fs.test_x, 2), Error);  // no modality 2
  EXPECT_THROW(r.codec(2).decode(Representation{Matrix(2, kDim - 1), Similarity::NegL2}, 0), Error);

  // Too few training rows for 256 centroids.
  FeatureSet small;
  small.train_x = clustered(100, 5);
  try {
    ResidualQuantCodec(ratio_for(2), kDim, cache).fit(small);
    FAIL() << "expected arfc::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 256 training rows"), std::string::npos) << e.what();
  }
  // A shared model trained smaller than a later codec needs (its ratio missing from the
  // run's list), or with another beam: refused, not silently served.
  CodecCache partial;
  partial.threads = 1;
  partial.models["rq"] = std::const_pointer_cast<ResidualQuantModel>(
      ResidualQuantModel::train(normalized(r.fs.train_x), 1));
  ResidualQuantCodec two(ratio_for(2), kDim, partial);
  EXPECT_THROW(two.fit(r.fs), Error);
  ResidualQuantCodec beam3(ratio_for(1), kDim, partial, false, ResidualQuantCodec::kDefaultMaxTrain, 3);
  EXPECT_THROW(beam3.fit(r.fs), Error);
  ResidualQuantCodec one(ratio_for(1), kDim, partial);
  EXPECT_NO_THROW(one.fit(r.fs));
  EXPECT_EQ(one.train_bytes(), 1);
}
