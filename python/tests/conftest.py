"""Shared fixtures for the Python tests (run by CTest: PYTHONPATH, ARFC_BINARY and
ARFC_TEST_DATA come from python/CMakeLists.txt)."""
import os
import subprocess

import numpy as np
import pytest

import arfc

DATA = os.environ.get("ARFC_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data"))
BINARY = os.environ.get("ARFC_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", "build", "arfc"))
Q8_MODEL = os.path.join(DATA, "model_q8.arfc")  # classification, D = 32, 4 tokens x 4 values + 8 discrete tokens

TINY_CONFIG = {
    "model": {"token_width": 4, "max_tokens": 4, "d_model": 32, "num_heads": 2, "context_chunks": 4,
              "solutions": 2, "decoder_hidden": 32, "discrete_tokens": 8},
    "train": {"batch_size": 32, "lr": 3e-3},
}


def clustered(n, d=16, classes=4, seed=0):
    """n rows of `classes` Gaussian clusters in d dimensions, float32, with int64 labels."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, d)).astype(np.float32) * 3
    y = rng.integers(0, classes, n)
    x = centres[y] + rng.standard_normal((n, d)).astype(np.float32)
    return x.astype(np.float32), y.astype(np.int64)


def run_cli(*args):
    """Runs the CLI; returns CompletedProcess (text), raising with its stderr on failure."""
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, f"arfc {' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}"
    return r


@pytest.fixture(scope="session")
def q8_model():
    return arfc.Model.load(Q8_MODEL)


@pytest.fixture(scope="session")
def features():
    """Rows of the fixture model's input dimension (D = 32)."""
    return np.random.default_rng(7).standard_normal((300, 32)).astype(np.float32)


@pytest.fixture(scope="session")
def tiny_model():
    x, y = clustered(480)
    return arfc.train(x, labels=y, task="classification", config=TINY_CONFIG, epochs=2, seed=3, progress=False)
