#!/usr/bin/python3
"""Does normalising each row before PCA cost int4 codes on a retrieval set?

ARC normalises every input row by its RMS before its linear base, which starts as the PCA
of the normalised training rows (ArcImpl::normalize_rows, model/arc.cpp); the PCA codec
projects the raw rows. This script builds both codes outside the tool, with numpy alone:

  basis   PCA of the raw or of the RMS-normalised training rows (eigenvectors of the
          covariance, leading first; the rows centred on the training mean of the same
          kind of rows)
  rows    the raw or the RMS-normalised rows, projected on the leading m components
  i4      15 levels per value (-7..7), one scale per position, the clipping point with
          the least squared error over the training codes among 1, 0.98, ..., 0.1 of
          max |value| (as calibrate_scales, codes/code_file.h)

and prints R@1 (%) of the test rows against each other (cosine, a hit when the nearest
other test row shares the label) for the float codes and their int4 storage, at m values
(m = 16, 32, 64: 128x, 64x, 32x for D = 256); a last row scales each normalised row's code
by the row's raw RMS before int4 (the same cosine in float).

Usage (docs/DESIGN.md, "Row normalisation and int4"):
  /usr/bin/python3 scripts/row_norm_int4.py data/fmnist/openset

Needs numpy. About a minute on one core for the 5 000 open-set test rows.
"""

import sys

import numpy as np


def fail(msg, prog="row_norm_int4"):
    sys.stderr.write(prog + ": " + msg + "\n")
    sys.exit(2)


def load_split(argv, prog):
    """train_x [N, D], test_x [M, D] and test_y [M] of the feature set named by argv[1], as
    stored; a usage or read error exits with code 2 and one line naming prog."""
    if len(argv) != 2:
        fail("usage: %s.py FEATURE_SET_DIR (train_x.npy, test_x.npy, test_y.npy)" % prog, prog)
    d = argv[1]
    try:
        xtr = np.load(d + "/train_x.npy")
        xte = np.load(d + "/test_x.npy")
        yte = np.load(d + "/test_y.npy")
    except OSError as e:
        fail("cannot read the feature set in '%s': %s" % (d, e), prog)
    if xtr.ndim != 2 or xte.ndim != 2 or xtr.shape[1] != xte.shape[1] or len(yte) != len(xte):
        fail("'%s': expected train_x [N, D], test_x [M, D] and test_y [M]" % d, prog)
    return xtr, xte, yte


def rms_rows(x):
    return x / np.sqrt((x ** 2).mean(1, keepdims=True) + 1e-6)


def pca(x):
    mean = x.mean(0)
    w, v = np.linalg.eigh(np.cov((x - mean).T))
    return mean, v[:, np.argsort(-w)]


def int4(train, test):
    out = np.empty_like(test)
    for j in range(train.shape[1]):
        top = np.abs(train[:, j]).max()
        best_err, best_step = None, None
        for frac in np.arange(1.0, 0.099, -0.02):
            step = frac * top / 7 if top > 0 else 1.0
            err = ((np.clip(np.round(train[:, j] / step), -7, 7) * step - train[:, j]) ** 2).sum()
            if best_err is None or err < best_err:
                best_err, best_step = err, step
        out[:, j] = np.clip(np.round(test[:, j] / best_step), -7, 7) * best_step
    return out


def recall_at_1(codes, labels):
    z = codes / (np.linalg.norm(codes, axis=1, keepdims=True) + 1e-12)
    sim = z @ z.T
    np.fill_diagonal(sim, -np.inf)
    return 100.0 * (labels[sim.argmax(1)] == labels).mean()


def main():
    xtr, xte, yte = load_split(sys.argv, "row_norm_int4")
    xtr, xte = xtr.astype(np.float64), xte.astype(np.float64)
    kinds = {"raw": lambda x: x, "rms": rms_rows}
    fits = {k: pca(f(xtr)) for k, f in kinds.items()}
    print("| basis | rows | " + " | ".join("m = %d float | m = %d i4" % (m, m) for m in (16, 32, 64)) + " |")
    print("|---|---|" + "--:|--:|" * 3)
    for basis in ("raw", "rms"):
        for rows in ("raw", "rms"):
            mean = kinds[rows](xtr).mean(0)  # centred on the mean of the rows projected
            v = fits[basis][1]
            cells = []
            for m in (16, 32, 64):
                tr = (kinds[rows](xtr) - mean) @ v[:, :m]
                te = (kinds[rows](xte) - mean) @ v[:, :m]
                cells += ["%.2f" % recall_at_1(te, yte), "%.2f" % recall_at_1(int4(tr, te), yte)]
            print("| %s | %s | %s |" % (basis, rows, " | ".join(cells)), flush=True)
    # The normalised rows' codes scaled back by each row's raw RMS before int4 (the same
    # cosine in float): does int4 lose on the normalised rows because every row has one norm?
    mean, v = fits["rms"][0], fits["rms"][1]
    scale_tr = np.sqrt((xtr ** 2).mean(1, keepdims=True))
    scale_te = np.sqrt((xte ** 2).mean(1, keepdims=True))
    cells = []
    for m in (16, 32, 64):
        tr = (rms_rows(xtr) - mean) @ v[:, :m] * scale_tr
        te = (rms_rows(xte) - mean) @ v[:, :m] * scale_te
        cells += ["%.2f" % recall_at_1(te, yte), "%.2f" % recall_at_1(int4(tr, te), yte)]
    print("| rms | rms, codes times the row's raw RMS | %s |" % " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
