#include "arfc/eval/report.h"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"

namespace arfc {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string ratio_str(double r) { return fmt("%.3g", r) + "x"; }
bool differs(double achieved, double requested) { return std::abs(std::log(achieved / requested)) > std::log(1.03); }

const EvalRecord* find_record(const EvalReport& r, const std::string& method, double ratio, const std::string& metric) {
  for (const auto& rec : r.records)
    if (rec.method == method && rec.metric == metric && rec.ratio_requested == ratio) return &rec;
  return nullptr;
}

bool is_fixed_rate(const std::string& method) {
  const CodecEntry* e = find_codec_entry(method);
  return e != nullptr && e->fixed_rate();
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string gp_quote(const std::string& s) {  // gnuplot double-quoted string
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string num(double v) {
  if (!std::isfinite(v)) return "";
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

// One row per compressed method, one column per requested ratio; cell(record of the main
// metric at that ratio, or nullptr) gives the text.
template <typename CellFn>
void write_per_method_table(std::ostringstream& md, const EvalReport& r, const std::string& title, CellFn cell) {
  md << "\n## " << title << "\n\n| method |";
  for (double q : r.ratios) md << " " << ratio_str(q) << " |";
  md << "\n|---|";
  for (size_t i = 0; i < r.ratios.size(); ++i) md << "--:|";
  md << "\n";
  for (const auto& m : r.methods) {
    if (m == "uncompressed") continue;
    md << "| " << md_escape(m) << " |";
    for (double q : r.ratios) md << " " << cell(find_record(r, m, q, r.metrics[0])) << " |";
    md << "\n";
  }
}

}  // namespace

std::vector<Verdict> arfc_verdicts(const EvalReport& r, const std::string& metric) {
  std::vector<Verdict> out;
  std::string arfc;
  for (const auto& m : r.methods)
    if (m.rfind("arfc", 0) == 0) {
      arfc = m;
      break;
    }
  if (arfc.empty()) return out;
  for (double q : r.ratios) {
    Verdict v;
    v.ratio = q;
    v.arfc = arfc;
    const EvalRecord* a = find_record(r, arfc, q, metric);
    if (a && a->error.empty() && std::isfinite(a->value)) {
      v.arfc_value = a->value;
      v.arfc_se = a->se;
    }
    for (const auto& rec : r.records) {
      if (rec.metric != metric || rec.method == arfc || rec.method == "uncompressed" || !rec.error.empty() ||
          !std::isfinite(rec.value) || rec.ratio_achieved < q * (1 - kRatioTolerance) ||
          rec.method.rfind("arfc", 0) == 0)
        continue;
      if (v.best.empty() || rec.value > v.best_value) {
        v.best = rec.method;
        v.best_value = rec.value;
        v.best_se = rec.se;
        v.best_ratio = rec.ratio_achieved;
      }
    }
    if (!std::isfinite(v.arfc_value)) {
      v.outcome = "-";
    } else if (v.best.empty()) {
      v.outcome = "unopposed";  // no other method makes a code this small: nothing to beat
    } else {
      const double d = v.arfc_value - v.best_value;
      v.outcome = d > v.best_se ? "win" : d >= -v.best_se ? "tie" : "loss";
    }
    out.push_back(v);
  }
  return out;
}

std::string report_markdown(const EvalReport& r) {
  std::ostringstream md;
  md << "# arfc eval: " << r.dataset << " (" << r.task << ")\n\n";
  md << "- features: D = " << r.dim << ", " << r.n_train << " train rows, " << r.n_test << " test rows\n";
  md << "- seed " << r.seed << ", epochs for learned methods: " << (r.epochs > 0 ? std::to_string(r.epochs) : "default")
     << ", limit: " << (r.limit > 0 ? std::to_string(r.limit) : "none") << "\n";
  md << "- run time: " << format_duration(r.seconds) << (r.sources.empty() ? "" : " (the sum of the merged runs)")
     << "\n";
  if (const EvalRecord* ref = find_record(r, "uncompressed", 1.0, r.metrics[0]); ref && std::isfinite(ref->se))
    md << "- standard error of " << r.metrics[0] << ": " << fmt("%.2f", 100 * ref->se)
       << " points at the uncompressed level (binomial over the test queries; CSV/JSON give it per cell)\n";
  if (!r.command_line.empty()) md << "- command: `" << r.command_line << "`\n";
  if (!r.sources.empty()) {
    md << "- merged from " << r.sources.size() << " runs of this protocol (same data, seed, limit, epochs, ratios "
          "and probe; checked):\n";
    for (const auto& src : r.sources) md << "  - " << md_escape(src) << "\n";
  }
  md << "\nCells: metric in percent at the achieved ratio (shown in brackets when it differs from the "
        "column's requested ratio by more than 3%). `-`: not applicable (fixed-rate methods appear once).\n";

  for (size_t mi = 0; mi < r.metrics.size(); ++mi) {
    const std::string& metric = r.metrics[mi];
    md << "\n## " << metric << " (%)" << (mi == 0 ? " — main metric" : "") << "\n\n";
    md << "| method | distance | 1x |";
    for (double q : r.ratios) md << " " << ratio_str(q) << " |";
    md << "\n|---|---|--:|";
    for (size_t i = 0; i < r.ratios.size(); ++i) md << "--:|";
    md << "\n";
    for (size_t k = 0; k < r.methods.size(); ++k) {
      const std::string& m = r.methods[k];
      md << "| " << md_escape(m) << " | " << md_escape(r.distances[k]) << " |";
      const EvalRecord* ref = find_record(r, m, 1.0, metric);
      md << " " << (ref ? (ref->error.empty() ? fmt("%.2f", 100 * ref->value) : "error") : "") << " |";
      for (double q : r.ratios) {
        const EvalRecord* rec = find_record(r, m, q, metric);
        std::string cell = "-";
        if (rec && !rec->error.empty()) {
          cell = rec->unreachable ? "-" : "error";
        } else if (rec && std::isfinite(rec->value)) {
          cell = fmt("%.2f", 100 * rec->value);
          if (differs(rec->ratio_achieved, q)) cell += " (" + ratio_str(rec->ratio_achieved) + ")";
        }
        md << " " << cell << " |";
      }
      md << "\n";
    }
  }

  write_per_method_table(md, r, "Achieved size: ratio (bytes per vector, stored layout)", [](const EvalRecord* rec) {
    if (rec && rec->bytes_per_vector > 0)
      return ratio_str(rec->ratio_achieved) + " (" + std::to_string(rec->bytes_per_vector) + " B" +
             (rec->variant.empty() ? "" : ", " + rec->variant) + ")";
    return std::string(rec && !rec->unreachable ? "error" : "-");
  });
  write_per_method_table(md, r,
                         "Seconds per cell (fit + encode + metrics; a model shared across ratios is charged to its "
                         "first cell)",
                         [](const EvalRecord* rec) { return rec ? fmt("%.1f", rec->seconds) : std::string("-"); });

  std::vector<std::string> read_metrics{r.metrics[0]};
  if (r.metrics.back() != r.metrics[0] && r.metrics.back().find("asym") != std::string::npos)
    read_metrics.push_back(r.metrics.back());
  for (const std::string& metric : read_metrics) {
    const auto verdicts = arfc_verdicts(r, metric);
    if (verdicts.empty()) continue;
    md << "\n## Reading: " << md_escape(verdicts[0].arfc) << " vs the best other method at no more bytes ("
       << metric << ")\n\nwin / loss: ahead / behind by more than one standard error (SE) of the best; tie: "
          "within one SE.\n\n| ratio | " << md_escape(verdicts[0].arfc) << " | best other (achieved ratio) | "
          "SE | outcome |\n|--:|--:|---|--:|---|\n";
    for (const auto& v : verdicts) {
      md << "| " << ratio_str(v.ratio) << " | " << (std::isfinite(v.arfc_value) ? fmt("%.2f", 100 * v.arfc_value) : "-")
         << " | ";
      if (v.best.empty())
        md << "none";
      else
        md << md_escape(v.best) << " " << fmt("%.2f", 100 * v.best_value) << " (" << ratio_str(v.best_ratio) << ")";
      md << " | " << (std::isfinite(v.best_se) ? fmt("%.2f", 100 * v.best_se) : "-") << " | " << v.outcome << " |\n";
    }
  }

  std::vector<std::string> errors, unreachable;
  for (const auto& rec : r.records)
    if (!rec.error.empty() && rec.metric == r.metrics[0])
      (rec.unreachable ? unreachable : errors)
          .push_back(rec.method + " @ " + ratio_str(rec.ratio_requested) + ": " + rec.error);
  if (!unreachable.empty()) {
    md << "\n## Sizes a method cannot make (`-`)\n\n";
    for (const auto& e : unreachable) md << "- " << md_escape(e) << "\n";
  }
  if (!errors.empty()) {
    md << "\n## Errors\n\n";
    for (const auto& e : errors) md << "- " << md_escape(e) << "\n";
  }
  if (!r.notes.empty()) {
    md << "\n## Protocol notes\n\n";
    for (const auto& n : r.notes) md << "- " << n << "\n";
  }
  md << "\nDistances: cosine = cosine similarity of the codes; hamming = Hamming distance of sign bits "
        "(as +-1 vectors); L2 (decoded) = L2 between decoded vectors of L2-normalised inputs.\n";
  return md.str();
}

std::string report_csv(const EvalReport& r) {
  std::ostringstream os;
  os << "task,method,ratio_requested,ratio_achieved,bytes_per_vector,layout,metric,value,se,distance,seconds,error\n";
  for (const auto& x : r.records)
    os << csv_field(x.task) << ',' << csv_field(x.method) << ',' << num(x.ratio_requested) << ','
       << num(x.ratio_achieved) << ',' << x.bytes_per_vector << ',' << csv_field(x.variant) << ','
       << csv_field(x.metric) << ',' << num(x.value) << ',' << num(x.se) << ',' << csv_field(x.distance) << ','
       << fmt("%.3f", x.seconds) << ',' << csv_field(x.error) << '\n';
  return os.str();
}

std::string report_json(const EvalReport& r) {
  nlohmann::json j;
  j["format"] = "arfc-eval-report";
  j["version"] = 2;
  j["dataset"] = r.dataset;
  j["task"] = r.task;
  j["dim"] = r.dim;
  j["n_train"] = r.n_train;
  j["n_test"] = r.n_test;
  j["seed"] = r.seed;
  j["epochs"] = r.epochs;
  j["limit"] = r.limit;
  j["seconds"] = r.seconds;
  j["command_line"] = r.command_line;
  j["ratios"] = r.ratios;
  j["metrics"] = r.metrics;
  j["notes"] = r.notes;
  if (!r.sources.empty()) j["sources"] = r.sources;
  j["methods"] = nlohmann::json::array();
  for (size_t k = 0; k < r.methods.size(); ++k)
    j["methods"].push_back({{"name", r.methods[k]}, {"distance", r.distances[k]}});
  j["verdicts"] = nlohmann::json::array();
  for (const auto& v : arfc_verdicts(r, r.metrics.at(0))) {
    auto num_or_null = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    j["verdicts"].push_back({{"ratio", v.ratio}, {"metric", r.metrics.at(0)}, {"arfc", v.arfc},
                             {"arfc_value", num_or_null(v.arfc_value)}, {"best", v.best},
                             {"best_value", num_or_null(v.best_value)}, {"best_se", num_or_null(v.best_se)},
                             {"best_ratio", num_or_null(v.best_ratio)}, {"outcome", v.outcome}});
  }
  j["records"] = nlohmann::json::array();
  for (const auto& x : r.records) {
    nlohmann::json rec = {{"task", x.task},
                          {"method", x.method},
                          {"ratio_requested", x.ratio_requested},
                          {"ratio_achieved", x.ratio_achieved},
                          {"bytes_per_vector", x.bytes_per_vector},
                          {"metric", x.metric},
                          {"distance", x.distance},
                          {"seconds", x.seconds}};
    rec["value"] = std::isfinite(x.value) ? nlohmann::json(x.value) : nlohmann::json(nullptr);
    rec["se"] = std::isfinite(x.se) ? nlohmann::json(x.se) : nlohmann::json(nullptr);
    if (!x.variant.empty()) rec["layout"] = x.variant;
    if (!x.error.empty()) rec["error"] = x.error;
    if (x.unreachable) rec["unreachable"] = true;
    j["records"].push_back(rec);
  }
  return j.dump(2) + "\n";
}

EvalReport parse_report_json(const std::string& text, const std::string& where) {
  const nlohmann::json j = detail::parse_json_object(text, where);
  ARFC_CHECK(j.value("format", std::string()) == "arfc-eval-report", where,
             ": not an arfc eval report (expected \"format\": \"arfc-eval-report\").");
  ARFC_CHECK(j.value("version", 0) == 2, where, ": report version ", j.value("version", 0),
             ", expected 2. Hint: rerun `arfc eval` with this build.");
  EvalReport r;
  try {
    r.dataset = j.at("dataset").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.dim = j.at("dim").get<int64_t>();
    r.n_train = j.at("n_train").get<int64_t>();
    r.n_test = j.at("n_test").get<int64_t>();
    r.seed = j.at("seed").get<uint64_t>();
    r.epochs = j.at("epochs").get<int64_t>();
    r.limit = j.at("limit").get<int64_t>();
    r.seconds = j.at("seconds").get<double>();
    r.command_line = j.at("command_line").get<std::string>();
    r.ratios = j.at("ratios").get<std::vector<double>>();
    r.metrics = j.at("metrics").get<std::vector<std::string>>();
    r.notes = j.at("notes").get<std::vector<std::string>>();
    r.sources = j.value("sources", std::vector<std::string>());
    for (const auto& m : j.at("methods")) {
      r.methods.push_back(m.at("name").get<std::string>());
      r.distances.push_back(m.at("distance").get<std::string>());
    }
    auto num = [](const nlohmann::json& v) { return v.is_null() ? std::nan("") : v.get<double>(); };
    for (const auto& x : j.at("records")) {
      EvalRecord rec;
      rec.task = x.at("task").get<std::string>();
      rec.method = x.at("method").get<std::string>();
      rec.ratio_requested = x.at("ratio_requested").get<double>();
      rec.ratio_achieved = x.at("ratio_achieved").get<double>();
      rec.bytes_per_vector = x.at("bytes_per_vector").get<int64_t>();
      rec.metric = x.at("metric").get<std::string>();
      rec.distance = x.at("distance").get<std::string>();
      rec.seconds = x.at("seconds").get<double>();
      rec.value = num(x.at("value"));
      rec.se = num(x.at("se"));
      rec.variant = x.value("layout", std::string());
      rec.error = x.value("error", std::string());
      rec.unreachable = x.value("unreachable", false);
      r.records.push_back(rec);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": malformed report (" + e.what() + ").");
  }
  ARFC_CHECK(!r.metrics.empty() && !r.ratios.empty() && !r.methods.empty(), where,
             ": a report needs metrics, ratios and methods.");
  for (const auto& rec : r.records)
    ARFC_CHECK(std::find(r.methods.begin(), r.methods.end(), rec.method) != r.methods.end() &&
                   std::find(r.metrics.begin(), r.metrics.end(), rec.metric) != r.metrics.end(),
               where, ": record of method '", rec.method, "', metric '", rec.metric,
               "' not listed in the report's methods/metrics.");
  return r;
}

EvalReport read_report(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "report.json").string();
  ARFC_CHECK(std::filesystem::is_regular_file(path), "report ", path,
             " not found. Hint: pass the --out directory of an earlier `arfc eval`.");
  return parse_report_json(read_file_bytes(path, int64_t(1) << 28), path);
}

std::string report_gnuplot(const EvalReport& r, const std::string& png_name) {
  const std::string& metric = r.metrics.at(0);
  std::ostringstream gp;
  gp << "# arfc eval plot: " << r.dataset << " (" << r.task << "), " << metric << " vs achieved ratio.\n"
     << "# Render: gnuplot report.gp   (or gnuplot -e \"outfile='x.png'\" report.gp)\n"
     << "if (!exists(\"outfile\")) outfile = " << gp_quote(png_name) << "\n"
     << "set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5\n"
     << "set output outfile\n"
     << "set title " << gp_quote("arfc eval: " + r.dataset + " (" + r.task + ", D = " + std::to_string(r.dim) +
                                 ", test n = " + std::to_string(r.n_test) + ")") << "\n"
     << "set xlabel \"compression ratio = float32 bytes / code bytes (log scale)\"\n"
     << "set ylabel " << gp_quote(metric + " (%)") << "\n"
     << "set logscale x 2\nset grid xtics ytics lc rgb '#dddddd'\n"
     << "set key outside right center box opaque spacing 1.2 samplen 4\n";
  double lo = r.ratios.front(), hi = r.ratios.front();
  for (double q : r.ratios) lo = std::min(lo, q), hi = std::max(hi, q);
  for (const auto& x : r.records)
    if (x.method != "uncompressed" && x.ratio_achieved > 0 && std::isfinite(x.value))
      lo = std::min(lo, x.ratio_achieved), hi = std::max(hi, x.ratio_achieved);
  gp << "set xrange [" << lo / 1.15 << ":" << hi * 1.15 << "]\n";
  gp << "set xtics (";
  for (size_t i = 0; i < r.ratios.size(); ++i) gp << (i ? ", " : "") << "\"" << fmt("%g", r.ratios[i]) << "\" " << r.ratios[i];
  gp << ")\n";
  // Distinct colours and point types for up to 12 lines.
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
                           "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#843c39"};
  const int points[] = {7, 5, 9, 11, 13, 4, 6, 8, 10, 12, 1, 2};

  // Series: every ratio-free method, plus one series for the fixed-rate methods.
  struct Series {
    std::string title;
    std::vector<std::pair<double, double>> pts;
    std::vector<std::string> labels;
    bool highlight = false;
  };
  std::vector<Series> series;
  Series fixed{"scalar quant (f16 / i8 / i4 / bin)", {}, {}, false};
  double ref = std::nan("");
  for (const auto& m : r.methods) {
    Series s{m, {}, {}, m.rfind("arfc", 0) == 0};
    for (const auto& x : r.records) {
      if (x.method != m || x.metric != metric || !std::isfinite(x.value)) continue;
      if (m == "uncompressed") {
        ref = 100 * x.value;
        continue;
      }
      bool dup = false;
      for (const auto& p : s.pts) dup = dup || p.first == x.ratio_achieved;
      if (dup) continue;  // several requested ratios landed on one code size
      if (is_fixed_rate(m)) {
        fixed.pts.push_back({x.ratio_achieved, 100 * x.value});
        fixed.labels.push_back(m);
      } else {
        s.pts.push_back({x.ratio_achieved, 100 * x.value});
      }
    }
    if (!s.pts.empty()) series.push_back(s);
  }
  if (!fixed.pts.empty()) series.push_back(fixed);

  // A y-range of at least 5 points: autoscale would blow tiny differences up to full height.
  double ylo = ref, yhi = ref;
  for (const auto& s : series)
    for (const auto& p : s.pts) {
      ylo = std::isfinite(ylo) ? std::min(ylo, p.second) : p.second;
      yhi = std::isfinite(yhi) ? std::max(yhi, p.second) : p.second;
    }
  if (std::isfinite(ylo)) {
    const double pad = std::max(1.0, 0.08 * (yhi - ylo));
    ylo -= pad;
    yhi += pad;
    if (yhi - ylo < 5) ylo = yhi - 5;
    gp << "set yrange [" << std::max(0.0, ylo) << ":" << std::min(100.0, yhi) << "]\n";
  }
  for (size_t i = 0; i < series.size(); ++i) {
    auto& s = series[i];
    std::vector<size_t> order(s.pts.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.pts[a].first < s.pts[b].first; });
    gp << "$s" << i << " << EOD\n";
    for (size_t k : order)
      gp << s.pts[k].first << " " << s.pts[k].second << " "
         << (s.labels.empty() ? std::string("-") : s.labels[k]) << "\n";
    gp << "EOD\n";
  }
  gp << "plot \\\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    gp << "  $s" << i << " using 1:2 with linespoints lw " << (s.highlight ? 3.5 : 2) << " pt "
       << points[i % 12] << " ps 1.4 lc rgb '" << colours[i % 12] << "' title " << gp_quote(s.title) << ", \\\n";
    if (!s.labels.empty())
      gp << "  $s" << i << " using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \\\n";
  }
  if (std::isfinite(ref))
    gp << "  " << ref << " with lines dt 2 lw 2.5 lc rgb 'black' title " << gp_quote("uncompressed (" + fmt("%.2f", ref) + "%)")
       << "\n";
  else
    gp << "  NaN notitle\n";
  return gp.str();
}

bool write_report(const EvalReport& r, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ARFC_CHECK(!ec && std::filesystem::is_directory(dir), "report directory ", dir, " cannot be created: ",
             ec.message(), ". Hint: choose a writable --out directory.");
  const std::string base = (std::filesystem::path(dir) / "report").string();
  write_file_atomic(base + ".md", report_markdown(r));
  write_file_atomic(base + ".csv", report_csv(r));
  write_file_atomic(base + ".json", report_json(r));
  write_file_atomic(base + ".gp", report_gnuplot(r, "report.png"));

  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    log_warn("gnuplot not found: kept " + base + ".gp but could not draw report.png. Hint: apt-get install -y gnuplot-nox, then run: cd " + dir + " && gnuplot report.gp");
    return false;
  }
  const std::string tmp = "report.png.tmp." + std::to_string(getpid());
  const std::string cmd = "cd " + sh_quote(dir) + " && gnuplot -e " + sh_quote("outfile='" + tmp + "'") + " report.gp 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
  }
  const int rc = p ? pclose(p) : -1;
  const std::string tmp_path = (std::filesystem::path(dir) / tmp).string();
  if (rc != 0 || !std::filesystem::exists(tmp_path)) {
    std::filesystem::remove(tmp_path, ec);
    log_warn("gnuplot failed to draw " + base + ".png (exit " + std::to_string(rc) + "): " + out);
    return false;
  }
  if (!out.empty()) log_debug("gnuplot: " + out);
  std::filesystem::rename(tmp_path, base + ".png", ec);
  ARFC_CHECK(!ec, "cannot rename ", tmp_path, " to ", base, ".png: ", ec.message());
  return true;
}

}  // namespace arfc
