// Ratio mapping, quantisation, truncation and the code file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/codes/ratio.h"
#include "arfc/core/error.h"

using namespace arfc;
namespace fs = std::filesystem;

namespace {

// The geometry of the examples in docs/FORMAT.md: D=256, w=16, K_max=16.
CodeGeometry geo(bool value_level = false) {
  CodeGeometry g;
  g.input_dim = 256;
  g.token_width = 16;
  g.max_tokens = 16;
  g.value_level = value_level;
  return g;
}

// Runs f, expects arfc::Error, returns its message.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected arfc::Error";
  return "";
}

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << "message: " << (msg)

Matrix random_codes(int64_t n, int64_t d, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, scale);
  Matrix m(n, d);
  for (float& v : m.data) v = nd(rng);
  return m;
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("arfc_test_codes_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void spit(const std::string& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

// ---------------------------------------------------------------- ratio mapping

struct RatioRow {
  double requested;
  std::optional<StorageType> dtype;  // requested --dtype
  int64_t tokens;                    // expected; 0 = error expected
  StorageType got;
  double achieved;
};

TEST(Ratio, MappingTable) {
  const auto F32 = StorageType::F32, F16 = StorageType::F16, I8 = StorageType::I8;
  const std::optional<StorageType> any;
  const RatioRow rows[] = {
      // any storage type: largest code; ties go to more values at lower precision
      {2, any, 16, F16, 2.0},      {3, any, 10, F16, 3.2},      {4, any, 16, I8, 4.0},
      {5.3, any, 12, I8, 16.0 / 3}, {8, any, 8, I8, 8.0},        {10.7, any, 6, I8, 32.0 / 3},
      {16, any, 4, I8, 16.0},      {32, any, 2, I8, 32.0},      {64, any, 1, I8, 64.0},
      // f32 only
      {2, F32, 8, F32, 2.0},       {3, F32, 5, F32, 3.2},       {4, F32, 4, F32, 4.0},
      {5.3, F32, 3, F32, 16.0 / 3}, {8, F32, 2, F32, 8.0},       {10.7, F32, 1, F32, 16.0},
      {16, F32, 1, F32, 16.0},     {32, F32, 0, F32, 0},        {64, F32, 0, F32, 0},
      // f16 only
      {2, F16, 16, F16, 2.0},      {3, F16, 10, F16, 3.2},      {4, F16, 8, F16, 4.0},
      {5.3, F16, 6, F16, 16.0 / 3}, {8, F16, 4, F16, 8.0},       {10.7, F16, 3, F16, 32.0 / 3},
      {16, F16, 2, F16, 16.0},     {32, F16, 1, F16, 32.0},     {64, F16, 0, F16, 0},
      // i8 only: below 4x the whole 16-token code is the largest there is
      {2, I8, 16, I8, 4.0},        {3, I8, 16, I8, 4.0},        {4, I8, 16, I8, 4.0},
      {5.3, I8, 12, I8, 16.0 / 3},  {8, I8, 8, I8, 8.0},         {10.7, I8, 6, I8, 32.0 / 3},
      {16, I8, 4, I8, 16.0},       {32, I8, 2, I8, 32.0},       {64, I8, 1, I8, 64.0},
  };
  for (const RatioRow& r : rows) {
    SCOPED_TRACE("ratio " + std::to_string(r.requested) + " dtype " + (r.dtype ? storage_name(*r.dtype) : "any"));
    const CodeBudget b = CodeBudget::ratio(r.requested, r.dtype);
    if (r.tokens == 0) {
      EXPECT_THROW(choose_layout(geo(), b), Error);
      continue;
    }
    const CodeLayout l = choose_layout(geo(), b);
    EXPECT_EQ(l.n_values, r.tokens * 16);
    EXPECT_EQ(l.dtype, r.got);
    EXPECT_NEAR(l.ratio, r.achieved, 1e-9);
    EXPECT_EQ(l.bytes_per_vector, code_bytes(l.dtype, l.n_values));
    EXPECT_GE(l.ratio, r.requested * (1 - kRatioTolerance));
  }
}

TEST(Ratio, RejectsBadRatios) {
  for (double r : {1.0, 0.5, -3.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const std::string msg = error_of([&] { choose_layout(geo(), CodeBudget::ratio(r)); });
    EXPECT_HAS(msg, "--ratio");
    EXPECT_HAS(msg, "> 1");
  }
}

TEST(Ratio, BeyondTheModelNamesTheMaximum) {
  std::string msg = error_of([] { choose_layout(geo(), CodeBudget::ratio(200)); });
  EXPECT_HAS(msg, "ratio 200 is beyond this model");
  EXPECT_HAS(msg, "at most 64x");
  EXPECT_HAS(msg, "(1 token, i8: 16 bytes/vector)");
  msg = error_of([] { choose_layout(geo(), CodeBudget::ratio(20, StorageType::F32)); });
  EXPECT_HAS(msg, "at most 16x");
  EXPECT_HAS(msg, "--dtype i8");
  msg = error_of([] { choose_layout(geo(), CodeBudget::bytes(15)); });
  EXPECT_HAS(msg, "15 bytes/vector is beyond this model");
  EXPECT_HAS(msg, "at least 16 bytes/vector");
}

TEST(Ratio, TokenBudgets) {
  CodeLayout l = choose_layout(geo(), CodeBudget::tokens(3));
  EXPECT_EQ(l.n_values, 48);
  EXPECT_EQ(l.dtype, StorageType::F32);  // default for token budgets
  EXPECT_NEAR(l.ratio, 1024.0 / 192, 1e-12);
  l = choose_layout(geo(), CodeBudget::tokens(16, StorageType::I8));
  EXPECT_EQ(l.n_values, 256);
  EXPECT_EQ(l.bytes_per_vector, 256);

  std::string msg = error_of([] { choose_layout(geo(), CodeBudget::tokens(17)); });
  EXPECT_HAS(msg, "at most 16 tokens");
  EXPECT_HAS(msg, "got 17");
  msg = error_of([] { choose_layout(geo(), CodeBudget::tokens(2.5)); });
  EXPECT_HAS(msg, "whole number of tokens");
  EXPECT_THROW(choose_layout(geo(), CodeBudget::tokens(0)), Error);
  EXPECT_THROW(choose_layout(geo(), CodeBudget::tokens(-1)), Error);
}

TEST(Ratio, ByteBudgets) {
  CodeLayout l = choose_layout(geo(), CodeBudget::bytes(100));
  EXPECT_EQ(l.n_values, 96);
  EXPECT_EQ(l.dtype, StorageType::I8);
  l = choose_layout(geo(), CodeBudget::bytes(100, StorageType::F16));
  EXPECT_EQ(l.n_values, 48);
  l = choose_layout(geo(), CodeBudget::bytes(1e9));  // more than the model has: its largest code
  EXPECT_EQ(l.bytes_per_vector, 1023 / 4 / 16 * 16 * 4);  // never ratio <= 1
  EXPECT_GT(l.ratio, 1.0);
  EXPECT_HAS(error_of([] { choose_layout(geo(), CodeBudget::bytes(-1)); }), "--bytes");
  EXPECT_HAS(error_of([] { choose_layout(geo(), CodeBudget::bytes(10.5)); }), "whole number");
  EXPECT_HAS(error_of([] { choose_layout(geo(), CodeBudget::bytes(0)); }), ">= 1, got 0");
}

TEST(Ratio, ValueLevelGeometry) {
  // Any number of values: ratio 200 buys 5 bytes of i8 (204.8x).
  CodeLayout l = choose_layout(geo(true), CodeBudget::ratio(200));
  EXPECT_EQ(l.n_values, 5);
  EXPECT_EQ(l.dtype, StorageType::I8);
  EXPECT_NEAR(l.ratio, 204.8, 1e-9);
  l = choose_layout(geo(true), CodeBudget::ratio(10));  // 102 bytes: 102 i8 values
  EXPECT_EQ(l.n_values, 102);
  l = choose_layout(geo(true), CodeBudget::tokens(2.5));
  EXPECT_EQ(l.n_values, 40);
  EXPECT_HAS(error_of([] { choose_layout(geo(true), CodeBudget::tokens(2.53)); }), "whole number of values");
  EXPECT_HAS(error_of([] { choose_layout(geo(true), CodeBudget::ratio(2000)); }), "at most 1024x (1 value, i8");
  EXPECT_HAS(describe_layout(make_layout(256, 40, StorageType::I8), 16), "2.5 tokens");
  // The same requests on a whole-token geometry.
  EXPECT_EQ(choose_layout(geo(false), CodeBudget::ratio(10)).n_values, 96);
  EXPECT_THROW(choose_layout(geo(false), CodeBudget::ratio(200)), Error);
}

TEST(Ratio, InvalidGeometry) {
  CodeGeometry g = geo();
  g.token_width = 0;
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::ratio(4)); }), "token_width");
  g = geo();
  g.max_tokens = 0;
  EXPECT_THROW(all_layouts(g), Error);
  g = geo();
  g.discrete_tokens = -1;
  EXPECT_THROW(choose_layout(g, CodeBudget::ratio(4)), Error);
  // Sizes a crafted file could claim are bounded before any arithmetic or allocation
  // (found by fuzz_budget: all_layouts once built hundreds of millions of layouts).
  g = geo();
  g.token_width = int64_t(1) << 40;
  g.max_tokens = int64_t(1) << 40;  // w * K_max would overflow
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::ratio(4)); }), "at most 16777216");
  g = geo();
  g.input_dim = 741000000;
  EXPECT_THROW(choose_layout(g, CodeBudget::ratio(4)), Error);
  g = geo();
  g.input_dim = 1 << 24;
  g.token_width = 1;
  g.max_tokens = 1 << 24;
  g.value_level = true;
  EXPECT_HAS(error_of([&] { all_layouts(g); }), "choose_layout");
  // A token count far beyond any integer is refused before it is converted to one
  // (found by fuzz_budget: the conversion overflowed).
  EXPECT_HAS(error_of([&] { choose_layout(geo(), CodeBudget::tokens(5.6e152)); }), "expected at most");
  g = geo();
  g.discrete_tokens = 8;
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::tokens(1e30, StorageType::Q8)); }), "at most 8");
}

TEST(Ratio, AllLayoutsSortedAndDistinct) {
  const auto ls = all_layouts(geo());
  ASSERT_EQ(ls.size(), 48u);
  for (size_t i = 1; i < ls.size(); ++i) {
    EXPECT_LE(ls[i - 1].ratio, ls[i].ratio);
    EXPECT_FALSE(ls[i - 1].n_values == ls[i].n_values && ls[i - 1].dtype == ls[i].dtype);
  }
  EXPECT_EQ(ls.front().dtype, StorageType::F32);
  EXPECT_EQ(ls.front().n_values, 256);
  EXPECT_EQ(ls.back().dtype, StorageType::I8);
  EXPECT_EQ(ls.back().n_values, 16);
  EXPECT_NEAR(ls.back().ratio, 64.0, 1e-12);
}

TEST(Ratio, StorageNames) {
  for (StorageType t : {StorageType::F32, StorageType::F16, StorageType::I8})
    EXPECT_EQ(parse_storage_type(storage_name(t)), t);
  EXPECT_HAS(error_of([] { parse_storage_type("f64"); }), "f32, f16, i8");
  EXPECT_EQ(format_ratio(10.666666), "10.67");
  EXPECT_EQ(format_ratio(64.0), "64");
  EXPECT_EQ(format_ratio(5.3), "5.3");
}

TEST(Ratio, TruncatedLayouts) {
  // Stored: 4 tokens of i8 (16x).
  CodeLayout l = choose_truncated_layout(geo(), CodeBudget::ratio(32), 64, StorageType::I8);
  EXPECT_EQ(l.n_values, 32);
  EXPECT_EQ(l.dtype, StorageType::I8);
  l = choose_truncated_layout(geo(), CodeBudget::ratio(16), 64, StorageType::I8);
  EXPECT_EQ(l.n_values, 64);
  std::string msg = error_of([] { choose_truncated_layout(geo(), CodeBudget::ratio(8), 64, StorageType::I8); });
  EXPECT_HAS(msg, "stores only 64 values");
  EXPECT_HAS(msg, "re-compress");
  msg = error_of([] { choose_truncated_layout(geo(), CodeBudget::tokens(5), 64, StorageType::I8); });
  EXPECT_HAS(msg, "at most 4 tokens");
  // Stored: 4 tokens of f16 (8x). Ratio 8 keeps it as it is (no switch to 8 tokens of i8,
  // which are not stored); a token budget keeps f16; precision never widens by itself.
  l = choose_truncated_layout(geo(), CodeBudget::ratio(8), 64, StorageType::F16);
  EXPECT_EQ(l.n_values, 64);
  EXPECT_EQ(l.dtype, StorageType::F16);
  l = choose_truncated_layout(geo(), CodeBudget::ratio(16), 64, StorageType::F16);
  EXPECT_EQ(l.n_values, 64);
  EXPECT_EQ(l.dtype, StorageType::I8);
  l = choose_truncated_layout(geo(), CodeBudget::tokens(2), 64, StorageType::F16);
  EXPECT_EQ(l.n_values, 32);
  EXPECT_EQ(l.dtype, StorageType::F16);
  l = choose_truncated_layout(geo(), CodeBudget::ratio(4, StorageType::F32), 64, StorageType::F16);
  EXPECT_EQ(l.n_values, 64);
  EXPECT_EQ(l.dtype, StorageType::F32);
}

// ---------------------------------------------------------------- quantisation

TEST(Quantize, RoundTripEachDtype) {
  const Matrix v = random_codes(37, 48, 1, 2.0f);
  // f32: exact.
  CodeSet c = quantize_codes(v, StorageType::F32, 7, 256, 16);
  EXPECT_EQ(c.bytes_per_vector(), 192);
  EXPECT_EQ(c.tokens(), 3);
  EXPECT_EQ(dequantize_codes(c).data, v.data);
  // f16: relative error <= 2^-11 for normal numbers.
  c = quantize_codes(v, StorageType::F16, 7, 256, 16);
  EXPECT_EQ(c.payload.size(), size_t(37 * 48 * 2));
  Matrix back = dequantize_codes(c);
  for (size_t k = 0; k < v.data.size(); ++k)
    EXPECT_LE(std::fabs(back.data[k] - v.data[k]), std::ldexp(std::fabs(v.data[k]), -11) + 1e-7f);
  // i8: error <= scale/2, scale = max|column| / 127.
  c = quantize_codes(v, StorageType::I8, 7, 256, 16);
  ASSERT_EQ(c.scales.size(), 48u);
  back = dequantize_codes(c);
  for (int64_t j = 0; j < 48; ++j) {
    float mx = 0;
    for (int64_t i = 0; i < 37; ++i) mx = std::max(mx, std::fabs(v.at(i, j)));
    EXPECT_FLOAT_EQ(c.scales[size_t(j)], mx / 127.0f);
    for (int64_t i = 0; i < 37; ++i)
      EXPECT_LE(std::fabs(back.at(i, j) - v.at(i, j)), c.scales[size_t(j)] * 0.5f * (1 + 1e-5f));
  }
}

TEST(Quantize, EdgeValues) {
  Matrix v(2, 16);  // column 0 all zero -> scale 1; tiny values land in f16 subnormals
  v.at(0, 1) = 1e-6f;
  v.at(1, 2) = -65504.0f;
  CodeSet c = quantize_codes(v, StorageType::I8, 0, 16, 16);
  EXPECT_EQ(c.scales[0], 1.0f);
  c = quantize_codes(v, StorageType::F16, 0, 16, 16);
  const Matrix back = dequantize_codes(c);
  EXPECT_NEAR(back.at(0, 1), 1e-6f, 3e-8f);
  EXPECT_EQ(back.at(1, 2), -65504.0f);
  v.at(1, 3) = 70000.0f;
  EXPECT_HAS(error_of([&] { quantize_codes(v, StorageType::F16, 0, 16, 16); }), "float16 range");
  v.at(1, 3) = std::nanf("");
  const std::string msg = error_of([&] { quantize_codes(v, StorageType::F32, 0, 16, 16); });
  EXPECT_HAS(msg, "row 1");
  EXPECT_HAS(msg, "column 3");
  // Partial tokens only for value-level codes.
  EXPECT_HAS(error_of([] { quantize_codes(Matrix(2, 20), StorageType::F32, 0, 256, 16); }), "whole number of tokens");
  EXPECT_EQ(quantize_codes(Matrix(2, 20), StorageType::F32, 0, 256, 16, true).n_values, 20);
}

TEST(Quantize, TruncationEqualsRequantisingThePrefix) {
  const Matrix v = random_codes(20, 64, 2);
  const CodeSet full = quantize_codes(v, StorageType::F32, 9, 256, 16);
  for (StorageType t : {StorageType::F32, StorageType::F16, StorageType::I8}) {
    const CodeSet tr = truncate_codes(full, make_layout(256, 32, t));
    const CodeSet ref = quantize_codes(prefix_cols(v, 32), t, 9, 256, 16);
    EXPECT_EQ(tr.n_values, 32);
    EXPECT_EQ(tr.dtype, t);
    EXPECT_EQ(tr.payload, ref.payload) << storage_name(t);
    EXPECT_EQ(tr.scales, ref.scales);
    EXPECT_EQ(tr.model_fingerprint, 9u);
  }
  // Same dtype: the stored bytes and scales are kept (no second rounding).
  const CodeSet i8 = quantize_codes(v, StorageType::I8, 9, 256, 16);
  const CodeSet tr = truncate_codes(i8, make_layout(256, 16, StorageType::I8));
  ASSERT_EQ(tr.payload.size(), size_t(20 * 16));
  for (int64_t i = 0; i < 20; ++i)
    for (int64_t j = 0; j < 16; ++j) EXPECT_EQ(tr.payload[size_t(i * 16 + j)], i8.payload[size_t(i * 64 + j)]);
  EXPECT_EQ(tr.scales, std::vector<float>(i8.scales.begin(), i8.scales.begin() + 16));
  EXPECT_HAS(error_of([&] { truncate_codes(i8, make_layout(256, 80, StorageType::I8)); }), "1 to 64");
  EXPECT_HAS(error_of([&] { truncate_codes(i8, make_layout(256, 24, StorageType::I8)); }), "multiple of the token");
}

TEST(Quantize, Int4PacksTwoValuesPerByteWithCalibratedClipping) {
  const Matrix v = random_codes(200, 40, 5);
  const std::vector<float> s4 = calibrate_scales(v, StorageType::I4);
  ASSERT_EQ(s4.size(), 40u);
  // i4 without calibrated scales is refused (they belong to the model or codec).
  EXPECT_HAS(error_of([&] { quantize_codes(v, StorageType::I4, 3, 256, 8, true); }), "calibrated int4");
  const CodeSet c = quantize_codes(v, StorageType::I4, 3, 256, 8, true, s4);
  EXPECT_EQ(c.bytes_per_vector(), 20);
  ASSERT_EQ(c.payload.size(), size_t(200 * 20));
  const Matrix back = dequantize_codes(c);
  double err_mse = 0, err_max = 0;
  for (int64_t j = 0; j < 40; ++j) {
    float mx = 0;
    for (int64_t i = 0; i < 200; ++i) mx = std::max(mx, std::fabs(v.at(i, j)));
    const float smax = mx / 7.0f;
    EXPECT_LE(s4[size_t(j)], smax * (1 + 1e-6f));  // clipping at or inside max |value|
    for (int64_t i = 0; i < 200; ++i) {
      const float x = v.at(i, j), q = back.at(i, j);
      // Each stored value is a level of its column, and nearest unless clipped.
      const float lv = q / s4[size_t(j)];
      EXPECT_NEAR(lv, std::nearbyint(lv), 1e-4);
      EXPECT_LE(std::fabs(lv), 7.0f + 1e-4f);
      if (std::fabs(x) < 7 * s4[size_t(j)]) EXPECT_LE(std::fabs(q - x), s4[size_t(j)] * 0.5f * (1 + 1e-5f));
      const float qm = std::clamp(std::nearbyint(x / smax), -7.0f, 7.0f) * smax;
      err_mse += double(q - x) * double(q - x);
      err_max += double(qm - x) * double(qm - x);
    }
  }
  // The calibrated clip has less squared error than scaling to max |value| (Gaussian values).
  EXPECT_LT(err_mse, 0.8 * err_max);
  // Value 2k in the low nibble of byte k, two's complement.
  const Matrix one = prefix_cols(slice_rows(v, 0, 1), 3);
  const CodeSet b = quantize_codes(one, StorageType::I4, 3, 256, 8, true, s4);
  ASSERT_EQ(b.payload.size(), 2u);
  auto level = [&](int j) { return int(std::clamp(std::nearbyint(one.at(0, j) / s4[size_t(j)]), -7.0f, 7.0f)); };
  EXPECT_EQ(int(b.payload[0]), (level(0) & 0xF) | ((level(1) & 0xF) << 4));
  EXPECT_EQ(int(b.payload[1]), level(2) & 0xF);  // odd count: the high nibble stays zero
  // A vector's code does not depend on the other rows.
  const CodeSet row7 = quantize_codes(slice_rows(v, 7, 8), StorageType::I4, 3, 256, 8, true, s4);
  EXPECT_TRUE(std::equal(row7.payload.begin(), row7.payload.end(), c.payload.begin() + 7 * 20));
  // Truncation keeps the bytes: an even prefix is a byte prefix, an odd one clears the last nibble.
  const CodeSet t10 = truncate_codes(c, make_layout(256, 10, StorageType::I4));
  const CodeSet t7 = truncate_codes(c, make_layout(256, 7, StorageType::I4));
  EXPECT_EQ(t10.payload, quantize_codes(prefix_cols(v, 10), StorageType::I4, 3, 256, 8, true, s4).payload);
  EXPECT_EQ(t7.payload, quantize_codes(prefix_cols(v, 7), StorageType::I4, 3, 256, 8, true, s4).payload);
  EXPECT_EQ(t7.bytes_per_vector(), 4);
  // Other types cannot become i4 without the model's scales.
  const CodeSet i8 = quantize_codes(v, StorageType::I8, 3, 256, 8, true);
  EXPECT_HAS(error_of([&] { truncate_codes(i8, make_layout(256, 8, StorageType::I4)); }), "calibrated int4");
}

TEST(Ratio, Int4JoinsTheRuleWhereCalibrated) {
  CodeGeometry g = geo();  // D = 256, w = 16, K_max = 16
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(16)).dtype, StorageType::I8);  // no int4 scales: as before
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::ratio(16, StorageType::I4)); }), "int4");
  g.int4 = true;
  // i4 competes for budgets of at most D/8 bytes (32x and up) and wins the tie there.
  const struct { double ratio; int64_t values; StorageType t; } rows[] = {
      {2, 256, StorageType::F16}, {4, 256, StorageType::I8}, {5.3, 192, StorageType::I8}, {8, 128, StorageType::I8},
      {16, 64, StorageType::I8},  {32, 64, StorageType::I4},  {64, 32, StorageType::I4}, {128, 16, StorageType::I4}};
  for (const auto& r : rows) {
    const CodeLayout l = choose_layout(g, CodeBudget::ratio(r.ratio));
    EXPECT_EQ(l.n_values, r.values) << r.ratio;
    EXPECT_EQ(l.dtype, r.t) << r.ratio;
    EXPECT_NEAR(l.ratio, r.ratio, 0.04);
  }
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::ratio(256)); }), "128x");
  EXPECT_EQ(all_layouts(g).back().bytes_per_vector, 8);
  EXPECT_EQ(choose_layout(g, CodeBudget::bytes(32)).dtype, StorageType::I4);
  EXPECT_EQ(choose_layout(g, CodeBudget::bytes(33)).dtype, StorageType::I8);  // above D/8 bytes
  const CodeLayout asked = choose_layout(g, CodeBudget::ratio(8, StorageType::I4));  // asked for: any budget
  EXPECT_EQ(asked.dtype, StorageType::I4);
  EXPECT_EQ(asked.n_values, 256);
  // Truncating: i4 only from i4 codes, and never to a wider type unless asked.
  EXPECT_EQ(choose_truncated_layout(g, CodeBudget::ratio(64), 256, StorageType::I8).dtype, StorageType::I8);
  const CodeLayout t = choose_truncated_layout(g, CodeBudget::ratio(64), 256, StorageType::I4);
  EXPECT_EQ(t.dtype, StorageType::I4);
  EXPECT_EQ(t.n_values, 32);
  EXPECT_HAS(error_of([&] { choose_truncated_layout(g, CodeBudget::ratio(8, StorageType::I4), 64, StorageType::I8); }),
             "arfc compress --dtype i4");
  EXPECT_EQ(parse_storage_type("int4"), StorageType::I4);
}

// A producer that measured its own crossover (ArfcModel::select_int4) moves the limit.
TEST(Ratio, Int4LimitOfTheGeometryMovesTheCrossover) {
  CodeGeometry g = geo();  // D = 256, w = 16, K_max = 16
  g.int4 = true;
  EXPECT_EQ(g.int4_limit(), 32);  // D/8 when not measured
  g.int4_max_bytes = 64;
  const CodeLayout at16 = choose_layout(g, CodeBudget::ratio(16));  // 64 bytes
  EXPECT_EQ(at16.dtype, StorageType::I4);
  EXPECT_EQ(at16.n_values, 128);
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(12)).dtype, StorageType::I8);  // 85 bytes
  g.int4_max_bytes = 15;  // int8 from one int8 token up
  const CodeLayout at32 = choose_layout(g, CodeBudget::ratio(32));
  EXPECT_EQ(at32.dtype, StorageType::I8);
  EXPECT_EQ(at32.n_values, 32);
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(128)).dtype, StorageType::I4);  // 8 bytes: below one int8 token
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(32, StorageType::I4)).dtype, StorageType::I4);  // asked for
}

// Trials of 4 rows each (scores per row); the fixed rule's limit is 5 bytes here (int4 at
// the 4-byte trial only).
// The paired gain behind the layout trials: mean per-row difference and its standard error.
TEST(Ratio, PairedGainAndTheDiscreteGuard) {
  PairedGain g = paired_gain({1, 1, 0, 1}, {0, 1, 0, 0});  // differences 1, 0, 0, 1
  EXPECT_DOUBLE_EQ(g.gain, 0.5);
  EXPECT_NEAR(g.se, std::sqrt(1.0 / 3.0) / 2.0, 1e-12);  // sd sqrt(1/3) over sqrt(4) rows
  EXPECT_FALSE(discrete_beats_continuous(g)) << "0.5 is within 2 SE (0.58)";
  g = paired_gain({1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0, 0});
  EXPECT_DOUBLE_EQ(g.gain, 0.5);
  EXPECT_NEAR(g.se, std::sqrt(2.0 / 7.0) / std::sqrt(8.0), 1e-12);
  EXPECT_TRUE(discrete_beats_continuous(g)) << "0.5 is beyond 2 SE (0.38)";
  // Level scores keep the continuous code; so does a loss.
  EXPECT_FALSE(discrete_beats_continuous(paired_gain({1, 0, 1}, {1, 0, 1})));
  EXPECT_FALSE(discrete_beats_continuous(paired_gain({0, 0, 0}, {1, 1, 1})));
  EXPECT_DOUBLE_EQ(paired_gain({}, {}).gain, 0.0);
  EXPECT_HAS(error_of([] { paired_gain({1, 0}, {1}); }), "one score per row on both sides, got 2 and 1");
}

TEST(Ratio, Int4LimitMovesOnlyBeyondThreeStandardErrors) {
  auto trial = [](int64_t bytes, std::vector<double> i8, std::vector<double> i4) {
    return Int4Trial{bytes, std::move(i8), std::move(i4)};
  };
  const std::vector<double> zero(4, 0.0), one(4, 1.0);
  // int4 wins every row at 8 and 16 bytes: the limit moves to 16.
  Int4Limit c = choose_int4_limit({trial(4, zero, one), trial(8, zero, one), trial(16, zero, one)}, 3, 5);
  EXPECT_TRUE(c.measured);
  EXPECT_EQ(c.max_bytes, 16);
  EXPECT_DOUBLE_EQ(c.gain, 2.0);
  EXPECT_DOUBLE_EQ(c.se, 0.0);
  // int8 wins every row everywhere: down to the floor.
  c = choose_int4_limit({trial(4, one, zero), trial(8, one, zero)}, 3, 5);
  EXPECT_TRUE(c.measured);
  EXPECT_EQ(c.max_bytes, 3);
  // A gain on one row of four, a loss on none: mean 0.25, SE 0.25, within 3 SE: fixed rule.
  c = choose_int4_limit({trial(4, zero, zero), trial(8, zero, {1, 0, 0, 0})}, 3, 5);
  EXPECT_FALSE(c.measured);
  EXPECT_EQ(c.max_bytes, 5);
  EXPECT_DOUBLE_EQ(c.gain, 0.25);
  EXPECT_DOUBLE_EQ(c.se, 0.25);
  // A gain on four rows of eight: mean 0.5, SE 0.189, 2.6 SE: beyond 2, within 3: fixed rule.
  const std::vector<double> zero8(8, 0.0);
  c = choose_int4_limit({trial(4, zero8, zero8), trial(8, zero8, {1, 1, 1, 1, 0, 0, 0, 0})}, 3, 5);
  EXPECT_FALSE(c.measured);
  EXPECT_EQ(c.max_bytes, 5);
  EXPECT_NEAR(c.gain / c.se, 2.65, 0.01);
  // Equal everywhere: the fixed rule, no gain.
  c = choose_int4_limit({trial(4, one, one), trial(8, one, one)}, 3, 5);
  EXPECT_FALSE(c.measured);
  EXPECT_EQ(c.max_bytes, 5);
  EXPECT_EQ(c.gain, 0.0);
  EXPECT_EQ(choose_int4_limit({}, 3, 5).max_bytes, 5);
  EXPECT_HAS(error_of([&] { choose_int4_limit({trial(8, zero, zero), trial(4, zero, zero)}, 3, 5); }), "ascend");
  EXPECT_HAS(error_of([&] { choose_int4_limit({trial(3, zero, zero)}, 3, 5); }), "ascend");
  EXPECT_HAS(error_of([&] { choose_int4_limit({trial(4, zero, {1.0})}, 3, 5); }), "one score per row");
}

// ---------------------------------------------------------------- code files

using CodeFile = TempDir;

TEST_F(CodeFile, RoundTripEachDtype) {
  const Matrix v = random_codes(11, 32, 3);
  for (StorageType t : {StorageType::F32, StorageType::F16, StorageType::I8, StorageType::I4}) {
    const CodeSet c = quantize_codes(v, t, 0x0123456789abcdefULL, 256, 16, false,
                                     t == StorageType::I4 ? calibrate_scales(v, t) : std::vector<float>{});
    const std::string p = path("c_" + storage_name(t) + ".arfc");
    write_code_file(p, c);
    EXPECT_EQ(int64_t(fs::file_size(p)), 64 + int64_t(c.scales.size()) * 4 + int64_t(c.payload.size()) + 4);
    const CodeSet r = read_code_file(p);
    EXPECT_EQ(r.model_fingerprint, c.model_fingerprint);
    EXPECT_EQ(r.input_dim, 256);
    EXPECT_EQ(r.token_width, 16);
    EXPECT_EQ(r.n, 11);
    EXPECT_EQ(r.n_values, 32);
    EXPECT_EQ(r.dtype, t);
    EXPECT_EQ(r.scales, c.scales);
    EXPECT_EQ(r.payload, c.payload);
    EXPECT_FALSE(r.value_level);
    const CodeSet h = read_code_file_header(p);
    EXPECT_EQ(h.n, 11);
    EXPECT_TRUE(h.payload.empty());
    EXPECT_EQ(h.scales, c.scales);
    EXPECT_TRUE(is_code_file(p));
  }
  // Value-level and modality flags and zero codes survive too.
  CodeSet c = quantize_codes(Matrix(0, 5), StorageType::I8, 1, 256, 16, true);
  c.modality = 1;
  write_code_file(path("empty.arfc"), c);
  const CodeSet r = read_code_file(path("empty.arfc"));
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.n_values, 5);
  EXPECT_TRUE(r.value_level);
  EXPECT_EQ(r.modality, 1);
  EXPECT_EQ(truncate_codes(r, make_layout(256, 2, StorageType::F16)).modality, 1);
}

// Out-of-core reading and writing: chunks of any size give the rows of the whole file, the
// streamed writer gives the same bytes as write_code_file, and a corrupt payload is named
// by the checksum once the last chunk is read (the NaN check names the row in the file).
TEST_F(CodeFile, ChunkedReadAndStreamedWrite) {
  const CodeSet c = quantize_codes(random_codes(11, 32, 3), StorageType::I8, 7, 256, 16, false,
                                   std::vector<float>(32, 0.02f));
  write_code_file(path("whole.arfc"), c);
  {
    CodeFileWriter w(path("streamed.arfc"), c, c.n);
    for (int64_t r0 = 0; r0 < c.n; r0 += 4) {
      CodeSet part = c;
      part.n = std::min<int64_t>(4, c.n - r0);
      part.payload.assign(c.payload.begin() + r0 * 32, c.payload.begin() + (r0 + part.n) * 32);
      w.append(part);
    }
    w.commit();
  }
  EXPECT_EQ(slurp(path("whole.arfc")), slurp(path("streamed.arfc")));
  {
    CodeFileWriter abandoned(path("abandoned.arfc"), c, c.n);  // destroyed before commit
  }
  EXPECT_FALSE(fs::exists(path("abandoned.arfc")));
  for (int64_t chunk : {1, 3, 11, 100}) {
    std::vector<uint8_t> rows;
    int64_t next = 0;
    const CodeSet h = read_code_file_chunks(path("whole.arfc"), chunk, [&](int64_t row0, const CodeSet& part) {
      EXPECT_EQ(row0, next);
      EXPECT_LE(part.n, chunk);
      EXPECT_EQ(part.scales, c.scales);
      rows.insert(rows.end(), part.payload.begin(), part.payload.end());
      next += part.n;
    });
    EXPECT_EQ(rows, c.payload) << "chunk " << chunk;
    EXPECT_EQ(h.n, 11);
  }
  std::string s = slurp(path("whole.arfc"));
  s[64 + 32 * 4 + 10] ^= 0x21;  // a payload byte of row 10, in the last chunk
  spit(path("bad.arfc"), s);
  EXPECT_HAS(error_of([&] { read_code_file_chunks(path("bad.arfc"), 4, [](int64_t, const CodeSet&) {}); }),
             "checksum");
  write_code_file(path("f.arfc"), quantize_codes(random_codes(5, 16, 2), StorageType::F32, 1, 64, 16));
  s = slurp(path("f.arfc"));
  const size_t at = 64 + 4 * (3 * 16 + 7);  // row 3, column 7
  s[at] = 0, s[at + 1] = 0, s[at + 2] = char(0xc0), s[at + 3] = char(0x7f);  // NaN
  spit(path("nan.arfc"), s);
  EXPECT_HAS(error_of([&] { read_code_file_chunks(path("nan.arfc"), 2, [](int64_t, const CodeSet&) {}); }),
             "row 3, column 7");
}

TEST_F(CodeFile, Describe) {
  write_code_file(path("c.arfc"), quantize_codes(random_codes(3, 48, 4), StorageType::I8, 0xabcULL, 256, 16));
  const auto j = describe_code_file(path("c.arfc"));
  EXPECT_EQ(j["format"], "arfc-codes");
  EXPECT_EQ(j["model_fingerprint"], "0000000000000abc");
  EXPECT_EQ(j["tokens"], 3);
  EXPECT_EQ(j["dtype"], "i8");
  EXPECT_EQ(j["bytes_per_vector"], 48);
  EXPECT_NEAR(j["ratio"].get<double>(), 1024.0 / 48, 1e-9);
  EXPECT_TRUE(j.contains("scale_max"));
  EXPECT_FALSE(is_code_file(path("missing.arfc")));
}

// Code-file readers make the readers' regular-file check (a FIFO would block them).
TEST_F(CodeFile, NonRegularFilesAreRefused) {
  ASSERT_EQ(::mkfifo(path("fifo.arfc").c_str(), 0600), 0);
  for (auto reader : {+[](const std::string& q) { read_code_file(q); },
                      +[](const std::string& q) { read_code_file_header(q); }}) {
    EXPECT_HAS(error_of([&] { reader(path("fifo.arfc")); }), "'" + path("fifo.arfc") + "': not a regular file");
    EXPECT_HAS(error_of([&] { reader(path("missing.arfc")); }), "Hint: check the path");
  }
  EXPECT_HAS(error_of([&] { read_code_file_header(path("fifo.arfc")); }), "cannot read code file '");
}

TEST_F(CodeFile, MalformedFilesGiveUsefulErrors) {
  const std::string good_path = path("good.arfc");
  write_code_file(good_path, quantize_codes(random_codes(5, 16, 5), StorageType::I8, 1, 64, 16));
  const std::string good = slurp(good_path);
  ASSERT_EQ(good.size(), size_t(64 + 16 * 4 + 5 * 16 + 4));

  auto expect_error = [&](const std::string& name, const std::string& bytes, std::vector<std::string> parts) {
    SCOPED_TRACE(name);
    const std::string p = path(name);
    spit(p, bytes);
    for (auto reader : {+[](const std::string& q) { read_code_file(q); },
                        +[](const std::string& q) { read_code_file_header(q); }}) {
      const std::string msg = error_of([&] { reader(p); });
      EXPECT_HAS(msg, p);
      EXPECT_HAS(msg, "Hint");
      for (const auto& part : parts) EXPECT_HAS(msg, part);
    }
  };
  auto patched = [&](size_t off, std::initializer_list<uint8_t> bytes) {
    std::string s = good;
    for (uint8_t b : bytes) s[off++] = char(b);
    return s;
  };
  expect_error("empty.arfc", "", {"empty"});
  expect_error("magic.arfc", "NOTCODES" + good.substr(8), {"magic", "ARFCCODE", "NOTCODES"});
  expect_error("npy.arfc", "\x93NUMPY", {"magic"});
  expect_error("short.arfc", good.substr(0, 30), {"truncated", "30"});
  expect_error("cut.arfc", good.substr(0, good.size() - 1), {"field 'n'", "cut short", std::to_string(good.size())});
  expect_error("appended.arfc", good + "xxxx", {"field 'n'", "appended"});
  expect_error("version.arfc", patched(8, {4}), {"version", "expected 1 to 3, got 4", "newer"});
  expect_error("dtype_v1.arfc", patched(12, {4}), {"dtype", "4 (i4, from version 3 on)", "version 1 file, got 4"});
  expect_error("dtype.arfc", patched(12, {7}), {"dtype", "got 7"});
  expect_error("flags.arfc", patched(13, {0x80}), {"flags"});
  expect_error("huge_n.arfc", patched(40, {0, 0, 0, 0, 0, 0, 0, 0x40}), {"field 'n'", "cut short"});
  expect_error("zero_dim.arfc", patched(24, {0}), {"input_dim", "got 0"});
  expect_error("huge_values.arfc", patched(48, {0, 0, 0, 0, 0, 0, 0, 0x40}), {"n_values"});
  expect_error("partial_token.arfc", patched(48, {15}), {"n_values", "multiple"});
  expect_error("scale.arfc", patched(64, {0, 0, 0, 0}), {"scales[0]"});
  // Payload corruption is found by the checksum (full reads only).
  std::string bad = good;
  bad[64 + 64 + 3] ^= 1;
  spit(path("crc.arfc"), bad);
  EXPECT_HAS(error_of([&] { read_code_file(path("crc.arfc")); }), "checksum");
  EXPECT_NO_THROW(read_code_file_header(path("crc.arfc")));
  EXPECT_HAS(error_of([&] { read_code_file(path("missing.arfc")); }), "missing.arfc");
}

TEST_F(CodeFile, NonFiniteFloatPayloadIsRejectedDespiteAValidChecksum) {
  for (StorageType t : {StorageType::F32, StorageType::F16}) {
    const std::string p = path("nan.arfc");
    write_code_file(p, quantize_codes(random_codes(3, 16, 2), t, 1, 64, 16));
    std::string s = slurp(p);
    const size_t at = 64 + size_t(bits_per_value(t) / 8) * (16 + 5);  // row 1, column 5
    if (t == StorageType::F32) {
      s[at] = 0, s[at + 1] = 0, s[at + 2] = char(0xc0), s[at + 3] = char(0x7f);  // NaN
    } else {
      s[at] = 0, s[at + 1] = char(0x7c);  // +Inf
    }
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size() - 4));
    for (int b = 0; b < 4; ++b) s[s.size() - 4 + size_t(b)] = char((crc >> (8 * b)) & 0xff);
    spit(p, s);
    const std::string msg = error_of([&] { read_code_file(p); });
    EXPECT_HAS(msg, "row 1, column 5");
    EXPECT_HAS(msg, "finite");
  }
}

TEST_F(CodeFile, AtomicWrite) {
  const std::string p = path("c.arfc");
  write_code_file(p, quantize_codes(random_codes(50, 64, 6), StorageType::F32, 1, 256, 16));
  write_code_file(p, quantize_codes(random_codes(2, 16, 7), StorageType::I8, 2, 256, 16));  // replaces it
  EXPECT_EQ(read_code_file(p).n, 2);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "c.arfc") << "left behind: " << e.path();
  }
  EXPECT_EQ(entries, 1u);
  // An unwritable destination throws and leaves nothing behind; the old file is untouched.
  const std::string bad = path("no_such_dir/c.arfc");
  EXPECT_THROW(write_code_file(bad, quantize_codes(random_codes(2, 16, 8), StorageType::F32, 3, 256, 16)), Error);
  EXPECT_FALSE(fs::exists(path("no_such_dir")));
  EXPECT_EQ(read_code_file(p).model_fingerprint, 2u);
}

// ---------------------------------------------------------------- discrete tokens (q8)

TEST(Ratio, DiscreteTokensServeBudgetsUpToTheirCount) {
  CodeGeometry g = geo();
  g.discrete_tokens = 64;
  // 16x = 64 bytes and beyond: one discrete token per byte, down to 512x (2 bytes).
  for (auto [ratio, bytes] : std::vector<std::pair<double, int64_t>>{{16, 64}, {32, 32}, {128, 8}, {512, 2}, {1024, 1}}) {
    const CodeLayout l = choose_layout(g, CodeBudget::ratio(ratio));
    EXPECT_EQ(l.dtype, StorageType::Q8) << ratio;
    EXPECT_EQ(l.n_values, bytes) << ratio;
    EXPECT_EQ(l.bytes_per_vector, bytes) << ratio;
  }
  // Larger budgets stay continuous; fixed storage types are honoured.
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(8)).dtype, StorageType::I8);
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(64, StorageType::I8)).n_values, 16);
  EXPECT_EQ(choose_layout(g, CodeBudget::bytes(5)).n_values, 5);
  EXPECT_EQ(choose_layout(g, CodeBudget::tokens(3, StorageType::Q8)).n_values, 3);
  EXPECT_EQ(choose_layout(g, CodeBudget::ratio(2, StorageType::Q8)).n_values, 64);  // the largest that fits
  EXPECT_EQ(choose_layout(g, CodeBudget::tokens(3)).dtype, StorageType::F32);      // tokens: continuous
  EXPECT_EQ(describe_layout(choose_layout(g, CodeBudget::ratio(128)), 16),
            "8 discrete tokens, q8: 8 bytes/vector, ratio 128x");
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::ratio(2048)); }), "at most 1024x");
  EXPECT_HAS(error_of([&] { choose_layout(g, CodeBudget::tokens(65, StorageType::Q8)); }), "at most 64 discrete");
  EXPECT_HAS(error_of([] { choose_layout(geo(), CodeBudget::ratio(128, StorageType::Q8)); }), "no discrete tokens");
  // A model without discrete tokens is unchanged.
  EXPECT_HAS(error_of([] { choose_layout(geo(), CodeBudget::ratio(128)); }), "at most 64x");
  size_t q8 = 0;
  for (const CodeLayout& l : all_layouts(g)) q8 += l.dtype == StorageType::Q8;
  EXPECT_EQ(q8, 64u);
  EXPECT_EQ(parse_storage_type("q8"), StorageType::Q8);
}

TEST(Ratio, TruncatingDiscreteCodes) {
  CodeSet c = discrete_codes(std::vector<uint8_t>(10 * 16, 7), 10, 16, 1, 256, 16);
  const CodeGeometry g = c.geometry();
  CodeLayout l = choose_truncated_layout(g, CodeBudget::ratio(256), 16, StorageType::Q8);
  EXPECT_EQ(l.dtype, StorageType::Q8);
  EXPECT_EQ(l.n_values, 4);
  EXPECT_HAS(error_of([&] { choose_truncated_layout(g, CodeBudget::ratio(32), 16, StorageType::Q8); }),
             "stores only 16");
  EXPECT_HAS(error_of([&] { choose_truncated_layout(g, CodeBudget::ratio(256, StorageType::I8), 16, StorageType::Q8); }),
             "only the model");
  EXPECT_HAS(error_of([] { choose_truncated_layout(geo(), CodeBudget::ratio(256, StorageType::Q8), 64, StorageType::I8); }),
             "arfc compress --dtype q8");
  const CodeSet t = truncate_codes(c, l);
  EXPECT_EQ(t.n_values, 4);
  EXPECT_EQ(t.payload.size(), size_t(40));
  EXPECT_HAS(error_of([&] { truncate_codes(c, make_layout(256, 4, StorageType::I8)); }), "without the model");
  EXPECT_HAS(error_of([&] { dequantize_codes(c); }), "only the model");
  EXPECT_HAS(error_of([] { quantize_codes(Matrix(1, 4), StorageType::Q8, 0, 256, 1); }), "discrete tokens");
}

TEST_F(CodeFile, DiscreteTokensRoundTripAsVersion2) {
  std::vector<uint8_t> bytes(5 * 3);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(i * 17);
  CodeSet c = discrete_codes(bytes, 5, 3, 0x55ULL, 256, 16);
  c.modality = 1;
  write_code_file(path("q.arfc"), c);
  EXPECT_EQ(int64_t(fs::file_size(path("q.arfc"))), 64 + 15 + 4);
  const CodeSet r = read_code_file(path("q.arfc"));
  EXPECT_EQ(r.dtype, StorageType::Q8);
  EXPECT_EQ(r.n_values, 3);
  EXPECT_EQ(r.payload, bytes);
  EXPECT_EQ(r.modality, 1);
  EXPECT_DOUBLE_EQ(r.ratio(), 1024.0 / 3);
  const auto j = describe_code_file(path("q.arfc"));
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["dtype"], "q8");
  EXPECT_EQ(j["tokens"], 3);
  // Continuous codes are still written as version 1 (readable by older arfc).
  write_code_file(path("f.arfc"), quantize_codes(random_codes(2, 16, 1), StorageType::F16, 1, 256, 16));
  EXPECT_EQ(describe_code_file(path("f.arfc"))["version"], 1);
  // dtype 3 in a version-1 header is rejected.
  std::string raw = slurp(path("q.arfc"));
  raw[8] = 1;
  spit(path("bad.arfc"), raw);
  EXPECT_HAS(error_of([&] { read_code_file(path("bad.arfc")); }), "from version 2 on");
}
