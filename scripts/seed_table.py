#!/usr/bin/env python3
"""Summarise one evaluation repeated with several seeds.

Reads the report.csv of each run (`arfc eval ... --seed S --out DIR`, one DIR per seed,
same methods and ratios) and prints two Markdown tables for one metric:

  1. mean over seeds of each method at each requested ratio, with the spread
     (max - min) over seeds;
  2. each method's difference from a reference method (default: the first one),
     paired by seed: mean difference and its standard error over seeds
     (sd / sqrt(n)), so training noise, not only test-set noise, is in the reading.

Usage:
  python3 scripts/seed_table.py --metric R@1 runs/abl/twoview_s0 runs/abl/twoview_s1 ...
  python3 scripts/seed_table.py --metric probe_acc --reference "arfc (default)" DIR...

Standard library only. Only cells present in every run are summarised (methods missing
from a run are named on stderr). Exits with a message naming the problem when a file is
missing, the metric is absent or the runs share no cell.
"""

import argparse
import csv
import math
import os
import sys
from collections import OrderedDict


def fail(msg):
    sys.stderr.write("seed_table: " + msg + "\n")
    sys.exit(2)


def read_run(path, metric):
    """{(method, ratio_requested): value in percent} and the method order of one run."""
    csv_path = os.path.join(path, "report.csv") if os.path.isdir(path) else path
    if not os.path.isfile(csv_path):
        fail("no report.csv at '%s' (expected a directory written by `arfc eval --out`)" % path)
    cells = OrderedDict()
    methods = []
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        need = {"method", "ratio_requested", "metric", "value"}
        if not reader.fieldnames or not need.issubset(reader.fieldnames):
            fail("'%s' is not an arfc report.csv (expected columns %s)" % (csv_path, ", ".join(sorted(need))))
        for row in reader:
            if row["metric"] != metric or row["method"] == "uncompressed" or not row["value"]:
                continue
            key = (row["method"], row["ratio_requested"])
            cells[key] = 100.0 * float(row["value"])
            if row["method"] not in methods:
                methods.append(row["method"])
    if not cells:
        fail("'%s' has no values of metric '%s'" % (csv_path, metric))
    return cells, methods


def ratio_key(r):
    return float(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="run directories (or report.csv files), one per seed")
    ap.add_argument("--metric", default="R@1", help="metric name as in report.csv (default R@1)")
    ap.add_argument("--reference", default=None, help="method the differences are taken against (default: first)")
    args = ap.parse_args()
    if len(args.runs) < 2:
        fail("expected at least two runs (one per seed), got %d" % len(args.runs))

    runs = [read_run(p, args.metric) for p in args.runs]
    # Only the cells every run has: a method missing from one run is left out, named.
    keys = set(runs[0][0])
    for cells, _ in runs[1:]:
        keys &= set(cells)
    if not keys:
        fail("the runs have no (method, ratio) cell in common")
    methods = [m for m in runs[0][1] if any(k[0] == m for k in keys)]
    dropped = sorted({m for _, ms in runs for m in ms} - set(methods))
    if dropped:
        sys.stderr.write("seed_table: left out (not in every run): %s\n" % ", ".join(dropped))
    ratios = sorted({r for (_, r) in keys}, key=ratio_key)
    ref = args.reference or methods[0]
    if ref not in methods:
        fail("reference method '%s' is not in the runs (methods: %s)" % (ref, ", ".join(methods)))
    n = len(runs)

    print("%s (%%), mean over %d seeds [spread max-min]\n" % (args.metric, n))
    print("| method | " + " | ".join(r + "x" for r in ratios) + " |")
    print("|---|" + "--:|" * len(ratios))
    for m in methods:
        row = []
        for r in ratios:
            if (m, r) not in keys:
                row.append("-")
                continue
            v = [c[(m, r)] for c, _ in runs]
            row.append("%.2f [%.2f]" % (sum(v) / n, max(v) - min(v)))
        print("| %s | %s |" % (m, " | ".join(row)))

    print("\nDifference from %s, paired by seed: mean (SE over seeds)\n" % ref)
    print("| method | " + " | ".join(r + "x" for r in ratios) + " |")
    print("|---|" + "--:|" * len(ratios))
    for m in methods:
        if m == ref:
            continue
        row = []
        for r in ratios:
            if (m, r) not in keys or (ref, r) not in keys:
                row.append("-")
                continue
            d = [c[(m, r)] - c[(ref, r)] for c, _ in runs]
            mean = sum(d) / n
            sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
            row.append("%+.2f (%.2f)" % (mean, sd / math.sqrt(n)))
        print("| %s | %s |" % (m, " | ".join(row)))


if __name__ == "__main__":
    main()
