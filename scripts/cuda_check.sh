#!/usr/bin/env bash
# The GPU checks, in one run on a machine with an NVIDIA GPU and python3's CUDA PyTorch:
# builds arfc against that libtorch (build-cuda/, FAISS off), then
#   1. encode throughput at D = 512 on the GPU (bench/encode_throughput --device cuda),
#   2. `arfc train` on 1M x 512 clustered vectors on the GPU, timed (one epoch at the default
#      batch, then the default 8 epochs at batch 2048), while the unit tests run on the CPU,
#   3. `arfc compress --device cuda` of the 1M vectors, and CPU vs GPU codes of one model.
# Logs and numbers go to OUTDIR (summary.txt holds the lines docs/RESULTS.md quotes).
#
#   bash scripts/cuda_check.sh OUTDIR [SECONDS]
#
# SECONDS (default 560) bounds the whole run: each step gets what is left, so a slow step
# cuts the later ones short instead of running past the limit. ARFC_DEPS_PREFIX names a
# prefix (include/, lib/, share/cmake/) holding what the machine lacks of nlohmann-json,
# CLI11, GoogleTest and zlib's headers; scripts/deps_prefix.sh makes one on a Debian machine.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/cuda_check.sh OUTDIR [SECONDS]}
budget=${2:-560}
mkdir -p "$out"
deadline=$(( $(date +%s) + budget ))
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
left() { echo $(( deadline - $(date +%s) )); }
# step NAME MAX_SECONDS CMD...: runs CMD with the smaller of MAX_SECONDS and the time left.
step() {
  local name=$1 max=$2; shift 2
  local t=$(( $(left) < max ? $(left) : max ))
  if (( t < 5 )); then say "== $name: skipped (time budget spent)"; return 124; fi
  local t0=$(date +%s.%N)
  timeout "$t" "$@"
  local rc=$?
  say "== $name: rc $rc, $(python3 -c "import time;print(round(time.time()-$t0,1))") s (limit $t s)"
  return $rc
}

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$summary"
say "cores: $(nproc), $(g++ --version | head -1), cmake $(cmake --version | head -1 | awk '{print $3}')"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
say "torch: $(python3 -c 'import torch;print(torch.__version__, torch.version.cuda)')"
deps=${ARFC_DEPS_PREFIX:-}
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
args=(-DCMAKE_BUILD_TYPE=Release -DARFC_WITH_FAISS=OFF -DARFC_BUILD_PYTHON=OFF
      "-DCMAKE_PREFIX_PATH=$torch_prefix${deps:+;$deps}")
[ -n "$deps" ] && args+=("-DCMAKE_CXX_FLAGS=-isystem $deps/include")
[ -d /usr/local/cuda ] && args+=(-DCUDAToolkit_ROOT=/usr/local/cuda)

step configure 120 cmake -S . -B build-cuda -G Ninja "${args[@]}" >"$out/configure.log" 2>&1 \
  || { tail -60 "$out/configure.log"; exit 1; }
grep "arfc:" "$out/configure.log" | tee -a "$summary"
# The tools first (the GPU checks need them); -k 0: see every error.
step build-tools 300 cmake --build build-cuda -j"$(nproc)" --target arfc_cli encode_throughput -- -k 0 \
  >"$out/build.log" 2>&1 || grep -E "error|FAILED" "$out/build.log" | head -60
# c10d's API is the part most likely to move between libtorch versions: without it the rest
# still builds (distributed training off), and the GPU checks can run.
if ! [ -x build-cuda/arfc ] && grep -q "FAILED: src/train/CMakeFiles/arfc_train.dir/distributed.cpp" "$out/build.log"; then
  say "distributed.cpp does not build against this libtorch: retrying with -DARFC_WITH_DISTRIBUTED=OFF"
  cmake build-cuda -DARFC_WITH_DISTRIBUTED=OFF >>"$out/configure.log" 2>&1
  step build-tools-2 200 cmake --build build-cuda -j"$(nproc)" --target arfc_cli encode_throughput -- -k 0 \
    >>"$out/build.log" 2>&1 || grep -E "error|FAILED" "$out/build.log" | tail -30
fi

if [ -x build-cuda/bench/encode_throughput ]; then
  step bench 120 build-cuda/bench/encode_throughput --dims 512 --ratios 8 --rows 131072 --threads "$(nproc)" \
    --methods arfc,pca,pca+i8 --device cuda --chunk-rows 0,16384,2048 --min-time 1 2>&1 | tee "$out/bench.txt"
  grep -E "^512 " "$out/bench.txt" >>"$summary"
fi

# The tests are built and run on the CPU (12 of the cores) in the background while the GPU
# trains: the training times below share the machine with them.
(timeout $(( $(left) > 30 ? $(left) - 20 : 10 )) cmake --build build-cuda -j12 -- -k 0 >>"$out/build.log" 2>&1
 echo "build rc $?" >>"$out/build.log"
 OMP_NUM_THREADS=2 timeout $(( $(left) > 30 ? $(left) - 15 : 10 )) ctest --test-dir build-cuda -j6 --timeout 120 \
   >"$out/ctest.log" 2>&1
 echo "ctest rc $?" >>"$out/ctest.log") &
tests_pid=$!

if [ -x build-cuda/arfc ]; then
  a=build-cuda/arfc
  python3 - <<'EOF'
import numpy as np
rng = np.random.default_rng(0)
n, d, k = 1_000_000, 512, 100
centres = (2 * rng.standard_normal((k, d))).astype(np.float32)
x = centres[rng.integers(0, k, n)] + rng.standard_normal((n, d), dtype=np.float32)
np.save("/tmp/x1m.npy", x)
np.save("/tmp/x20k.npy", x[:20000])
EOF
  step "train 1M x 512, 1 epoch, batch 256" 150 $a train --task generic --train /tmp/x1m.npy --out /tmp/m1.arfc \
    --device cuda --epochs 1 >"$out/train1.log" 2>&1
  grep -iE "epoch|trained|samples|val" "$out/train1.log" | tail -6 | tee -a "$summary"
  m=/tmp/m1.arfc
  if [ -f $m ]; then
    step "compress 1M x 512 at 8x on cuda (chunks of 65536)" 60 $a compress --model $m --in /tmp/x1m.npy \
      --out /tmp/c1m.arfc --ratio 8 --device cuda --chunk-rows 65536 2>&1 | tail -2 | tee -a "$summary"
    for dev in cpu cuda; do
      step "compress 20k on $dev" 40 $a compress --model $m --in /tmp/x20k.npy --out /tmp/c_$dev.arfc --ratio 8 \
        --device $dev >/dev/null 2>&1
      $a export --in /tmp/c_$dev.arfc --out /tmp/v_$dev.npy >/dev/null 2>&1
    done
    python3 -c "
import numpy as np
a, b = np.load('/tmp/v_cpu.npy'), np.load('/tmp/v_cuda.npy')
print('cpu vs cuda int8 codes (20k rows, 8x): %.4f of values equal, max |diff| %.4g' % ((a == b).mean(), abs(a - b).max()))
" 2>&1 | tee -a "$summary"
  fi
  echo '{"train": {"batch_size": 2048}}' >/tmp/b2048.json
  step "train 1M x 512, 8 epochs, batch 2048" 200 $a train --task generic --train /tmp/x1m.npy --out /tmp/m8.arfc \
    --config /tmp/b2048.json --device cuda >"$out/train8.log" 2>&1
  grep -iE "epoch|trained|samples|val" "$out/train8.log" | tail -6 | tee -a "$summary"
fi

wait "$tests_pid"
grep -E "error|FAILED|build rc" "$out/build.log" | tail -20 | tee -a "$summary"
if [ -f "$out/ctest.log" ]; then
  grep -E "tests passed|tests failed|ctest rc|\(Failed\)|\(Timeout\)|\(SEGFAULT\)|Not Run" "$out/ctest.log" | head -40 \
    | tee -a "$summary"
fi
say "done, $(left) s of the budget left"
