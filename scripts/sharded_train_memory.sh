#!/bin/bash
# Peak memory and speed of data-parallel training with sharded reading, against one process.
#
#   bash scripts/sharded_train_memory.sh [ARFC=build/arfc] [ROWS=400000] [WORK=runs/sharded_train_memory]
#
# Writes ROWS x 256 float32 clustered rows (10 classes, seed 0) and their labels, then trains
# one open-set retrieval model (a small network: d_model 32, one solution, no discrete
# tokens; one epoch, batch 1024, one thread per process) once as one process and once as two
# ranks on 127.0.0.1 (each reads only its shard: "this rank holds R of N training rows"),
# and prints each process's peak resident memory (/usr/bin/time) and training rate.
set -euo pipefail
ARFC=${1:-build/arfc}
ROWS=${2:-400000}
WORK=${3:-runs/sharded_train_memory}
mkdir -p "$WORK"
[ -f "$WORK/x.npy" ] || /usr/bin/python3 -c "
import numpy as np, sys
rng = np.random.default_rng(0)
n = int(sys.argv[1])
y = rng.integers(0, 10, n)
centres = rng.standard_normal((10, 256)).astype('f4')
np.save(sys.argv[2] + '/x.npy', centres[y] + rng.standard_normal((n, 256)).astype('f4'))
np.save(sys.argv[2] + '/y.npy', y.astype('i8'))
" "$ROWS" "$WORK"
echo '{"model": {"d_model": 32, "num_heads": 2, "solutions": 1, "decoder_hidden": 32, "discrete_tokens": 0},
 "train": {"epochs": 1, "batch_size": 1024}}' > "$WORK/config.json"
train() {  # OUT LOG [rank options]
  local out=$1 log=$2
  shift 2
  /usr/bin/time -f 'peak resident memory %M KiB, wall %e s' "$ARFC" train --task retrieval --train "$WORK/x.npy" \
    --labels "$WORK/y.npy" --config "$WORK/config.json" --out "$WORK/$out" --threads 1 "$@" 2> "$WORK/$log"
}
report() {  # LOG NAME [SHARD]: rank 0's log names every rank's shard ("rank 1 holds ..."); other ranks log warnings only
  local shard="" rate
  [ -n "${3:-}" ] && shard=$(grep -ho "$3 holds [0-9]* of [0-9]* training rows" "$WORK/rank0.log" | head -1 || true)
  rate=$(grep -o '[0-9]* samples/s' "$WORK/$1" | tail -1 || true)
  echo "$2: ${shard:+$shard, }${rate:+$rate, }$(tail -1 "$WORK/$1")"
}
train one.arfc one.log > /dev/null
report one.log "one process"
PORT=$((20000 + $$ % 40000))
train two.arfc rank1.log --world-size 2 --rank 1 --master-port $PORT > /dev/null &
train two.arfc rank0.log --world-size 2 --rank 0 --master-port $PORT > /dev/null
wait
report rank0.log "rank 0 of 2" "this rank"
report rank1.log "rank 1 of 2" "rank 1"
