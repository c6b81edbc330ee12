// `arfc info` end to end: runs the built binary (ARFC_BINARY) on files written here.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "io_test_util.h"

namespace arfc {
namespace {
using namespace arfc::testing;

class CmdInfo : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (!std::filesystem::exists(ARFC_BINARY)) GTEST_SKIP() << "binary not built: " << ARFC_BINARY;
  }
  CliResult run(const std::string& args) { return run_cli(ARFC_BINARY, "info " + args, path("stderr.txt")); }
};

Matrix small() {
  Matrix m(3, 2);
  m.data = {3, 4, 0, 0, 6, 8};
  return m;
}

TEST_F(CmdInfo, TableCsvJson) {
  write_matrix(path("m.npy"), small());
  CliResult r = run(path("m.npy"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("FORMAT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("float32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 x 2"), std::string::npos) << r.out;

  r = run(path("m.npy") + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "file,format,kind,dtype,shape,file_bytes,min,max,mean,std,mean_norm,nonfinite,classes,notes");
  EXPECT_NE(r.out.find(",npy,matrix,float32,3 x 2,"), std::string::npos) << r.out;

  write_labels(path("y.npy"), {1, 5, 5});
  r = run(path("m.npy") + " " + path("y.npy") + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["format"], "npy");
  EXPECT_EQ(j[0]["shape"], nlohmann::json({3, 2}));
  EXPECT_DOUBLE_EQ(j[0]["max"].get<double>(), 8.0);
  EXPECT_DOUBLE_EQ(j[0]["mean_norm"].get<double>(), 5.0);
  EXPECT_EQ(j[1]["kind"], "labels");
  EXPECT_EQ(j[1]["classes"], 2);

  r = run(path("m.npy") + " --no-stats --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)[0].contains("mean"));
}

TEST_F(CmdInfo, FeatureSetDirectory) {
  FeatureSet fs;
  fs.name = "tiny";
  fs.task = Task::Classification;
  fs.train_x = small();
  fs.test_x = small();
  fs.train_y = {0, 1, 2};
  fs.test_y = {2, 1, 0};
  save_feature_set(path("set"), fs);
  const CliResult r = run(path("set") + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 5u);  // the set, then train_x, train_y, test_x, test_y
  EXPECT_EQ(j[0]["kind"], "feature-set");
  EXPECT_EQ(j[0]["task"], "classification");
  EXPECT_EQ(j[0]["name"], "tiny");
  EXPECT_EQ(j[2]["classes"], 3);
}

TEST_F(CmdInfo, ModelFile) {
  const std::string model = std::string(ARFC_TEST_DATA) + "/model_v1.arfc";
  CliResult r = run(model + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["kind"], "model");
  EXPECT_EQ(j[0]["format"], "arfc-model");
  EXPECT_GT(j[0]["parameters"].get<int64_t>(), 0);
  EXPECT_EQ(j[0]["max_values"].get<int64_t>(), j[0]["token_width"].get<int64_t>() * j[0]["max_tokens"].get<int64_t>());
  EXPECT_EQ(j[0]["shape"][0], j[0]["input_dim"]);
  EXPECT_EQ(j[0]["discrete_tokens"], 0);  // written before discrete tokens existed
  const auto q = nlohmann::json::parse(run(std::string(ARFC_TEST_DATA) + "/model_q8.arfc --format json").out);
  EXPECT_EQ(q[0]["discrete_tokens"], 8);
  EXPECT_EQ(q[0]["token_beam"], 1);  // the fixture searches its tokens greedily
  EXPECT_EQ(q[0]["token_lookahead"], 0);  // written before the key: a beam would decide after the last token
  EXPECT_NE(q[0]["notes"].get<std::string>().find("8 discrete tokens (q8, beam 1)"), std::string::npos) << q[0]["notes"];
  // A flipped byte in the weights is caught by the checksum, not shown as a model.
  std::string bytes = read_file_bytes(model);
  bytes[bytes.size() - 10] = char(bytes[bytes.size() - 10] ^ 0x5a);
  write("broken.arfc", bytes);
  r = run(path("broken.arfc"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("broken.arfc"), std::string::npos) << r.err;
}

TEST_F(CmdInfo, ErrorsExitNonZero) {
  write("bad.npy", "not an array");
  write_matrix(path("m.fbin"), small());
  CliResult r = run(path("m.fbin") + " " + path("bad.npy"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad magic"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("fbin"), std::string::npos) << r.out;  // readable files still shown
  r = run(path("nope.npy"));
  EXPECT_EQ(r.code, 2) << r.err;  // usage error: path does not exist
  std::filesystem::create_directory(path("plain"));
  r = run(path("plain"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("without meta.json"), std::string::npos) << r.err;
  r = run(path("m.fbin") + " --format xml");
  EXPECT_EQ(r.code, 2);
  // Model, code and checkpoint files are named as such, not as an unknown array format.
  write("damaged.arfc", "");
  r = run(path("damaged.arfc"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("neither an arfc model file nor a code file"), std::string::npos) << r.err;
  write("m.arfc.ckpt", "ARFCCKPT");
  r = run(path("m.arfc.ckpt"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("training checkpoint"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace arfc
