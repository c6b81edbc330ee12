#!/usr/bin/env bash
# Encoding throughput of ARFC vs the baselines and the ARC training-step rate
# (bench/bench_encode.cpp). Prints Google Benchmark's table; items_per_second = vectors/s.
#   bash scripts/bench.sh                                  # CPU, 1 libtorch thread
#   ARFC_BENCH_THREADS=2 bash scripts/bench.sh             # more threads
#   ARFC_BENCH_DEVICE=cuda bash scripts/bench.sh           # on a CUDA build
# Extra arguments go to the benchmark binary (e.g. --benchmark_filter=arfc).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/bench/bench_encode ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --target bench_encode -j"$(nproc)"
fi
exec build/bench/bench_encode "$@"
