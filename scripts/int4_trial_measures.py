#!/usr/bin/python3
"""Which held-out measure could choose int4 over int8 for an open-set retrieval model.

Trains one ARFC model on the training rows of a retrieval feature set (or loads MODEL
when it exists), then scores the int8 and the int4 code of several byte budgets on three
sets of 2 000 rows, with four measures each:

  held-out classes  the rows ArfcModel::select_int4 judges: the first 2 000 rows of the
                    two highest training class ids
  seen classes      the last 2 000 rows of the other training classes
  test classes      the first 2 000 test rows (for open-set: classes never trained on)

  acc1  leave-one-out 1-NN label accuracy (cosine of the dequantised codes)
  p@10  share of the 10 nearest neighbours with the row's label
  ov    overlap of the 10 nearest neighbours with those of the full f32 code
  ovraw the same against the neighbours of the input features

Usage (docs/DESIGN.md, item 7, "The held-out trial"):
  /usr/bin/python3 scripts/int4_trial_measures.py data/fmnist/openset /tmp/openset.arfc

Needs the Python module built (build/python, found next to this script's repository) and
numpy. Training uses `{"model": {"discrete_tokens": 0}}` and seed 0, the config of the
evaluation runs it is compared with (about 4 minutes on 2 cores).
"""

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))
import arfc  # noqa: E402

BUDGETS = [16, 32, 64, 85, 128]
ROWS = 2000


def unit(a):
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def neighbours(a, k):
    u = unit(a)
    s = u @ u.T
    np.fill_diagonal(s, -np.inf)
    return np.argsort(-s, axis=1)[:, :k]


def overlap(a, b):
    return float(np.mean([len(set(x) & set(y)) / a.shape[1] for x, y in zip(a, b)]))


def scores(model, x, y, budget, dtype, ref_full, ref_raw):
    c = model.encode(x, bytes=budget, dtype=dtype).to_numpy(model)
    n10 = neighbours(c, 10)
    return (float((y[n10[:, 0]] == y).mean()), float((y[n10] == y[:, None]).mean()), overlap(n10, ref_full),
            overlap(n10, ref_raw))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, model_path = sys.argv[1], sys.argv[2]
    for f in ("train_x.npy", "train_y.npy", "test_x.npy", "test_y.npy"):
        if not os.path.isfile(os.path.join(data, f)):
            sys.exit(f"{data}: no {f}. Hint: give a labelled feature set directory (arfc data fmnist).")
    x, y = np.load(os.path.join(data, "train_x.npy")), np.load(os.path.join(data, "train_y.npy"))
    xt, yt = np.load(os.path.join(data, "test_x.npy")), np.load(os.path.join(data, "test_y.npy"))
    if os.path.exists(model_path):
        model = arfc.Model.load(model_path)
    else:
        model = arfc.train(x, labels=y, task="retrieval", config={"model": {"discrete_tokens": 0}}, seed=0,
                           progress=False)
        model.save(model_path)
    trial = model.info()["config"]["summary"].get("int4_selection")
    print("the model's own trial:", trial)
    top = sorted(set(y.tolist()))[-2:]
    held = np.where(np.isin(y, top))[0][:ROWS]
    seen = np.where(~np.isin(y, top))[0][-ROWS:]
    sets = [("held-out classes", x[held], y[held]), ("seen classes", x[seen], y[seen]),
            ("test classes", xt[:ROWS], yt[:ROWS])]
    max_tokens = model.info()["max_tokens"]
    for name, xs, ys in sets:
        full = model.encode(xs, tokens=max_tokens, dtype="f32").to_numpy(model)
        ref_full, ref_raw = neighbours(full, 10), neighbours(xs, 10)
        print(f"{name} ({len(ys)} rows), int8 / int4:")
        for b in BUDGETS:
            s8 = scores(model, xs, ys, b, "i8", ref_full, ref_raw)
            s4 = scores(model, xs, ys, b, "i4", ref_full, ref_raw)
            cells = "  ".join(f"{m} {a:.4f}/{c:.4f}" for m, a, c in zip(("acc1", "p@10", "ov", "ovraw"), s8, s4))
            print(f"  {b:4d} B  {cells}", flush=True)


if __name__ == "__main__":
    main()
