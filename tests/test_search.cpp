// CodeIndex: k-nearest search over stored codes (lookup tables for discrete tokens) against
// a brute-force cosine search over the decoded code-space vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/model/arfc_model.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/search/code_index.h"
#include "arfc/train/train_arfc.h"
#include "io_test_util.h"

using namespace arfc;

namespace {

constexpr int64_t kD = 32;  // the fixture model's input dimension

const std::string& fixture() {
  static const std::string p = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";
  return p;
}

Matrix wavy(int64_t n, double freq) {
  Matrix x(n, kD);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < kD; ++j) x.at(i, j) = float(std::sin(freq * double(i * kD + j)) * (1 + i % 5));
  return x;
}

// Cosine of every query with every database row, [Q x N], in double.
std::vector<double> cosines(const Matrix& q, const Matrix& db) {
  std::vector<double> out(size_t(q.n * db.n));
  for (int64_t a = 0; a < q.n; ++a)
    for (int64_t b = 0; b < db.n; ++b) {
      double dot = 0, nq = 0, nd = 0;
      for (int64_t j = 0; j < q.d; ++j) {
        dot += double(q.at(a, j)) * double(db.at(b, j));
        nq += double(q.at(a, j)) * double(q.at(a, j));
        nd += double(db.at(b, j)) * double(db.at(b, j));
      }
      out[size_t(a * db.n + b)] = nq > 0 && nd > 0 ? dot / std::sqrt(nq * nd) : 0.0;
    }
  return out;
}

// Every returned id's true score matches the returned score, and the returned scores are
// the k best true scores (float rounding may order near-equal rows differently).
void expect_exact_top_k(const SearchResult& r, const std::vector<double>& truth, int64_t n) {
  for (int64_t a = 0; a < r.queries; ++a) {
    std::vector<double> row(truth.begin() + a * n, truth.begin() + (a + 1) * n);
    std::sort(row.begin(), row.end(), std::greater<>());
    for (int64_t j = 0; j < r.k; ++j) {
      const int64_t id = r.ids[size_t(a * r.k + j)];
      ASSERT_GE(id, 0);
      ASSERT_LT(id, n);
      EXPECT_NEAR(r.scores[size_t(a * r.k + j)], truth[size_t(a * n + id)], 1e-5) << "query " << a << " rank " << j;
      EXPECT_NEAR(r.scores[size_t(a * r.k + j)], row[size_t(j)], 1e-5) << "query " << a << " rank " << j;
      if (j > 0) EXPECT_GE(r.scores[size_t(a * r.k + j - 1)], r.scores[size_t(a * r.k + j)]);
    }
  }
}

class Search : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(fixture())) GTEST_SKIP() << "fixture " << fixture() << " not present";
    set_threads(1);
  }
  void TearDown() override { set_threads(1); }
};

}  // namespace

// Discrete tokens scored by lookup tables give the brute-force top k of the decoded codes,
// for symmetric (compressed queries) and asymmetric (continuous query codes) search.
TEST_F(Search, LookupTablesMatchDecodedCosine) {
  const ArfcModel m = ArfcModel::load(fixture());
  const Matrix db_x = wavy(701, 0.13), q_x = wavy(40, 0.29);  // 701: the scan's last row is alone
  for (int64_t tokens : {1, 3, 8}) {
    const CodeLayout l = make_layout(kD, tokens, StorageType::Q8);
    const CodeIndex index(m, m.compress(db_x, l));
    EXPECT_EQ(index.size(), 701);
    EXPECT_EQ(index.query_dim(), m.geometry().max_values());
    const Matrix db = m.code_values(index.codes());
    const Matrix sym = m.code_values(m.compress(q_x, l));
    const SearchResult r = index.search(sym, 10);
    ASSERT_EQ(r.queries, 40);
    ASSERT_EQ(r.k, 10);
    expect_exact_top_k(r, cosines(sym, db), db.n);
    const Matrix asym = m.encode(q_x, m.geometry().max_values());
    expect_exact_top_k(index.search(asym, 5), cosines(asym, db), db.n);
  }
}

// Continuous layouts (one per storage type) are dequantised and scored the same way; wider
// queries are cut to the code's values.
TEST_F(Search, ContinuousCodesMatchDecodedCosine) {
  const ArfcModel m = ArfcModel::load(fixture());
  const Matrix db_x = wavy(500, 0.17), q_x = wavy(30, 0.41);
  const Matrix full = m.encode(q_x, m.geometry().max_values());
  for (StorageType t : {StorageType::F32, StorageType::F16, StorageType::I8, StorageType::I4}) {
    if (t == StorageType::I4 && m.scales(t).empty()) continue;
    const CodeSet c = m.compress(db_x, make_layout(kD, 8, t));
    const CodeIndex index(m, c);
    EXPECT_EQ(index.query_dim(), 8);
    const SearchResult r = index.search(full, 7);
    expect_exact_top_k(r, cosines(prefix_cols(full, 8), dequantize_codes(c)), c.n);
  }
}

// Rows span several blocks: the blocks merge in row order, so every thread count gives the
// same ids and scores; k above the database size returns every row.
TEST_F(Search, BlocksAndThreadsDoNotChangeTheResult) {
  const ArfcModel m = ArfcModel::load(fixture());
  const Matrix db_x = wavy(CodeIndex::kBlockRows + 3001, 0.07), q_x = wavy(CodeIndex::kQueryBatch + 9, 0.23);
  const CodeLayout l = make_layout(kD, 2, StorageType::Q8);  // few distinct codes: many exact ties
  const CodeIndex index(m, m.compress(db_x, l));
  const Matrix q = m.code_values(m.compress(q_x, l));
  const SearchResult one = index.search(q, 20);
  set_threads(2);
  const SearchResult two = index.search(q, 20);
  EXPECT_EQ(one.ids, two.ids);
  EXPECT_EQ(one.scores, two.scores);
  // Equal scores come in row order.
  for (int64_t a = 0; a < one.queries; ++a)
    for (int64_t j = 1; j < one.k; ++j)
      if (one.scores[size_t(a * one.k + j)] == one.scores[size_t(a * one.k + j - 1)])
        EXPECT_GT(one.ids[size_t(a * one.k + j)], one.ids[size_t(a * one.k + j - 1)]);
  const CodeIndex small(m, m.compress(wavy(4, 0.3), l));
  const SearchResult all = small.search(q, 10);
  EXPECT_EQ(all.k, 4);
  std::vector<int64_t> ids(all.ids.begin(), all.ids.begin() + 4);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 2, 3}));
}

// Open-loop ("per_token") tokens each hold their own slice of the code: their codewords
// are placed there, zero elsewhere, so the same tables score them.
TEST_F(Search, OpenLoopTokensAreScoredAtTheirSlices) {
  FeatureSet fs;
  fs.task = Task::Classification;
  fs.train_x = wavy(300, 0.05);
  for (int64_t i = 0; i < fs.train_x.n; ++i) fs.train_y.push_back(i % 3);
  const nlohmann::json cfg = {
      {"model", {{"token_width", 4}, {"max_tokens", 4}, {"d_model", 16}, {"num_heads", 2}, {"context_chunks", 4},
                 {"decoder_hidden", 16}, {"generator_layers", 1}, {"discrete_tokens", 8}, {"discrete_select", false},
                 {"discrete_mode", "per_token"}, {"discrete_bits_per_value", 0}}},
      {"train", {{"epochs", 1}, {"batch_size", 32}, {"seed", 1}}}};
  const ArfcModel m = train_arfc(fs, cfg);
  const Matrix w = m.token_codewords();
  ASSERT_EQ(w.n, 8 * 256);
  ASSERT_EQ(w.d, 16);
  for (int64_t r = 0; r < w.n; ++r)  // token r / 256 holds values [2 (r / 256), 2 (r / 256) + 2)
    for (int64_t j = 0; j < w.d; ++j)
      if (j / 2 != r / 256) ASSERT_EQ(w.at(r, j), 0.0f) << "row " << r << ", value " << j;
  const CodeSet c = m.compress(wavy(301, 0.21), make_layout(kD, 8, StorageType::Q8));
  const Matrix v = m.code_values(c);
  for (int64_t i = 0; i < c.n; ++i)
    for (int64_t j = 0; j < v.d; ++j) {
      float sum = 0;
      for (int64_t t = 0; t < 8; ++t) sum += w.at(t * 256 + c.payload[size_t(i * 8 + t)], j);
      ASSERT_NEAR(sum, v.at(i, j), 1e-6) << "row " << i << ", value " << j;
    }
  const Matrix q = m.encode(wavy(9, 0.37), 16);
  expect_exact_top_k(CodeIndex(m, c).search(q, 6), cosines(q, v), v.n);
}

TEST_F(Search, BadInputIsAClearError) {
  const ArfcModel m = ArfcModel::load(fixture());
  const CodeLayout l = make_layout(kD, 4, StorageType::Q8);
  CodeSet c = m.compress(wavy(50, 0.1), l);
  const CodeIndex index(m, c);
  EXPECT_ERROR_HAS(index.search(Matrix(3, 8), 5), "expected at least 16");
  EXPECT_ERROR_HAS(index.search(Matrix(3, 16), 0), "k must be >= 1");
  Matrix nan(2, 16);
  nan.at(1, 3) = std::nanf("");
  EXPECT_ERROR_HAS(index.search(nan, 1), "search queries: row 1, column 3");
  CodeSet other = c;
  other.model_fingerprint ^= 1;
  EXPECT_ERROR_HAS((CodeIndex{m, other}), "search with the model that compressed them");
  CodeSet cut = c;
  cut.payload.pop_back();
  EXPECT_ERROR_HAS((CodeIndex{m, cut}), "payload bytes");
}
