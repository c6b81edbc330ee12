// Data-parallel training (train/distributed.h) end to end: two `arfc train` processes on
// 127.0.0.1 (c10d TCPStore + ProcessGroupGloo) train the model that one process trains with
// the same global batch cut into two micro-batches. Skipped where the build has no gloo.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "arfc/io/embeddings.h"
#include "arfc/model/arfc_model.h"
#include "arfc/train/distributed.h"
#include "io_test_util.h"

using namespace arfc;
namespace fs = std::filesystem;

namespace {

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "text: " << (text)

class Distributed : public arfc::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (!fs::exists(ARFC_BINARY)) GTEST_SKIP() << "binary not built: " << ARFC_BINARY;
    if (!distributed_available()) GTEST_SKIP() << "built without c10d ProcessGroupGloo (libgloo-dev)";
    std::mt19937 rng(3);
    std::normal_distribution<float> nd(0.f, 1.f);
    x_ = Matrix(320, 16);
    Labels y(320);
    for (int64_t i = 0; i < x_.n; ++i) {
      y[size_t(i)] = i % 4;
      for (int64_t j = 0; j < x_.d; ++j) x_.at(i, j) = nd(rng) + (j % 4 == i % 4 ? 2.f : 0.f);
    }
    write_matrix(path("x.npy"), x_);
    write_labels(path("y.npy"), y);
  }

  void write_config(const std::string& name, int64_t micro_batches) {
    std::ofstream(path(name)) << R"({"model": {"token_width": 4, "max_tokens": 4, "d_model": 32, "num_heads": 2,
      "context_chunks": 4, "solutions": 2, "decoder_hidden": 32, "discrete_tokens": 0},
      "train": {"epochs": 2, "batch_size": 32, "seed": 5, "max_val_rows": 20, "micro_batches": )"
                              << micro_batches << "}}";
  }

  std::string train_args(const std::string& config, const std::string& out,
                         const std::string& task = "classification") {
    return std::string(ARFC_BINARY) + " train --task " + task + " --train " + path("x.npy") + " --labels " +
           path("y.npy") + " --config " + path(config) + " --out " + path(out) + " --threads 1";
  }

  // Two ranks (each reading only its rows) against one process with two micro-batches:
  // the largest difference of their full codes of x.
  double two_ranks_against_one(const std::string& task, arfc::testing::CliResult& two) {
    write_config("mb1.json", 1);
    write_config("mb2.json", 2);
    arfc::testing::CliResult one =
        arfc::testing::run_cli(train_args("mb2.json", "one.arfc", task), "", path("one.err"));
    EXPECT_EQ(one.code, 0) << one.err;
    const std::string rank = " --world-size 2 --master-port " + port() + " --rank ";
    two = arfc::testing::run_cli(
        "sh -c '" + train_args("mb1.json", "two.arfc", task) + rank + "1 2>" + path("rank1.err") +
            " >/dev/null & p=$!; " + train_args("mb1.json", "two.arfc", task) + rank + "0; r=$?; wait $p; " +
            "exit $((r + $?))'",
        "", path("two.err"));
    EXPECT_EQ(two.code, 0) << two.err << "\nrank 1: " << read_file_bytes(path("rank1.err"));
    if (one.code != 0 || two.code != 0) return 1e9;
    const ArfcModel a = ArfcModel::load(path("one.arfc")), b = ArfcModel::load(path("two.arfc"));
    EXPECT_EQ(b.config()["summary"]["ranks"], 2);
    EXPECT_EQ(a.config()["summary"]["ranks"], 1);
    const Matrix ca = a.encode(x_, 16), cb = b.encode(x_, 16);
    double worst = 0;
    for (size_t k = 0; k < ca.data.size(); ++k) worst = std::max(worst, double(std::fabs(ca.data[k] - cb.data[k])));
    return worst;
  }

  std::string port() const { return std::to_string(20000 + ::getpid() % 40000); }

  Matrix x_;
};

TEST_F(Distributed, TwoRanksTrainTheModelOfOneProcessWithTwoMicroBatches) {
  arfc::testing::CliResult two;
  EXPECT_LT(two_ranks_against_one("classification", two), 1e-4)
      << "codes of the 2-rank model differ from the 1-process model with 2 micro-batches";
  // Each rank read only its rows: 20 validation rows (10% is 32, capped at 20) and its block
  // of the 288 training rows.
  EXPECT_HAS(two.err, "this rank holds 164 of 320 training rows (rank 0 of 2)");
  EXPECT_HAS(two.err, "rank 1 holds 164 of 320 training rows");  // rank 0 names the others' shards
  // Only rank 0 wrote: the model and its checkpoint, no temporaries.
  EXPECT_TRUE(fs::exists(path("two.arfc.ckpt")));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
  // --resume where rank 1 has no checkpoint (another --out): refused, not a silent divergence.
  const std::string rank = " --world-size 2 --master-port " + port() + " --rank ";
  arfc::testing::CliResult bad = arfc::testing::run_cli(
      "sh -c '" + train_args("mb1.json", "elsewhere.arfc") + rank + "1 --resume 2>" + path("rank1.err") +
          " >/dev/null & p=$!; " + train_args("mb1.json", "two.arfc") + rank + "0 --resume; r=$?; wait $p; exit $r'",
      "", path("bad.err"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_HAS(bad.err, "resume from different epochs");
}

// Open-set retrieval starts its linear base from PCA: the ranks sum their rows' moments
// (each row once over the ranks, the 12 rows the validation cap leaves out included),
// which gives the PCA of one process up to rounding.
TEST_F(Distributed, TwoRanksFitThePcaStartOfOneProcess) {
  arfc::testing::CliResult two;
  EXPECT_LT(two_ranks_against_one("retrieval", two), 1e-4)
      << "codes of the 2-rank model differ from the 1-process model with 2 micro-batches";
}

TEST_F(Distributed, BadRankAndSizeAreNamed) {
  write_config("mb1.json", 1);
  arfc::testing::CliResult r =
      arfc::testing::run_cli(train_args("mb1.json", "m.arfc") + " --world-size 2 --rank 2", "", path("e.txt"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "rank must be in [0, 2)");
  r = arfc::testing::run_cli("RANK=x " + train_args("mb1.json", "m.arfc"), "", path("e.txt"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "RANK");
  EXPECT_FALSE(fs::exists(path("m.arfc")));
}

}  // namespace
