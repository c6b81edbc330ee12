// Feature-set directories: save/load round trips per task and the validation errors.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "io_test_util.h"

namespace arfc {
namespace {
using namespace arfc::testing;
namespace fs = std::filesystem;

Matrix filled(int64_t n, int64_t d, float base) {
  Matrix m(n, d);
  for (int64_t i = 0; i < n * d; ++i) m.data[size_t(i)] = base + float(i);
  return m;
}

FeatureSet make(Task task) {
  FeatureSet s;
  s.name = "tiny";
  s.task = task;
  s.meta_json = R"({"source": "unit test", "backbone": {"seed": 7}})";
  s.train_x = filled(6, 4, 0);
  s.test_x = filled(3, 4, 100);
  if (task == Task::Classification || task == Task::Retrieval) {
    s.train_y = {0, 1, 2, 0, 1, 2};
    s.test_y = task == Task::Retrieval ? Labels{3, 4, 3} : Labels{2, 1, 0};
  }
  if (task == Task::Crossmodal) {
    s.train_b = filled(6, 5, -50);
    s.test_b = filled(3, 5, -10);
  }
  return s;
}

class FeatureSetIo : public TempDirTest {};

TEST(Task, ParseAndName) {
  for (Task t : {Task::Generic, Task::Classification, Task::Retrieval, Task::Crossmodal})
    EXPECT_EQ(parse_task(task_name(t)), t);
  EXPECT_ERROR_HAS(parse_task("regression"), "generic, classification, retrieval, crossmodal");
}

TEST_F(FeatureSetIo, RoundTripEveryTask) {
  for (Task t : {Task::Generic, Task::Classification, Task::Retrieval, Task::Crossmodal}) {
    const std::string d = path("sets/" + task_name(t));  // parents are created
    const FeatureSet s = make(t);
    save_feature_set(d, s);
    const FeatureSet r = load_feature_set(d);
    EXPECT_EQ(r.name, "tiny");
    EXPECT_EQ(r.task, t);
    EXPECT_EQ(r.train_x.data, s.train_x.data);
    EXPECT_EQ(r.test_x.data, s.test_x.data);
    EXPECT_EQ(r.train_y, s.train_y);
    EXPECT_EQ(r.test_y, s.test_y);
    EXPECT_EQ(r.train_b.data, s.train_b.data);
    EXPECT_EQ(r.test_b.d, s.test_b.d);
    const auto meta = nlohmann::json::parse(r.meta_json);
    EXPECT_EQ(meta["format"], "arfc-featureset");
    EXPECT_EQ(meta["version"], 1);
    EXPECT_EQ(meta["dim"], 4);
    EXPECT_EQ(meta["task"], task_name(t));
    EXPECT_EQ(meta["backbone"]["seed"], 7);  // provenance kept
    for (const auto& e : fs::directory_iterator(d))
      EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  }
}

TEST_F(FeatureSetIo, SavingADifferentTaskRemovesStaleFiles) {
  save_feature_set(path("s"), make(Task::Crossmodal));
  ASSERT_TRUE(fs::exists(path("s/train_b.npy")));
  save_feature_set(path("s"), make(Task::Generic));
  EXPECT_FALSE(fs::exists(path("s/train_b.npy")));
  EXPECT_EQ(load_feature_set(path("s")).task, Task::Generic);
}

TEST_F(FeatureSetIo, SaveValidates) {
  FeatureSet s = make(Task::Classification);
  s.test_y.pop_back();
  EXPECT_ERROR_HAS(save_feature_set(path("a"), s), "test_y has 2 rows but test_x has 3");
  s = make(Task::Classification);
  s.train_y.clear();
  EXPECT_ERROR_HAS(save_feature_set(path("a"), s), "needs train_y and test_y");
  s = make(Task::Generic);
  s.test_x = filled(3, 5, 0);
  EXPECT_ERROR_HAS(save_feature_set(path("a"), s), "train_x has d = 4 but test_x has d = 5");
  s = make(Task::Crossmodal);
  s.test_b = Matrix();
  EXPECT_ERROR_HAS(save_feature_set(path("a"), s), "crossmodal needs train_b and test_b");
  s = make(Task::Generic);
  s.meta_json = "[1]";
  EXPECT_ERROR_HAS(save_feature_set(path("a"), s), "JSON object");
  EXPECT_FALSE(fs::exists(path("a/meta.json")));
}

TEST_F(FeatureSetIo, LoadValidates) {
  EXPECT_ERROR_HAS(load_feature_set(path("none")), "is not a directory");
  fs::create_directory(path("empty"));
  EXPECT_ERROR_HAS(load_feature_set(path("empty")), "missing meta.json");

  save_feature_set(path("c"), make(Task::Classification));
  fs::remove(path("c/test_y.npy"));
  EXPECT_ERROR_HAS(load_feature_set(path("c")), "missing test_y.npy");
  write_labels(path("c/test_y.npy"), {1, 2});
  EXPECT_ERROR_HAS(load_feature_set(path("c")), "test_y.npy has 2 rows but test_x has 3");
  write_labels(path("c/test_y.npy"), {1, -2, 0});
  EXPECT_ERROR_HAS(load_feature_set(path("c")), "expected class ids in [0, 1000000)");
  // A huge class id would make the probe allocate [rows, id + 1]: refused on load.
  write_labels(path("c/test_y.npy"), {1, int64_t(1) << 40, 0});
  EXPECT_ERROR_HAS(load_feature_set(path("c")), "test_y.npy: label 1 is 1099511627776");
  write_labels(path("c/test_y.npy"), {1, 2, 0});
  write_matrix(path("c/test_x.npy"), filled(3, 7, 0));
  EXPECT_ERROR_HAS(load_feature_set(path("c")), "train_x has d = 4 but test_x has d = 7");

  save_feature_set(path("m"), make(Task::Crossmodal));
  write_matrix(path("m/test_b.npy"), filled(2, 5, 0));
  EXPECT_ERROR_HAS(load_feature_set(path("m")), "test_b.npy has 2 rows but test_x has 3");
  fs::remove(path("m/train_b.npy"));
  EXPECT_ERROR_HAS(load_feature_set(path("m")), "missing train_b.npy");

  save_feature_set(path("g"), make(Task::Generic));
  auto meta = nlohmann::json::parse(read_file_bytes(path("g/meta.json")));
  auto put = [&](const nlohmann::json& j) { write_file_atomic(path("g/meta.json"), j.dump()); };
  put(nlohmann::json{{"format", "other"}, {"version", 1}, {"task", "generic"}});
  EXPECT_ERROR_HAS(load_feature_set(path("g")), "expected 'arfc-featureset'");
  nlohmann::json v = meta;
  v["version"] = 99;
  put(v);
  EXPECT_ERROR_HAS(load_feature_set(path("g")), "version 99");
  v = meta;
  v["task"] = "ranking";
  put(v);
  EXPECT_ERROR_HAS(load_feature_set(path("g")), "unknown task 'ranking'");
  v = meta;
  v["dim"] = 5;
  put(v);
  EXPECT_ERROR_HAS(load_feature_set(path("g")), "\"dim\" is 5 but train_x.npy has d = 4");
  EXPECT_ERROR_HAS(training_files(path("g")), "\"dim\" is 5 but train_x.npy has d = 4");
  write_file_atomic(path("g/meta.json"), "{oops");
  EXPECT_ERROR_HAS(load_feature_set(path("g")), "not valid JSON");
  put(meta);
  EXPECT_EQ(load_feature_set(path("g")).train_x.n, 6);
}

// The training files alone (what a data-parallel rank opens): named per task, checked
// for presence, without reading the test files.
TEST_F(FeatureSetIo, TrainingFilesPerTask) {
  save_feature_set(path("c"), make(Task::Classification));
  fs::remove(path("c/test_x.npy"));
  const TrainingFiles c = training_files(path("c"));
  EXPECT_EQ(c.task, Task::Classification);
  EXPECT_EQ(c.x, path("c/train_x.npy"));
  EXPECT_EQ(c.y, path("c/train_y.npy"));
  EXPECT_TRUE(c.b.empty());
  save_feature_set(path("m"), make(Task::Crossmodal));
  const TrainingFiles m = training_files(path("m"));
  EXPECT_EQ(m.b, path("m/train_b.npy"));
  EXPECT_TRUE(m.y.empty());
  fs::remove(path("m/train_b.npy"));
  EXPECT_ERROR_HAS(training_files(path("m")), "missing train_b.npy");
}

TEST_F(FeatureSetIo, RetrievalWithSharedClassesWarns) {
  FeatureSet s = make(Task::Retrieval);
  s.test_y = {0, 4, 4};
  save_feature_set(path("r"), s);
  std::string warned;
  set_log_callback([&](LogLevel level, const std::string&, const std::string& msg) {
    if (level == LogLevel::Warn) warned += msg;
  });
  load_feature_set(path("r"));
  set_log_callback(nullptr);
  EXPECT_NE(warned.find("1 test class(es) also occur in train"), std::string::npos) << warned;
}

}  // namespace
}  // namespace arfc
