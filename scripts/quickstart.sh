#!/usr/bin/env bash
# Quick start on real data (5 min 37 s measured on a 2-core machine with the feature set
# already built, before discrete tokens existed; fitting their codebooks after training
# adds a few minutes, not re-measured; ARFC_QUICK_EPOCHS=2 trains twice as long):
#   1. build the `cls` feature set (a CNN backbone trained on Fashion-MNIST, 256-d features),
#   2. train one ARFC model on it,
#   3. compress the test features at 8x, cut the stored codes to 32x without the model,
#      and at 128x (8 bytes per vector: discrete tokens),
#   4. print a ratio/quality table of ARFC against PCA, post-training quantisation and PQ
#      (on 10 000 seeded train and test rows, to keep the linear probes and PQ quick).
# Everything lands under runs/quickstart/ (git-ignored); reruns reuse the feature set.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
ARFC=./build/arfc
OUT=runs/quickstart
mkdir -p "$OUT"

echo "== 1/4 feature set: data/fmnist/cls"
$ARFC data fmnist --out data/fmnist --sets cls

echo "== 2/4 training ARFC on data/fmnist/cls"
$ARFC train --data data/fmnist/cls --out "$OUT/cls.arfc" --epochs "${ARFC_QUICK_EPOCHS:-1}"

echo "== 3/4 compress at 8x, truncate to 32x, compress at 128x"
$ARFC compress --model "$OUT/cls.arfc" --in data/fmnist/cls/test_x.npy --out "$OUT/test_8x.arfc" --ratio 8
$ARFC truncate --in "$OUT/test_8x.arfc" --out "$OUT/test_32x.arfc" --ratio 32
$ARFC compress --model "$OUT/cls.arfc" --in data/fmnist/cls/test_x.npy --out "$OUT/test_128x.arfc" --ratio 128
$ARFC info "$OUT/test_8x.arfc" "$OUT/test_32x.arfc" "$OUT/test_128x.arfc"

echo "== 4/4 ratio/quality table"
$ARFC eval --data data/fmnist/cls --methods "arfc:$OUT/cls.arfc,pca,ptq,pq,rq" \
  --ratios 2,4,8,16,32,64,128,512 --limit 10000 --out "$OUT/report"
cat "$OUT/report/report.md"
echo "== quick start done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
