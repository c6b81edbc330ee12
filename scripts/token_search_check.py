#!/usr/bin/python3
"""How the token codebooks' fit and search serve cross-modal retrieval, outside the tool.

Reads full continuous ARFC codes of a cross-modal model exported as .npy (`arfc compress
--tokens 16 --dtype f32` then `arfc export`): TRAIN_A TRAIN_B TEST_A TEST_B. Fits residual
codebooks (256 words per byte) on the first 8000 training rows of each modality (rows L2-
normalised, as ARFC's direction tokens) with FAISS's ResidualQuantizer, greedily (training
beam 1) and with a training beam of 5, then encodes the first 3000 test pairs the way
model/token_codebooks.h does (a beam of 8, the first G tokens greedy, token j decided L
tokens later, so every prefix is the shorter code) and prints A->B R@1 (cosine of the
decoded vectors) at 4 and 8 bytes.

  /usr/bin/python3 scripts/token_search_check.py ca.npy cb.npy qa.npy qb.npy
"""
import sys

import faiss
import numpy as np


def nrm(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def r1(xa, xb):
    s = nrm(xa) @ nrm(xb).T
    return (s.argmax(1) == np.arange(len(xa))).mean()


def beam_encode(x, cbs, n, beam, greedy, lookahead):
    b_rows, _ = x.shape
    k = cbs.shape[1]
    r = x[:, None, :].copy()
    err = (r ** 2).sum(2)
    codes = np.zeros((b_rows, 1, 0), np.int64)
    norms = (cbs ** 2).sum(2)
    for m in range(n):
        b = r.shape[1]
        keep = min(1 if m < greedy else beam, b * k)
        d = (err[:, :, None] + norms[m][None, None, :] - 2 * np.einsum("bkv,cv->bkc", r, cbs[m])).reshape(b_rows, b * k)
        best = np.argsort(d, 1)[:, :keep]
        parent, word = best // k, best % k
        r = np.take_along_axis(r, parent[:, :, None], 1) - cbs[m][word]
        err = (r ** 2).sum(2)
        codes = np.concatenate([np.take_along_axis(codes, parent[:, :, None], 1), word[:, :, None]], 2)
        if lookahead > 0 and m >= lookahead and keep > 1:
            j = m - lookahead
            err = np.where(codes[:, :, j] == codes[:, 0:1, j], err, np.inf)
    return codes[:, 0, :]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    faiss.omp_set_num_threads(1)
    ta, tb, qa, qb = (np.load(p).astype(np.float32) for p in sys.argv[1:])
    train = nrm(np.vstack([ta[:8000], tb[:8000]]))
    qa, qb = nrm(qa[:3000]), nrm(qb[:3000])
    steps = 16
    searches = {"greedy": (1, 0, 0), "beam 8, first 4 greedy, lookahead 8": (8, 4, 8),
                "beam 8, lookahead 8": (8, 0, 8), "beam 8, lookahead 4": (8, 0, 4)}
    print("| training beam | search | 4 B R@1 | 8 B R@1 |\n|--:|---|--:|--:|")
    for train_beam in (1, 5):
        rq = faiss.ResidualQuantizer(train.shape[1], steps, 8)
        rq.max_beam_size = train_beam
        rq.train(train)
        cbs = faiss.vector_to_array(rq.codebooks).reshape(steps, 256, train.shape[1])
        for name, (beam, greedy, lookahead) in searches.items():
            row = []
            for n in (4, 8):
                run = n if beam == 1 or n <= greedy else min(steps, n + lookahead)
                ca = beam_encode(qa, cbs, run, beam, greedy, lookahead)[:, :n]
                cb = beam_encode(qb, cbs, run, beam, greedy, lookahead)[:, :n]
                row.append(r1(sum(cbs[m][ca[:, m]] for m in range(n)), sum(cbs[m][cb[:, m]] for m in range(n))))
            print(f"| {train_beam} | {name} | {100 * row[0]:.2f} | {100 * row[1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
