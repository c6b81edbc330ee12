"""Bad input raises ValueError (arguments) or OSError (files), with the CLI's messages."""
import numpy as np
import pytest

import arfc
from conftest import Q8_MODEL, TINY_CONFIG, clustered


def test_wrong_dtype(q8_model):
    with pytest.raises(ValueError, match="float32, float16 or float64.*int64"):
        q8_model.encode(np.ones((3, 32), dtype=np.int64), ratio=4)
    with pytest.raises(ValueError, match="numpy array"):
        q8_model.encode(object(), ratio=4)


def test_wrong_shape(q8_model, features):
    with pytest.raises(ValueError, match="2-D.*reshape"):
        q8_model.encode(features[0], ratio=4)
    with pytest.raises(ValueError, match="expected D = 32.*got shape \\(300, 31\\)"):
        q8_model.encode(features[:, :31], ratio=4)
    with pytest.raises(ValueError, match="at least one row"):
        q8_model.encode(features[:0], ratio=4)


def test_nan(q8_model, features):
    bad = features.copy()
    bad[5, 3] = np.nan
    with pytest.raises(ValueError, match="row 5"):
        q8_model.encode(bad, ratio=4)


def test_impossible_budgets(q8_model, features):
    with pytest.raises(ValueError, match="ratio"):
        q8_model.encode(features, ratio=0.5)
    with pytest.raises(ValueError, match="at most 128x"):
        q8_model.encode(features, ratio=1e6)
    with pytest.raises(ValueError, match="exactly one"):
        q8_model.encode(features, ratio=4, bytes=8)
    with pytest.raises(ValueError, match="exactly one"):
        q8_model.encode(features)
    with pytest.raises(ValueError, match="q4"):
        q8_model.encode(features, ratio=4, dtype="q4")
    with pytest.raises(ValueError, match="number"):
        q8_model.encode(features, ratio="eight")
    with pytest.raises(ValueError, match="tokens"):
        q8_model.encode(features, tokens=9)
    codes = q8_model.encode(features, ratio=16)
    with pytest.raises(ValueError, match="can only shorten"):
        codes.truncate(ratio=4)
    with pytest.raises(ValueError, match="modality"):
        q8_model.encode(features, ratio=4, modality=1)


def test_wrong_model(q8_model, tiny_model, features):
    codes = q8_model.encode(features, ratio=4)
    with pytest.raises(ValueError, match="fingerprint"):
        tiny_model.decode(codes)
    with pytest.raises(ValueError, match="fingerprint"):
        q8_model.encode(features, ratio=16).to_numpy(tiny_model)


def test_files(tmp_path):
    with pytest.raises(OSError, match="missing.arfc"):
        arfc.Model.load(str(tmp_path / "missing.arfc"))
    with open(Q8_MODEL, "rb") as f:
        head = f.read(400)
    (tmp_path / "cut.arfc").write_bytes(head)
    with pytest.raises(OSError, match="cut.arfc"):
        arfc.Model.load(str(tmp_path / "cut.arfc"))
    (tmp_path / "junk.arfc").write_bytes(b"not a code file at all")
    with pytest.raises(OSError, match="junk.arfc"):
        arfc.read_codes(str(tmp_path / "junk.arfc"))
    with pytest.raises(OSError):
        arfc.read_matrix(str(tmp_path / "missing.npy"))
    with pytest.raises(OSError):
        arfc.write_matrix(str(tmp_path / "x.unknown"), np.zeros((2, 2), np.float32))


def test_truncated_code_file(q8_model, features, tmp_path):
    p = tmp_path / "c.arfc"
    q8_model.encode(features, ratio=4).save(str(p))
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 7])
    with pytest.raises(OSError, match="c.arfc"):
        arfc.read_codes(str(p))


def test_train_errors():
    x, y = clustered(100)
    with pytest.raises(ValueError, match="labels"):
        arfc.train(x, task="classification", progress=False)
    with pytest.raises(ValueError, match="pair"):
        arfc.train(x, task="crossmodal", progress=False)
    with pytest.raises(ValueError, match="task"):
        arfc.train(x, task="ranking", progress=False)
    with pytest.raises(ValueError, match="unknown_key"):
        arfc.train(x, config={"model": {"unknown_key": 1}}, progress=False)
    with pytest.raises(ValueError, match="finite numbers"):  # NaN has no JSON form
        arfc.train(x, config={"train": {"lr": float("nan")}}, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        arfc.train(x, epochs=1.5, progress=False)
    with pytest.raises(ValueError, match="integer class ids"):
        arfc.train(x, labels=y.astype(np.float32), task="classification", progress=False)
    with pytest.raises(ValueError, match="labels"):
        arfc.train(x, labels=y[:50], task="classification", config=TINY_CONFIG, epochs=1, progress=False)
