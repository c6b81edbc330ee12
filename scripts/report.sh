#!/usr/bin/env bash
# Regenerates every report under docs/reports/ (and the tables quoted in docs/RESULTS.md):
# the Fashion-MNIST feature sets, then `arfc eval` on each with ARFC and every baseline at
# the protocol's ratios, then the ARFC ablation on the classification set.
#
#   bash scripts/report.sh                 # full protocol (hours on 2 cores; see RESULTS.md)
#   QUICK=1 bash scripts/report.sh         # --limit 5000 and few epochs (minutes)
#   SETS="cls twoview" bash scripts/report.sh
#   METHODS=pca,rp,trunc,ptq,pq,opq bash scripts/report.sh   # the non-learned methods only
# Environment: ARFC (binary, default build/arfc), DATA (default data/fmnist), OUT (default
# docs/reports), SEED, THREADS, EPOCHS (learned methods; empty = their default), ABLATION=0.
set -euo pipefail
cd "$(dirname "$0")/.."

ARFC=${ARFC:-build/arfc}
DATA=${DATA:-data/fmnist}
OUT=${OUT:-docs/reports}
SETS=${SETS:-"cls openset twoview pixels"}
METHODS=${METHODS:-arfc,pca,rp,trunc,ptq,pq,opq,ae,qformer,mrl}
RATIOS=${RATIOS:-2,3,4,5.3,8,12,16,32,64}
SEED=${SEED:-0}
THREADS=${THREADS:-0}
EPOCHS=${EPOCHS:-}
ABLATION=${ABLATION:-1}
QUICK=${QUICK:-0}

if [ ! -x "$ARFC" ]; then
  echo "== building $ARFC"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --target arfc_cli -j"$(nproc)"
fi

extra=()
if [ "$QUICK" = 1 ]; then
  extra+=(--limit 5000)
  EPOCHS=${EPOCHS:-2}
fi
[ -n "$EPOCHS" ] && extra+=(--epochs "$EPOCHS")

echo "== feature sets ($DATA): $SETS"
# shellcheck disable=SC2086
"$ARFC" data fmnist --out "$DATA" --sets "$(echo $SETS | tr ' ' ',')" --seed "$SEED" --threads "$THREADS"

mkdir -p "$OUT"
for set in $SETS; do
  echo "== eval $set"
  "$ARFC" eval --data "$DATA/$set" --methods "$METHODS" --ratios "$RATIOS" --out "$OUT/$set" \
    --seed "$SEED" --threads "$THREADS" "${extra[@]}" > /dev/null
done

if [ "$ABLATION" = 1 ]; then
  echo "== ablation (cls)"
  "$ARFC" eval --ablation --data "$DATA/cls" --methods pca --ratios "$RATIOS" --out "$OUT/ablation_cls" \
    --seed "$SEED" --threads "$THREADS" "${extra[@]}" > /dev/null
fi

echo "== reports:"
ls -1 "$OUT"/*/report.md
