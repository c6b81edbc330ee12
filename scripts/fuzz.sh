#!/usr/bin/env bash
# Builds the fuzz targets (clang, libFuzzer, ASan + UBSan; fuzz/CMakeLists.txt) and runs
# each for SECONDS (default 600), JOBS at a time (default 2), on a copy of its saved corpus
# (fuzz/corpus/<target>, plus what earlier runs found in build-fuzz/corpus/<target>).
# Prints one line per target: executions, seconds, corpus size, crashes. Crash inputs are
# kept in build-fuzz/findings/<target>/; copy them to fuzz/corpus/<target>/ once fixed, so
# the unit tests replay them (fuzz_replay.<target> in CTest).
#   bash scripts/fuzz.sh            # every target, 10 minutes each
#   bash scripts/fuzz.sh 60 npy     # one target, one minute
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
JOBS=${JOBS:-2}
B=build-fuzz

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found. Hint: apt-get install clang" >&2
  exit 1
fi
cmake -S fuzz -B "$B" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j"$(nproc)" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^set(ARFC_FUZZ\(_TORCH\)\{0,1\}_TARGETS \(.*\))$/\2/p' fuzz/CMakeLists.txt | tr ' ' '\n')
fi

run_one() {
  local t=$1 work="$B/corpus/$1" found="$B/findings/$1" log="$B/logs/$1.log"
  # Findings of earlier runs move aside, so the count below is this run's.
  if [ -d "$found" ] && [ -n "$(ls -A "$found")" ]; then
    mkdir -p "$B/findings-earlier/$t" && mv "$found"/* "$B/findings-earlier/$t"/
  fi
  mkdir -p "$work" "$found" "$B/logs"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  # -rss_limit_mb: an input that makes a reader allocate over 2 GB is a finding too.
  "$B/fuzz_$t" "$work" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -artifact_prefix="$found/" -print_final_stats=1 >"$log" 2>&1 || true
  local execs secs crashes size
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(find "$found" -type f | wc -l)
  size=$(find "$work" -type f | wc -l)
  printf '%-12s %12s execs %6ss %8s exec/s %6s inputs %3s crashes\n' "$t" "${execs:-?}" "$SECONDS_EACH" \
    "${secs:-?}" "$size" "$crashes"
}
export -f run_one
export B SECONDS_EACH
echo "target       executions     time   rate        corpus     findings ($(date -u +%F), clang $(clang++ -dumpversion))"
printf '%s\n' "${targets[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
