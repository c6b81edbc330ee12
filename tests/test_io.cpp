// Embedding / label file formats: round trips, hand-crafted variants, and every malformed
// input producing an arfc::Error that names the problem.
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "arfc/io/atomic_file.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/half.h"
#include "arfc/io/json_keys.h"
#include "io_test_util.h"

namespace arfc {
namespace {
using namespace arfc::testing;
namespace fs = std::filesystem;

Matrix sample(int64_t n, int64_t d) {
  Matrix m(n, d);
  for (int64_t i = 0; i < n * d; ++i) m.data[size_t(i)] = float(i) * 0.25f - 3.0f;
  return m;
}

void expect_equal(const Matrix& a, const Matrix& b) {
  ASSERT_EQ(a.n, b.n);
  ASSERT_EQ(a.d, b.d);
  EXPECT_EQ(a.data, b.data);
}

std::string f32_payload(const std::vector<float>& v) { return raw(v); }

// ---------------------------------------------------------------- float16
TEST(Half, KnownValues) {
  EXPECT_EQ(half_to_float(0x3c00), 1.0f);
  EXPECT_EQ(half_to_float(0xc000), -2.0f);
  EXPECT_EQ(half_to_float(0x7bff), 65504.0f);
  EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0f, -14));         // smallest normal
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));         // smallest subnormal
  EXPECT_EQ(half_to_float(0x03ff), std::ldexp(1023.0f, -24));      // largest subnormal
  EXPECT_EQ(half_to_float(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(half_to_float(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(half_to_float(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
  EXPECT_TRUE(std::isnan(half_to_float(0xfc01)));
  EXPECT_TRUE(std::signbit(half_to_float(0x8000)));
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
}

TEST(Half, EveryHalfRoundTripsThroughFloat) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = half_to_float(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    ASSERT_EQ(float_to_half(f), h) << "half 0x" << std::hex << h;
  }
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);  // rounds up to inf
  EXPECT_EQ(float_to_half(1e-9f), 0x0000);
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3c00);  // tie -> even
  EXPECT_EQ(bfloat16_to_float(0x3f80), 1.0f);
}

// ---------------------------------------------------------------- npy
class Npy : public TempDirTest {};

TEST_F(Npy, WriterRoundTripAndHeaderLayout) {
  const Matrix m = sample(5, 7);
  write_matrix(path("a.npy"), m);
  expect_equal(read_matrix(path("a.npy")), m);
  const std::string bytes = read_file_bytes(path("a.npy"));
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  const size_t hl = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
  EXPECT_EQ((10 + hl) % 64, 0u);
  EXPECT_EQ(bytes[10 + hl - 1], '\n');
  EXPECT_NE(bytes.find("'descr': '<f4'"), std::string::npos);
  EXPECT_NE(bytes.find("'shape': (5, 7)"), std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + hl + 5 * 7 * 4);
}

TEST_F(Npy, EmptyMatrixRoundTrip) {
  write_matrix(path("e.npy"), Matrix(0, 3));
  const Matrix r = read_matrix(path("e.npy"));
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.d, 3);
}

TEST_F(Npy, ReadsVersionsDtypesAndHeaderVariants) {
  const std::vector<float> v = {1.5f, -2.0f, 0.0f, 4.25f, 8.0f, -0.5f};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32_payload(v)},
      {"{'shape':(2,3),'fortran_order':False,'descr':'<f4'}", f32_payload(v)},            // order, no spaces
      {"{ \"descr\" : \"=f4\" ,  'fortran_order' : False , 'shape' : ( 2 , 3 ) }", f32_payload(v)},
      {"{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3)}", f32_payload(v)},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
       raw(std::vector<double>(v.begin(), v.end()))},
  };
  for (int major : {1, 2, 3}) {
    for (size_t c = 0; c < cases.size(); ++c) {
      write("v.npy", npy(cases[c].first, cases[c].second, major));
      const Matrix m = read_matrix(path("v.npy"));
      ASSERT_EQ(m.n, 2) << "case " << c << " version " << major;
      ASSERT_EQ(m.d, 3);
      EXPECT_EQ(m.data, v) << "case " << c << " version " << major;
    }
  }
}

TEST_F(Npy, ReadsFloat16WithSubnormalInfNan) {
  const std::vector<uint16_t> h = {0x3c00, 0x0001, 0xc000, 0x7bff};
  write("h.npy", npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", raw(h)));
  const Matrix m = read_matrix(path("h.npy"));
  EXPECT_EQ(m.data, (std::vector<float>{1.0f, std::ldexp(1.0f, -24), -2.0f, 65504.0f}));
  const std::vector<uint16_t> bad = {0x3c00, 0x3c00, 0x3c00, 0x7c00};
  write("inf.npy", npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", raw(bad)));
  EXPECT_ERROR_HAS(read_matrix(path("inf.npy")), "row 1");
  ReadOptions o;
  o.allow_nonfinite = true;
  EXPECT_TRUE(std::isinf(read_matrix(path("inf.npy"), o).at(1, 1)));
}

TEST_F(Npy, BigEndianIsByteSwapped) {
  // Decision: '>f4' / '>f2' / '>f8' (and big-endian labels) are converted, not rejected.
  std::string payload;
  for (float f : {1.0f, -2.5f}) {
    std::string b = pod(f);
    std::reverse(b.begin(), b.end());
    payload += b;
  }
  write("be.npy", npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", payload));
  EXPECT_EQ(read_matrix(path("be.npy")).data, (std::vector<float>{1.0f, -2.5f}));
  write("be2.npy", npy("{'descr': '>f2', 'fortran_order': False, 'shape': (1, 1), }", std::string("\x3c\x00", 2)));
  EXPECT_EQ(read_matrix(path("be2.npy")).data, std::vector<float>{1.0f});
}

TEST_F(Npy, MalformedFilesNameTheProblem) {
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  const std::string payload = f32_payload({1, 2, 3, 4});
  auto err = [&](const std::string& bytes) {
    write("bad.npy", bytes);
    return error_of([&] { read_matrix(path("bad.npy")); });
  };
  auto has = [](const std::string& msg, const std::string& needle) {
    return msg.find(needle) != std::string::npos;
  };
  std::string m;
  EXPECT_TRUE(has(m = err(""), "empty")) << m;
  EXPECT_TRUE(has(m = err("\x93NUM"), "bad magic")) << m;
  EXPECT_TRUE(has(m = err("PK\x03\x04 this is a zip file, not npy"), "bad magic")) << m;
  std::string v9 = npy(ok_dict, payload);
  v9[6] = 9;
  EXPECT_TRUE(has(m = err(v9), "unsupported npy version 9.0")) << m;
  EXPECT_TRUE(has(m = err(npy(ok_dict, payload).substr(0, 30)), "truncated")) << m;         // cut in header
  EXPECT_TRUE(has(m = err(npy(ok_dict, payload.substr(0, 12))), "truncated")) << m;         // cut in payload
  EXPECT_TRUE(has(m = err(npy(ok_dict, payload.substr(0, 12))), "needs 16 payload bytes")) << m;
  EXPECT_TRUE(has(m = err(npy(ok_dict, payload + "xxxx")), "extra")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)", payload)),
                  "malformed npy header")) << m;
  EXPECT_TRUE(has(m = err(npy("[1, 2, 3]", payload)), "malformed npy header")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'shape': (2, 2)}", payload)), "missing key")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': 'no', 'shape': (2, 2)}", payload)),
                  "fortran_order")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2)}", payload)),
                  "negative")) << m;
  // Overlong header length (version 2.0: uint32), and a length past the end of the file.
  std::string overlong = npy(ok_dict, payload, 2);
  overlong.replace(8, 4, pod<uint32_t>(1u << 30));
  EXPECT_TRUE(has(m = err(overlong), "overlong")) << m;
  std::string past = npy(ok_dict, payload);
  past.replace(8, 2, pod<uint16_t>(60000));
  EXPECT_TRUE(has(m = err(past), "truncated")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", payload)),
                  "Fortran")) << m;
  EXPECT_TRUE(has(m, "ascontiguousarray")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 1), }", payload)),
                  "unsupported npy dtype '<c8'")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<U4', 'fortran_order': False, 'shape': (1, 1), }", payload.substr(0, 16))),
                  "unsupported npy dtype")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", payload)),
                  "structured")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", payload)),
                  "3 dimension")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", payload)),
                  "expected a 2-D")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 1), }", payload)),
                  "int64")) << m;
  // Declared sizes far beyond the file and beyond int64: rejected before any allocation.
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 100000), }",
                              payload)), "refusing to allocate")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                              payload)), "refusing to allocate")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 4), }",
                              payload)), "too large")) << m;
  EXPECT_TRUE(has(m = err(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 0), }", "")), "d = 0")) << m;
  // Every message names the file.
  EXPECT_TRUE(has(m, path("bad.npy"))) << m;
}

TEST_F(Npy, CapIsAppliedBeforeAllocating) {
  write_matrix(path("c.npy"), sample(100, 10));  // 4000 payload bytes
  ReadOptions o;
  o.max_bytes = 1000;
  EXPECT_ERROR_HAS(read_matrix(path("c.npy"), o), "limit of 1000 bytes");
  o.max_bytes = 4000;
  EXPECT_EQ(read_matrix(path("c.npy"), o).n, 100);
}

TEST_F(Npy, NanIsReportedWithItsRow) {
  Matrix m = sample(6, 3);
  m.at(4, 1) = std::numeric_limits<float>::quiet_NaN();
  write_matrix(path("nan.npy"), m);
  const std::string msg = error_of([&] { read_matrix(path("nan.npy")); });
  EXPECT_NE(msg.find("row 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path("nan.npy")), std::string::npos) << msg;
  ReadOptions o;
  o.allow_nonfinite = true;
  EXPECT_TRUE(std::isnan(read_matrix(path("nan.npy"), o).at(4, 1)));
}

TEST_F(Npy, MissingFileAndDirectory) {
  EXPECT_ERROR_HAS(read_matrix(path("nope.npy")), "No such file");
  EXPECT_ERROR_HAS(read_matrix(path("nope.npy")), path("nope.npy"));
  EXPECT_ERROR_HAS(read_matrix(dir_), "directory");
}

TEST_F(Npy, ExtensionDecidesFormatButMagicWins) {
  EXPECT_EQ(format_from_path("/a/b.NPY"), FileFormat::Npy);
  EXPECT_EQ(format_from_path("x.fvecs"), FileFormat::Fvecs);
  EXPECT_EQ(format_from_path("x.fbin"), FileFormat::Fbin);
  EXPECT_EQ(format_from_path("x.safetensors"), FileFormat::Safetensors);
  EXPECT_ERROR_HAS(format_from_path("x.csv"), "unknown extension '.csv'");
  EXPECT_ERROR_HAS(format_from_path("dir.npy/file"), "unknown extension ''");
  const Matrix m = sample(3, 2);
  write_matrix(path("a.npy"), m);
  fs::rename(path("a.npy"), path("a.bin"));
  expect_equal(read_matrix(path("a.bin")), m);
  EXPECT_ERROR_HAS(write_matrix(path("x.txt"), m), "unknown extension");
}

// ---------------------------------------------------------------- labels
class LabelsIo : public TempDirTest {};

TEST_F(LabelsIo, RoundTripAndIntegerVariants) {
  const Labels y = {0, 3, 1, 9, 2};
  write_labels(path("y.npy"), y);
  EXPECT_EQ(read_labels(path("y.npy")), y);
  EXPECT_NE(read_file_bytes(path("y.npy")).find("'descr': '<i8', 'fortran_order': False, 'shape': (5,)"),
            std::string::npos);
  write("u1.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", std::string("\x01\x00\xff", 3)));
  EXPECT_EQ(read_labels(path("u1.npy")), (Labels{1, 0, 255}));
  write("i1.npy", npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", std::string("\xff\x05", 2)));
  EXPECT_EQ(read_labels(path("i1.npy")), (Labels{-1, 5}));
  write("i4.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1), }", raw(std::vector<int32_t>{7, -3})));
  EXPECT_EQ(read_labels(path("i4.npy")), (Labels{7, -3}));
  write("be.npy", npy("{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }", std::string("\x01\x02", 2)));
  EXPECT_EQ(read_labels(path("be.npy")), (Labels{258}));
}

TEST_F(LabelsIo, RejectsNonIntegerAndWrongShape) {
  write("f.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", raw(std::vector<float>{1, 2})));
  EXPECT_ERROR_HAS(read_labels(path("f.npy")), "expected an integer type");
  write("m.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", raw(std::vector<int64_t>{1, 2, 3, 4})));
  EXPECT_ERROR_HAS(read_labels(path("m.npy")), "expected a 1-D vector");
  write("big.npy", npy("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", pod<uint64_t>(~uint64_t(0))));
  EXPECT_ERROR_HAS(read_labels(path("big.npy")), "does not fit int64");
  write("y.fvecs", "abcd");
  EXPECT_ERROR_HAS(read_labels(path("y.fvecs")), "labels must be a .npy");
  write("e.npy", "");
  EXPECT_ERROR_HAS(read_labels(path("e.npy")), "empty");
  EXPECT_ERROR_HAS(write_labels(path("y.txt"), {1}), "expected a .npy path");
}

// ---------------------------------------------------------------- fvecs / fbin
class Vecs : public TempDirTest {};

TEST_F(Vecs, RoundTrips) {
  const Matrix m = sample(9, 5);
  write_matrix(path("a.fvecs"), m);
  EXPECT_EQ(fs::file_size(path("a.fvecs")), 9u * (4 + 5 * 4));
  expect_equal(read_matrix(path("a.fvecs")), m);
  write_matrix(path("a.fbin"), m);
  EXPECT_EQ(fs::file_size(path("a.fbin")), 8u + 9 * 5 * 4);
  expect_equal(read_matrix(path("a.fbin")), m);
  // Forced format on an odd extension.
  write_matrix(path("a.dat"), m, FileFormat::Fvecs);
  ReadOptions o;
  o.format = FileFormat::Fvecs;
  expect_equal(read_matrix(path("a.dat"), o), m);
}

// Out of core: a matrix streamed in chunks gives the same file as write_matrix, in every
// format, and reads back chunk by chunk; a writer destroyed before commit leaves nothing.
TEST_F(Vecs, StreamedWriteAndChunkedReadInEveryFormat) {
  const Matrix m = sample(9, 5);
  for (const std::string ext : {".npy", ".fvecs", ".fbin", ".safetensors"}) {
    write_matrix(path("whole" + ext), m);
    MatrixWriter w(path("streamed" + ext), m.n, m.d);
    for (int64_t r0 = 0; r0 < m.n; r0 += 4) w.append(slice_rows(m, r0, std::min<int64_t>(m.n, r0 + 4)));
    w.commit();
    EXPECT_EQ(read_file_bytes(path("whole" + ext)), read_file_bytes(path("streamed" + ext))) << ext;
    EXPECT_EQ(read_matrix_shape(path("whole" + ext)).n, 9) << ext;
    Matrix back(0, m.d);
    read_matrix_chunks(path("whole" + ext), {}, 2, [&](int64_t row0, const Matrix& rows) {
      EXPECT_EQ(row0, back.n);
      EXPECT_LE(rows.n, 2);
      back.data.insert(back.data.end(), rows.data.begin(), rows.data.end());
      back.n += rows.n;
    });
    expect_equal(back, m);
  }
  {
    MatrixWriter abandoned(path("abandoned.npy"), 3, 2);
  }
  EXPECT_FALSE(fs::exists(path("abandoned.npy")));
}

// Selected rows (what a data-parallel rank reads): the same values as gathering them from
// the whole matrix, in every format; bad row lists and non-finite selected rows are named.
TEST_F(Vecs, SelectedRowsInEveryFormat) {
  const Matrix m = sample(9, 5);
  const std::vector<int64_t> rows = {0, 2, 3, 4, 8};
  for (const std::string ext : {".npy", ".fvecs", ".fbin", ".safetensors"}) {
    write_matrix(path("sel" + ext), m);
    expect_equal(read_matrix_rows(path("sel" + ext), rows), gather_rows(m, rows));
    EXPECT_EQ(read_matrix_rows(path("sel" + ext), {}).n, 0) << ext;
  }
  EXPECT_ERROR_HAS(read_matrix_rows(path("sel.npy"), {1, 9}), "row 9 asked for, but the file has 9 rows");
  EXPECT_ERROR_HAS(read_matrix_rows(path("sel.npy"), {3, 3}), "must ascend without repeats");
  Matrix bad = m;
  bad.at(6, 1) = std::nanf("");
  write_matrix(path("nan.npy"), bad);
  EXPECT_NO_THROW(read_matrix_rows(path("nan.npy"), {0, 5, 7}));
  EXPECT_ERROR_HAS(read_matrix_rows(path("nan.npy"), {0, 5, 6}), "row 6");
}

TEST_F(Vecs, FvecsMalformed) {
  auto row = [](int32_t d, std::vector<float> v) { return pod(d) + raw(v); };
  write("mix.fvecs", row(2, {1, 2}) + row(3, {1, 2, 3}) + row(2, {1}));  // 12+16+8 = 36 = 3 rows of 12
  EXPECT_ERROR_HAS(read_matrix(path("mix.fvecs")), "row 1 declares dimension 3");
  write("trunc.fvecs", row(2, {1, 2}) + row(2, {1}));
  EXPECT_ERROR_HAS(read_matrix(path("trunc.fvecs")), "not a multiple of the row size 12");
  write("zero.fvecs", row(0, {}));
  EXPECT_ERROR_HAS(read_matrix(path("zero.fvecs")), "declares dimension 0");
  write("neg.fvecs", row(-5, {1}));
  EXPECT_ERROR_HAS(read_matrix(path("neg.fvecs")), "declares dimension -5");
  write("huge.fvecs", row(1 << 30, {1}));
  EXPECT_ERROR_HAS(read_matrix(path("huge.fvecs")), "declares dimension 1073741824");
  write("e.fvecs", "");
  EXPECT_ERROR_HAS(read_matrix(path("e.fvecs")), "empty");
  write("short.fvecs", "ab");
  EXPECT_ERROR_HAS(read_matrix(path("short.fvecs")), "truncated");
  write("nan.fvecs", row(1, {1}) + row(1, {2}) + row(1, {std::numeric_limits<float>::infinity()}));
  EXPECT_ERROR_HAS(read_matrix(path("nan.fvecs")), "row 2");
}

TEST_F(Vecs, FbinMalformed) {
  write("t.fbin", pod<uint32_t>(3) + pod<uint32_t>(2) + raw(std::vector<float>{1, 2, 3, 4}));
  EXPECT_ERROR_HAS(read_matrix(path("t.fbin")), "truncated");
  write("x.fbin", pod<uint32_t>(1) + pod<uint32_t>(2) + raw(std::vector<float>{1, 2, 3}));
  EXPECT_ERROR_HAS(read_matrix(path("x.fbin")), "extra bytes");
  write("d0.fbin", pod<uint32_t>(1) + pod<uint32_t>(0));
  EXPECT_ERROR_HAS(read_matrix(path("d0.fbin")), "d=0");
  write("h.fbin", "abc");
  EXPECT_ERROR_HAS(read_matrix(path("h.fbin")), "8-byte .fbin header");
  write("big.fbin", pod<uint32_t>(4000000000u) + pod<uint32_t>(4000000) + "xx");
  ReadOptions o;
  o.max_bytes = int64_t(1) << 30;
  EXPECT_ERROR_HAS(read_matrix(path("big.fbin"), o), "refusing to allocate");
}

// ---------------------------------------------------------------- safetensors
class Safetensors : public TempDirTest {
 protected:
  std::string st(const std::string& json, const std::string& buffer) {
    return pod<uint64_t>(json.size()) + json + buffer;
  }
};

TEST_F(Safetensors, RoundTripAndSelection) {
  const Matrix m = sample(4, 3);
  write_matrix(path("a.safetensors"), m, FileFormat::Auto, "emb");
  expect_equal(read_matrix(path("a.safetensors")), m);
  ReadOptions o;
  o.tensor_name = "emb";
  expect_equal(read_matrix(path("a.safetensors"), o), m);
  const std::string bytes = read_file_bytes(path("a.safetensors"));
  uint64_t hl;
  std::memcpy(&hl, bytes.data(), 8);
  EXPECT_EQ(hl % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + hl + 48);

  // Two 2-D tensors + a 1-D one; F16 and F64 data.
  const std::string j =
      R"({"__metadata__":{"k":"v"},"a":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F64","shape":[2,1],"data_offsets":[4,20]},"c":{"dtype":"F32","shape":[1],"data_offsets":[20,24]}})";
  const std::string buf = raw(std::vector<uint16_t>{0x3c00, 0xc000}) + raw(std::vector<double>{0.5, 3.0}) + pod(7.0f);
  write("two.safetensors", st(j, buf));
  const std::string msg = error_of([&] { read_matrix(path("two.safetensors")); });
  EXPECT_NE(msg.find("several 2-D tensors"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
  o.tensor_name = "a";
  EXPECT_EQ(read_matrix(path("two.safetensors"), o).data, (std::vector<float>{1.0f, -2.0f}));
  o.tensor_name = "b";
  const Matrix b = read_matrix(path("two.safetensors"), o);
  EXPECT_EQ(b.n, 2);
  EXPECT_EQ(b.data, (std::vector<float>{0.5f, 3.0f}));
  o.tensor_name = "c";
  EXPECT_ERROR_HAS(read_matrix(path("two.safetensors"), o), "expected a 2-D");
  o.tensor_name = "zz";
  EXPECT_ERROR_HAS(read_matrix(path("two.safetensors"), o), "no tensor named 'zz'");
}

TEST_F(Safetensors, Malformed) {
  auto err = [&](const std::string& bytes) {
    write("bad.safetensors", bytes);
    return error_of([&] { read_matrix(path("bad.safetensors")); });
  };
  auto has = [](const std::string& m, const char* n) { return m.find(n) != std::string::npos; };
  const std::string four = raw(std::vector<float>{1, 2, 3, 4});
  std::string m;
  EXPECT_TRUE(has(m = err(""), "empty")) << m;
  EXPECT_TRUE(has(m = err("abc"), "truncated")) << m;
  EXPECT_TRUE(has(m = err(pod<uint64_t>(uint64_t(1) << 40) + "{}"), "overlong")) << m;
  EXPECT_TRUE(has(m = err(pod<uint64_t>(100) + "{}"), "truncated")) << m;
  EXPECT_TRUE(has(m = err(st("{not json", four)), "not valid JSON")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,32]}})", four)),
                  "outside the 16-byte data buffer")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"F32","shape":[2,2],"data_offsets":[8,4]}})", four)),
                  "outside")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}})", four)),
                  "needs 24 bytes but data_offsets span 16")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}})", four)),
                  "dtype I32")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", four)),
                  "no 2-D tensor")) << m;
  EXPECT_TRUE(has(m = err(st(R"({"x":{"dtype":"F32","shape":[2,2]}})", four)), "lacks")) << m;
}

// ---------------------------------------------------------------- JSON nesting
// Every JSON text from a file or the command line is checked before it is parsed: deeply
// nested text crashed the parser's callers (stack) or exhausted memory (meta.json dumps).
TEST(JsonDepth, DeepTextIsRefusedBeforeParsing) {
  using arfc::detail::json_depth_within;
  EXPECT_TRUE(json_depth_within(R"({"a": [1, {"b": [2]}]})", 4));
  EXPECT_FALSE(json_depth_within(R"({"a": [1, {"b": [2]}]})", 3));
  EXPECT_TRUE(json_depth_within(R"({"a": "[[[[{{{{ \" [[["})", 1));  // brackets in strings do not count
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(json_depth_within(deep));
  EXPECT_ERROR_HAS(arfc::detail::check_json_depth(deep, "config 'x.json'"),
                   "config 'x.json': JSON nested more than 64 levels deep");
}

// ---------------------------------------------------------------- atomic writes
class Atomic : public TempDirTest {
 protected:
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(Atomic, LeavesNoTempFile) {
  write_file_atomic(path("f.bin"), "hello");
  write_matrix(path("m.npy"), sample(2, 2));
  write_matrix(path("m.fvecs"), sample(2, 2));
  write_matrix(path("m.safetensors"), sample(2, 2));
  EXPECT_EQ(listing(), (std::vector<std::string>{"f.bin", "m.fvecs", "m.npy", "m.safetensors"}));
  EXPECT_EQ(read_file_bytes(path("f.bin")), "hello");
  write_file_atomic(path("f.bin"), "replaced");
  EXPECT_EQ(read_file_bytes(path("f.bin")), "replaced");
}

TEST_F(Atomic, MissingDirectoryIsNamedAndNothingIsWritten) {
  const std::string msg = error_of([&] { write_matrix(path("no/such/dir/m.npy"), sample(2, 2)); });
  EXPECT_NE(msg.find("directory '" + path("no/such/dir") + "' does not exist"), std::string::npos) << msg;
  EXPECT_TRUE(listing().empty());
  EXPECT_ERROR_HAS(write_file_atomic(dir_, "x"), "is a directory");
}

// Every reader checks a file before it opens it: a FIFO would block it, a device would
// read without end, a directory holds no data.
TEST_F(Atomic, ReadersRefuseWhatIsNotARegularFile) {
  write_file_atomic(path("f.bin"), "hello");
  EXPECT_EQ(regular_file_size(path("f.bin")), 5);
  ASSERT_EQ(::mkfifo(path("fifo.npy").c_str(), 0600), 0);
  EXPECT_ERROR_HAS(regular_file_size(path("fifo.npy"), "code file"),
                   "cannot read code file '" + path("fifo.npy") + "': not a regular file");
  EXPECT_ERROR_HAS(read_matrix(path("fifo.npy")), "not a regular file");
  EXPECT_ERROR_HAS(regular_file_size("/dev/null"), "not a regular file");
  EXPECT_ERROR_HAS(read_matrix(dir_ + "/"), "it is a directory");
  EXPECT_ERROR_HAS(regular_file_size(path("missing.npy")), "Hint: check the path");
}

// The temp is renamed over the output: a FIFO or device there would become a regular file
// (as root, /dev/null itself), so writers refuse them; a symbolic link is followed to its
// file, which is replaced, and the link stays.
TEST_F(Atomic, WritersRefuseDevicesAndFollowLinks) {
  ASSERT_EQ(::mkfifo(path("fifo.arfc").c_str(), 0600), 0);
  EXPECT_ERROR_HAS(write_file_atomic(path("fifo.arfc"), "x"), "is not a regular file");
  EXPECT_FALSE(fs::is_regular_file(path("fifo.arfc")));  // still the FIFO
  write_file_atomic(path("target.bin"), "old");
  fs::create_symlink("target.bin", path("link.bin"));
  write_file_atomic(path("link.bin"), "new");
  EXPECT_TRUE(fs::is_symlink(path("link.bin")));
  EXPECT_EQ(read_file_bytes(path("target.bin")), "new");
  fs::create_symlink("later.bin", path("dangling.bin"));  // a link to a file not yet written
  write_file_atomic(path("dangling.bin"), "made");
  EXPECT_EQ(read_file_bytes(path("later.bin")), "made");
  fs::create_symlink("loop.bin", path("loop.bin"));
  EXPECT_ERROR_HAS(write_file_atomic(path("loop.bin"), "x"), "too many levels of symbolic links");
  EXPECT_EQ(listing(), (std::vector<std::string>{"dangling.bin", "fifo.arfc", "later.bin", "link.bin", "loop.bin",
                                                  "target.bin"}));
}

TEST_F(Atomic, FailedWriteKeepsOldFileAndRemovesTemp) {
  write_file_atomic(path("keep.npy"), "old contents");
  try {
    AtomicWriter w(path("keep.npy"));
    w.write("half of the new ");
    EXPECT_TRUE(fs::exists(w.temp_path()));
    throw std::runtime_error("simulated failure mid-write");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file_bytes(path("keep.npy")), "old contents");
  EXPECT_EQ(listing(), std::vector<std::string>{"keep.npy"});
}

TEST_F(Atomic, ReadFileBytesRespectsCap) {
  write_file_atomic(path("f"), std::string(100, 'x'));
  EXPECT_ERROR_HAS(read_file_bytes(path("f"), 99), "exceeds the limit of 99");
  EXPECT_EQ(read_file_bytes(path("f"), 100).size(), 100u);
}

// ---------------------------------------------------------------- inspect
class Inspect : public TempDirTest {};

TEST_F(Inspect, FloatStats) {
  Matrix m(2, 2);
  m.data = {3, 4, 0, 0};
  write_matrix(path("m.fvecs"), m);
  const FileInfo i = inspect_file(path("m.fvecs"));
  EXPECT_EQ(i.format, "fvecs");
  EXPECT_EQ(i.dtype, "float32");
  EXPECT_EQ(i.kind, "matrix");
  EXPECT_EQ(i.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(i.file_bytes, 2 * 12);
  EXPECT_TRUE(i.has_stats);
  EXPECT_DOUBLE_EQ(i.min, 0);
  EXPECT_DOUBLE_EQ(i.max, 4);
  EXPECT_DOUBLE_EQ(i.mean, 1.75);
  EXPECT_NEAR(i.std, std::sqrt(25.0 / 4 - 1.75 * 1.75), 1e-12);
  EXPECT_DOUBLE_EQ(i.mean_norm, 2.5);
  EXPECT_EQ(i.nonfinite, 0);
}

TEST_F(Inspect, NonfiniteFloat16AndHeaderOnly) {
  const std::vector<uint16_t> h = {0x3c00, 0x7e00, 0x7c00, 0x4000};
  write("h.npy", npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", raw(h)));
  const FileInfo i = inspect_file(path("h.npy"));
  EXPECT_EQ(i.dtype, "float16");
  EXPECT_EQ(i.nonfinite, 2);
  EXPECT_DOUBLE_EQ(i.min, 1);
  EXPECT_DOUBLE_EQ(i.max, 2);
  const FileInfo q = inspect_file(path("h.npy"), false);
  EXPECT_FALSE(q.has_stats);
  EXPECT_EQ(q.shape, (std::vector<int64_t>{2, 2}));
}

TEST_F(Inspect, LabelsAndSafetensors) {
  write_labels(path("y.npy"), {4, 4, 1, 7, 1});
  const FileInfo y = inspect_file(path("y.npy"));
  EXPECT_EQ(y.kind, "labels");
  EXPECT_EQ(y.dtype, "int64");
  EXPECT_EQ(y.num_classes, 3);
  EXPECT_EQ(y.shape, std::vector<int64_t>{5});
  write_matrix(path("s.safetensors"), sample(3, 4), FileFormat::Auto, "feat");
  const FileInfo s = inspect_file(path("s.safetensors"));
  EXPECT_EQ(s.format, "safetensors");
  EXPECT_EQ(s.tensor, "feat");
  EXPECT_EQ(s.shape, (std::vector<int64_t>{3, 4}));
  write("bad.npy", "garbage");
  EXPECT_ERROR_HAS(inspect_file(path("bad.npy")), "bad magic");
}

}  // namespace
}  // namespace arfc
