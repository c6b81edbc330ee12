// One report from several runs of the same protocol: e.g. the baselines measured once and
// ARFC measured in a second process (or a later run), so a long report can be split over
// processes and ARFC re-measured without re-running every baseline.
//
// merge_reports refuses parts that do not share the protocol: dataset, task, D, train and
// test rows, seed, limit, epochs, ratio columns, metrics and protocol notes (the probe
// settings among them) must be equal, and so must the "uncompressed" reference values
// (same data and probe, bit for bit up to 1e-9). A method may appear in one part only,
// unless `replace`: then a later part's rows of a method replace an earlier part's (to
// re-measure one method, e.g. a new ARFC default, against rows measured before), keeping
// the method's place in the row order. The result lists "uncompressed" once, then each
// part's methods in order; its run time is the sum of the parts' (less replaced rows), and
// `sources` names every part (its methods, run time and command line).
#pragma once

#include <string>
#include <vector>

#include "arfc/eval/harness.h"

namespace arfc {

// parts[i] was read from names[i] (used in errors and in `sources`). At least two parts.
EvalReport merge_reports(const std::vector<EvalReport>& parts, const std::vector<std::string>& names,
                         bool replace = false);

}  // namespace arfc
