#!/usr/bin/env bash
# Regenerates every report under docs/reports/ (and the tables quoted in docs/RESULTS.md):
# the Fashion-MNIST feature sets, then `arfc eval` on each with ARFC and every baseline at
# the protocol's ratios, then the ARFC ablation on the classification set.
#
#   bash scripts/report.sh                 # full protocol (hours on 2 cores; see RESULTS.md)
#   QUICK=1 bash scripts/report.sh         # --limit 5000 and few epochs (minutes)
#   LIMIT=10000 EPOCHS=3 bash scripts/report.sh   # the reduced protocol of docs/RESULTS.md
#   SETS="cls twoview" bash scripts/report.sh
#   METHODS=pca,pca+i8,pq,opq,rq,rabitq bash scripts/report.sh   # the non-learned methods only
#   SPLIT=1 bash scripts/report.sh         # per set, arfc and the other methods as two
#                                          # one-thread processes side by side, then merged
#                                          # (`arfc eval --merge`); parts kept in OUT/parts/
# Environment: ARFC (binary, default build/arfc), DATA (default data/fmnist), OUT (default
# docs/reports), SEED, THREADS, EPOCHS (learned methods; empty = their default), LIMIT (rows
# of train and of test; empty = all), ABLATION=0, ABLATION_LIMIT (default: LIMIT).
set -euo pipefail
cd "$(dirname "$0")/.."

ARFC=${ARFC:-build/arfc}
DATA=${DATA:-data/fmnist}
OUT=${OUT:-docs/reports}
SETS=${SETS:-"cls openset twoview pixels"}
# The like-for-like protocol: every float codec with its best storage per budget and as
# +i8, the quantisers (PQ, OPQ, RQ, RaBitQ, post-training quantisation), the dedicated AE
# and the Matryoshka adaptor at int8, ARFC; 2x..512x.
METHODS=${METHODS:-arfc,pca,pca+i8,rp,trunc,pq,opq,rq,rabitq,ptq,ae,mrl}
RATIOS=${RATIOS:-2,3,4,5.3,8,12,16,32,64,128,256,512}
SEED=${SEED:-0}
THREADS=${THREADS:-0}
EPOCHS=${EPOCHS:-}
ABLATION=${ABLATION:-1}
QUICK=${QUICK:-0}
SPLIT=${SPLIT:-0}
LIMIT=${LIMIT:-}

if [ ! -x "$ARFC" ]; then
  echo "== building $ARFC"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --target arfc_cli -j"$(nproc)"
fi

extra=()
if [ "$QUICK" = 1 ]; then
  LIMIT=${LIMIT:-5000}
  EPOCHS=${EPOCHS:-2}
fi
ABLATION_LIMIT=${ABLATION_LIMIT:-$LIMIT}
[ -n "$EPOCHS" ] && extra+=(--epochs "$EPOCHS")
eval_limit=()
[ -n "$LIMIT" ] && eval_limit=(--limit "$LIMIT")
ablation_limit=()
[ -n "$ABLATION_LIMIT" ] && ablation_limit=(--limit "$ABLATION_LIMIT")

echo "== feature sets ($DATA): $SETS"
# shellcheck disable=SC2086
"$ARFC" data fmnist --out "$DATA" --sets "$(echo $SETS | tr ' ' ',')" --seed "$SEED" --threads "$THREADS"

mkdir -p "$OUT"
for set in $SETS; do
  echo "== eval $set"
  others=$(echo ",$METHODS," | sed -e 's/,arfc,/,/g' -e 's/^,//' -e 's/,$//')
  if [ "$SPLIT" = 1 ] && [ "$others" != "$METHODS" ] && [ -n "$others" ]; then
    parts="$OUT/parts/$set"
    mkdir -p "$parts"
    "$ARFC" eval --data "$DATA/$set" --methods arfc --ratios "$RATIOS" --out "$parts/arfc" \
      --seed "$SEED" --threads 1 "${eval_limit[@]}" "${extra[@]}" > /dev/null 2> "$parts/arfc.log" &
    arfc_pid=$!
    "$ARFC" eval --data "$DATA/$set" --methods "$others" --ratios "$RATIOS" --out "$parts/others" \
      --seed "$SEED" --threads 1 "${eval_limit[@]}" "${extra[@]}" > /dev/null 2> "$parts/others.log"
    wait "$arfc_pid"
    "$ARFC" eval --merge "$parts/arfc,$parts/others" --out "$OUT/$set" > /dev/null
  else
    "$ARFC" eval --data "$DATA/$set" --methods "$METHODS" --ratios "$RATIOS" --out "$OUT/$set" \
      --seed "$SEED" --threads "$THREADS" "${eval_limit[@]}" "${extra[@]}" > /dev/null
  fi
done

if [ "$ABLATION" = 1 ]; then
  echo "== ablation (cls)"
  "$ARFC" eval --ablation --data "$DATA/cls" --methods pca+i8 --ratios "$RATIOS" --out "$OUT/ablation_cls" \
    --seed "$SEED" --threads "$THREADS" "${ablation_limit[@]}" "${extra[@]}" > /dev/null
fi

echo "== reports:"
ls -1 "$OUT"/*/report.md
