// `arfc compress / truncate / decompress / export` end to end: runs the built binary
// (ARFC_BINARY) on files written to a temporary directory. compress/decompress need the
// committed model fixture tests/data/model_v1.arfc and skip without it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "arfc/model/arfc_model.h"
#include "arfc/search/code_index.h"
#include "io_test_util.h"

using namespace arfc;
namespace fs = std::filesystem;

namespace {
using arfc::testing::CliResult;

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "text: " << (text)

Matrix random_matrix(int64_t n, int64_t d, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Matrix m(n, d);
  for (float& v : m.data) v = nd(rng);
  return m;
}

class CliCodes : public arfc::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (!fs::exists(ARFC_BINARY)) GTEST_SKIP() << "binary not built: " << ARFC_BINARY;
  }

  CliResult run(const std::string& args) { return arfc::testing::run_cli(ARFC_BINARY, args, path("stderr.txt")); }

  // 10 codes of 4 tokens (w = 16, D = 256) as f32: ratio 4.
  std::string stored_codes(StorageType t = StorageType::F32) {
    const std::string p = path("codes.arfc");
    write_code_file(p, quantize_codes(random_matrix(10, 64, 1), t, 0x1234, 256, 16));
    return p;
  }
};

// eval writes its report either way; a cell that failed (here: a classification model on
// a retrieval set) makes the exit code 3, naming the cell, so that scripts see it.
TEST_F(CliCodes, EvalExitsThreeWhenCellsFail) {
  FeatureSet s;
  s.name = "tiny";
  s.task = Task::Retrieval;
  s.train_x = random_matrix(60, 32, 1);
  s.test_x = random_matrix(20, 32, 2);
  for (int64_t i = 0; i < 60; ++i) s.train_y.push_back(i % 3);
  for (int64_t i = 0; i < 20; ++i) s.test_y.push_back(3 + i % 2);
  save_feature_set(path("set"), s);
  const std::string model = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";  // classification, D = 32
  CliResult r = run("eval --data " + path("set") + " --methods pca --ratios 8 --threads 1 --out " + path("ok"));
  EXPECT_EQ(r.code, 0) << r.err;
  r = run("eval --data " + path("set") + " --methods pca,arfc:" + model + " --ratios 4,8 --threads 1 --out " +
          path("bad"));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_HAS(r.err, "eval: 2 cells failed (first: arfc:");
  EXPECT_HAS(r.err, "was trained for task classification");
  EXPECT_HAS(r.err, "is written and marks them");
  EXPECT_TRUE(fs::exists(path("bad/report.md")));
}

TEST_F(CliCodes, TruncateByRatioTokensBytes) {
  const std::string in = stored_codes();
  CliResult r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 32");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "2 tokens (32 values), i8: 32 bytes/vector, ratio 32x");
  CodeSet t = read_code_file(path("t.arfc"));
  EXPECT_EQ(t.n, 10);
  EXPECT_EQ(t.n_values, 32);
  EXPECT_EQ(t.dtype, StorageType::I8);
  EXPECT_EQ(t.model_fingerprint, 0x1234u);

  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --tokens 3");
  ASSERT_EQ(r.code, 0) << r.err;
  t = read_code_file(path("t.arfc"));
  EXPECT_EQ(t.n_values, 48);
  EXPECT_EQ(t.dtype, StorageType::F32);  // --tokens keeps the stored type

  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --bytes 100 --dtype f16");
  ASSERT_EQ(r.code, 0) << r.err;
  t = read_code_file(path("t.arfc"));
  EXPECT_EQ(t.n_values, 48);
  EXPECT_EQ(t.dtype, StorageType::F16);

  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 8 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "\"format\": \"arfc-codes\"");
}

TEST_F(CliCodes, TruncateErrors) {
  const std::string in = stored_codes(StorageType::I8);  // 4 tokens of i8: 16x
  // Needs more values than stored: runtime error, exit 1, nothing written.
  CliResult r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 8");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "stores only 64 values");
  EXPECT_FALSE(fs::exists(path("t.arfc")));
  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --tokens 5");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "at most 4 tokens");
  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "> 1");
  r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 1000");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "at most 64x");
  // Usage errors: exit 2.
  EXPECT_EQ(run("truncate --in " + in + " --out " + path("t.arfc")).code, 2);  // no budget
  EXPECT_EQ(run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 8 --tokens 2").code, 2);
  EXPECT_EQ(run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 8 --dtype f64").code, 2);
  EXPECT_EQ(run("truncate --in " + path("missing.arfc") + " --out " + path("t.arfc") + " --ratio 8").code, 2);
  // Not a code file.
  write_matrix(path("x.npy"), random_matrix(2, 3, 2));
  r = run("truncate --in " + path("x.npy") + " --out " + path("t.arfc") + " --ratio 8");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "magic");
}

TEST_F(CliCodes, Export) {
  const std::string in = stored_codes(StorageType::I8);
  for (const std::string ext : {".npy", ".fvecs", ".fbin"}) {
    const CliResult r = run("export --in " + in + " --out " + path("x" + ext));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_HAS(r.out, "10 x 64 float32");
    const Matrix x = read_matrix(path("x" + ext));
    EXPECT_EQ(x.data, dequantize_codes(read_code_file(in)).data) << ext;
  }
  const CliResult r = run("export --in " + in + " --out " + path("x.txt"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "unknown extension");
}

TEST_F(CliCodes, Int4CodesTruncateAndDescribe) {
  const Matrix v = random_matrix(10, 64, 4);
  const std::string in = path("i4.arfc");
  write_code_file(in, quantize_codes(v, StorageType::I4, 0x77, 256, 16, false, calibrate_scales(v, StorageType::I4)));
  CliResult r = run("truncate --in " + in + " --out " + path("t.arfc") + " --ratio 64");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "2 tokens (32 values), i4: 16 bytes/vector, ratio 64x");
  const CodeSet t = read_code_file(path("t.arfc"));
  EXPECT_EQ(t.dtype, StorageType::I4);
  EXPECT_EQ(t.payload.size(), size_t(10 * 16));
  r = run("info " + path("t.arfc"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "i4");
  // An int8 file has no int4 calibration: asking for i4 says how to get it.
  write_code_file(path("i8.arfc"), quantize_codes(v, StorageType::I8, 0x77, 256, 16));
  r = run("truncate --in " + path("i8.arfc") + " --out " + path("t.arfc") + " --ratio 64 --dtype i4");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "arfc compress --dtype i4");
}

class CliCodesWithModel : public CliCodes {
 protected:
  void SetUp() override {
    CliCodes::SetUp();
    if (IsSkipped()) return;
    model_ = std::string(ARFC_TEST_DATA) + "/model_v1.arfc";
    if (!fs::exists(model_)) GTEST_SKIP() << "model fixture missing: " << model_;
  }
  std::string model_;
};

TEST_F(CliCodesWithModel, CompressTruncateDecompress) {
  const ArfcModel m = ArfcModel::load(model_);
  const CodeGeometry g = m.geometry();
  write_matrix(path("x.npy"), random_matrix(6, g.input_dim, 3));

  // One token of i8 is the smallest code: its ratio is the model's maximum.
  const double max_ratio = 4.0 * double(g.input_dim) / double(g.token_width);
  CliResult r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("c.arfc") +
                    " --tokens " + std::to_string(g.max_tokens) + " --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "compressed 6 vectors");
  CodeSet c = read_code_file(path("c.arfc"));
  EXPECT_EQ(c.n, 6);
  EXPECT_EQ(c.n_values, g.max_values());
  EXPECT_EQ(c.dtype, StorageType::F32);
  EXPECT_EQ(c.model_fingerprint, m.fingerprint());

  // A model written before i4 storage has no int4 calibration: its budgets keep int8, and
  // --dtype i4 is refused with the reason.
  r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("c4.arfc") +
          " --ratio 16 --dtype i4 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "no calibrated int4 scales");
  EXPECT_FALSE(fs::exists(path("c4.arfc")));

  // Prefix property: truncating the stored code equals compressing at the shorter length.
  r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("c1.arfc") +
          " --tokens 1 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run("truncate --in " + path("c.arfc") + " --out " + path("t1.arfc") + " --tokens 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const Matrix a = dequantize_codes(read_code_file(path("c1.arfc")));
  const Matrix b = dequantize_codes(read_code_file(path("t1.arfc")));
  ASSERT_EQ(a.data.size(), b.data.size());
  for (size_t k = 0; k < a.data.size(); ++k) EXPECT_NEAR(a.data[k], b.data[k], 1e-4f);

  r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("c.arfc") + " --ratio " +
          std::to_string(max_ratio * 2) + " --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "beyond this model");

  // Wrong input dimension: the error names both.
  write_matrix(path("bad.npy"), random_matrix(2, g.input_dim + 1, 4));
  r = run("compress --model " + model_ + " --in " + path("bad.npy") + " --out " + path("c2.arfc") +
          " --ratio 8 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "expected D = " + std::to_string(g.input_dim));
  EXPECT_HAS(r.err, "got D = " + std::to_string(g.input_dim + 1));

  // Decompress: right model works; another fingerprint is refused unless --force.
  r = run("decompress --model " + model_ + " --in " + path("c.arfc") + " --out " + path("xhat.npy") + " --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const Matrix xhat = read_matrix(path("xhat.npy"));
  EXPECT_EQ(xhat.n, 6);
  EXPECT_EQ(xhat.d, g.input_dim);
  // Codes of a second modality against a one-modality model: the error names the code file
  // (decompress has no --modality option to blame).
  CodeSet second = c;
  second.modality = 1;
  write_code_file(path("second.arfc"), second);
  r = run("decompress --model " + model_ + " --in " + path("second.arfc") + " --out " + path("y.npy") + " --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "second.arfc' (modality 1): model");
  c.model_fingerprint ^= 1;
  write_code_file(path("other.arfc"), c);
  r = run("decompress --model " + model_ + " --in " + path("other.arfc") + " --out " + path("y.npy") + " --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "fingerprint");
  EXPECT_HAS(r.err, "--force");
  r = run("decompress --model " + model_ + " --in " + path("other.arfc") + " --out " + path("y.npy") +
          " --force --threads 1");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.err, "warning");
}

// Outputs are checked before any work: --out naming an input is refused (the input stays
// intact), so is a missing directory or a regular file as the report directory; --threads
// is bounded; codes that decode to Inf (a huge, hand-edited scale) are refused, no output.
TEST_F(CliCodesWithModel, RefusesBadOutputsBeforeWorking) {
  const ArfcModel m = ArfcModel::load(model_);
  write_matrix(path("x.npy"), random_matrix(6, m.geometry().input_dim, 3));
  const auto size_before = fs::file_size(path("x.npy"));
  CliResult r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("x.npy") +
                    " --ratio 8 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "same file as --in");
  EXPECT_EQ(fs::file_size(path("x.npy")), size_before);
  fs::copy_file(model_, path("m.arfc"));
  r = run("compress --model " + path("m.arfc") + " --in " + path("x.npy") + " --out " + path("m.arfc") +
          " --ratio 8 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "same file as --model");
  EXPECT_NO_THROW(ArfcModel::load(path("m.arfc")));
  r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("nodir/c.arfc") + " --ratio 8");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "does not exist");
  r = run("compress --model " + model_ + " --in " + path("x.npy") + " --out " + path("c.arfc") + " --threads 100000");
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--threads");
  r = run("train --train " + path("x.npy") + " --out " + path("x.npy") + " --epochs 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "same file as --train");
  EXPECT_EQ(fs::file_size(path("x.npy")), size_before);
  std::FILE* f = std::fopen(path("afile").c_str(), "w");
  std::fclose(f);
  r = run("eval --data " + path("nodata") + " --out " + path("afile"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "is not a directory");

  CodeSet c = quantize_codes(random_matrix(4, 64, 5), StorageType::I8, 0x1234, 256, 16);
  c.scales[0] = 3e38f;  // finite, but 127 steps of it are not
  write_code_file(path("huge.arfc"), c);
  r = run("export --in " + path("huge.arfc") + " --out " + path("huge.npy"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "expected finite values");
  EXPECT_FALSE(fs::exists(path("huge.npy")));
}

// Out-of-core compress: chunks (whole encoder batches) give the same file as one chunk,
// for f32, i8 (the calibration is the model's, not the chunk's) and q8;
// a NaN in a later chunk is named by its row in the whole file and leaves no output.
TEST_F(CliCodes, ChunkedCompressEqualsOneChunk) {
  const std::string model = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";  // calibrated, with q8 tokens
  if (!fs::exists(model)) GTEST_SKIP() << "model fixture missing: " << model;
  const ArfcModel m = ArfcModel::load(model);
  ASSERT_TRUE(m.calibrated());
  Matrix x = random_matrix(2 * ArfcModel::kEncodeBatch + 5, m.geometry().input_dim, 5);  // 3 chunks
  write_matrix(path("x.fbin"), x);
  for (const std::string budget : {"--ratio 8 --dtype i8", "--tokens 2", "--bytes 3"}) {
    CliResult r = run("compress --model " + model + " --in " + path("x.fbin") + " --out " + path("one.arfc") + " " +
                      budget + " --threads 1");
    ASSERT_EQ(r.code, 0) << r.err;
    r = run("compress --model " + model + " --in " + path("x.fbin") + " --out " + path("chunked.arfc") + " " +
            budget + " --chunk-rows 1 --threads 1");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(read_file_bytes(path("one.arfc")), read_file_bytes(path("chunked.arfc"))) << budget;
    // Streamed decompress and export: the same matrices in chunks as in one.
    for (const std::string cmd : {"decompress --model " + model + " --threads 1", "export --model " + model}) {
      r = run(cmd + " --in " + path("one.arfc") + " --out " + path("one.npy"));
      ASSERT_EQ(r.code, 0) << r.err;
      r = run(cmd + " --in " + path("one.arfc") + " --out " + path("chunked.npy") + " --chunk-rows 1");
      ASSERT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(read_file_bytes(path("one.npy")), read_file_bytes(path("chunked.npy"))) << budget << ": " << cmd;
    }
  }
  // A payload byte in the last chunk corrupted: decompress names the checksum and writes nothing.
  std::string bytes = read_file_bytes(path("one.arfc"));
  bytes[bytes.size() - 10] ^= 0x40;
  write_file_atomic(path("corrupt.arfc"), bytes);
  CliResult bad = run("decompress --model " + model + " --in " + path("corrupt.arfc") + " --out " +
                      path("corrupt.npy") + " --chunk-rows 1 --threads 1");
  EXPECT_EQ(bad.code, 1);
  EXPECT_HAS(bad.err, "checksum");
  EXPECT_FALSE(fs::exists(path("corrupt.npy")));
  const int64_t bad_row = 2 * ArfcModel::kEncodeBatch + 3;  // in the last chunk
  x.data[size_t(bad_row * x.d + 2)] = std::nanf("");
  write_matrix(path("nan.npy"), x, FileFormat::Npy);
  CliResult r = run("compress --model " + model + " --in " + path("nan.npy") + " --out " + path("nan.arfc") +
                    " --ratio 8 --chunk-rows 1 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "row " + std::to_string(bad_row) + ", column 2");
  EXPECT_FALSE(fs::exists(path("nan.arfc")));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
}

}  // namespace

// Discrete tokens end to end with the committed q8 fixture (D = 32, 8 discrete tokens):
// compress at a high ratio, truncate, decompress, export (which needs the model), info.
TEST_F(CliCodes, DiscreteTokensEndToEnd) {
  const std::string model = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";
  if (!fs::exists(model)) GTEST_SKIP() << "model fixture missing: " << model;
  write_matrix(path("x.npy"), random_matrix(7, 32, 3));
  CliResult r = run("compress --model " + model + " --in " + path("x.npy") + " --out " + path("q.arfc") +
                    " --ratio 16 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "8 discrete tokens, q8: 8 bytes/vector, ratio 16x");
  r = run("compress --model " + model + " --in " + path("x.npy") + " --out " + path("q2.arfc") +
          " --dtype q8 --tokens 2 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run("truncate --in " + path("q.arfc") + " --out " + path("t2.arfc") + " --ratio 64");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_code_file(path("t2.arfc")).payload, read_code_file(path("q2.arfc")).payload);
  r = run("truncate --in " + path("q.arfc") + " --out " + path("t.arfc") + " --ratio 64 --dtype i8");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "only the model");

  r = run("decompress --model " + model + " --in " + path("t2.arfc") + " --out " + path("xhat.npy") + " --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_matrix(path("xhat.npy")).d, 32);
  r = run("export --in " + path("t2.arfc") + " --out " + path("v.npy"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "--model");
  r = run("export --in " + path("t2.arfc") + " --out " + path("v.npy") + " --model " + model);
  ASSERT_EQ(r.code, 0) << r.err;
  const ArfcModel m = ArfcModel::load(model);
  EXPECT_EQ(read_matrix(path("v.npy")).data, m.code_values(read_code_file(path("t2.arfc"))).data);
  r = run("info " + path("t2.arfc"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "q8");
  // A model without discrete tokens refuses q8.
  r = run("compress --model " + std::string(ARFC_TEST_DATA) + "/model_v1.arfc --in " + path("x.npy") + " --out " +
          path("bad.arfc") + " --dtype q8 --tokens 2 --threads 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "no discrete tokens");
}

// `compress --beam`: the token search of discrete codes at another width than the model's
// (the q8 fixture searches greedily); the codes are the library's for that beam and the
// model decodes them; a continuous code warns that the option changes nothing. And
// `--tokens-from base`: the tokens (discrete, or the stored values) of the base code.
TEST_F(CliCodes, CompressBeamChoosesTheTokenSearch) {
  const std::string model_path = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";
  if (!fs::exists(model_path)) GTEST_SKIP() << "model fixture missing: " << model_path;
  const Matrix x = random_matrix(200, 32, 5);
  write_matrix(path("x.npy"), x);
  // `arfc compress` of x.npy with this model into `out`.
  auto compress = [&](const std::string& out, const std::string& args) {
    return run("compress --model " + model_path + " --in " + path("x.npy") + " --out " + path(out) + " " + args);
  };
  const ArfcModel m = ArfcModel::load(model_path);
  EXPECT_EQ(m.token_beam(), 1);
  CliResult r = compress("b4.arfc", "--dtype q8 --tokens 8 --beam 4 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const CodeLayout layout = make_layout(32, 8, StorageType::Q8);
  const CodeSet b4 = read_code_file(path("b4.arfc"));
  EXPECT_EQ(b4.payload, m.compress(x, layout, 0, TokenSearch{4}).payload);
  EXPECT_HAS(r.out, "(tokens of the ARC code, beam 4, decided after the last token)");
  // --lookahead: the same search deciding each token that many tokens later.
  r = compress("b4l2.arfc", "--dtype q8 --tokens 8 --beam 4 --lookahead 2 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "(tokens of the ARC code, beam 4, lookahead 2)");
  EXPECT_EQ(read_code_file(path("b4l2.arfc")).payload,
            m.compress(x, layout, 0, TokenSearch{4, CodeSource::Model, 2}).payload);
  r = compress("l2.arfc", "--dtype q8 --tokens 8 --lookahead 2 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.err, "--lookahead applies to a beam search");
  r = compress("bad.arfc", "--dtype q8 --tokens 8 --beam 4 --lookahead -1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_HAS(r.err, "--lookahead");
  EXPECT_FALSE(fs::exists(path("bad.arfc")));
  // The model's own search is greedy: --beam 1 asks for exactly it. (How much a wider beam
  // gains is TokenCodebooks.EncodeBeamOverridesTheModelsBeam's; this fixture's codebooks,
  // fitted on few rows, repeat codewords: its beam finds codes as close as the greedy ones,
  // and with ties going to the lowest index, the same bytes.)
  r = compress("b1.arfc", "--dtype q8 --tokens 8 --beam 1 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "(greedy tokens of the ARC code)");
  EXPECT_EQ(read_code_file(path("b1.arfc")).payload, m.compress(x, layout).payload);
  r = run("decompress --model " + model_path + " --in " + path("b4.arfc") + " --out " + path("xhat.npy") +
          " --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  r = compress("i8.arfc", "--ratio 2 --beam 4 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.err, "--beam applies to discrete-token codes");
  // --tokens-from base: the tokens of the base code, the transformer not run.
  r = compress("base.arfc", "--dtype q8 --tokens 8 --tokens-from base --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "(greedy tokens of the base code)");
  const CodeSet from_base = read_code_file(path("base.arfc"));
  EXPECT_EQ(from_base.payload, m.quantize(m.base_code(x), layout).payload);
  EXPECT_EQ(from_base.payload, m.compress(x, layout, 0, TokenSearch{0, CodeSource::Base}).payload);
  EXPECT_NE(from_base.payload, m.compress(x, layout).payload);
  // On a code that stores values, the values are the base code's: its prefix, rounded as
  // every i8 code is; a longer code truncated is the shorter one (the prefix property).
  for (const char* bytes : {"16", "8"}) {
    r = compress(std::string("v") + bytes + ".arfc",
                 std::string("--dtype i8 --bytes ") + bytes + " --tokens-from base --threads 1");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err.find("changes nothing"), std::string::npos) << r.err;
    EXPECT_HAS(r.out, "(values of the base code)");
  }
  const CodeLayout i8_16 = make_layout(32, 16, StorageType::I8);
  const CodeSet v16 = read_code_file(path("v16.arfc"));
  EXPECT_EQ(v16.payload, m.quantize(m.base_code(x), i8_16).payload);
  EXPECT_NE(v16.payload, m.compress(x, i8_16).payload);
  r = run("truncate --in " + path("v16.arfc") + " --out " + path("v16to8.arfc") + " --bytes 8 --dtype i8");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_code_file(path("v16to8.arfc")).payload, read_code_file(path("v8.arfc")).payload);
  r = compress("bad.arfc", "--dtype q8 --tokens 2 --tokens-from transformer");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_HAS(r.err, "--tokens-from");
  for (const char* bad : {"0", "257", "two"}) {
    r = compress("bad.arfc", std::string("--dtype q8 --tokens 2 --beam ") + bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_HAS(r.err, "--beam");
    EXPECT_FALSE(fs::exists(path("bad.arfc")));
  }
  EXPECT_THROW(m.compress(x, layout, 0, TokenSearch{-1}), Error);
  // The lookahead of a beam: the model's by default (-1), any count >= 0 accepted.
  EXPECT_EQ(m.compress(x, layout, 0, TokenSearch{4, CodeSource::Model, 1}).payload.size(), b4.payload.size());
  EXPECT_THROW(m.compress(x, layout, 0, TokenSearch{4, CodeSource::Model, -2}), Error);
  // The search compress runs: each default replaced by the model's own.
  const TokenSearch own = m.token_search();
  EXPECT_EQ(own.beam, 1);
  EXPECT_EQ(own.source, CodeSource::Arc);
  EXPECT_EQ(own.lookahead, 0);
  const TokenSearch asked = m.token_search(TokenSearch{4, CodeSource::Base, 2});
  EXPECT_EQ(asked.beam, 4);
  EXPECT_EQ(asked.source, CodeSource::Base);
  EXPECT_EQ(asked.lookahead, 2);
}

// Ctrl-C during `arfc train`: exit code 130, no model file (not even a temporary), the
// checkpoint of the last finished epoch kept.
// A bad class id in --labels is named with its file and row before any training.
TEST_F(CliCodes, BadLabelIsNamedWithItsFileAndRow) {
  write_matrix(path("x.npy"), random_matrix(40, 16, 3));
  Labels y(40, 1);
  y[7] = -1;
  write_labels(path("y.npy"), y);
  const CliResult r = run("train --task classification --train " + path("x.npy") + " --labels " + path("y.npy") +
                          " --out " + path("m.arfc"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("file '" + path("y.npy") + "': label 7 is -1"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path("m.arfc")));
}

TEST_F(CliCodes, InterruptedTrainingWritesNoModel) {
  Matrix x = random_matrix(4000, 16, 3);
  Labels y(size_t(x.n));
  for (int64_t i = 0; i < x.n; ++i) {
    y[size_t(i)] = i % 4;
    x.at(i, i % 4) += 4.0f;  // four separable classes
  }
  write_matrix(path("x.npy"), x);
  write_labels(path("y.npy"), y);
  write_file_atomic(path("tiny.json"),
                    R"({"model": {"token_width": 4, "max_tokens": 4, "d_model": 16, "num_heads": 2, "context_chunks": 4,
                                  "solutions": 1, "decoder_hidden": 16},
                        "train": {"batch_size": 64}})");
  // SIGINT once the first epoch's checkpoint exists (polled every 0.1 s, at most 2 min, so
  // a slow or loaded machine, or a sanitizer build, still gets there); the exit code is arfc's.
  const std::string ckpt = path("m.arfc.ckpt");
  CliResult r = arfc::testing::run_cli(
      "sh -c '" + std::string(ARFC_BINARY) + " train --task classification --train " + path("x.npy") + " --labels " +
          path("y.npy") + " --config " + path("tiny.json") + " --epochs 100000 --threads 1 --out " + path("m.arfc") +
          " 2>" + path("stderr.txt") + " & p=$!; i=0; while [ ! -f " + ckpt + " ] && [ $i -lt 1200 ]; do sleep 0.1; " +
          "i=$((i+1)); done; kill -INT $p; wait $p'",
      "", path("sh.txt"));
  r.err = read_file_bytes(path("stderr.txt"));
  EXPECT_EQ(r.code, 130) << r.err;
  EXPECT_HAS(r.err, "interrupted");
  EXPECT_FALSE(fs::exists(path("m.arfc")));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
  // The checkpoint of the finished epoch is kept for --resume.
  EXPECT_TRUE(fs::exists(ckpt));
}

// A write that cannot complete (here: past the file-size limit, as on a full disk) is a
// clear error naming the output, and leaves neither the output nor a temporary behind.
TEST_F(CliCodes, FailedWriteLeavesNoOutput) {
  const std::string in = stored_codes();  // 10 x 64 f32 values: a 2.6 KB export
  CliResult r = arfc::testing::run_cli("ulimit -f 1 && " + std::string(ARFC_BINARY),
                                       "export --in " + in + " --out " + path("big.npy"), path("stderr.txt"));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_HAS(r.err, "big.npy");
  EXPECT_FALSE(fs::exists(path("big.npy")));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
}

// Two processes writing the same output: each writes its own temporary and renames it
// over the output, so the result is one of the two whole files, never a mix.
TEST_F(CliCodes, ConcurrentWritersLeaveOneWholeFile) {
  write_code_file(path("a.arfc"), quantize_codes(random_matrix(2000, 64, 1), StorageType::F32, 0x1234, 256, 16));
  write_code_file(path("b.arfc"), quantize_codes(random_matrix(2000, 64, 2), StorageType::F32, 0x1234, 256, 16));
  const Matrix a = dequantize_codes(read_code_file(path("a.arfc")));
  const Matrix b = dequantize_codes(read_code_file(path("b.arfc")));
  const std::string out = path("out.npy");
  for (int round = 0; round < 5; ++round) {
    CliResult r = arfc::testing::run_cli(
        "(" + std::string(ARFC_BINARY), "export --in " + path("a.arfc") + " --out " + out + " >/dev/null & " +
                                            ARFC_BINARY + " export --in " + path("b.arfc") + " --out " + out +
                                            " >/dev/null; wait)",
        path("stderr.txt"));
    ASSERT_EQ(r.code, 0) << r.err;
    const Matrix got = read_matrix(out);
    EXPECT_TRUE(got.data == a.data || got.data == b.data) << "round " << round << ": a mix of both writers";
  }
}

// `arfc search`: feature queries (asymmetric) and code-file queries (symmetric) give the
// rows CodeIndex gives; outputs are .npy [Q, k]; bad inputs are clear errors.
TEST_F(CliCodes, SearchWritesTheNearestRows) {
  const std::string model_path = std::string(ARFC_TEST_DATA) + "/model_q8.arfc";  // D = 32, 8 discrete tokens
  const ArfcModel m = ArfcModel::load(model_path);
  const Matrix db_x = random_matrix(200, 32, 3), q_x = random_matrix(6, 32, 4);
  const CodeSet db = m.compress(db_x, make_layout(32, 4, StorageType::Q8));
  write_code_file(path("db.arfc"), db);
  write_matrix(path("q.npy"), q_x);
  CliResult r = run("search --model " + model_path + " --codes " + path("db.arfc") + " --queries " + path("q.npy") +
                    " --k 5 --out " + path("ids.npy") + " --scores " + path("s.npy") + " --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "searched 200 codes (4 discrete tokens, q8: 4 bytes/vector");
  const CodeIndex index(m, db);
  const SearchResult want = index.search(m.encode(q_x, index.query_dim()), 5);
  EXPECT_EQ(inspect_file(path("ids.npy")).shape, (std::vector<int64_t>{6, 5}));
  EXPECT_EQ(inspect_file(path("ids.npy")).dtype, "int64");
  const std::string bytes = read_file_bytes(path("ids.npy"));  // the payload ends the file
  std::vector<int64_t> ids(want.ids.size());
  std::memcpy(ids.data(), bytes.data() + bytes.size() - ids.size() * sizeof(int64_t), ids.size() * sizeof(int64_t));
  EXPECT_EQ(ids, want.ids);
  const Matrix s = read_matrix(path("s.npy"));
  EXPECT_EQ(s.n, 6);
  EXPECT_EQ(s.d, 5);
  EXPECT_EQ(s.data, want.scores);
  write_code_file(path("q.arfc"), m.compress(q_x, make_layout(32, 4, StorageType::Q8)));
  r = run("search --model " + model_path + " --codes " + path("db.arfc") + " --queries " + path("q.arfc") +
          " --k 300 --out " + path("ids.npy"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.err, "every row is returned, k = 200");
  EXPECT_EQ(inspect_file(path("ids.npy")).shape, (std::vector<int64_t>{6, 200}));
  // Errors: codes of another model, queries of another D, an --out that is not .npy, k = 0.
  write_code_file(path("other.arfc"), quantize_codes(random_matrix(10, 16, 1), StorageType::F32, 0x1234, 32, 4));
  r = run("search --model " + model_path + " --codes " + path("other.arfc") + " --queries " + path("q.npy") +
          " --out " + path("x.npy"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "search with the model that compressed the codes");
  write_matrix(path("q16.npy"), random_matrix(3, 16, 5));
  r = run("search --model " + model_path + " --codes " + path("db.arfc") + " --queries " + path("q16.npy") +
          " --out " + path("x.npy"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "expected D = 32");
  r = run("search --model " + model_path + " --codes " + path("db.arfc") + " --queries " + path("q.npy") +
          " --out " + path("x.csv"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "expected a .npy path");
  EXPECT_EQ(run("search --model " + model_path + " --codes " + path("db.arfc") + " --queries " + path("q.npy") +
                " --k 0 --out " + path("x.npy")).code, 2);
  EXPECT_FALSE(fs::exists(path("x.npy")));
}
