#!/usr/bin/python3
"""How many leading values should a short discrete code quantise? Outside the tool.

Reads full continuous ARFC codes of a cross-modal model exported as .npy (`arfc compress
--tokens 16 --dtype f32` then `arfc export`): TRAIN_A TRAIN_B TEST_A TEST_B. For each span n
(values 16, 32, 64, 256 by default, or the comma-separated SPANS), fits FAISS residual
codebooks (8 bytes of 256 words, progressive-dimension training, beam 8) on the first n
values of each code's direction (rows L2-normalised first, as ARFC's direction tokens) of
up to 20 000 training rows of each modality, codes the test pairs and prints the R@1 mean
of both directions (cosine of the decoded vectors, both sides coded) at 1, 2, 4 and 8
bytes, after the R@1 of the continuous prefixes themselves.

  /usr/bin/python3 scripts/token_span_check.py ca.npy cb.npy qa.npy qb.npy [SPANS]
"""
import sys
import time

import faiss
import numpy as np


def nrm(x):
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def r1_mean(a, b):
    s = nrm(a) @ nrm(b).T
    hit = np.arange(len(a))
    return 100 * ((s.argmax(1) == hit).mean() + (s.argmax(0) == hit).mean()) / 2


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    faiss.omp_set_num_threads(1)
    ta, tb, qa, qb = (np.load(p).astype(np.float32) for p in sys.argv[1:5])
    spans = [int(v) for v in sys.argv[5].split(",")] if len(sys.argv) == 6 else [16, 32, 64, qa.shape[1]]
    print(f"continuous code, all {qa.shape[1]} values (f32): R@1 mean {r1_mean(qa, qb):.2f}")
    for n in (8, 16, 32, 64):
        print(f"continuous prefix of {n} values (f32): R@1 mean {r1_mean(qa[:, :n], qb[:, :n]):.2f}")
    steps = 8
    for n in spans:
        t0 = time.time()
        lead = lambda x: np.ascontiguousarray(nrm(x)[:, :n])
        rq = faiss.ResidualQuantizer(n, steps, 8)
        rq.train_type = faiss.ResidualQuantizer.Train_progressive_dim
        rq.max_beam_size = 8
        rq.train(lead(np.vstack([ta[:20000], tb[:20000]])))
        words = faiss.vector_to_array(rq.codebooks).reshape(steps, 256, n)
        ca, cb = (rq.compute_codes(lead(x)).reshape(len(x), steps) for x in (qa, qb))
        row = []
        for m in (1, 2, 4, 8):
            ya = sum(words[j][ca[:, j]] for j in range(m))
            yb = sum(words[j][cb[:, j]] for j in range(m))
            row.append(f"{m} B {r1_mean(ya, yb):.2f}")
        print(f"codebooks over the first {n} values: " + ", ".join(row) + f" ({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
