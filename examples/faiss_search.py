#!/usr/bin/env python3
"""Nearest-neighbour search on compressed embeddings with FAISS.

Compresses a real feature set (from `arfc data fmnist`) at 8x and 64x with one ARFC model,
builds FAISS flat inner-product indexes on the code vectors and on the original features,
and prints recall@10 against the exact neighbours (cosine on the originals) and the
memory per vector.

    build/arfc data fmnist --out data/fmnist --sets cls
    PYTHONPATH=build/python /usr/bin/python3 examples/faiss_search.py --data data/fmnist/cls

Without --model a small model is trained first (--train-rows, --epochs; about a minute on
2 cores); pass --model cls.arfc to use one trained by `arfc train --data data/fmnist/cls`.
Queries and database both come from the test split (the first --queries rows query the
rest), so neither was seen in training. Searching codes means searching what they stand
for: the code values (Codes.to_numpy, by cosine, like `arfc eval`), so the index holds
float32 code vectors; the stored code is what a vector costs on disk or in a compressed
index.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

try:
    import faiss
except ImportError:
    sys.exit("this example needs FAISS for /usr/bin/python3: apt-get install python3-faiss")

import arfc


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def search(db, queries, k):
    index = faiss.IndexFlatIP(db.shape[1])
    index.add(np.ascontiguousarray(unit(db), dtype=np.float32))
    return index.search(np.ascontiguousarray(unit(queries), dtype=np.float32), k)[1]


def recall_at(found, exact):
    k = exact.shape[1]
    return float(np.mean([len(set(f) & set(e)) / k for f, e in zip(found, exact)]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="data/fmnist/cls", help="feature-set directory (arfc data fmnist)")
    p.add_argument("--model", help="trained ARFC model; default: train a small one here")
    p.add_argument("--train-rows", type=int, default=10000, help="rows to train on without --model")
    p.add_argument("--epochs", type=int, default=2, help="epochs without --model")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--ratios", default="8,64")
    a = p.parse_args()

    if not os.path.isdir(a.data):
        sys.exit(f"{a.data}: no feature set. Hint: build/arfc data fmnist --out data/fmnist --sets cls")
    with open(os.path.join(a.data, "meta.json")) as f:
        task = json.load(f)["task"]
    test = arfc.read_matrix(os.path.join(a.data, "test_x.npy"))
    queries, db = test[: a.queries], test[a.queries :]

    if a.model:
        model = arfc.Model.load(a.model)
    else:
        train_x = arfc.read_matrix(os.path.join(a.data, "train_x.npy"))[: a.train_rows]
        labels = None
        if task in ("classification", "retrieval"):
            labels = arfc.read_labels(os.path.join(a.data, "train_y.npy"))[: a.train_rows]
        else:
            task = "generic"
        t0 = time.perf_counter()
        model = arfc.train(train_x, labels=labels, task=task, epochs=a.epochs)
        print(f"trained on {len(train_x)} rows in {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    d = db.shape[1]
    exact = search(db, queries, a.k)
    print(f"{len(queries)} queries, {len(db)} database vectors, D = {d}; recall@{a.k} against exact cosine neighbours")
    print(f"{'index':<28} {'recall@%d' % a.k:>9} {'stored bytes/vector':>20} {'index bytes/vector':>19}")
    found = search(db, queries, a.k)
    print(f"{'original float32':<28} {recall_at(found, exact):>9.3f} {4 * d:>20} {4 * d:>19}")
    for r in [float(v) for v in a.ratios.split(",")]:
        cdb, cq = model.encode(db, ratio=r), model.encode(queries, ratio=r)
        vdb, vq = cdb.to_numpy(), cq.to_numpy()
        found = search(vdb, vq, a.k)
        name = f"arfc {r:g}x ({cdb.layout.dtype} x {cdb.layout.n_values})"
        print(f"{name:<28} {recall_at(found, exact):>9.3f} {cdb.layout.bytes_per_vector:>20} {4 * vdb.shape[1]:>19}")


if __name__ == "__main__":
    main()
