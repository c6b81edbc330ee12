#include "arfc/io/feature_set.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"

namespace arfc {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFormat = "arfc-featureset";
constexpr int kVersion = 1;
const char* const kFiles[] = {"train_x.npy", "train_y.npy", "train_b.npy", "test_x.npy", "test_y.npy", "test_b.npy"};

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

std::string join(const std::string& dir, const std::string& name) {
  return (!dir.empty() && dir.back() == '/') ? dir + name : dir + "/" + name;
}

void check_rows(const std::string& dir, const char* a, int64_t na, const char* b, int64_t nb) {
  ARFC_CHECK(na == nb, "feature set '", dir, "': ", b, " has ", nb, " rows but ", a, " has ", na,
             "; expected one row per ", a, " row. Hint: both files must come from the same split, in the same order.");
}

}  // namespace

Task parse_task(const std::string& name) {
  if (name == "generic") return Task::Generic;
  if (name == "classification") return Task::Classification;
  if (name == "retrieval") return Task::Retrieval;
  if (name == "crossmodal") return Task::Crossmodal;
  ARFC_THROW("unknown task '", name, "'; expected one of: generic, classification, retrieval, crossmodal.");
}

std::string task_name(Task t) {
  switch (t) {
    case Task::Generic: return "generic";
    case Task::Classification: return "classification";
    case Task::Retrieval: return "retrieval";
    case Task::Crossmodal: return "crossmodal";
  }
  return "?";
}

namespace {

// The validated meta.json of a feature set directory: fills fs.task, fs.name, fs.meta_json
// and returns it.
json read_meta(const std::string& dir, FeatureSet& fs) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    ARFC_THROW("feature set '", dir, "' is not a directory. Hint: create one with `arfc data fmnist` or see ",
               "docs/FORMAT.md (Input files) for the layout.");
  }
  const std::string meta_path = join(dir, "meta.json");
  ARFC_CHECK(exists(meta_path), "feature set '", dir, "': missing meta.json. Hint: a feature set directory holds ",
             "meta.json, train_x.npy and test_x.npy (docs/FORMAT.md).");
  const json meta = detail::parse_json_object(read_file_bytes(meta_path, int64_t(16) << 20),
                                              "file '" + meta_path + "'", "Hint: fix or regenerate it.");
  // Fields are type-checked before they are read: a crafted meta.json gets arfc::Error.
  const std::string format =
      meta.contains("format") && meta["format"].is_string() ? meta["format"].get<std::string>() : std::string("?");
  ARFC_CHECK(format == kFormat, "file '", meta_path, "': field \"format\" is '", format, "'; expected '", kFormat,
             "'. Hint: is this directory a feature set?");
  ARFC_CHECK(meta.contains("version") && meta["version"].is_number_integer(), "file '", meta_path,
             "': field \"version\" missing or not an integer; expected ", kVersion, ".");
  const int64_t version = meta["version"].get<int64_t>();
  ARFC_CHECK(version >= 1 && version <= kVersion, "file '", meta_path, "': feature-set version ", version,
             "; this build reads version 1..", kVersion, ". Hint: upgrade arfc.");
  ARFC_CHECK(meta.contains("task") && meta["task"].is_string(), "file '", meta_path,
             "': field \"task\" missing; expected one of generic, classification, retrieval, crossmodal.");
  try {
    fs.task = parse_task(meta["task"].get<std::string>());
  } catch (const Error& e) {
    ARFC_THROW("file '", meta_path, "': field \"task\": ", e.what());
  }
  fs.name = meta.contains("name") && meta["name"].is_string() ? meta["name"].get<std::string>()
                                                               : fs::path(dir).filename().string();
  fs.meta_json = meta.dump(2);
  return meta;
}

std::string need_file(const std::string& dir, Task task, const char* file) {
  const std::string p = join(dir, file);
  ARFC_CHECK(exists(p), "feature set '", dir, "' (task ", task_name(task), "): missing ", file,
             ". Hint: see docs/FORMAT.md for which files each task needs.");
  return p;
}

// meta.json's optional "dim" against the features' d.
void check_meta_dim(const std::string& dir, const json& meta, int64_t d) {
  if (meta.contains("dim") && meta["dim"].is_number_integer()) {
    ARFC_CHECK(meta["dim"].get<int64_t>() == d, "file '", join(dir, "meta.json"), "': field \"dim\" is ",
               meta["dim"].get<int64_t>(), " but train_x.npy has d = ", d, ". Hint: fix meta.json.");
  }
}

}  // namespace

TrainingFiles training_files(const std::string& dir) {
  FeatureSet fs;
  const json meta = read_meta(dir, fs);
  TrainingFiles f;
  f.task = fs.task;
  f.x = need_file(dir, fs.task, "train_x.npy");
  check_meta_dim(dir, meta, read_matrix_shape(f.x).d);
  if (fs.task == Task::Classification || fs.task == Task::Retrieval) f.y = need_file(dir, fs.task, "train_y.npy");
  if (fs.task == Task::Crossmodal) f.b = need_file(dir, fs.task, "train_b.npy");
  return f;
}

FeatureSet read_feature_set_meta(const std::string& dir) {
  FeatureSet fs;
  read_meta(dir, fs);
  return fs;
}

FeatureSet load_feature_set(const std::string& dir) {
  FeatureSet fs;
  const json meta = read_meta(dir, fs);
  auto need = [&](const char* file) { return need_file(dir, fs.task, file); };
  fs.train_x = read_matrix(need("train_x.npy"));
  fs.test_x = read_matrix(need("test_x.npy"));
  ARFC_CHECK(fs.train_x.d == fs.test_x.d, "feature set '", dir, "': train_x has d = ", fs.train_x.d,
             " but test_x has d = ", fs.test_x.d, "; expected the same dimension.");
  check_meta_dim(dir, meta, fs.train_x.d);
  const bool labelled = fs.task == Task::Classification || fs.task == Task::Retrieval;
  for (auto [file, y, x, xname] : {std::make_tuple("train_y.npy", &fs.train_y, &fs.train_x, "train_x"),
                                   std::make_tuple("test_y.npy", &fs.test_y, &fs.test_x, "test_x")}) {
    const std::string p = join(dir, file);
    if (!labelled && !exists(p)) continue;
    *y = read_labels(need(file));
    check_rows(dir, xname, x->n, file, int64_t(y->size()));
    check_class_ids(*y, "feature set '" + dir + "': " + file);
  }
  if (fs.task == Task::Crossmodal) {
    fs.train_b = read_matrix(need("train_b.npy"));
    fs.test_b = read_matrix(need("test_b.npy"));
    check_rows(dir, "train_x", fs.train_x.n, "train_b.npy", fs.train_b.n);
    check_rows(dir, "test_x", fs.test_x.n, "test_b.npy", fs.test_b.n);
    ARFC_CHECK(fs.train_b.d == fs.test_b.d, "feature set '", dir, "': train_b has d = ", fs.train_b.d,
               " but test_b has d = ", fs.test_b.d, "; expected the same dimension.");
  }
  if (fs.task == Task::Retrieval) {
    std::set<int64_t> train(fs.train_y.begin(), fs.train_y.end());
    int64_t shared = 0;
    for (int64_t c : std::set<int64_t>(fs.test_y.begin(), fs.test_y.end())) shared += train.count(c);
    if (shared > 0) {
      log_warn("feature set '" + dir + "': task retrieval, but " + std::to_string(shared) +
               " test class(es) also occur in train; the retrieval protocol expects disjoint (unseen) classes");
    }
  }
  return fs;
}

void save_feature_set(const std::string& dir, const FeatureSet& fs) {
  ARFC_CHECK(!fs.train_x.empty() && !fs.test_x.empty(), "cannot save feature set '", dir,
             "': train_x and test_x must be non-empty (got ", fs.train_x.shape_str(), " and ", fs.test_x.shape_str(), ").");
  ARFC_CHECK(fs.train_x.d == fs.test_x.d, "cannot save feature set '", dir, "': train_x has d = ", fs.train_x.d,
             " but test_x has d = ", fs.test_x.d, ".");
  const bool labelled = fs.task == Task::Classification || fs.task == Task::Retrieval;
  if (labelled) {
    ARFC_CHECK(!fs.train_y.empty() && !fs.test_y.empty(), "cannot save feature set '", dir, "': task ",
               task_name(fs.task), " needs train_y and test_y.");
  }
  if (!fs.train_y.empty()) check_rows(dir, "train_x", fs.train_x.n, "train_y", int64_t(fs.train_y.size()));
  if (!fs.test_y.empty()) check_rows(dir, "test_x", fs.test_x.n, "test_y", int64_t(fs.test_y.size()));
  if (fs.task == Task::Crossmodal) {
    ARFC_CHECK(!fs.train_b.empty() && !fs.test_b.empty(), "cannot save feature set '", dir,
               "': task crossmodal needs train_b and test_b.");
    check_rows(dir, "train_x", fs.train_x.n, "train_b", fs.train_b.n);
    check_rows(dir, "test_x", fs.test_x.n, "test_b", fs.test_b.n);
    ARFC_CHECK(fs.train_b.d == fs.test_b.d, "cannot save feature set '", dir, "': train_b has d = ", fs.train_b.d,
               " but test_b has d = ", fs.test_b.d, ".");
  }
  json meta = detail::parse_json_object(fs.meta_json.empty() ? std::string("{}") : fs.meta_json,
                                        "cannot save feature set '" + dir + "': meta_json");
  meta["format"] = kFormat;
  meta["version"] = kVersion;
  meta["name"] = fs.name.empty() ? fs::path(dir).filename().string() : fs.name;
  meta["task"] = task_name(fs.task);
  meta["dim"] = fs.train_x.d;
  meta["n_train"] = fs.train_x.n;
  meta["n_test"] = fs.test_x.n;
  if (fs.task == Task::Crossmodal) meta["dim_b"] = fs.train_b.d;
  else meta.erase("dim_b");

  std::error_code ec;
  fs::create_directories(dir, ec);
  ARFC_CHECK(!ec, "cannot create feature-set directory '", dir, "': ", ec.message(), ". Hint: check permissions.");

  // Data files first, meta.json last: a directory with a fresh meta.json is complete.
  std::set<std::string> written;
  auto put = [&](const char* file, const Matrix& m) {
    write_matrix(join(dir, file), m, FileFormat::Npy);
    written.insert(file);
  };
  put("train_x.npy", fs.train_x);
  put("test_x.npy", fs.test_x);
  if (!fs.train_y.empty()) write_labels(join(dir, "train_y.npy"), fs.train_y), written.insert("train_y.npy");
  if (!fs.test_y.empty()) write_labels(join(dir, "test_y.npy"), fs.test_y), written.insert("test_y.npy");
  if (fs.task == Task::Crossmodal) {
    put("train_b.npy", fs.train_b);
    put("test_b.npy", fs.test_b);
  }
  // Files of an earlier, different feature set in the same directory would be read back.
  for (const char* f : kFiles)
    if (!written.count(f)) std::remove(join(dir, f).c_str());
  write_file_atomic(join(dir, "meta.json"), meta.dump(2) + "\n");
}

}  // namespace arfc
