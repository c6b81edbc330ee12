// Report writers for an EvalReport (eval/harness.h). Every file is written atomically.
//   report.md    a table per metric (rows = methods, columns = requested ratios; a cell is
//                the metric in percent at the achieved ratio, with the achieved ratio when it
//                differs from the requested one by more than 3%), the achieved-size table,
//                the distance each method uses, run time, command line, seed and notes
//                ("-" where a method cannot make the size: listed with the reason)
//   report.csv   one record per line: task,method,ratio_requested,ratio_achieved,
//                bytes_per_vector,layout,metric,value,se,distance,seconds,error
//   report.json  {"format": "arfc-eval-report", "version": 2, ..., "records": [...]}
//   report.gp    gnuplot script (pngcairo) with the data inline: main metric vs achieved
//                ratio, log-x, one line per method, the uncompressed reference as a line
//   report.png   rendered from report.gp when gnuplot is installed (else a warning)
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "arfc/eval/harness.h"

namespace arfc {

// The honest reading of a report, per requested ratio R, for the first method whose label
// starts with "arfc": its value of `metric` at R against the best other method whose code
// is no larger (achieved ratio >= R within kRatioTolerance, any column; "uncompressed"
// excluded). outcome: "win" (ahead by more than best_se), "tie" (within one standard error
// of the best, best_se), "loss", "unopposed" (no other method has a code that small) or "-"
// (ARFC has no code at R). Empty without an ARFC row.
struct Verdict {
  double ratio = 0;
  std::string arfc;
  double arfc_value = NAN, arfc_se = NAN;
  std::string best;               // label of the best other method ("" if none)
  double best_value = NAN, best_se = NAN, best_ratio = NAN;
  std::string outcome;
};
std::vector<Verdict> arfc_verdicts(const EvalReport& r, const std::string& metric);

std::string report_markdown(const EvalReport& r);
std::string report_csv(const EvalReport& r);
std::string report_json(const EvalReport& r);
// A self-contained gnuplot script; `png_name` is the default output (relative to the
// script's directory when gnuplot runs there); -e "outfile='X'" overrides it.
std::string report_gnuplot(const EvalReport& r, const std::string& png_name = "report.png");

// Reads back what report_json wrote (format "arfc-eval-report", version 2): every field of
// the EvalReport; the derived "verdicts" are recomputed, not read. `where` names the source
// in errors; anything missing, mistyped or of another format throws arfc::Error.
EvalReport parse_report_json(const std::string& text, const std::string& where);
// dir/report.json, read with parse_report_json (at most 256 MiB).
EvalReport read_report(const std::string& dir);

// Writes dir/report.{md,csv,json,gp} and renders dir/report.png. Creates dir if needed.
// Returns false when the png could not be rendered (gnuplot missing or failing: logged
// with the apt-get hint); the other files are written regardless.
bool write_report(const EvalReport& r, const std::string& dir);

}  // namespace arfc
