#!/usr/bin/env bash
# Builds the library, the CLI and the unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/, the default compiler, -O1 -g) and runs the
# suite with CTest. Any sanitizer report fails the test that triggered it. The Python
# module and the benchmarks are left out (the interpreter is not instrumented); libtorch,
# FAISS and OpenBLAS are Debian's uninstrumented builds, so their own code is not checked.
#   bash scripts/sanitize.sh                 # everything
#   bash scripts/sanitize.sh -R 'Codes|Io'   # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build-asan}
JOBS=${JOBS:-$(nproc)}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
start=$(date +%s)
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DARFC_BUILD_PYTHON=OFF -DARFC_BUILD_BENCH=OFF >/dev/null
cmake --build "$B" -j"$JOBS"
built=$(date +%s)
# Leaks: libtorch, OpenMP and OpenBLAS keep thread pools and registries alive until exit by
# design; reports whose stacks lie wholly inside them are suppressed (scripts/lsan.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
ctest --test-dir "$B" --output-on-failure -j"$JOBS" --timeout 1800 "$@" || status=$?
end=$(date +%s)
echo "sanitize.sh: build $((built - start)) s, tests $((end - built)) s, ctest exit status $status"
exit $status
