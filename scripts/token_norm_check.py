#!/usr/bin/python3
"""Do discrete tokens quantise row-normalised or set-scaled codes better on a retrieval set?

Retrieval models divide each modality by one scale ("set") and, since that default, their
2-byte codes search worse than with each row divided by its RMS ("row"; docs/DESIGN.md,
"One scale per set with the base code"). This script asks whether the normalisation alone
does that, without the tool or any training:

  rows     each training / test row divided by its RMS ("row") or all of them by the RMS
           of the training rows ("set")
  code     the rows centred on the training rows' mean, each scaled to unit length (a
           rotation such as PCA does not change what follows)
  tokens   greedy residual k-means: token m is the nearest of 256 words fitted by k-means
           (FAISS, 25 iterations, best of 3 starts) on what the tokens before it left of
           the first 20 000 training codes; a code of n tokens is the sum of their words

and prints R@1 (%) of the test rows against each other (cosine, a hit when the nearest
other test row shares the label) for codes of 2 and 4 tokens (the 512x and 256x budgets of
D = 256).

Usage:
  /usr/bin/python3 scripts/token_norm_check.py data/fmnist/openset

Needs numpy and FAISS's Python module (Debian: python3-faiss). About half a minute on two
cores for the first 20 000 open-set training rows.
"""

import sys

import numpy as np

from row_norm_int4 import fail, load_split, recall_at_1  # scripts/ is the script's path


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def main():
    xtr, xte, yte = load_split(sys.argv, "token_norm_check")
    try:
        import faiss
    except ImportError:
        fail("needs FAISS's Python module (Debian: apt-get install python3-faiss; run with /usr/bin/python3)",
             "token_norm_check")
    xtr = xtr.astype(np.float32)[:20000]
    xte = xte.astype(np.float32)
    set_scale = np.sqrt((xtr ** 2).mean())
    kinds = {
        "row": lambda x: x / np.sqrt((x ** 2).mean(1, keepdims=True) + 1e-12),
        "set": lambda x: x / set_scale,
    }
    print("| rows | 2 tokens | 4 tokens |")
    print("|---|--:|--:|")
    for name, norm in kinds.items():
        mean = norm(xtr).mean(0)
        a = np.ascontiguousarray(unit(norm(xtr) - mean), dtype=np.float32)
        b = np.ascontiguousarray(unit(norm(xte) - mean), dtype=np.float32)
        ya, yb = np.zeros_like(a), np.zeros_like(b)
        cells = []
        for m in range(4):
            km = faiss.Kmeans(a.shape[1], 256, niter=25, seed=m + 1, nredo=3)
            km.train(np.ascontiguousarray(a - ya))
            _, ia = km.index.search(np.ascontiguousarray(a - ya), 1)
            _, ib = km.index.search(np.ascontiguousarray(b - yb), 1)
            ya += km.centroids[ia[:, 0]]
            yb += km.centroids[ib[:, 0]]
            if m in (1, 3):
                cells.append("%.2f" % recall_at_1(yb, yte))
        print("| %s | %s |" % (name, " | ".join(cells)), flush=True)


if __name__ == "__main__":
    main()
