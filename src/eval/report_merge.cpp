#include "arfc/eval/report_merge.h"

#include <algorithm>
#include <cmath>

#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {
namespace {

constexpr const char* kReference = "uncompressed";

// The fields every part must share, named for the error message.
void check_same_protocol(const EvalReport& a, const std::string& an, const EvalReport& b, const std::string& bn) {
  auto same = [&](bool eq, const char* what, const std::string& va, const std::string& vb) {
    ARFC_CHECK(eq, "cannot merge ", bn, " into ", an, ": different ", what, " (", vb, " vs ", va,
               "). Hint: merge only runs of the same `arfc eval` protocol (--data, --limit, --seed, --epochs, "
               "--ratios) with the same build.");
  };
  auto str = [](const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
    return s;
  };
  same(a.dataset == b.dataset, "dataset", a.dataset, b.dataset);
  same(a.task == b.task, "task", a.task, b.task);
  same(a.dim == b.dim, "feature width D", std::to_string(a.dim), std::to_string(b.dim));
  same(a.n_train == b.n_train && a.n_test == b.n_test, "train/test rows",
       std::to_string(a.n_train) + "/" + std::to_string(a.n_test), std::to_string(b.n_train) + "/" + std::to_string(b.n_test));
  same(a.seed == b.seed, "seed", std::to_string(a.seed), std::to_string(b.seed));
  same(a.limit == b.limit, "--limit", std::to_string(a.limit), std::to_string(b.limit));
  same(a.epochs == b.epochs, "--epochs", std::to_string(a.epochs), std::to_string(b.epochs));
  same(a.ratios == b.ratios, "ratio columns", str(a.ratios), str(b.ratios));
  same(a.metrics == b.metrics, "metrics", std::to_string(a.metrics.size()), std::to_string(b.metrics.size()));
  for (size_t i = 0; i < std::max(a.notes.size(), b.notes.size()); ++i) {
    const std::string na = i < a.notes.size() ? a.notes[i] : "(none)", nb = i < b.notes.size() ? b.notes[i] : "(none)";
    same(na == nb, "protocol notes", na, nb);
  }
}

std::vector<const EvalRecord*> records_of(const EvalReport& r, const std::string& method) {
  std::vector<const EvalRecord*> out;
  for (const auto& rec : r.records)
    if (rec.method == method) out.push_back(&rec);
  return out;
}

}  // namespace

EvalReport merge_reports(const std::vector<EvalReport>& parts, const std::vector<std::string>& names,
                         bool replace) {
  ARFC_CHECK(parts.size() >= 2, "merge: expected at least two reports, got ", parts.size(), ".");
  ARFC_CHECK(names.size() == parts.size(), "merge: ", parts.size(), " reports but ", names.size(), " names.");
  const EvalReport& first = parts.front();
  const auto ref = records_of(first, kReference);
  ARFC_CHECK(!ref.empty(), "merge: ", names[0], " has no '", kReference, "' reference row.");

  EvalReport out = first;
  out.methods.clear();
  out.distances.clear();
  out.records.clear();
  out.sources.clear();
  out.seconds = 0;
  out.command_line.clear();
  out.methods.push_back(kReference);
  out.distances.push_back(first.distances.at(0));
  for (const EvalRecord* r : ref) out.records.push_back(*r);

  for (size_t p = 0; p < parts.size(); ++p) {
    const EvalReport& part = parts[p];
    if (p > 0) check_same_protocol(first, names[0], part, names[p]);
    // The reference is measured in every run: equal values show the same data and probe.
    const auto pref = records_of(part, kReference);
    ARFC_CHECK(pref.size() == ref.size(), "merge: ", names[p], " has ", pref.size(), " '", kReference,
               "' records, ", names[0], " has ", ref.size(), ".");
    for (size_t i = 0; i < ref.size(); ++i) {
      const double va = ref[i]->value, vb = pref[i]->value;
      ARFC_CHECK(pref[i]->metric == ref[i]->metric && ((std::isnan(va) && std::isnan(vb)) || std::abs(va - vb) <= 1e-9),
                 "merge: the '", kReference, "' ", ref[i]->metric, " differs between ", names[0], " (", va, ") and ",
                 names[p], " (", vb, "): not the same data or probe. Hint: rerun both with this build.");
    }
    std::string replaced;
    for (size_t k = 0; k < part.methods.size(); ++k) {
      const std::string& m = part.methods[k];
      if (m == kReference) continue;
      auto at = std::find(out.methods.begin(), out.methods.end(), m);
      if (at != out.methods.end()) {
        ARFC_CHECK(replace, "merge: method '", m, "' is in more than one report (again in ", names[p],
                   "). Hint: run each method in one part only, or pass --replace to take the later part's rows.");
        out.distances[size_t(at - out.methods.begin())] = part.distances.at(k);
        double dropped = 0;  // the replaced rows' seconds: each (method, ratio) counted once per metric set
        std::vector<EvalRecord> kept;
        for (auto& r : out.records) {
          if (r.method != m) {
            kept.push_back(r);
          } else if (r.metric == out.metrics.front()) {
            dropped += r.seconds;
          }
        }
        out.records.swap(kept);
        out.seconds -= dropped;
        replaced += (replaced.empty() ? "" : ", ") + m;
      } else {
        out.methods.push_back(m);
        out.distances.push_back(part.distances.at(k));
      }
      for (const EvalRecord* r : records_of(part, m)) out.records.push_back(*r);
    }
    out.seconds += part.seconds;
    // A merged part keeps its own sources; a plain run is one source.
    if (!part.sources.empty()) {
      out.sources.insert(out.sources.end(), part.sources.begin(), part.sources.end());
    } else {
      std::string methods;
      for (const auto& m : part.methods)
        if (m != kReference) methods += (methods.empty() ? "" : ", ") + m;
      out.sources.push_back(names[p] + " (" + methods + "; " + format_duration(part.seconds) + "): `" +
                            part.command_line + "`");
    }
    if (!replaced.empty()) out.sources.back() += " [replaces the earlier rows of " + replaced + "]";
  }
  // Row order: the reference, then methods in order of first appearance; records follow it.
  std::vector<EvalRecord> ordered;
  for (const auto& m : out.methods)
    for (const auto& r : out.records)
      if (r.method == m) ordered.push_back(r);
  out.records.swap(ordered);
  return out;
}

}  // namespace arfc
