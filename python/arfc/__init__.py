"""arfc: Arbitrary Ratio Feature Compression.

One learned model compresses feature vectors (embeddings) to any compression ratio chosen
at inference time::

    import numpy as np, arfc
    x = np.random.default_rng(0).standard_normal((2000, 64)).astype(np.float32)
    model = arfc.train(x, epochs=2)          # or arfc.Model.load("model.arfc")
    codes = model.encode(x, ratio=16)        # Codes: 16 bytes per vector here
    xhat = model.decode(codes.truncate(ratio=32))

Codes are the CLI's code files (Codes.save / arfc.read_codes); baselines come from the
factory strings of `arfc eval` (arfc.codec("pca+i8", ratio=8)). Errors: ValueError for bad
arguments, OSError for files; Ctrl-C raises KeyboardInterrupt.
"""

from ._arfc import (  # noqa: F401
    Codec,
    Codes,
    Index,
    Layout,
    Model,
    __version__,
    codec,
    methods,
    read_codes,
    read_labels,
    read_matrix,
    train,
    write_matrix,
)

# The classes live in the extension; present them as arfc.Model etc.
for _cls in (Codec, Codes, Layout, Model):
    _cls.__module__ = __name__
del _cls

__all__ = [
    "Codec",
    "Codes",
    "Layout",
    "Model",
    "codec",
    "methods",
    "read_codes",
    "read_labels",
    "read_matrix",
    "train",
    "write_matrix",
]
