"""arfc.Model / arfc.train / arfc.Codes: the same codes as the CLI, files both ways, the
prefix property, numpy inputs of every float kind, the GIL released, Ctrl-C."""
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import arfc
from conftest import Q8_MODEL, TINY_CONFIG, clustered, run_cli


def test_train_info_save_load(tiny_model, tmp_path):
    info = tiny_model.info()
    assert info["task"] == "classification"
    assert info["input_dim"] == 16 and tiny_model.input_dim == 16
    assert info["token_width"] == 4 and info["max_tokens"] == 4 and info["max_values"] == 16
    assert info["calibrated"] is True
    assert info["config"]["train"]["epochs"] == 2 and info["config"]["train"]["seed"] == 3
    assert info["config"]["summary"]["epochs_run"] == 2
    assert len(tiny_model.fingerprint) == 16
    path = str(tmp_path / "tiny.arfc")
    tiny_model.save(path)
    again = arfc.Model.load(path)
    assert again.fingerprint == tiny_model.fingerprint
    x, _ = clustered(50, seed=1)
    for kw in ({"ratio": 4}, {"bytes": 4, "dtype": "q8"}, {"tokens": 3, "dtype": "i8"}, {"tokens": 2, "dtype": "i4"}):
        assert np.array_equal(again.encode(x, **kw).raw(), tiny_model.encode(x, **kw).raw()), kw
    # int4: two values per byte, with the model's calibrated scales.
    c4 = again.encode(x, tokens=2, dtype="i4")
    assert c4.layout.dtype == "i4" and c4.raw().shape[1] * 2 == c4.layout.n_values
    assert c4.scales is not None and len(c4.scales) == c4.layout.n_values
    # The CLI reads the model Python wrote.
    assert "classification" in run_cli("info", path).stdout


def test_training_is_seeded(tiny_model):
    x, y = clustered(480)
    again = arfc.train(x, labels=y, task="classification", config=TINY_CONFIG, epochs=2, seed=3, progress=False)
    # Same weights, calibration and codebooks: the same codes. (The fingerprint also hashes
    # the training summary, which holds the run time, so it differs.)
    discrete = tiny_model.info()["discrete_tokens"]  # as many as its held-out trial kept
    assert again.info()["discrete_tokens"] == discrete >= 1
    for kw in ({"ratio": 2}, {"ratio": 16}, {"tokens": discrete, "dtype": "q8"}):
        assert np.array_equal(again.encode(x, **kw).raw(), tiny_model.encode(x, **kw).raw()), kw


@pytest.mark.parametrize("budget", [{"ratio": 2}, {"ratio": 4}, {"ratio": 8}, {"ratio": 16}, {"ratio": 64},
                                    {"bytes": 12}, {"tokens": 2}, {"tokens": 3, "dtype": "i8"},
                                    {"tokens": 5, "dtype": "q8"}])
def test_same_codes_as_cli(q8_model, features, tmp_path, budget):
    x_path = str(tmp_path / "x.npy")
    np.save(x_path, features)
    out = str(tmp_path / "c.arfc")
    flags = [f"--{k}" if k != "dtype" else "--dtype" for k in budget]
    args = [a for k, v in zip(flags, budget.values()) for a in (k, v)]
    run_cli("compress", "--model", Q8_MODEL, "--in", x_path, "--out", out, *args)
    cli = arfc.read_codes(out)
    py = q8_model.encode(features, **budget)
    assert cli.layout.dtype == py.layout.dtype and cli.layout.n_values == py.layout.n_values
    assert cli.fingerprint == py.fingerprint == q8_model.fingerprint
    assert np.array_equal(cli.raw(), py.raw())
    if py.layout.dtype == "i8":
        assert np.array_equal(cli.scales, py.scales)


def test_beam_as_the_cli(q8_model, features, tmp_path):
    # The fixture searches its tokens greedily; beam=4 searches wider, as `compress --beam 4`
    # (on this fixture's repeated codewords it finds the greedy bytes: ties go to the lowest
    # index; what a beam gains is TokenCodebooks.EncodeBeamOverridesTheModelsBeam's).
    x_path, out = str(tmp_path / "x.npy"), str(tmp_path / "b4.arfc")
    np.save(x_path, features)
    run_cli("compress", "--model", Q8_MODEL, "--in", x_path, "--out", out, "--dtype", "q8", "--tokens", "6",
            "--beam", "4")
    b4 = q8_model.encode(features, tokens=6, dtype="q8", beam=4)
    assert np.array_equal(arfc.read_codes(out).raw(), b4.raw())
    assert np.array_equal(q8_model.encode(features, tokens=6, dtype="q8", beam=1).raw(),
                          q8_model.encode(features, tokens=6, dtype="q8").raw())
    assert q8_model.decode(b4).shape == features.shape
    for bad in (0, 257, 2.5):
        with pytest.raises(ValueError, match="beam"):
            q8_model.encode(features, tokens=6, dtype="q8", beam=bad)
    # lookahead=: as `compress --lookahead`.
    l2_out = str(tmp_path / "b4l2.arfc")
    run_cli("compress", "--model", Q8_MODEL, "--in", x_path, "--out", l2_out, "--dtype", "q8", "--tokens", "6",
            "--beam", "4", "--lookahead", "2")
    assert np.array_equal(arfc.read_codes(l2_out).raw(),
                          q8_model.encode(features, tokens=6, dtype="q8", beam=4, lookahead=2).raw())
    with pytest.raises(ValueError, match="lookahead"):
        q8_model.encode(features, tokens=6, dtype="q8", beam=4, lookahead=-1)
    # tokens_from="base": the tokens of the base code, as `compress --tokens-from base`.
    base_out = str(tmp_path / "base.arfc")
    run_cli("compress", "--model", Q8_MODEL, "--in", x_path, "--out", base_out, "--dtype", "q8", "--tokens", "6",
            "--tokens-from", "base")
    base = q8_model.encode(features, tokens=6, dtype="q8", tokens_from="base")
    assert np.array_equal(arfc.read_codes(base_out).raw(), base.raw())
    assert not np.array_equal(base.raw(), q8_model.encode(features, tokens=6, dtype="q8").raw())
    with pytest.raises(ValueError, match="tokens_from"):
        q8_model.encode(features, tokens=6, dtype="q8", tokens_from="transformer")
    with pytest.raises(ValueError, match="tokens_from"):
        q8_model.encode(features, tokens=6, dtype="q8", tokens_from=1)
    # The default is the model's code source: this fixture predates the held-out trial, so
    # its codes come from the ARC code.
    assert q8_model.info()["code_source"] == "arc"
    assert (q8_model.info()["token_beam"], q8_model.info()["token_lookahead"]) == (1, 0)
    assert np.array_equal(q8_model.encode(features, tokens=6, dtype="q8", tokens_from="arc").raw(),
                          q8_model.encode(features, tokens=6, dtype="q8").raw())
    # Codes that store values: the base code's values, as the CLI's.
    i8_out = str(tmp_path / "base_i8.arfc")
    run_cli("compress", "--model", Q8_MODEL, "--in", x_path, "--out", i8_out, "--ratio", "2", "--tokens-from", "base")
    base_i8 = q8_model.encode(features, ratio=2, tokens_from="base")
    assert np.array_equal(arfc.read_codes(i8_out).raw(), base_i8.raw())
    assert not np.array_equal(base_i8.raw(), q8_model.encode(features, ratio=2).raw())


def test_layouts_follow_the_budget(q8_model, features):
    # D = 32: float32 vectors are 128 bytes; the model serves up to 8 bytes with discrete tokens.
    c = q8_model.encode(features, ratio=16)
    assert (c.layout.dtype, c.layout.n_values, c.layout.bytes_per_vector, c.layout.ratio) == ("q8", 8, 8, 16.0)
    assert c.raw().shape == (len(features), 8) and c.raw().dtype == np.uint8
    c = q8_model.encode(features, ratio=2)
    assert c.layout.bytes_per_vector == 64 and c.layout.dtype in ("f32", "f16", "i8")
    c = q8_model.encode(features, bytes=3)
    assert (c.layout.dtype, c.layout.tokens, c.layout.bytes_per_vector) == ("q8", 3, 3)
    assert "q8" in repr(c) and len(c) == len(features)


def test_files_both_ways(q8_model, features, tmp_path):
    x_path, code_path = str(tmp_path / "x.npy"), str(tmp_path / "py.arfc")
    np.save(x_path, features)
    for budget in ({"ratio": 4}, {"ratio": 32}):
        codes = q8_model.encode(features, **budget)
        codes.save(code_path)
        # CLI export / decompress of the file Python wrote == the Python values / decode.
        run_cli("export", "--in", code_path, "--model", Q8_MODEL, "--out", str(tmp_path / "e.npy"))
        assert np.array_equal(np.load(tmp_path / "e.npy"), codes.to_numpy())
        run_cli("decompress", "--in", code_path, "--model", Q8_MODEL, "--out", str(tmp_path / "d.npy"))
        np.testing.assert_allclose(np.load(tmp_path / "d.npy"), q8_model.decode(codes), rtol=1e-5, atol=1e-6)
        # And back: the file read in Python is the same code.
        back = arfc.read_codes(code_path)
        assert np.array_equal(back.raw(), codes.raw()) and back.layout.ratio == codes.layout.ratio
    # A CLI truncation of the file == Codes.truncate.
    run_cli("truncate", "--in", code_path, "--out", str(tmp_path / "t.arfc"), "--ratio", 64)
    assert np.array_equal(arfc.read_codes(str(tmp_path / "t.arfc")).raw(), codes.truncate(ratio=64).raw())


def test_matrix_files(tmp_path, features):
    for ext in ("npy", "fvecs", "fbin", "safetensors"):
        p = str(tmp_path / f"x.{ext}")
        arfc.write_matrix(p, features)
        assert np.array_equal(arfc.read_matrix(p), features)
    np.save(tmp_path / "y.npy", np.arange(5, dtype=np.int32))
    y = arfc.read_labels(str(tmp_path / "y.npy"))
    assert y.dtype == np.int64 and list(y) == [0, 1, 2, 3, 4]


def test_prefix_property_through_truncate(q8_model, features):
    for dtype, long, short in (("i8", 4, 1), ("f32", 4, 2), ("q8", 8, 2)):
        full = q8_model.encode(features, tokens=long, dtype=dtype)
        cut = full.truncate(tokens=short)
        direct = q8_model.encode(features, tokens=short, dtype=dtype)
        assert cut.layout.dtype == dtype and cut.layout.n_values == direct.layout.n_values
        assert np.array_equal(cut.raw(), direct.raw()), dtype
    # Continuous by ratio: 8x (16 bytes) cut to 16x is the code encode() makes at 16x
    # among continuous layouts (i8, 8 values).
    cut = q8_model.encode(features, ratio=8, dtype="i8").truncate(ratio=16)
    assert np.array_equal(cut.raw(), q8_model.encode(features, ratio=16, dtype="i8").raw())


def test_decode_and_values(q8_model, features, tmp_path):
    codes = q8_model.encode(features, ratio=16)  # q8
    values = codes.to_numpy()
    assert values.shape == (len(features), 16) and values.dtype == np.float32
    assert q8_model.decode(codes).shape == features.shape
    # Read back from a file, q8 values need the model.
    p = str(tmp_path / "q.arfc")
    codes.save(p)
    back = arfc.read_codes(p)
    with pytest.raises(ValueError, match="model"):
        back.to_numpy()
    assert np.array_equal(back.to_numpy(q8_model), values)
    # Continuous codes need no model; reconstruction gets closer with longer codes.
    err = [np.mean((q8_model.decode(q8_model.encode(features, tokens=t)) - features) ** 2) for t in (1, 4)]
    assert err[1] < err[0]


def test_float_kinds_and_orders(q8_model, features):
    ref = q8_model.encode(features, ratio=4).raw()
    assert np.array_equal(q8_model.encode(features.astype(np.float64), ratio=4).raw(), ref)
    assert np.array_equal(q8_model.encode(np.asfortranarray(features), ratio=4).raw(), ref)
    wide = np.zeros((len(features), 64), dtype=np.float32)
    wide[:, ::2] = features
    assert np.array_equal(q8_model.encode(wide[:, ::2], ratio=4).raw(), ref)  # strided view
    half = features.astype(np.float16)
    assert np.array_equal(q8_model.encode(half, ratio=4).raw(),
                          q8_model.encode(half.astype(np.float32), ratio=4).raw())
    assert np.array_equal(q8_model.encode(features.tolist(), ratio=4).raw(), ref)  # lists too
    big_endian = features.astype(">f4")
    assert np.array_equal(q8_model.encode(big_endian, ratio=4).raw(), ref)


def test_gil_released_during_encode(q8_model):
    x = np.random.default_rng(1).standard_normal((60000, 32)).astype(np.float32)
    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.05)
        before = ticks[0]
        t0 = time.perf_counter()
        q8_model.encode(x, ratio=16)
        seconds = time.perf_counter() - t0
        during = ticks[0] - before
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole call the counter could not move at all.
    assert seconds > 0.05, "encode too quick to observe; use more rows"
    assert during > 1000, f"the other thread ran {during} loop iterations in {seconds:.2f}s of encode"


@pytest.fixture
def sigint_raises():
    # A process started in the background by a shell without job control inherits SIGINT
    # ignored, and Python then keeps it ignored: the Ctrl-C tests would run to the end.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_stops_training(sigint_raises):
    x, y = clustered(6000, seed=2)
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            arfc.train(x, labels=y, task="classification", config=TINY_CONFIG, epochs=200, progress=False)
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 20  # 200 epochs would take minutes


def test_ctrl_c_stops_encoding_on_worker_threads(q8_model, sigint_raises):
    # Encoding spreads its row blocks over worker threads (one per core), while Python
    # answers a Ctrl-C on its main thread only: the thread that started the work watches.
    # About 7 s of work per core: still running when the signal comes at 0.5 s.
    x = np.random.default_rng(3).standard_normal((10000 * max(2, os.cpu_count() or 1), 32)).astype(np.float32)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            q8_model.encode(x, tokens=8, dtype="q8", beam=256)
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 5


# A child forked from a thread other than the main one runs its signal handlers on that
# thread: Ctrl-C must stop the child's work there. Run in a fresh interpreter, which forks
# before any work, so the child starts no thread pool a fork left half copied.
FORKED_CTRL_C = """
import os, signal, threading
import arfc
from conftest import TINY_CONFIG, clustered

def child():
    signal.alarm(30)  # should Ctrl-C go unseen, 200 epochs end here
    signal.signal(signal.SIGINT, signal.default_int_handler)
    x, y = clustered(6000, seed=2)
    threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    try:
        arfc.train(x, labels=y, task="classification", config=TINY_CONFIG, epochs=200, progress=False)
    except KeyboardInterrupt:
        os._exit(0)
    os._exit(1)

status = []
def fork():
    pid = os.fork()
    if pid == 0:
        child()
    status.append(os.waitpid(pid, 0)[1])

t = threading.Thread(target=fork)
t.start()
t.join()
print(os.waitstatus_to_exitcode(status[0]))
"""


def test_ctrl_c_stops_a_child_forked_from_another_thread():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-c", FORKED_CTRL_C], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0", f"the forked child ended with {r.stdout.strip()} (-14: Ctrl-C unseen until SIGALRM): {r.stderr}"


def test_search_matches_numpy_and_cli(q8_model, features, tmp_path):
    db = q8_model.encode(features, bytes=5, dtype="q8")
    queries = features[:20] + 0.1
    ids, scores = q8_model.search(db, queries, k=7)
    assert ids.shape == (20, 7) and ids.dtype == np.int64 and scores.dtype == np.float32
    # Brute force in numpy: cosine of the queries' continuous codes with the decoded codes.
    v = db.to_numpy(q8_model)
    qv = q8_model.encode(queries, tokens=4).to_numpy()  # f32: the continuous code, all 16 values
    cos = (qv / np.linalg.norm(qv, axis=1, keepdims=True)) @ (v / np.linalg.norm(v, axis=1, keepdims=True)).T
    best = -np.sort(-cos, axis=1)[:, :7]
    assert np.allclose(scores, best, atol=1e-5)
    assert np.allclose(np.take_along_axis(cos, ids, axis=1), scores, atol=1e-5)
    # Compressed queries (symmetric) and the CLI give the same rows.
    q_codes = q8_model.encode(queries, bytes=5, dtype="q8")
    ids_sym, _ = q8_model.search(db, q_codes, k=3)
    db_path, q_path, out = str(tmp_path / "db.arfc"), str(tmp_path / "q.arfc"), str(tmp_path / "ids.npy")
    db.save(db_path)
    q_codes.save(q_path)
    run_cli("search", "--model", Q8_MODEL, "--codes", db_path, "--queries", q_path, "--k", 3, "--out", out)
    assert np.array_equal(np.load(out), ids_sym)
    with pytest.raises(ValueError, match="k must be >= 1"):
        q8_model.search(db, queries, k=0)
    with pytest.raises(ValueError, match="expected D = 32"):
        q8_model.search(db, queries[:, :8])


def test_index_searches_as_model_search(q8_model, tiny_model, features):
    db = q8_model.encode(features, bytes=5, dtype="q8")
    index = arfc.Index(q8_model, db)
    assert len(index) == len(features) and "q8" in repr(index)
    queries = features[:20] + 0.1
    for q in (queries, q8_model.encode(queries, bytes=5, dtype="q8")):
        ids, scores = index.search(q, k=7)
        ids_m, scores_m = q8_model.search(db, q, k=7)
        assert np.array_equal(ids, ids_m) and np.array_equal(scores, scores_m)
    # Continuous codes too, and k past the rows gives every row.
    db_i8 = q8_model.encode(features[:5], tokens=2, dtype="i8")
    ids, _ = arfc.Index(q8_model, db_i8).search(queries, k=9)
    assert ids.shape == (20, 5) and sorted(ids[0]) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="fingerprint"):
        arfc.Index(tiny_model, db)
    with pytest.raises(ValueError, match="k must be >= 1"):
        index.search(queries, k=0)
