// Non-learned baselines: sizes, shapes, exactness, determinism, quantiser orderings, PQ/OPQ.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "arfc/baselines/budget.h"
#include "arfc/baselines/pca.h"
#include "arfc/baselines/random_projection.h"
#include "arfc/baselines/scalar_quant.h"
#include "arfc/baselines/truncation.h"
#include "arfc/core/error.h"
#include "arfc/eval/codec_factory.h"
#ifdef ARFC_HAVE_FAISS
#include "arfc/baselines/product_quant.h"
#endif

using namespace arfc;

namespace {

Matrix random_matrix(int64_t n, int64_t d, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix m(n, d);
  for (auto& v : m.data) v = scale * g(rng);
  return m;
}

FeatureSet random_set(int64_t n_train, int64_t n_test, int64_t d, uint64_t seed = 1) {
  FeatureSet fs;
  fs.name = "random";
  fs.task = Task::Generic;
  fs.train_x = random_matrix(n_train, d, seed);
  fs.test_x = random_matrix(n_test, d, seed + 100);
  return fs;
}

double max_abs_diff(const Matrix& a, const Matrix& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.d, b.d);
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, double(std::abs(a.data[i] - b.data[i])));
  return m;
}

}  // namespace

TEST(Budget, Bytes) {
  EXPECT_EQ(byte_budget_for_ratio("x", 8, 16), 8);
  EXPECT_EQ(byte_budget_for_ratio("x", 64, 16), 1);
  EXPECT_THROW(byte_budget_for_ratio("x", 65, 16), Error);
}

TEST(Budget, SharedSpaceNeedsEqualDims) {
  FeatureSet fs = random_set(10, 5, 8);
  fs.task = Task::Crossmodal;
  fs.train_b = random_matrix(10, 8, 7);
  EXPECT_EQ(shared_space_train(fs, "pca").n, 20);
  fs.train_b = random_matrix(10, 6, 7);
  EXPECT_THROW(shared_space_train(fs, "pca"), Error);
}

TEST(Budget, SubsampleIsSeededAndBounded) {
  Matrix m = random_matrix(100, 3, 2);
  auto a = subsample_rows(m, 10, 5), b = subsample_rows(m, 10, 5), c = subsample_rows(m, 10, 6);
  EXPECT_EQ(a.n, 10);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, c.data);
  EXPECT_EQ(subsample_rows(m, 1000, 5).data, m.data);
}

TEST(FloatCodecs, BytesAndShapesAtSeveralRatios) {
  const int64_t D = 32;
  FeatureSet fs = random_set(64, 20, D);
  CodecCache cache;
  for (const char* spec : {"pca+f32", "rp+f32", "trunc+f32"}) {
    for (double r : {2.0, 3.0, 5.3, 8.0, 32.0}) {
      auto c = make_codec(spec, r, D, cache);
      const int64_t m = int64_t(std::floor(D / r + 1e-9));
      EXPECT_EQ(c->bytes_per_vector(), 4 * m) << spec << " @ " << r;
      c->fit(fs);
      auto rep = c->encode(fs.test_x, 0);
      EXPECT_EQ(rep.codes.n, 20);
      EXPECT_EQ(rep.codes.d, m) << spec << " @ " << r;
      EXPECT_EQ(rep.sim, Similarity::Cosine);
    }
    EXPECT_THROW(make_codec(spec, 64, D, cache), Error) << spec;  // floor(32 / 64) = 0 values
  }
}

TEST(FloatCodecs, StorageIsAnAxisChosenByArfcsRule) {
  const int64_t D = 32;
  FeatureSet fs = random_set(200, 20, D);
  CodecCache cache;
  // Plain "pca" picks the layout like ARFC: 2x = 64 B -> f16 x 32 (ties: more values);
  // 8x = 16 B -> i8 x 16; from D/8 = 4 bytes down i4 competes: 32x -> i4 x 8, 128x -> i4 x 2.
  auto c2 = make_codec("pca", 2, D, cache), c8 = make_codec("pca", 8, D, cache);
  EXPECT_EQ(c2->variant(), "f16 x 32");
  EXPECT_EQ(c8->variant(), "i8 x 16");
  EXPECT_EQ(c8->bytes_per_vector(), 16);
  EXPECT_EQ(make_codec("pca", 128, D, cache)->bytes_per_vector(), 1);
  EXPECT_EQ(make_codec("pca", 128, D, cache)->variant(), "i4 x 2");
  EXPECT_EQ(make_codec("pca", 32, D, cache)->variant(), "i4 x 8");
  EXPECT_EQ(make_codec("pca+i8", 32, D, cache)->variant(), "i8 x 4");
  EXPECT_EQ(make_codec("pca+i4", 8, D, cache)->variant(), "i4 x 32");  // fixed: any budget
  EXPECT_THROW(make_codec("pca", 256, D, cache), Error);  // half a byte
  // Fixed storage.
  auto f = make_codec("pca+f32", 8, D, cache), h = make_codec("pca+f16", 8, D, cache);
  EXPECT_EQ(f->variant(), "f32 x 4");
  EXPECT_EQ(h->variant(), "f16 x 8");
  EXPECT_EQ(f->name(), "pca+f32");
  auto i8 = make_codec("pca+i8", 8, D, cache);
  EXPECT_EQ(i8->variant(), "i8 x 16");
  for (auto* c : {f.get(), h.get(), i8.get(), c8.get()}) c->fit(fs);
  // int8 values are multiples of the calibrated per-position scale and close to f32.
  const Matrix a = f->encode(fs.test_x, 0).codes, b = i8->encode(fs.test_x, 0).codes;
  EXPECT_LT(max_abs_diff(prefix_cols(b, 4), a), 0.05);
  EXPECT_EQ(c8->encode(fs.test_x, 0).codes.data, b.data);
  // Unknown storage or storage on a quantiser: clear errors.
  EXPECT_THROW(make_codec("pca+i2", 8, D, cache), Error);
  EXPECT_THROW(make_codec("pq+i8", 8, D, cache), Error);
  EXPECT_THROW(parse_method_list("pca+int8"), Error);
}

TEST(FloatCodecs, Int8CodeOfAVectorDoesNotDependOnItsFile) {
  const int64_t D = 16;
  FeatureSet fs = random_set(300, 30, D);
  CodecCache cache;
  auto c = make_codec("pca+i8", 4, D, cache);
  c->fit(fs);
  const Matrix all = c->encode(fs.test_x, 0).codes;
  for (int64_t i : {0, 7, 29}) {
    const Matrix one = c->encode(slice_rows(fs.test_x, i, i + 1), 0).codes;
    for (int64_t j = 0; j < all.d; ++j) ASSERT_EQ(one.at(0, j), all.at(i, j)) << "row " << i;
  }
  // A wildly scaled test vector clips to the training range instead of rescaling others.
  Matrix x = slice_rows(fs.test_x, 0, 2);
  for (int64_t j = 0; j < D; ++j) x.at(1, j) *= 1000.0f;
  const Matrix two = c->encode(x, 0).codes;
  for (int64_t j = 0; j < all.d; ++j) ASSERT_EQ(two.at(0, j), all.at(0, j));
}

TEST(FloatCodecs, DecodeForAsymmetricSearch) {
  const int64_t D = 16;
  FeatureSet fs = random_set(200, 10, D);
  CodecCache cache;
  auto p = make_codec("pca+f16", 2, D, cache);  // all 16 components, f16 rounding only
  p->fit(fs);
  ASSERT_TRUE(p->can_decode());
  EXPECT_LT(max_abs_diff(p->decode(p->encode(fs.test_x, 0), 0), fs.test_x), 2e-2);
  auto t = make_codec("trunc+f32", 4, D, cache);
  t->fit(fs);
  const Matrix d = t->decode(t->encode(fs.test_x, 0), 0);
  EXPECT_EQ(d.d, D);
  EXPECT_EQ(d.at(3, 2), fs.test_x.at(3, 2));
  EXPECT_EQ(d.at(3, 9), 0.0f);
  auto r = make_codec("rp", 4, D, cache);
  EXPECT_FALSE(r->can_decode());
}

TEST(Pca, FullSizeReconstructsExactly) {
  Matrix x = random_matrix(200, 12, 3);
  for (int64_t i = 0; i < x.n; ++i) x.at(i, 0) = 5.0f * x.at(i, 0) + 2.0f;  // dominant, off-centre
  PcaModel p = PcaModel::fit(x);
  EXPECT_LT(max_abs_diff(p.reconstruct(p.project(x, 12)), x), 1e-4);
  const auto& ev = p.eigenvalues();
  ASSERT_EQ(ev.size(), 12u);
  for (size_t i = 1; i < ev.size(); ++i) EXPECT_GE(ev[i - 1], ev[i]);
  EXPECT_NEAR(ev[0], 25.0, 5.0);  // variance of the dominant axis
  // One component already captures the dominant axis: reconstruction of column 0 is close.
  Matrix r1 = p.reconstruct(p.project(x, 1));
  double err = 0;
  for (int64_t i = 0; i < x.n; ++i) err = std::max(err, double(std::abs(r1.at(i, 0) - x.at(i, 0))));
  EXPECT_LT(err, 1.5);
}

TEST(Pca, OneModelServesEveryRatioAndCodesAreNested) {
  FeatureSet fs = random_set(100, 10, 16);
  CodecCache cache;
  auto a = make_codec("pca+f32", 2, 16, cache), b = make_codec("pca+f32", 8, 16, cache);
  a->fit(fs);
  b->fit(fs);
  EXPECT_EQ(cache.models.size(), 1u);
  auto ra = a->encode(fs.test_x, 0), rb = b->encode(fs.test_x, 0);
  EXPECT_LT(max_abs_diff(prefix_cols(ra.codes, 2), rb.codes), 1e-6);
}

TEST(RandomProjection, SeededAndNested) {
  FeatureSet fs = random_set(10, 6, 16);
  CodecCache c1, c2, c3;
  c3.seed = 9;
  auto a = make_codec("rp", 2, 16, c1), b = make_codec("rp", 2, 16, c2), c = make_codec("rp", 2, 16, c3);
  a->fit(fs);
  b->fit(fs);
  c->fit(fs);
  EXPECT_EQ(a->encode(fs.test_x, 0).codes.data, b->encode(fs.test_x, 0).codes.data);
  EXPECT_NE(a->encode(fs.test_x, 0).codes.data, c->encode(fs.test_x, 0).codes.data);
  EXPECT_EQ(gaussian_matrix(8, 1).data, gaussian_matrix(8, 1).data);
  // Cosine geometry is roughly preserved at 2x on a 16-d input (JL, loose bound).
  Matrix g = gaussian_matrix(200, 0);
  double mean = std::accumulate(g.data.begin(), g.data.end(), 0.0) / double(g.data.size());
  double var = 0;
  for (float v : g.data) var += (v - mean) * (v - mean);
  var /= double(g.data.size());
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.02);
}

TEST(Truncation, KeepsTheFirstDims) {
  TruncationCodec t(4, 16, StorageType::F32);
  Matrix x = random_matrix(3, 16, 4);
  auto r = t.encode(x, 0);
  ASSERT_EQ(r.codes.d, 4);
  EXPECT_EQ(r.codes.at(2, 3), x.at(2, 3));
}

TEST(ScalarQuant, BytesAndNativeRatios) {
  EXPECT_EQ(ScalarQuantCodec(ScalarQuant::F16, 33).bytes_per_vector(), 66);
  EXPECT_EQ(ScalarQuantCodec(ScalarQuant::I8, 33).bytes_per_vector(), 33);
  EXPECT_EQ(ScalarQuantCodec(ScalarQuant::I4, 33).bytes_per_vector(), 17);
  EXPECT_EQ(ScalarQuantCodec(ScalarQuant::Bin, 33).bytes_per_vector(), 5);
  EXPECT_DOUBLE_EQ(ScalarQuantCodec::native_ratio(ScalarQuant::F16, 256), 2.0);
  EXPECT_DOUBLE_EQ(ScalarQuantCodec::native_ratio(ScalarQuant::I8, 256), 4.0);
  EXPECT_DOUBLE_EQ(ScalarQuantCodec::native_ratio(ScalarQuant::I4, 256), 8.0);
  EXPECT_DOUBLE_EQ(ScalarQuantCodec::native_ratio(ScalarQuant::Bin, 256), 32.0);
  CodecCache cache;
  // The factory ignores the requested ratio for fixed-rate codecs.
  EXPECT_EQ(make_codec("i8", 17, 256, cache)->bytes_per_vector(), 256);
  EXPECT_EQ(make_codec("bin", 2, 256, cache)->bytes_per_vector(), 32);
}

TEST(ScalarQuant, ErrorWithinHalfAStep) {
  FeatureSet fs = random_set(500, 50, 8);
  for (auto [kind, levels] : {std::pair{ScalarQuant::I8, 255.0}, std::pair{ScalarQuant::I4, 15.0}}) {
    ScalarQuantCodec c(kind, 8);
    c.fit(fs);
    auto rep = c.encode(fs.train_x, 0);  // in the train range: no clipping
    for (int64_t j = 0; j < 8; ++j) {
      float lo = INFINITY, hi = -INFINITY;
      for (int64_t i = 0; i < fs.train_x.n; ++i) lo = std::min(lo, fs.train_x.at(i, j)), hi = std::max(hi, fs.train_x.at(i, j));
      const double half_step = 0.5 * (hi - lo) / levels + 1e-5;
      for (int64_t i = 0; i < fs.train_x.n; ++i)
        ASSERT_LE(std::abs(rep.codes.at(i, j) - fs.train_x.at(i, j)), half_step) << scalar_quant_name(kind);
    }
  }
  ScalarQuantCodec f16(ScalarQuant::F16, 8);
  f16.fit(fs);
  EXPECT_LT(max_abs_diff(f16.encode(fs.test_x, 0).codes, fs.test_x), 5e-3);
}

TEST(ScalarQuant, BinaryCosineOrderingEqualsHamming) {
  const int64_t D = 40;
  FeatureSet fs = random_set(200, 30, D);
  ScalarQuantCodec c(ScalarQuant::Bin, D);
  c.fit(fs);
  EXPECT_EQ(c.distance(), "hamming");
  auto bits = c.quantize(fs.test_x, 0);
  auto rep = c.encode(fs.test_x, 0);
  for (float v : rep.codes.data) ASSERT_TRUE(v == 1.0f || v == -1.0f);
  // For query 0: the dot product of the +-1 vectors equals D - 2 * Hamming, so sorting by
  // similarity (descending) equals sorting by Hamming distance (ascending).
  std::vector<int64_t> ham(size_t(fs.test_x.n));
  std::vector<double> dot(size_t(fs.test_x.n));
  for (int64_t j = 0; j < fs.test_x.n; ++j) {
    int64_t h = 0;
    double d = 0;
    for (int64_t k = 0; k < D; ++k) {
      h += bits[size_t(k)] != bits[size_t(j * D + k)];
      d += double(rep.codes.at(0, k)) * rep.codes.at(j, k);
    }
    ham[size_t(j)] = h;
    dot[size_t(j)] = d;
    EXPECT_DOUBLE_EQ(d, double(D - 2 * h));
  }
  std::vector<int64_t> by_ham(ham.size()), by_dot(ham.size());
  std::iota(by_ham.begin(), by_ham.end(), 0);
  std::iota(by_dot.begin(), by_dot.end(), 0);
  std::stable_sort(by_ham.begin(), by_ham.end(), [&](int64_t a, int64_t b) { return ham[size_t(a)] < ham[size_t(b)]; });
  std::stable_sort(by_dot.begin(), by_dot.end(), [&](int64_t a, int64_t b) { return dot[size_t(a)] > dot[size_t(b)]; });
  EXPECT_EQ(by_ham, by_dot);
}

TEST(ScalarQuant, BinaryCentresNonNegativeFeatures) {
  // ReLU-like features: sign(x) alone would be all ones; centring keeps information.
  FeatureSet fs = random_set(100, 10, 16);
  for (auto* m : {&fs.train_x, &fs.test_x})
    for (auto& v : m->data) v = std::abs(v);
  ScalarQuantCodec c(ScalarQuant::Bin, 16);
  c.fit(fs);
  auto bits = c.quantize(fs.test_x, 0);
  int64_t ones = std::accumulate(bits.begin(), bits.end(), int64_t(0));
  EXPECT_GT(ones, int64_t(bits.size()) / 5);
  EXPECT_LT(ones, int64_t(bits.size()) * 4 / 5);
}

#ifdef ARFC_HAVE_FAISS
TEST(ProductQuant, SubquantizerChoice) {
  EXPECT_EQ(pq_subquantizers(784, 49), 49);
  EXPECT_EQ(pq_subquantizers(784, 50), 49);
  EXPECT_EQ(pq_subquantizers(256, 341), 256);
  EXPECT_EQ(pq_subquantizers(256, 100), 64);
  EXPECT_EQ(pq_subquantizers(16, 12), 8);
  EXPECT_EQ(pq_subquantizers(7, 3), 1);
}

TEST(ProductQuant, PqAndOpqOnSmallRandomData) {
  const int64_t D = 16;
  FeatureSet fs = random_set(300, 40, D);
  for (const char* spec : {"pq", "opq"}) {
    CodecCache cache;
    cache.threads = 1;  // OpenMP spinning on a loaded machine makes tiny trainings slow
    auto c = make_codec(spec, 8, D, cache);  // 8 bytes -> M = 8
    EXPECT_EQ(c->bytes_per_vector(), 8) << spec;
    EXPECT_EQ(make_codec(spec, 5.3, D, cache)->bytes_per_vector(), 8) << spec;  // budget 12 -> M = 8
    EXPECT_EQ(make_codec(spec, 64, D, cache)->bytes_per_vector(), 1) << spec;
    c->fit(fs);
    auto rep = c->encode(fs.test_x, 0);
    EXPECT_EQ(rep.sim, Similarity::NegL2);
    ASSERT_EQ(rep.codes.n, 40);
    ASSERT_EQ(rep.codes.d, D);
    // Decoded vectors approximate the L2-normalised inputs.
    Matrix q = fs.test_x;
    l2_normalize_rows(q);
    double err = 0, norm = 0;
    for (int64_t i = 0; i < q.n; ++i)
      for (int64_t j = 0; j < D; ++j) {
        norm += double(q.at(i, j)) * q.at(i, j);
        err += std::pow(q.at(i, j) - rep.codes.at(i, j), 2);
      }
    EXPECT_TRUE(c->can_decode());
    EXPECT_LT(err / norm, 0.6) << spec;  // 8 x 8 bits on 2-d sub-vectors: well below total energy
    // A finer code quantises better.
    auto fine = make_codec(spec, 4, D, cache);  // 16 bytes -> M = 16
    fine->fit(fs);
    auto rf = fine->encode(fs.test_x, 0);
    double err_f = 0;
    for (size_t k = 0; k < q.data.size(); ++k) err_f += std::pow(q.data[k] - rf.codes.data[k], 2);
    EXPECT_LT(err_f, err) << spec;
  }
}

TEST(ProductQuant, NeedsEnoughTrainingRows) {
  FeatureSet fs = random_set(100, 10, 8);
  CodecCache cache;
  auto c = make_codec("pq", 8, 8, cache);
  EXPECT_THROW(c->fit(fs), Error);
}
#endif
