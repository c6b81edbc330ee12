// `arfc info FILE...`: what each file holds (format, dtype, shape, size, value stats), as a
// table, CSV or JSON. Feature-set directories (holding meta.json) are described with their
// member files. Files of other arfc modules are recognised by magic bytes (see kForeignKinds).
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "arfc/model/arfc_model.h"
#include "commands.h"

namespace arfc::cli {
namespace {
using Record = nlohmann::ordered_json;

// ---- Hook: files described by their own modules, recognised by their leading bytes. ----
// Add one entry per file kind: {magic, describer}. The describer returns a JSON object;
// the keys "format", "kind", "dtype", "shape" ([..]), "file_bytes" and "notes" fill the
// table/CSV columns, every key appears in --format json.
struct ForeignKind {
  std::string magic;
  std::function<Record(const std::string& path)> describe;
};

Record describe_codes(const std::string& path) {
  const nlohmann::json c = describe_code_file(path);
  Record r;
  r["path"] = path;
  r["format"] = c.value("format", std::string("arfc-codes"));
  r["kind"] = "codes";
  r["dtype"] = c.value("dtype", std::string("?"));
  r["shape"] = {c.value("n", int64_t(0)), c.value("n_values", int64_t(0))};
  r["file_bytes"] = c.value("file_bytes", int64_t(0));
  char notes[160];
  std::snprintf(notes, sizeof notes, "ratio %.2fx, %lld token(s), D=%lld", c.value("ratio", 0.0),
                (long long)c.value("tokens", int64_t(0)), (long long)c.value("input_dim", int64_t(0)));
  r["notes"] = notes;
  for (const auto& [k, v] : c.items())
    if (!r.contains(k)) r[k] = v;
  return r;
}

Record describe_model(const std::string& path) {
  const nlohmann::json m = describe_model_file(path);
  Record r;
  r["path"] = path;
  r["format"] = "arfc-model";
  r["kind"] = "model";
  r["dtype"] = "f32";
  r["shape"] = {m.at("input_dim"), m.at("max_values")};
  r["file_bytes"] = m.at("file_bytes");
  const nlohmann::json& sum = m.at("summary");
  std::string val;
  if (sum.contains("val_metric") && sum.contains("val_metric_full")) {
    char b[64];
    std::snprintf(b, sizeof b, ", %s %.4f", sum.at("val_metric").get<std::string>().c_str(),
                  sum.at("val_metric_full").get<double>());
    val = b;
  }
  const int64_t discrete = m.value("discrete_tokens", int64_t(0));
  const std::string q8 = discrete > 0 ? " + " + std::to_string(discrete) + " discrete tokens (q8, beam " +
                                             std::to_string(m.value("token_beam", int64_t(1))) + ")"
                                       : "";
  const std::string source = m.value("code_source", std::string("arc")) == "base" ? ", codes from the base code" : "";
  char notes[352];
  std::snprintf(notes, sizeof notes, "task %s, %lld tokens x %lld values%s, S=%lld, %lld parameters%s%s",
                m.at("task").get<std::string>().c_str(), (long long)m.at("max_tokens").get<int64_t>(),
                (long long)m.at("token_width").get<int64_t>(), q8.c_str(), (long long)m.at("solutions").get<int64_t>(),
                (long long)m.at("parameters").get<int64_t>(), source.c_str(), val.c_str());
  r["notes"] = notes;
  for (const auto& [k, v] : m.items())
    if (!r.contains(k)) r[k] = v;
  return r;
}

const std::vector<ForeignKind>& foreign_kinds() {
  static const std::vector<ForeignKind> kinds = {
      {std::string(kCodeMagic, 8), describe_codes},
      {model_file_magic(), describe_model},
  };
  return kinds;
}

const ForeignKind* match_foreign(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  const size_t got = size_t(in.gcount());
  for (const ForeignKind& k : foreign_kinds())
    if (got >= k.magic.size() && std::memcmp(head, k.magic.data(), k.magic.size()) == 0) return &k;
  return nullptr;
}
// ------------------------------------------------------------------------------------------

Record describe_array(const std::string& path, bool stats) {
  const FileInfo i = inspect_file(path, stats);
  Record r;
  r["path"] = path;
  r["format"] = i.format;
  r["kind"] = i.kind;
  r["dtype"] = i.dtype;
  r["shape"] = i.shape;
  r["file_bytes"] = i.file_bytes;
  if (!i.tensor.empty()) r["tensor"] = i.tensor;
  if (i.has_stats) {
    r["min"] = i.min;
    r["max"] = i.max;
    r["mean"] = i.mean;
    r["std"] = i.std;
    r["mean_norm"] = i.mean_norm;
    r["nonfinite"] = i.nonfinite;
  }
  if (i.num_classes >= 0) {
    r["classes"] = i.num_classes;
    r["min"] = i.min;
    r["max"] = i.max;
  }
  return r;
}

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// A feature set: one row for the directory, then one per member file.
std::vector<Record> describe_feature_set(const std::string& dir, bool stats) {
  const std::string base = dir.back() == '/' ? dir : dir + "/";
  const FeatureSet fs = read_feature_set_meta(dir);  // meta.json only, validated
  const nlohmann::json meta = nlohmann::json::parse(fs.meta_json);
  const std::string task = task_name(fs.task);
  Record head;
  head["path"] = dir;
  head["format"] = meta["format"];
  head["kind"] = "feature-set";
  head["name"] = fs.name;
  head["task"] = task;
  std::vector<Record> files;
  int64_t total = 0;
  for (const char* f : {"train_x.npy", "train_y.npy", "train_b.npy", "test_x.npy", "test_y.npy", "test_b.npy"}) {
    if (!exists(base + f)) continue;
    files.push_back(describe_array(base + f, stats));
    total += files.back()["file_bytes"].get<int64_t>();
  }
  head["file_bytes"] = total;
  head["notes"] = "name '" + head["name"].get<std::string>() + "', task " + task;
  head["meta"] = meta;
  std::vector<Record> out{head};
  out.insert(out.end(), files.begin(), files.end());
  return out;
}

std::vector<Record> describe(const std::string& path, bool stats) {
  if (is_dir(path)) {
    ARFC_CHECK(exists(path + "/meta.json"), "'", path, "' is a directory without meta.json; expected a file or a ",
               "feature-set directory. Hint: pass the files inside it.");
    return describe_feature_set(path, stats);
  }
  if (const ForeignKind* k = match_foreign(path)) return {k->describe(path)};
  const auto ends_with = [&](const std::string& ext) {
    return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  // Not an array format: say what the name promises and what the bytes are not.
  ARFC_CHECK(!ends_with(".ckpt"), "'", path, "' looks like a training checkpoint (OUT.ckpt of `arfc train`); info ",
             "describes models, code files, embeddings, labels and feature sets. Hint: continue training from it with ",
             "`arfc train ... --out OUT --resume`.");
  ARFC_CHECK(!ends_with(".arfc"), "'", path, "' is neither an arfc model file nor a code file: it does not start ",
             "with either's magic bytes (\"", model_file_magic(), "\" or \"", std::string(kCodeMagic, 8),
             "\"). Hint: the file is damaged or of another kind; re-create or re-copy it.");
  return {describe_array(path, stats)};
}

// ---- output --------------------------------------------------------------------------------
std::string num(const Record& r, const char* key) {
  if (!r.contains(key)) return "-";
  const auto& v = r[key];
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (!v.is_number()) return v.is_string() ? v.get<std::string>() : v.dump();
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v.get<double>());
  return b;
}

std::string shape_text(const Record& r) {
  if (!r.contains("shape")) return "-";
  std::string s;
  for (const auto& d : r["shape"]) s += (s.empty() ? "" : " x ") + std::to_string(d.get<int64_t>());
  return s.empty() ? "scalar" : s;
}

std::string bytes_text(int64_t b) {
  char buf[32];
  if (b < 1024) std::snprintf(buf, sizeof buf, "%lld B", (long long)b);
  else if (b < (int64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024);
  else if (b < (int64_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1 << 20));
  else std::snprintf(buf, sizeof buf, "%.2f GiB", double(b) / (1 << 30));
  return buf;
}

const std::vector<std::string> kColumns = {"file", "format", "kind", "dtype", "shape", "size", "min", "max",
                                           "mean", "std", "mean_norm", "nonfinite", "classes", "notes"};

std::vector<std::string> cells(const Record& r, bool human) {
  auto str = [&](const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : "-"; };
  const int64_t bytes = r.value("file_bytes", int64_t(0));
  return {str("path"), str("format"), str("kind"), str("dtype"), shape_text(r),
          human ? bytes_text(bytes) : std::to_string(bytes), num(r, "min"), num(r, "max"), num(r, "mean"),
          num(r, "std"), num(r, "mean_norm"), num(r, "nonfinite"), num(r, "classes"),
          r.contains("notes") ? r["notes"].get<std::string>() : (r.contains("tensor") ? "tensor '" + r["tensor"].get<std::string>() + "'" : "")};
}

void print_table(const std::vector<Record>& rows) {
  std::vector<std::vector<std::string>> t{kColumns};
  for (auto& c : t[0])
    for (auto& ch : c) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  for (const Record& r : rows) t.push_back(cells(r, true));
  std::vector<size_t> w(kColumns.size(), 0);
  for (const auto& row : t)
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
  for (const auto& row : t) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i >= 5 && i + 1 < row.size();
      const std::string pad(w[i] - row[i].size(), ' ');
      line += (i ? "  " : "") + (numeric ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : ""));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void print_csv(const std::vector<Record>& rows) {
  std::vector<std::string> head = kColumns;
  head[5] = "file_bytes";
  for (size_t i = 0; i < head.size(); ++i) std::printf("%s%s", i ? "," : "", head[i].c_str());
  std::printf("\n");
  for (const Record& r : rows) {
    const auto c = cells(r, false);
    for (size_t i = 0; i < c.size(); ++i) std::printf("%s%s", i ? "," : "", csv_field(c[i] == "-" ? "" : c[i]).c_str());
    std::printf("\n");
  }
}

}  // namespace

void add_info_command(CLI::App& app) {
  struct Opts {
    std::vector<std::string> files;
    std::string format = "table";
    bool no_stats = false;
  };
  auto opt = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "info", "Print what embedding, label, code or feature-set files hold: format, dtype, shape, size and value "
              "statistics (min/max/mean/std, mean row L2 norm, NaN/Inf count; classes for labels)");
  sub->add_option("files", opt->files,
                  "Files (.npy, .fvecs, .fbin, .safetensors, code files) or feature-set directories (with meta.json)")
      ->required()
      ->check(CLI::ExistingPath);
  sub->add_option("--format", opt->format, "Output: table (aligned text), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sub->add_flag("--no-stats", opt->no_stats, "Read headers only: skip the pass over the values (fast on big files)");
  sub->callback([opt] {
    std::vector<Record> rows;
    std::vector<std::string> failures;
    for (const std::string& f : opt->files) {
      try {
        for (Record& r : describe(f, !opt->no_stats)) rows.push_back(std::move(r));
      } catch (const Error& e) {
        failures.push_back(e.what());
      } catch (const std::exception& e) {  // a reader's library error: still describe the other files
        failures.push_back("'" + f + "': " + e.what());
      }
    }
    if (opt->format == "json") {
      std::printf("%s\n", nlohmann::ordered_json(rows).dump(2).c_str());
    } else if (opt->format == "csv") {
      print_csv(rows);
    } else if (!rows.empty()) {
      print_table(rows);
    }
    std::fflush(stdout);
    if (failures.size() == 1) ARFC_THROW(failures[0]);
    if (!failures.empty()) {
      std::string all;
      for (const auto& f : failures) all += "\n  " + f;
      ARFC_THROW(failures.size(), " of ", opt->files.size(), " files could not be described:", all);
    }
  });
}

}  // namespace arfc::cli
