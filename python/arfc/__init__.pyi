# Type stubs for the arfc package (the pybind11 extension arfc._arfc re-exported).
from typing import Any, Dict, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str

ArrayLike = npt.ArrayLike
Number = Union[int, float]

class Layout:
    """What a stored code holds: tokens, values, storage type, bytes, ratio."""
    @property
    def tokens(self) -> int: ...
    @property
    def n_values(self) -> int: ...
    @property
    def dtype(self) -> str: ...
    @property
    def bytes_per_vector(self) -> int: ...
    @property
    def ratio(self) -> float: ...

class Codes:
    """Stored codes of N vectors in one layout, as in an .arfc code file."""
    def __len__(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def layout(self) -> Layout: ...
    @property
    def input_dim(self) -> int: ...
    @property
    def modality(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def scales(self) -> Optional[npt.NDArray[np.float32]]: ...
    def truncate(
        self,
        *,
        ratio: Optional[Number] = None,
        bytes: Optional[Number] = None,
        tokens: Optional[Number] = None,
        dtype: Optional[str] = None,
    ) -> "Codes":
        """A coarser code without the model (prefix property)."""
    def to_numpy(self, model: Optional["Model"] = None) -> npt.NDArray[np.float32]:
        """Code values [N, n_values] float32 (q8: code-space vectors [N, max_values], needs the model)."""
    def raw(self) -> npt.NDArray[np.uint8]:
        """The stored bytes, uint8 [N, bytes_per_vector]."""
    def save(self, path: str) -> None:
        """Writes an .arfc code file (atomically)."""

class Model:
    """A trained ARFC model: one model, codes at any ratio."""
    @staticmethod
    def load(path: str, device: str = "cpu") -> "Model":
        """Loads a model file written by `arfc train` or Model.save."""
    def save(self, path: str) -> None:
        """Writes the model file (atomically)."""
    def info(self) -> Dict[str, Any]:
        """Task, fingerprint, geometry, calibration, token_beam, token_lookahead, code_source
        and the full config."""
    @property
    def input_dim(self) -> int: ...
    @property
    def task(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    def encode(
        self,
        x: ArrayLike,
        *,
        ratio: Optional[Number] = None,
        bytes: Optional[Number] = None,
        tokens: Optional[Number] = None,
        dtype: Optional[str] = None,
        modality: int = 0,
        beam: Optional[int] = None,
        tokens_from: Optional[str] = None,
        lookahead: Optional[int] = None,
    ) -> Codes:
        """Compresses x [N, D] to Codes; exactly one of ratio, bytes, tokens. beam: candidates
        of the discrete-token search (1 = greedy, fastest; None = the model's); tokens_from:
        "arc" (the full code), "base" (the base code, the transformer not run) or None (the
        model's choice, info()["code_source"]), for stored values and discrete tokens alike;
        lookahead: with a beam, tokens later each token is decided (None = the model's)."""
    def decode(self, codes: Codes) -> npt.NDArray[np.float32]:
        """Codes made by this model -> reconstructions [N, D] float32."""
    def search(
        self,
        codes: Codes,
        queries: Union[ArrayLike, Codes],
        *,
        k: int = 10,
        modality: Optional[int] = None,
    ) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """(ids, scores) [Q, min(k, len(codes))] of the codes nearest each query (cosine)."""

class Index:
    """Codes of one model indexed once for many searches (cosine in the code space)."""
    def __init__(self, model: Model, codes: Codes) -> None: ...
    def search(
        self,
        queries: Union[ArrayLike, Codes],
        *,
        k: int = 10,
        modality: Optional[int] = None,
    ) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """(ids, scores) [Q, min(k, len(index))] of the codes nearest each query (cosine)."""
    def __len__(self) -> int: ...

class Codec:
    """A compressor under comparison, from an `arfc eval` factory string, at one ratio."""
    def fit(
        self,
        x: ArrayLike,
        *,
        labels: Optional[ArrayLike] = None,
        pair: Optional[ArrayLike] = None,
        task: Optional[str] = None,
        progress: bool = False,
    ) -> "Codec": ...
    def encode(self, x: ArrayLike, modality: int = 0) -> npt.NDArray[np.float32]: ...
    def decode(self, codes: ArrayLike, modality: int = 0) -> npt.NDArray[np.float32]: ...
    @property
    def name(self) -> str: ...
    @property
    def ratio(self) -> float: ...
    @property
    def bytes_per_vector(self) -> int: ...
    @property
    def achieved_ratio(self) -> float: ...
    @property
    def variant(self) -> str: ...
    @property
    def can_decode(self) -> bool: ...
    @property
    def similarity(self) -> str: ...

def train(
    x: ArrayLike,
    *,
    labels: Optional[ArrayLike] = None,
    pair: Optional[ArrayLike] = None,
    task: str = "generic",
    config: Optional[Dict[str, Any]] = None,
    epochs: Optional[int] = None,
    seed: Optional[int] = None,
    device: Optional[str] = None,
    progress: bool = True,
) -> Model:
    """Trains one ARFC model on x [N, D]."""

def codec(spec: str, *, ratio: float, seed: int = 0, epochs: int = 0) -> Codec:
    """A baseline (or ARFC) codec by its `arfc eval` factory string."""

def methods() -> Dict[str, str]:
    """The codec factory's methods: {prefix: description}."""

def read_codes(path: str) -> Codes:
    """Reads an .arfc code file."""

def read_matrix(path: str, *, tensor: str = "") -> npt.NDArray[np.float32]:
    """Reads a float matrix [N, D] (.npy, .fvecs, .fbin, .safetensors) as float32."""

def write_matrix(path: str, x: ArrayLike) -> None:
    """Writes x [N, D] as float32 (.npy, .fvecs, .fbin, .safetensors)."""

def read_labels(path: str) -> npt.NDArray[np.int64]:
    """Reads integer labels [N] (.npy) as int64."""
