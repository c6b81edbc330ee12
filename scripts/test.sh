#!/usr/bin/env bash
# Builds (if needed) and runs the unit-test suite. Small subsets and tiny models only:
# about 10 minutes on 2 cores. Full-size training and reports live in scripts/report.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
