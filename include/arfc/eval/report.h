// Report writers for an EvalReport (eval/harness.h). Every file is written atomically.
//   report.md    a table per metric (rows = methods, columns = requested ratios; a cell is
//                the metric in percent at the achieved ratio, with the achieved ratio when it
//                differs from the requested one by more than 3%), the achieved-size table,
//                the distance each method uses, run time, command line, seed and notes
//   report.csv   one record per line: task,method,ratio_requested,ratio_achieved,
//                bytes_per_vector,metric,value,distance,seconds,error
//   report.json  {"format": "arfc-eval-report", "version": 1, ..., "records": [...]}
//   report.gp    gnuplot script (pngcairo) with the data inline: main metric vs achieved
//                ratio, log-x, one line per method, the uncompressed reference as a line
//   report.png   rendered from report.gp when gnuplot is installed (else a warning)
#pragma once

#include <string>

#include "arfc/eval/harness.h"

namespace arfc {

std::string report_markdown(const EvalReport& r);
std::string report_csv(const EvalReport& r);
std::string report_json(const EvalReport& r);
// A self-contained gnuplot script; `png_name` is the default output (relative to the
// script's directory when gnuplot runs there); -e "outfile='X'" overrides it.
std::string report_gnuplot(const EvalReport& r, const std::string& png_name = "report.png");

// Writes dir/report.{md,csv,json,gp} and renders dir/report.png. Creates dir if needed.
// Returns false when the png could not be rendered (gnuplot missing or failing: logged
// with the apt-get hint); the other files are written regardless.
bool write_report(const EvalReport& r, const std::string& dir);

}  // namespace arfc
