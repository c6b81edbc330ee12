#!/bin/bash
# How the discrete-token options serve cross-modal retrieval, inside the tool.
#
#   bash scripts/token_fit_check.sh [ARFC=build/arfc] [DATA=data/fmnist/twoview] [WORK=runs/token_fit_check]
#
# Trains one cross-modal model per codebook setting on the first 10 000 training pairs (3
# epochs, one thread, seed 0: the same network every time, only the codebooks differ; no
# held-out selection, so every model fits its codebooks once on all 10 000 rows of both
# modalities and keeps all its tokens), encodes the test pairs as 4 and 8 discrete tokens
# (`arfc compress --tokens N --dtype q8`), exports the vectors they stand for and prints
# A->B R@1 (cosine) over the first 3 000 test pairs. Settings: the first 4 tokens greedy on
# codebooks fitted on greedy residuals (the default before), a beam from the first token
# on the same codebooks, and that beam on codebooks fitted on beam residuals (the default).
# Training data and models already in WORK are reused (delete WORK after changing the tool).
set -euo pipefail
ARFC=${1:-build/arfc}
DATA=${2:-data/fmnist/twoview}
WORK=${3:-runs/token_fit_check}
PY=/usr/bin/python3
mkdir -p "$WORK"
[ -f "$WORK/train_x.npy" ] || $PY -c "
import numpy as np, sys
for m in ('x', 'b'):
    np.save(sys.argv[2] + '/train_%s.npy' % m, np.load(sys.argv[1] + '/train_%s.npy' % m, mmap_mode='r')[:10000])
" "$DATA" "$WORK"
declare -A CONFIG=(
  [greedy4_fit1]='{"model": {"discrete_select": false, "discrete_greedy": 4, "discrete_train_beam": 1}}'
  [greedy0_fit1]='{"model": {"discrete_select": false, "discrete_greedy": 0, "discrete_train_beam": 1}}'
  [greedy0_fit8]='{"model": {"discrete_select": false, "discrete_greedy": 0, "discrete_train_beam": 8}}'
)
echo "| setting | 4 B A->B R@1 | 8 B A->B R@1 |"
echo "|---|--:|--:|"
for c in greedy4_fit1 greedy0_fit1 greedy0_fit8; do
  echo "${CONFIG[$c]}" > "$WORK/$c.json"
  [ -f "$WORK/$c.arfc" ] || "$ARFC" train --task crossmodal --train "$WORK/train_x.npy" --pair "$WORK/train_b.npy" \
    --out "$WORK/$c.arfc" --config "$WORK/$c.json" --epochs 3 --seed 0 --threads 1 > "$WORK/$c.train.log" 2>&1
  for n in 4 8; do
    for m in 0 1; do
      in=$DATA/test_x.npy; [ $m = 1 ] && in=$DATA/test_b.npy
      "$ARFC" compress --model "$WORK/$c.arfc" --in "$in" --modality $m --out "$WORK/codes.arfc" --tokens $n \
        --dtype q8 --threads 1 > /dev/null 2>&1
      "$ARFC" export --in "$WORK/codes.arfc" --model "$WORK/$c.arfc" --out "$WORK/${c}_${n}_$m.npy" > /dev/null 2>&1
    done
  done
  $PY -c "
import numpy as np, sys
def r1(w, c, n):
    a, b = (np.load('%s/%s_%d_%d.npy' % (w, c, n, m))[:3000] for m in (0, 1))
    a, b = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in (a, b))
    return 100 * ((a @ b.T).argmax(1) == np.arange(len(a))).mean()
print('| %s | %.2f | %.2f |' % (sys.argv[2], r1(sys.argv[1], sys.argv[2], 4), r1(sys.argv[1], sys.argv[2], 8)))
" "$WORK" "$c"
done
