// Metrics on hand-made cases with known answers, the method/ratio parsers, the harness on a
// tiny synthetic feature set, and the report writers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "arfc/codec/codec.h"
#include "arfc/core/error.h"
#include "arfc/eval/ablation.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/eval/harness.h"
#include "arfc/eval/metrics.h"
#include "arfc/eval/report.h"
#include "arfc/eval/report_merge.h"

using namespace arfc;
namespace fs = std::filesystem;

namespace {

// n points per class around well separated class centres in d dims.
void clustered(int64_t classes, int64_t per_class, int64_t d, float noise, uint64_t seed, Matrix& x, Labels& y) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix centres(classes, d);
  std::mt19937_64 crng(42);  // same centres for every split
  for (auto& v : centres.data) v = 3.0f * g(crng);
  x = Matrix(classes * per_class, d);
  y.clear();
  for (int64_t i = 0; i < x.n; ++i) {
    int64_t c = i % classes;
    y.push_back(c);
    for (int64_t j = 0; j < d; ++j) x.at(i, j) = centres.at(c, j) + noise * g(rng);
  }
}

FeatureSet tiny_classification(int64_t d = 16) {
  FeatureSet f;
  f.name = "tiny";
  f.task = Task::Classification;
  clustered(4, 75, d, 1.0f, 1, f.train_x, f.train_y);
  clustered(4, 20, d, 1.0f, 2, f.test_x, f.test_y);
  return f;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("arfc_test_eval_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

}  // namespace

TEST(Metrics, RecallOnConstructedSet) {
  // 1-d points; labels chosen so that the answers are known by hand.
  Matrix x(4, 2);
  const float pts[4][2] = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
  for (int i = 0; i < 4; ++i) x.at(i, 0) = pts[i][0], x.at(i, 1) = pts[i][1];
  // Item 0's nearest other is 1 (same label), item 2's nearest other is 3 (different label).
  Labels y = {0, 0, 1, 2};
  auto r = recall_at_k(x, x, y, Similarity::Cosine, {1, 2, 3});
  // R@1: items 0 and 1 hit; 2 and 3 have no same-label partner -> 0.5 at every k.
  EXPECT_DOUBLE_EQ(r[0], 0.5);
  EXPECT_DOUBLE_EQ(r[2], 0.5);
  Labels y2 = {0, 1, 1, 0};  // 0's nearest is 1 (miss); second nearest 3 (hit)
  auto r2 = recall_at_k(x, x, y2, Similarity::Cosine, {1, 2, 3});
  EXPECT_DOUBLE_EQ(r2[0], 0.0);
  EXPECT_DOUBLE_EQ(r2[2], 1.0);
  // Never returns the query itself.
  auto nn = top_k(x, x, Similarity::NegL2, 1, true);
  EXPECT_EQ(nn, (std::vector<int64_t>{1, 0, 3, 2}));
  EXPECT_THROW(top_k(x, x, Similarity::Cosine, 4, true), Error);
}

TEST(Metrics, LinearProbeSeparableAndShuffled) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(10, 60, 20, 0.5f, 3, xtr, ytr);
  clustered(10, 20, 20, 0.5f, 4, xte, yte);
  ProbeOptions o;
  EXPECT_GT(linear_probe_accuracy(xtr, ytr, xte, yte, o), 0.98);
  // Shuffled train labels: nothing to learn, near chance (10%).
  Labels shuffled = ytr;
  std::mt19937_64 rng(5);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  EXPECT_LT(linear_probe_accuracy(xtr, shuffled, xte, yte, o), 0.3);
  // Deterministic for a fixed seed.
  EXPECT_EQ(linear_probe_accuracy(xtr, shuffled, xte, yte, o), linear_probe_accuracy(xtr, shuffled, xte, yte, o));
  EXPECT_THROW(linear_probe_accuracy(xtr, Labels(3, 0), xte, yte, o), Error);
}

TEST(Metrics, KnnOnClusters) {
  Matrix xtr, xte;
  Labels ytr, yte;
  clustered(5, 30, 8, 0.3f, 6, xtr, ytr);
  clustered(5, 10, 8, 0.3f, 7, xte, yte);
  EXPECT_DOUBLE_EQ(knn_accuracy(xtr, ytr, xte, yte, Similarity::Cosine, 10), 1.0);
  // With flipped train labels every vote is wrong.
  Labels bad = ytr;
  for (auto& v : bad) v = (v + 1) % 5;
  EXPECT_DOUBLE_EQ(knn_accuracy(xtr, bad, xte, yte, Similarity::Cosine, 10), 0.0);
}

TEST(Metrics, PairedRecall) {
  Matrix a(50, 6);
  std::mt19937_64 rng(8);
  std::normal_distribution<float> g;
  for (auto& v : a.data) v = g(rng);
  auto r = paired_recall_at_k(a, a, Similarity::Cosine, {1, 5, 10});
  EXPECT_DOUBLE_EQ(r[0], 1.0);
  EXPECT_DOUBLE_EQ(r[2], 1.0);
  EXPECT_DOUBLE_EQ(paired_recall_at_k(a, a, Similarity::NegL2, {1})[0], 1.0);
  // Reversed pairing: row i matches row 49 - i, which is not itself.
  Matrix b(50, 6);
  for (int64_t i = 0; i < 50; ++i)
    for (int64_t j = 0; j < 6; ++j) b.at(i, j) = a.at(49 - i, j);
  EXPECT_LT(paired_recall_at_k(a, b, Similarity::Cosine, {1})[0], 0.1);
}

TEST(CodecCache, ForgetEncodingsKeepsModels) {
  CodecCache c;
  c.models["arfc"] = std::make_shared<int>(1);
  c.models[std::string(CodecCache::kEncodingPrefix) + "arfc:0:[4, 2]:123"] = std::make_shared<int>(2);
  c.forget_encodings();
  ASSERT_EQ(c.models.size(), 1u);
  EXPECT_EQ(c.models.begin()->first, "arfc");
}

TEST(Metrics, TiedScoresGetTheExpectedCreditOfARandomOrder) {
  // Identical codes (as discrete tokens give at a few bytes) score exactly level. Item 0's
  // nearest others are items 1, 2, 3, all equal to each other; only item 1 shares its label.
  Matrix x(5, 2);
  const float pts[5][2] = {{1, 0}, {1, 0.2f}, {1, 0.2f}, {1, 0.2f}, {0, 1}};
  for (int i = 0; i < 5; ++i) x.at(i, 0) = pts[i][0], x.at(i, 1) = pts[i][1];
  const Labels y = {0, 0, 1, 2, 3};
  // Items 2, 3 and 4 never find a same-label item; items 1's nearest others are 2 and 3 (level,
  // both other labels) and then 0; item 0 draws 1 of 3 level items at k = 1, 2 of 3 at k = 2.
  for (Similarity sim : {Similarity::Cosine, Similarity::NegL2}) {
    auto r = recall_at_k(x, x, y, sim, {1, 2, 3});
    EXPECT_NEAR(r[0], (1.0 / 3 + 0.0) / 5, 1e-12);
    EXPECT_NEAR(r[1], (2.0 / 3 + 0.0) / 5, 1e-12);
    EXPECT_NEAR(r[2], (1.0 + 1.0) / 5, 1e-12);  // item 1: its three nearest are 2, 3, then 0
  }
  // Paired: database rows 0..3 identical -> each of those matches is level with 3 others.
  Matrix a(6, 3), b(6, 3);
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      a.at(i, j) = float(i == 5 ? (j == 2) : (j == 0)) + (i == 4 ? 0.5f * float(j == 1) : 0.0f);
      b.at(i, j) = a.at(i, j);
    }
  // Rows 0-3 are (1,0,0), row 4 (1,0.5,0), row 5 (0,0,1): rows 0-3 get 1/4 at k = 1, 2/4 at
  // k = 2, 1 at k = 4; rows 4 and 5 are alone.
  auto p = paired_recall_at_k(a, b, Similarity::Cosine, {1, 2, 4});
  EXPECT_NEAR(p[0], (4 * 0.25 + 2) / 6, 1e-12);
  EXPECT_NEAR(p[1], (4 * 0.5 + 2) / 6, 1e-12);
  EXPECT_NEAR(p[2], 1.0, 1e-12);
}

TEST(Metrics, NeighbourOverlapOfIdentityIsOne) {
  Matrix a(40, 5);
  std::mt19937_64 rng(9);
  std::normal_distribution<float> g;
  for (auto& v : a.data) v = g(rng);
  EXPECT_DOUBLE_EQ(neighbour_overlap(a, Representation{a, Similarity::Cosine}, 5), 1.0);
}

TEST(Factory, MethodListsAndErrors) {
  auto m = parse_method_list("pca, ptq,rp,pca");
  EXPECT_EQ(m, (std::vector<std::string>{"pca", "f16", "i8", "i4", "bin", "rp"}));
  EXPECT_THROW(parse_method_list("pca,foo"), Error);
  EXPECT_THROW(parse_method_list("pca,,rp"), Error);
  EXPECT_THROW(parse_method_list("pca:3"), Error);
  CodecCache cache;
  try {
    make_codec("nope", 2, 16, cache);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pca"), std::string::npos) << "lists accepted methods: " << e.what();
  }
  EXPECT_THROW(make_codec("pca", 0.5, 16, cache), Error);
  EXPECT_NE(describe_methods().find("ptq"), std::string::npos);
  EXPECT_EQ(find_codec_entry("f16")->native_ratio, 2);
  // Storage variants: "+f32|f16|i8" on float codecs only; arguments after the storage.
  // (A model path may hold '+'; the file must exist when the list is parsed.)
  const std::string model = ::testing::TempDir() + "m+x." + std::to_string(::getpid()) + ".arfc";
  std::ofstream(model) << "x";
  EXPECT_EQ(parse_method_list("pca+i8,mrl+f16,arfc+i8:" + model).size(), 3u);
  EXPECT_EQ(find_codec_entry("arfc+i8:" + model)->prefix, "arfc");
  std::filesystem::remove(model);
  // Arguments are checked when the list is parsed, before any work: a missing model file,
  // an unknown rq argument.
  EXPECT_THROW(parse_method_list("arfc:" + model), Error);
#ifdef ARFC_HAVE_FAISS
  EXPECT_THROW(parse_method_list("rq:abc"), Error);
#endif
  EXPECT_THROW(parse_method_list("pq+i8"), Error);
  EXPECT_THROW(parse_method_list("rabitq+f16"), Error);
  EXPECT_THROW(parse_method_list("pca+"), Error);
  EXPECT_EQ(make_codec("pca+i8", 64, 256, cache)->bytes_per_vector(), 16);
  EXPECT_EQ(make_codec("pca+i8", 512, 256, cache)->bytes_per_vector(), 2);
  EXPECT_DOUBLE_EQ(find_codec_entry("rabitq")->fixed_ratio(256), 1024.0 / 36.0);
}

TEST(Factory, RatioLists) {
  EXPECT_EQ(parse_ratio_list("2,4, 5.3"), (std::vector<double>{2, 4, 5.3}));
  EXPECT_THROW(parse_ratio_list("2,x"), Error);
  EXPECT_THROW(parse_ratio_list("1"), Error);
  EXPECT_THROW(parse_ratio_list("2,2"), Error);
  EXPECT_THROW(parse_ratio_list(""), Error);
  EXPECT_THROW(parse_ratio_list("4e"), Error);
}

TEST(Harness, LimitKeepsPairsAligned) {
  FeatureSet f = tiny_classification();
  f.task = Task::Crossmodal;
  f.train_b = f.train_x;
  f.test_b = f.test_x;
  FeatureSet l = limit_feature_set(f, 50, 3);
  EXPECT_EQ(l.train_x.n, 50);
  EXPECT_EQ(l.test_x.n, 50);
  EXPECT_EQ(l.train_y.size(), 50u);
  EXPECT_EQ(l.train_x.data, l.train_b.data);
  EXPECT_EQ(l.test_x.data, l.test_b.data);
}

TEST_F(TempDir, HarnessAndReportsOnTinyClassification) {
  FeatureSet f = tiny_classification();
  EvalOptions o;
  for (const auto& s : parse_method_list("pca+f32,trunc+f32,i8")) o.methods.push_back({s, s});
  o.ratios = {2, 4, 32};  // 32x of a 16-d vector leaves 0 floats: a "-" cell, not a failed run
  o.command_line = "arfc eval --test";
  EvalReport r = run_evaluation(f, o);
  EXPECT_EQ(r.methods, (std::vector<std::string>{"uncompressed", "pca+f32", "trunc+f32", "i8"}));
  EXPECT_EQ(r.metrics, (std::vector<std::string>{"probe_acc", "knn_acc"}));
  // uncompressed 1 + pca 3 + trunc 3 + i8 once (native 4x), each with 2 metrics.
  ASSERT_EQ(r.records.size(), size_t(2 * (1 + 3 + 3 + 1)));
  int errors = 0;
  for (const auto& rec : r.records) {
    if (!rec.error.empty()) {
      ++errors;
      EXPECT_TRUE(rec.unreachable);
      EXPECT_EQ(rec.ratio_requested, 32);
      EXPECT_TRUE(std::isnan(rec.value));
      continue;
    }
    EXPECT_GE(rec.value, 0.0);
    EXPECT_LE(rec.value, 1.0);
    if (rec.method == "uncompressed") EXPECT_GT(rec.value, 0.95) << rec.metric;
    if (rec.method == "i8") {
      EXPECT_EQ(rec.ratio_requested, 4);
      EXPECT_DOUBLE_EQ(rec.ratio_achieved, 4.0);
      EXPECT_EQ(rec.bytes_per_vector, 16);
    }
    if (rec.method == "pca+f32" && rec.ratio_requested == 2) {
      EXPECT_EQ(rec.bytes_per_vector, 32);
      EXPECT_EQ(rec.variant, "f32 x 8");
      EXPECT_TRUE(std::isfinite(rec.se));
    }
  }
  EXPECT_EQ(errors, 4);  // pca+f32 and trunc+f32 at 32x, two metrics each

  ASSERT_TRUE(write_report(r, dir_.string()) || !fs::exists(dir_ / "report.png"));
  for (const char* f : {"report.md", "report.csv", "report.json", "report.gp"}) EXPECT_TRUE(fs::exists(dir_ / f)) << f;
  const std::string csv = slurp(dir_ / "report.csv");
  EXPECT_EQ(csv.rfind("task,method,ratio_requested,ratio_achieved,bytes_per_vector,layout,metric,value,se,distance,seconds", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), long(1 + r.records.size()));
  EXPECT_NE(csv.find("classification,pca+f32,2,2,32,f32 x 8,probe_acc,"), std::string::npos) << csv;
  auto j = nlohmann::json::parse(slurp(dir_ / "report.json"));
  EXPECT_EQ(j["format"], "arfc-eval-report");
  EXPECT_EQ(j["records"].size(), r.records.size());
  EXPECT_EQ(j["records"][0]["method"], "uncompressed");
  const std::string md = slurp(dir_ / "report.md");
  EXPECT_NE(md.find("## probe_acc (%)"), std::string::npos);
  EXPECT_NE(md.find("| pca+f32 | cosine |"), std::string::npos);
  EXPECT_NE(md.find("Sizes a method cannot make"), std::string::npos);
  EXPECT_EQ(md.find("## Errors"), std::string::npos);
  EXPECT_NE(md.find("arfc eval --test"), std::string::npos);
  const std::string gp = slurp(dir_ / "report.gp");
  EXPECT_NE(gp.find("set logscale x"), std::string::npos);
  EXPECT_NE(gp.find("uncompressed"), std::string::npos);
}

TEST(Harness, RetrievalAndCrossmodalReferences) {
  FeatureSet f = tiny_classification();
  f.task = Task::Retrieval;
  EvalOptions o;
  o.methods = {{"rp", "rp"}};
  o.ratios = {2};
  EvalReport r = run_evaluation(f, o);
  ASSERT_EQ(r.metrics.size(), 5u);
  EXPECT_GT(r.records[0].value, 0.9);  // uncompressed R@1 on well separated clusters
  EXPECT_EQ(r.metrics.back(), "R@1 asym");
  EXPECT_DOUBLE_EQ(r.records[4].value, r.records[0].value);  // raw vs raw: asym == sym
  for (const auto& rec : r.records)
    if (rec.method == "rp" && rec.metric == "R@1 asym") EXPECT_TRUE(std::isnan(rec.value));  // rp has no decoder

  f.task = Task::Crossmodal;
  f.train_b = f.train_x;
  f.test_b = f.test_x;
  o.methods = {{"pca", "pca"}};
  r = run_evaluation(f, o);
  EXPECT_EQ(r.records[0].metric, "R@1 mean");
  EXPECT_DOUBLE_EQ(r.records[0].value, 1.0);  // identical pairs
  for (const auto& rec : r.records)
    if (rec.method == "pca") EXPECT_DOUBLE_EQ(rec.value, 1.0) << rec.metric;  // one shared space, sym and asym

  EvalOptions bad = o;
  bad.methods = {{"zzz", "zzz"}};
  EXPECT_THROW(run_evaluation(f, bad), Error);
  bad = o;
  bad.ratios = {};
  EXPECT_THROW(run_evaluation(f, bad), Error);
}

// A report split over two runs (e.g. baselines once, ARFC in another process) and merged
// equals the single run of every method, cell for cell; the JSON round trip keeps every
// field; parts of another protocol, or a method measured twice, are refused.
TEST_F(TempDir, ReportsOfOneProtocolMergeIntoTheSingleRun) {
  FeatureSet f = tiny_classification();
  auto options = [](const std::string& methods) {
    EvalOptions o;
    for (const auto& s : parse_method_list(methods)) o.methods.push_back({s, s});
    o.ratios = {2, 4, 32};
    o.command_line = "arfc eval --methods " + methods;
    return o;
  };
  const EvalReport whole = run_evaluation(f, options("pca+f32,i8,trunc+f32"));
  const EvalReport a = run_evaluation(f, options("pca+f32,i8")), b = run_evaluation(f, options("trunc+f32"));
  write_report(a, (dir_ / "a").string());  // false only when the png cannot be drawn
  write_report(b, (dir_ / "b").string());
  const EvalReport ra = read_report((dir_ / "a").string()), rb = read_report((dir_ / "b").string());
  EXPECT_EQ(report_csv(ra), report_csv(a));  // the JSON round trip keeps every record
  EXPECT_EQ(ra.notes, a.notes);
  EXPECT_EQ(ra.command_line, a.command_line);

  const EvalReport m = merge_reports({ra, rb}, {"a", "b"});
  EXPECT_EQ(m.methods, whole.methods);
  EXPECT_EQ(m.distances, whole.distances);
  ASSERT_EQ(m.records.size(), whole.records.size());
  for (size_t i = 0; i < m.records.size(); ++i) {
    const EvalRecord &x = m.records[i], &y = whole.records[i];
    EXPECT_EQ(x.method, y.method);
    EXPECT_EQ(x.ratio_requested, y.ratio_requested);
    EXPECT_EQ(x.bytes_per_vector, y.bytes_per_vector);
    EXPECT_EQ(x.metric, y.metric);
    EXPECT_EQ(x.variant, y.variant);
    EXPECT_EQ(x.error, y.error);
    if (std::isnan(y.value)) {
      EXPECT_TRUE(std::isnan(x.value));
    } else {
      EXPECT_DOUBLE_EQ(x.value, y.value) << x.method << " " << x.ratio_requested << " " << x.metric;
    }
  }
  EXPECT_DOUBLE_EQ(m.seconds, a.seconds + b.seconds);
  ASSERT_EQ(m.sources.size(), 2u);
  EXPECT_NE(m.sources[1].find("trunc+f32"), std::string::npos) << m.sources[1];
  EXPECT_NE(report_markdown(m).find("merged from 2 runs"), std::string::npos);
  EXPECT_EQ(parse_report_json(report_json(m), "m").sources, m.sources);

  EXPECT_THROW(merge_reports({ra, ra}, {"a", "a2"}), Error);  // the same methods twice
  // --replace: a re-measured method's rows come from the later part, in their old place.
  EvalReport again = run_evaluation(f, options("i8"));
  for (auto& r : again.records)
    if (r.method == "i8") r.value = 0.5;  // stands for a re-measured method
  const EvalReport rep = merge_reports({m, again}, {"m", "again"}, true);
  EXPECT_EQ(rep.methods, whole.methods);
  ASSERT_EQ(rep.records.size(), whole.records.size());
  for (size_t i = 0; i < rep.records.size(); ++i) {
    EXPECT_EQ(rep.records[i].method, whole.records[i].method);
    EXPECT_EQ(rep.records[i].metric, whole.records[i].metric);
    if (rep.records[i].method == "i8") EXPECT_EQ(rep.records[i].value, 0.5);
  }
  EXPECT_NE(rep.sources.back().find("replaces the earlier rows of i8"), std::string::npos) << rep.sources.back();
  EXPECT_THROW(merge_reports({m, again}, {"m", "again"}), Error);  // without replace
  EXPECT_THROW(merge_reports({ra}, {"a"}), Error);
  EvalReport other = rb;
  other.seed = 7;
  EXPECT_THROW(merge_reports({ra, other}, {"a", "b"}), Error);
  other = rb;
  other.records[0].value -= 0.01;  // another reference value: other data or probe
  EXPECT_THROW(merge_reports({ra, other}, {"a", "b"}), Error);
  other = rb;
  other.notes.back() += " changed";
  EXPECT_THROW(merge_reports({ra, other}, {"a", "b"}), Error);
  // Not a report, truncated, or of another version.
  EXPECT_THROW(parse_report_json("{\"format\": \"arfc-model\"}", "x"), Error);
  const std::string text = report_json(a);
  EXPECT_THROW(parse_report_json(text.substr(0, text.size() / 2), "x"), Error);
  auto j = nlohmann::json::parse(text);
  j["version"] = 1;
  EXPECT_THROW(parse_report_json(j.dump(), "x"), Error);
  j = nlohmann::json::parse(text);
  j["records"][0].erase("metric");
  EXPECT_THROW(parse_report_json(j.dump(), "x"), Error);
  EXPECT_THROW(read_report((dir_ / "missing").string()), Error);
}

TEST(Report, VerdictComparesArfcWithTheBestCodeOfNoMoreBytes) {
  EvalReport r;
  r.metrics = {"probe_acc"};
  r.methods = {"uncompressed", "arfc", "pca", "rabitq"};
  r.distances = {"cosine", "cosine", "cosine", "cosine"};
  r.ratios = {8, 16, 32};
  auto add = [&](const std::string& m, double req, double achieved, double v, double se) {
    EvalRecord e;
    e.method = m;
    e.metric = "probe_acc";
    e.ratio_requested = req;
    e.ratio_achieved = achieved;
    e.value = v;
    e.se = se;
    r.records.push_back(e);
  };
  add("uncompressed", 1, 1, 0.99, 0.001);
  add("arfc", 8, 8, 0.90, 0.003);
  add("arfc", 16, 16, 0.88, 0.003);
  add("pca", 8, 8, 0.85, 0.003);
  add("pca", 16, 16, 0.881, 0.003);
  add("pca", 32, 32, 0.70, 0.004);
  add("rabitq", 32, 28.4, 0.95, 0.002);  // more bytes than a 32x code: counts at 8x and 16x only
  auto v = arfc_verdicts(r, "probe_acc");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].best, "rabitq");
  EXPECT_EQ(v[0].outcome, "loss");
  EXPECT_EQ(v[1].best, "rabitq");
  r.records.pop_back();  // without rabitq: 16x is a tie with pca (0.1 point < SE), 8x a win
  v = arfc_verdicts(r, "probe_acc");
  EXPECT_EQ(v[0].outcome, "win");
  EXPECT_EQ(v[1].best, "pca");
  EXPECT_EQ(v[1].outcome, "tie");
  EXPECT_EQ(v[2].outcome, "-");  // no ARFC code at 32x
  EXPECT_NE(report_markdown(r).find("| 16x | 88.00 | pca 88.10 (16x) | 0.30 | tie |"), std::string::npos)
      << report_markdown(r);
  r.ratios.push_back(64);
  add("arfc", 64, 64, 0.60, 0.004);  // nothing else makes a 64x code: not a win
  v = arfc_verdicts(r, "probe_acc");
  EXPECT_EQ(v[3].outcome, "unopposed");
}

TEST(Ablation, VariantSelection) {
  // All but s1, which spells out the default (S = 1) and would train the same model twice.
  EXPECT_EQ(select_ablation_variants("").size(), arfc_ablation_variants().size() - 1);
  for (const auto& m : select_ablation_variants("")) EXPECT_NE(m.label, "arfc S=1 (MoS off)");
  EXPECT_EQ(select_ablation_variants("s2")[0].overrides_json, R"({"model": {"solutions": 2}})");
  // Report order, repeats once, spaces allowed.
  auto v = select_ablation_variants("ergc_off, default,s1,ergc_off");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].label, "arfc (default)");
  EXPECT_EQ(v[1].overrides_json, R"({"model": {"solutions": 1}})");
  EXPECT_EQ(v[2].overrides_json, R"({"loss": {"ergc_weight": 0}})");
  for (const char* bad : {"s3", "default,,s1"}) {
    try {
      select_ablation_variants(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("base_only"), std::string::npos) << "lists the known variants: " << e.what();
    }
  }
  // Every variant's overrides parse and differ from the default in one section at most.
  for (const auto& a : arfc_ablation_variants()) EXPECT_LE(nlohmann::json::parse(a.method.overrides_json).size(), 1u);
}
