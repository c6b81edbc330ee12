#!/usr/bin/env bash
# One-command setup on a fresh Debian 12 machine: install the Debian packages arfc needs,
# build it (build/arfc and the Python module in build/python), then run the quick start (real Fashion-MNIST features -> a small
# ARFC model -> a ratio/quality table against baselines).
#   bash scripts/setup.sh            # install + build + quick start
#   bash scripts/setup.sh --no-run   # install + build only (what CI does before the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

run_quickstart=1
[ "${1:-}" = "--no-run" ] && run_quickstart=0

PKGS=(build-essential cmake pkg-config libtorch-dev libfaiss-dev libopenblas-dev
      nlohmann-json3-dev libcli11-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
      libgloo-dev dataset-fashion-mnist gnuplot-nox
      pybind11-dev python3-dev python3-numpy python3-pytest python3-faiss)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "== installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

if [ $run_quickstart -eq 1 ]; then
  bash scripts/quickstart.sh
fi
