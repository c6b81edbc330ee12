#!/usr/bin/python3
"""Would a learned readout of each code length lift a cross-modal model's short codes?

ARFC searches a code of n values by the cosine of its stored values. Its one-token code
must also be the start of every longer code, which a per-ratio autoencoder's code need
not be. If that shared role only bent the code's geometry (its scaling, or a rotation
between the modalities), a map fitted on the stored values of one length would recover
it at no storage cost. This script fits such maps on the training pairs' codes and
measures them on the test pairs, with numpy alone:

  plain        cosine of the stored values (what `arfc eval` measures)
  CCA          canonical correlation analysis of the two modalities' codes (ridge 1e-3),
               both sides projected, whitened or weighted by the canonical correlations
  readout h=0  one linear map per modality (identity start) trained by the symmetric
               InfoNCE of cosine scores (tau 0.05, batch 1024, 6 epochs, Adam, cosine
               learning-rate decay)
  readout h=H  the same plus a residual ReLU MLP of H hidden units per modality

It prints R@1 mean of both directions (%) over the test pairs for each, at each ratio
(the model's own layout for that budget; the model is loaded through the Python module,
build/python).

Usage (docs/DESIGN.md, "Trainer"):
  arfc train --data data/fmnist/twoview --out M.arfc --config F --seed 0 --threads 2
  PYTHONPATH=build/python /usr/bin/python3 scripts/readout_check.py M.arfc data/fmnist/twoview 128,64
with F = {"model": {"discrete_tokens": 0}}. About 2 minutes on one core after encoding.
"""

import sys
import time

import numpy as np

import arfc


def unit(a):
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def r1_mean(a, b):
    """R@1 (%) of pair i found at rank 1, mean of both directions; a, b [N, n]."""
    s = unit(a) @ unit(b).T
    target = np.arange(len(a))
    return 50.0 * ((s.argmax(1) == target).mean() + (s.argmax(0) == target).mean())


def cca(a, b, ridge=1e-3):
    """Canonical directions of a [N, n] and b [N, n]: (mean_a, P_a), (mean_b, P_b), correlations."""
    ma, mb = a.mean(0), b.mean(0)
    a, b = a - ma, b - mb
    eye = np.eye(a.shape[1])
    wa = np.linalg.inv(np.linalg.cholesky(a.T @ a / len(a) + ridge * eye)).T
    wb = np.linalg.inv(np.linalg.cholesky(b.T @ b / len(b) + ridge * eye)).T
    u, s, vt = np.linalg.svd(wa.T @ (a.T @ b / len(a)) @ wb)
    return (ma, wa @ u), (mb, wb @ vt.T), s


class Readout:
    """u = x W + relu(x W1 + b1) W2 (W starts as the identity, W2 as zero); Adam."""

    def __init__(self, n, hidden, rng):
        self.p = {"W": np.eye(n)}
        if hidden:
            self.p.update(W1=rng.normal(0, 1 / np.sqrt(n), (n, hidden)), b1=np.zeros(hidden),
                          W2=np.zeros((hidden, n)))
        self.m1 = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.m2 = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    def forward(self, x):
        u, cache = x @ self.p["W"], {"x": x}
        if "W1" in self.p:
            z = x @ self.p["W1"] + self.p["b1"]
            cache.update(z=z, h=np.maximum(z, 0))
            u = u + cache["h"] @ self.p["W2"]
        return u, cache

    def backward(self, du, c):
        g = {"W": c["x"].T @ du}
        if "W1" in self.p:
            g["W2"] = c["h"].T @ du
            dz = (du @ self.p["W2"].T) * (c["z"] > 0)
            g["W1"], g["b1"] = c["x"].T @ dz, dz.sum(0)
        return g

    def step(self, g, lr):
        self.t += 1
        for k in self.p:
            self.m1[k] = 0.9 * self.m1[k] + 0.1 * g[k]
            self.m2[k] = 0.999 * self.m2[k] + 0.001 * g[k] ** 2
            m1, m2 = self.m1[k] / (1 - 0.9**self.t), self.m2[k] / (1 - 0.999**self.t)
            self.p[k] -= lr * m1 / (np.sqrt(m2) + 1e-8)


def fit_readouts(a, b, hidden, epochs=6, batch=1024, tau=0.05, lr=2e-3, seed=0):
    """Two readouts trained by the symmetric InfoNCE of cosine(readout_a(a_i), readout_b(b_j))."""
    rng = np.random.default_rng(seed)
    ra, rb = Readout(a.shape[1], hidden, rng), Readout(b.shape[1], hidden, rng)
    per_epoch = len(a) // batch
    for epoch in range(epochs):
        order = rng.permutation(len(a))
        for i in range(per_epoch):
            rows = order[i * batch:(i + 1) * batch]
            u, cu = ra.forward(a[rows])
            v, cv = rb.forward(b[rows])
            nu, nv = np.linalg.norm(u, axis=1, keepdims=True), np.linalg.norm(v, axis=1, keepdims=True)
            uh, vh = u / nu, v / nv
            s = uh @ vh.T / tau
            p_row = np.exp(s - s.max(1, keepdims=True))
            p_row /= p_row.sum(1, keepdims=True)
            p_col = np.exp(s - s.max(0, keepdims=True))
            p_col /= p_col.sum(0, keepdims=True)
            eye = np.eye(len(rows))
            ds = ((p_row - eye) + (p_col - eye)) / (2 * len(rows) * tau)
            duh, dvh = ds @ vh, ds.T @ uh
            du = (duh - uh * (uh * duh).sum(1, keepdims=True)) / nu
            dv = (dvh - vh * (vh * dvh).sum(1, keepdims=True)) / nv
            now = lr * 0.5 * (1 + np.cos(np.pi * (epoch * per_epoch + i) / (epochs * per_epoch)))
            ra.step(ra.backward(du, cu), now)
            rb.step(rb.backward(dv, cv), now)
    return ra, rb


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    model = arfc.Model.load(sys.argv[1])
    if model.task != "crossmodal":
        sys.exit(f"{sys.argv[1]}: a crossmodal model is needed, this one is {model.task}")
    data = sys.argv[2]
    ratios = [float(r) for r in (sys.argv[3] if len(sys.argv) == 4 else "128,64").split(",")]
    rows = {k: np.load(f"{data}/{k}.npy").astype(np.float32) for k in ("train_x", "train_b", "test_x", "test_b")}
    for ratio in ratios:
        t0 = time.time()
        coded = {}
        for k, x in rows.items():
            c = model.encode(x, ratio=ratio, modality=1 if k.endswith("_b") else 0)
            coded[k] = c.to_numpy().astype(np.float64)
        layout = str(c.layout)
        print(f"ratio {ratio:g}: {layout} (encoded in {time.time() - t0:.0f} s)", flush=True)
        tra, trb, tea, teb = coded["train_x"], coded["train_b"], coded["test_x"], coded["test_b"]
        show = lambda label, value: print(f"  {label:<26s}{value:6.2f}", flush=True)
        show("plain cosine", r1_mean(tea, teb))
        (ma, pa), (mb, pb), corr = cca(tra, trb)
        show("CCA, whitened", r1_mean((tea - ma) @ pa, (teb - mb) @ pb))
        show("CCA, correlation-weighted", r1_mean((tea - ma) @ pa * corr, (teb - mb) @ pb * corr))
        for hidden in (0, 256):
            ra, rb = fit_readouts(tra, trb, hidden)
            show(f"readout h={hidden}", r1_mean(ra.forward(tea)[0], rb.forward(teb)[0]))


if __name__ == "__main__":
    main()
