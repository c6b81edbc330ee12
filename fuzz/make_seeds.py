#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/: small valid files of every format
(and a few near-misses), so fuzzing starts from inputs that reach deep into each reader.

    PYTHONPATH=build/python /usr/bin/python3 fuzz/make_seeds.py

Needs numpy and the arfc Python module (for code files of every storage type). Inputs that
fuzzing found are kept beside the seeds (crash-*/regress-* names) and never regenerated.
"""
import json
import os
import struct
import sys

import numpy as np

import arfc

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
DATA = os.path.join(HERE, "..", "tests", "data")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy_bytes(a, version=(1, 0)):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def fnv1a64(data, h=0xCBF29CE484222325):
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def container(magic, header, blob, version=1):
    hdr = json.dumps(header).encode()
    body = magic + struct.pack("<IQ", version, len(hdr)) + hdr + struct.pack("<Q", len(blob)) + blob
    return body + struct.pack("<Q", fnv1a64(body))


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)

    put("npy", "f32_v1.npy", npy_bytes(x))
    put("npy", "f16_v2.npy", npy_bytes(x.astype(np.float16), (2, 0)))
    put("npy", "f64_v3.npy", npy_bytes(x.astype(np.float64), (3, 0)))
    put("npy", "fortran.npy", npy_bytes(np.asfortranarray(x)))
    put("npy", "nan.npy", npy_bytes(np.array([[1.0, np.nan]], np.float32)))
    put("npy", "1d.npy", npy_bytes(np.arange(3, dtype=np.float32)))

    for dt in (np.int8, np.int32, np.int64, np.uint16):
        put("labels", f"{np.dtype(dt).name}.npy", npy_bytes(np.array([0, 2, 1], dtype=dt)))
    put("labels", "negative.npy", npy_bytes(np.array([0, -1], dtype=np.int64)))

    fvecs = b"".join(struct.pack("<i", 4) + row.tobytes() for row in x)
    put("vecs", "3x4.fvecs", fvecs)
    put("vecs", "3x4.fbin", struct.pack("<II", 3, 4) + x.tobytes())
    put("vecs", "ragged.fvecs", fvecs[:-4])

    def safetensors(tensors):
        header, blobs, off = {}, b"", 0
        for name, (dtype, arr) in tensors.items():
            raw = arr.tobytes()
            header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
            blobs += raw
            off += len(raw)
        h = json.dumps(header).encode()
        return struct.pack("<Q", len(h)) + h + blobs

    put("safetensors", "f32.safetensors", safetensors({"embeddings": ("F32", x)}))
    put("safetensors", "two.safetensors",
        safetensors({"embeddings": ("F16", x.astype(np.float16)), "ids": ("I64", np.arange(3))}))

    meta = {"format": "arfc-featureset", "version": 1, "name": "fuzz", "dim": 4}
    for task in ("generic", "classification", "retrieval", "crossmodal"):
        put("feature_set", f"{task}.json", json.dumps({**meta, "task": task}).encode())
    put("feature_set", "bad_dim.json", json.dumps({**meta, "task": "generic", "dim": 5}).encode())

    model = arfc.Model.load(os.path.join(DATA, "model_q8.arfc"))
    feats = rng.standard_normal((3, model.input_dim)).astype(np.float32)
    tmp = os.path.join(CORPUS, "code_file", ".tmp.arfc")
    os.makedirs(os.path.dirname(tmp), exist_ok=True)
    for name, kw in (("f32", {"tokens": 2}), ("f16", {"tokens": 2, "dtype": "f16"}),
                     ("i8", {"tokens": 3, "dtype": "i8"}), ("q8", {"tokens": 4, "dtype": "q8"})):
        model.encode(feats, **kw).save(tmp)
        with open(tmp, "rb") as f:
            put("code_file", f"{name}.arfc", f.read())
    os.remove(tmp)

    put("container", "model.arfc", container(b"ARFCMODL", {"format": "arfc-model", "config": {}}, b"\x00" * 16))
    put("container", "ckpt.arfc", container(b"ARFCCKPT", {"epoch": 1, "meta": {}}, b"PK\x03\x04"))
    with open(os.path.join(DATA, "model_v1.arfc"), "rb") as f:
        head = f.read(600)  # a real header, cut short
    put("container", "real_head.arfc", head)

    # model_config: the config documents of the committed model fixtures, and variants.
    for fixture in ("model_v1.arfc", "model_q8.arfc"):
        with open(os.path.join(DATA, fixture), "rb") as f:
            raw = f.read()
        (hlen,) = struct.unpack_from("<Q", raw, 12)
        cfg = json.loads(raw[20:20 + hlen])["config"]
        put("model_config", fixture.replace(".arfc", ".json"), json.dumps(cfg).encode())
    cfg["model"].update({"input_dim_b": 40, "discrete_mode": "per_token", "discrete_tokens": 4})
    cfg["task"] = "crossmodal"
    put("model_config", "crossmodal_per_token.json", json.dumps(cfg).encode())
    cfg["model"].update({"d_model": 4096, "generator_layers": 8})
    put("model_config", "over_cap.json", json.dumps(cfg).encode())

    # budget: a ratio list, and packed (geometry, budget) fields.
    put("budget", "ratios.txt", b"2,3,4,5.3,8,12,16,32,64,128,256,512")
    put("budget", "fields.bin",
        struct.pack("<ihhBhBdBhB", 256, 16, 16, 0, 15, 0, 8.0, 0x82, 4, 2))
    put("budget", "q8.bin", struct.pack("<ihhBhBdBhB", 32, 4, 4, 1, 8, 2, 3.0, 0x83, 8, 3))
    print(f"seeds written under {CORPUS}")


if __name__ == "__main__":
    sys.exit(main())
