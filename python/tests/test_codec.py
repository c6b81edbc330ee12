"""arfc.codec: baselines through the `arfc eval` factory strings."""
import numpy as np
import pytest

import arfc
from conftest import Q8_MODEL, clustered


def test_methods_listed():
    m = arfc.methods()
    for name in ("arfc", "pca", "pq", "opq", "rq", "rabitq"):
        assert name in m and m[name]


def test_pca_i8_at_8x():
    x, _ = clustered(400, d=64)
    c = arfc.codec("pca+i8", ratio=8).fit(x)
    assert c.bytes_per_vector == 32 and c.achieved_ratio == 8.0
    assert c.variant == "i8 x 32" and c.similarity == "cosine" and c.can_decode
    r = c.encode(x[:10])
    assert r.shape == (10, 32) and r.dtype == np.float32
    back = c.decode(r)
    assert back.shape == (10, 64)
    # PCA keeps most of the clustered data at 8x.
    err = np.mean((back - x[:10]) ** 2) / np.mean(x[:10] ** 2)
    assert err < 0.5


def test_pq_and_model_file():
    x, _ = clustered(2000, d=32)
    pq = arfc.codec("pq", ratio=16, seed=1).fit(x)
    assert pq.bytes_per_vector == 8 and pq.encode(x[:5]).shape == (5, 32)
    a = arfc.codec("arfc:" + Q8_MODEL, ratio=16).fit(x)
    assert a.bytes_per_vector == 8 and a.variant.startswith("q8")


def test_bad_specs():
    with pytest.raises(ValueError, match="pca"):
        arfc.codec("nope", ratio=8)
    c = arfc.codec("pca", ratio=8)
    with pytest.raises(ValueError, match="not fitted"):
        c.encode(np.zeros((2, 8), np.float32))
    with pytest.raises(ValueError):
        arfc.codec("pq", ratio=10000).fit(clustered(300, d=16)[0])
