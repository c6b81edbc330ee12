// Tests for the Fashion-MNIST data module: IDX reader (real and broken files), reference
// metrics, and tiny end-to-end builds of every feature set (shapes, labels, determinism).
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arfc/core/error.h"
#include "io_test_util.h"
#include "arfc/data/fmnist.h"
#include "arfc/data/idx.h"
#include "arfc/data/reference_metrics.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "arfc/nn/tensor_util.h"

namespace fs = std::filesystem;
using arfc::Error;

namespace {

const std::string kDir = arfc::kFmnistDefaultDir;

bool have_fmnist() { return fs::exists(kDir + "/train-images-idx3-ubyte.gz"); }

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("arfc_test_data_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    arfc::set_threads(2);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

void write_gz(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  if (!bytes.empty()) ASSERT_EQ(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
  gzclose(f);
}

std::vector<uint8_t> be32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

std::vector<uint8_t> image_file(uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols, size_t payload) {
  std::vector<uint8_t> b;
  for (uint32_t v : {magic, n, rows, cols}) {
    auto w = be32(v);
    b.insert(b.end(), w.begin(), w.end());
  }
  for (size_t i = 0; i < payload; ++i) b.push_back(uint8_t(i * 7));
  return b;
}

using arfc::testing::error_of;

}  // namespace

TEST(IdxReader, ReadsRealFashionMnist) {
  if (!have_fmnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  auto im = arfc::read_idx_images(kDir + "/t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(im.n, 10000);
  EXPECT_EQ(im.rows, 28);
  EXPECT_EQ(im.cols, 28);
  ASSERT_EQ(im.pixels.size(), size_t(10000 * 28 * 28));
  auto y = arfc::read_idx_labels(kDir + "/train-labels-idx1-ubyte.gz");
  ASSERT_EQ(y.size(), 60000u);
  std::vector<int> count(10, 0);
  for (auto v : y) {
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 10);
    ++count[size_t(v)];
  }
  for (int c : count) EXPECT_EQ(c, 6000);  // Fashion-MNIST train is balanced
  auto m = arfc::idx_images_to_matrix(im, 10, 5);
  EXPECT_EQ(m.n, 5);
  EXPECT_EQ(m.d, 784);
  for (float v : m.data) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  EXPECT_FLOAT_EQ(m.at(0, 100), float(im.pixels[10 * 784 + 100]) / 255.0f);
}

TEST_F(TempDir, IdxReaderRejectsBrokenFiles) {
  // A valid tiny file first, so the failures below are about the breakage only.
  write_gz(path("ok.gz"), image_file(0x803, 2, 3, 4, 24));
  auto ok = arfc::read_idx_images(path("ok.gz"));
  EXPECT_EQ(ok.n, 2);
  EXPECT_EQ(ok.pixels[5], uint8_t(35));

  write_gz(path("magic.gz"), image_file(0x801, 2, 3, 4, 24));
  EXPECT_NE(error_of([&] { arfc::read_idx_images(path("magic.gz")); }).find("magic"), std::string::npos);

  write_gz(path("trunc.gz"), image_file(0x803, 2, 3, 4, 20));
  auto msg = error_of([&] { arfc::read_idx_images(path("trunc.gz")); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("trunc.gz"), std::string::npos) << msg;

  write_gz(path("header.gz"), {0, 0, 8});
  EXPECT_NE(error_of([&] { arfc::read_idx_images(path("header.gz")); }).find("truncated"), std::string::npos);

  // A header that claims 2^26 images of 4096 x 4096 pixels (2^50 bytes) in a file of a few
  // bytes: reported as truncated, without allocating what the header claims.
  write_gz(path("huge.gz"), image_file(0x803, 1 << 26, 4096, 4096, 1000));
  msg = error_of([&] { arfc::read_idx_images(path("huge.gz")); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("of the 1125899906842624 the header declares"), std::string::npos) << msg;

  write_gz(path("extra.gz"), image_file(0x803, 2, 3, 4, 30));
  EXPECT_NE(error_of([&] { arfc::read_idx_images(path("extra.gz")); }).find("after the declared payload"),
            std::string::npos);

  write_gz(path("dims.gz"), image_file(0x803, 0, 3, 4, 0));
  EXPECT_NE(error_of([&] { arfc::read_idx_images(path("dims.gz")); }).find("item count"), std::string::npos);

  // Labels: wrong magic (an image file) and truncation.
  EXPECT_NE(error_of([&] { arfc::read_idx_labels(path("ok.gz")); }).find("magic"), std::string::npos);
  auto lab = be32(0x801);
  auto n = be32(10);
  lab.insert(lab.end(), n.begin(), n.end());
  lab.insert(lab.end(), {1, 2, 3});
  write_gz(path("labels.gz"), lab);
  EXPECT_NE(error_of([&] { arfc::read_idx_labels(path("labels.gz")); }).find("truncated"), std::string::npos);

  // A gzip stream whose compressed body is damaged.
  write_gz(path("corrupt.gz"), image_file(0x803, 100, 28, 28, 100 * 784));
  auto bytes = arfc::read_file_bytes(path("corrupt.gz"));
  for (size_t i = 20; i < bytes.size() - 10; i += 3) bytes[i] = char(bytes[i] ^ 0x5a);
  arfc::write_file_atomic(path("corrupt.gz"), bytes);
  EXPECT_NE(error_of([&] { arfc::read_idx_images(path("corrupt.gz")); }), "");

  // Missing files and directories point at the package.
  msg = error_of([&] { arfc::read_idx_images(path("nope.gz")); });
  EXPECT_NE(msg.find("apt-get install dataset-fashion-mnist"), std::string::npos) << msg;
  msg = error_of([&] { arfc::load_fmnist(path("no_such_dir")); });
  EXPECT_NE(msg.find("apt-get install dataset-fashion-mnist"), std::string::npos) << msg;
}

TEST(ReferenceMetrics, RecallAndAccuracy) {
  // Two tight clusters: every item's nearest neighbour shares its label.
  auto feats = torch::tensor({{1.0f, 0.0f}, {0.9f, 0.1f}, {0.0f, 1.0f}, {0.1f, 0.9f}});
  auto labels = torch::tensor({0, 0, 1, 1}, torch::kInt64);
  auto r = arfc::recall_at_k_labels(feats, labels, {1, 2});
  EXPECT_DOUBLE_EQ(r[0], 1.0);
  // Labels across clusters: the two nearest are always wrong, the 3rd is right.
  auto mixed = torch::tensor({0, 1, 0, 1}, torch::kInt64);
  r = arfc::recall_at_k_labels(feats, mixed, {1, 3});
  EXPECT_DOUBLE_EQ(r[0], 0.0);
  EXPECT_DOUBLE_EQ(r[1], 1.0);

  auto q = torch::randn({50, 8});
  auto p = arfc::recall_at_k_pairs(q, q, {1, 5});
  EXPECT_DOUBLE_EQ(p[0], 1.0);
  p = arfc::recall_at_k_pairs(q, -q, {1});  // the pair is the farthest item
  EXPECT_DOUBLE_EQ(p[0], 0.0);

  auto logits = torch::tensor({{2.0f, 1.0f}, {0.0f, 3.0f}, {5.0f, 1.0f}});
  EXPECT_NEAR(arfc::top1_accuracy(logits, torch::tensor({0, 1, 1}, torch::kInt64)), 2.0 / 3.0, 1e-12);
}

namespace {

arfc::FmnistOptions tiny_options() {
  arfc::FmnistOptions o;
  o.limit = 600;
  o.epochs = 1;
  o.seed = 7;
  return o;
}

void expect_same(const arfc::Matrix& a, const arfc::Matrix& b, const std::string& what) {
  ASSERT_EQ(a.n, b.n) << what;
  ASSERT_EQ(a.d, b.d) << what;
  EXPECT_TRUE(a.data == b.data) << what << " differs between two builds with the same seed";
}

void expect_labels(const arfc::Labels& y, int64_t lo, int64_t hi, int64_t n) {
  ASSERT_EQ(int64_t(y.size()), n);
  for (auto v : y) {
    ASSERT_GE(v, lo);
    ASSERT_LE(v, hi);
  }
}

}  // namespace

TEST_F(TempDir, FailedBuildLeavesNoOutputDirectory) {
  auto o = tiny_options();
  o.source_dir = path("no-such-dir");
  const std::string out = path("sets");
  EXPECT_ERROR_HAS(arfc::build_fmnist_sets(out, {"pixels"}, o), "no-such-dir");
  EXPECT_FALSE(fs::exists(out));
  fs::create_directories(out);  // a directory that was there stays
  EXPECT_THROW(arfc::build_fmnist_sets(out, {"pixels"}, o), Error);
  EXPECT_TRUE(fs::exists(out));
}

class TinyBuild : public TempDir {
 protected:
  static void SetUpTestSuite() {
    if (have_fmnist()) data_ = new arfc::FmnistData(arfc::load_fmnist(kDir, 600));
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  void SetUp() override {
    if (!have_fmnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
    TempDir::SetUp();
  }
  static arfc::FmnistData* data_;
};
arfc::FmnistData* TinyBuild::data_ = nullptr;

TEST_F(TinyBuild, LimitKeepsFirstImages) {
  EXPECT_EQ(data_->train_images.n, 600);
  EXPECT_EQ(data_->test_images.n, 100);
  EXPECT_EQ(data_->train_labels.size(), 600u);
  auto full = arfc::read_idx_labels(kDir + "/t10k-labels-idx1-ubyte.gz");
  for (size_t i = 0; i < 100; ++i) ASSERT_EQ(data_->test_labels[i], full[i]);
}

TEST_F(TinyBuild, Pixels) {
  auto s = arfc::build_fmnist_set("pixels", *data_, tiny_options());
  EXPECT_EQ(s.task, arfc::Task::Classification);
  EXPECT_EQ(s.train_x.d, 784);
  EXPECT_EQ(s.train_x.n, 600);
  EXPECT_EQ(s.test_x.n, 100);
  expect_labels(s.train_y, 0, 9, 600);
  for (float v : s.test_x.data) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
}

TEST_F(TinyBuild, ClsIsDeterministic) {
  auto a = arfc::build_fmnist_set("cls", *data_, tiny_options());
  auto b = arfc::build_fmnist_set("cls", *data_, tiny_options());
  EXPECT_EQ(a.task, arfc::Task::Classification);
  EXPECT_EQ(a.train_x.n, 600);
  EXPECT_EQ(a.train_x.d, 256);
  EXPECT_EQ(a.test_x.n, 100);
  expect_labels(a.test_y, 0, 9, 100);
  EXPECT_NO_THROW(arfc::check_finite(a.train_x, "train_x"));
  expect_same(a.train_x, b.train_x, "cls train_x");
  expect_same(a.test_x, b.test_x, "cls test_x");
  auto meta = nlohmann::json::parse(a.meta_json);
  EXPECT_EQ(meta["task"], "classification");
  double acc = meta["reference"]["backbone_test_accuracy"];
  EXPECT_GT(acc, 0.2);  // one epoch on 600 images: far above chance (0.1)
}

TEST_F(TinyBuild, OpensetSplitsClasses) {
  auto a = arfc::build_fmnist_set("openset", *data_, tiny_options());
  auto b = arfc::build_fmnist_set("openset", *data_, tiny_options());
  EXPECT_EQ(a.task, arfc::Task::Retrieval);
  int64_t n_train = 0, n_test = 0;
  for (auto y : data_->train_labels) n_train += y < 5;
  for (auto y : data_->test_labels) n_test += y >= 5;
  expect_labels(a.train_y, 0, 4, n_train);
  expect_labels(a.test_y, 5, 9, n_test);
  EXPECT_EQ(a.train_x.n, n_train);
  EXPECT_EQ(a.test_x.n, n_test);
  EXPECT_EQ(a.test_x.d, 256);
  expect_same(a.test_x, b.test_x, "openset test_x");
  auto meta = nlohmann::json::parse(a.meta_json);
  EXPECT_EQ(meta["task"], "retrieval");
  double r1 = meta["reference"]["recall"]["R@1"], r8 = meta["reference"]["recall"]["R@8"];
  EXPECT_GE(r8, r1);
  EXPECT_GT(r1, 0.2);
}

TEST_F(TinyBuild, TwoviewPairs) {
  auto a = arfc::build_fmnist_set("twoview", *data_, tiny_options());
  auto b = arfc::build_fmnist_set("twoview", *data_, tiny_options());
  EXPECT_EQ(a.task, arfc::Task::Crossmodal);
  EXPECT_EQ(a.train_x.n, 600);
  EXPECT_EQ(a.train_b.n, 600);
  EXPECT_EQ(a.test_x.n, 100);
  EXPECT_EQ(a.test_b.d, 256);
  expect_labels(a.test_y, 0, 9, 100);
  for (int64_t i = 0; i < a.test_b.n; ++i) {  // L2-normalised rows
    double s = 0;
    for (int64_t j = 0; j < a.test_b.d; ++j) s += double(a.test_b.at(i, j)) * a.test_b.at(i, j);
    ASSERT_NEAR(s, 1.0, 1e-4);
  }
  expect_same(a.test_x, b.test_x, "twoview test_x");
  expect_same(a.test_b, b.test_b, "twoview test_b");
  auto meta = nlohmann::json::parse(a.meta_json);
  EXPECT_EQ(meta["task"], "crossmodal");
  double r10 = meta["reference"]["left_to_right"]["R@10"];
  EXPECT_GT(r10, 0.1);  // chance is 10 / 100 pairs
}

TEST_F(TinyBuild, WritesAndCachesSets) {
  auto o = tiny_options();
  o.source_dir = kDir;
  auto out = path("out");
  auto r = arfc::build_fmnist_sets(out, {"pixels"}, o);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].cached);
  auto loaded = arfc::load_feature_set(out + "/pixels");
  EXPECT_EQ(loaded.train_x.n, 600);
  EXPECT_EQ(loaded.test_x.d, 784);
  EXPECT_EQ(loaded.task, arfc::Task::Classification);
  EXPECT_TRUE(arfc::fmnist_set_is_cached(out + "/pixels", "pixels", o));

  r = arfc::build_fmnist_sets(out, {"pixels"}, o);
  EXPECT_TRUE(r[0].cached);
  EXPECT_EQ(r[0].meta_json, arfc::read_file_bytes(out + "/pixels/meta.json"));
  r = arfc::build_fmnist_sets(out, {"pixels"}, o, /*force=*/true);
  EXPECT_FALSE(r[0].cached);
  o.seed = 99;  // other settings -> rebuilt
  EXPECT_FALSE(arfc::fmnist_set_is_cached(out + "/pixels", "pixels", o));
  r = arfc::build_fmnist_sets(out, {"pixels"}, o);
  EXPECT_FALSE(r[0].cached);
  for (const auto& e : fs::directory_iterator(out))  // no temporary directory left behind
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  EXPECT_THROW(arfc::build_fmnist_sets(out, {"bogus"}, o), Error);
}
