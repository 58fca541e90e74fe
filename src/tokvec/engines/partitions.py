"""``encode_partitions(model)``: pandas DataFrame in, the same frame plus an ``embedding`` column out.

The step holds only the model's path (or builtin name) and the encode options, so pickling it to a worker
sends a few bytes; each process loads the model the first time a partition reaches it and keeps it in a
per-process cache (a lock makes threads of the threaded scheduler share one load). The vectors equal
``v.encode(texts)`` exactly: the same call on the same rows. Missing texts (None, NaN) encode as ``""``.

Dask: ``ddf.map_partitions(step, meta=step.meta(ddf))`` (``meta`` spares the client a model load for Dask's
type inference). Ray Data: ``ds.map_batches(step, batch_format="pandas")`` takes the same step (not tested).

The column is Arrow-backed ``list<float32>`` (``pd.ArrowDtype``): its type is known before the model is loaded,
partitions concatenate, and ``to_parquet`` writes it as is; ``np.stack(out["embedding"].to_numpy())`` is the matrix.
Deliberately left out: a fixed-size list (its type needs ``dim``, known only once the model is loaded).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from .._plumbing.optional import require
from ..encode import DEFAULT_BATCH, EncodeOptions, encode
from ..errors import InvalidArgumentError
from ..formats import load

_MODELS: dict[str, Any] = {}  # model path or name -> Vectors, per process
_LOCK = threading.Lock()


def _model(source: str) -> Any:
    """The vectors of ``source``, loaded once per process."""
    found = _MODELS.get(source)
    if found is None:
        with _LOCK:
            found = _MODELS.get(source)
            if found is None:
                found = _MODELS[source] = load(source)
    return found


def _missing(pd: Any, value: Any) -> bool:
    """None, NaN, ``pd.NA``, ``NaT``: an empty text (lists and arrays are not missing; encode refuses them)."""
    return bool(np.ndim(value) == 0 and pd.isna(value))


def _lists(vectors: np.ndarray) -> Any:
    """An Arrow-backed pandas array of ``list<float32>``, one list per row of ``vectors`` (no copy of the values)."""
    pa = require("pyarrow", "none", "encoding DataFrame partitions")
    pd = require("pandas", "dev", "encoding DataFrame partitions", install="pip install 'dask[dataframe]'")
    rows, dim = vectors.shape
    offsets = pa.array(np.arange(rows + 1, dtype=np.int32) * np.int32(dim))  # int32: a partition < 8 GB of floats
    lists = pa.ListArray.from_arrays(offsets, pa.array(vectors.ravel(), type=pa.float32()))
    return pd.arrays.ArrowExtensionArray(lists)


class EncodePartitions:
    """A picklable step: ``step(frame)`` is ``frame`` with ``output`` = the vectors of ``frame[column]``."""

    def __init__(self, model: str | os.PathLike[str], column: str = "text", output: str = "embedding",
                 options: EncodeOptions = EncodeOptions()):
        if not isinstance(model, (str, os.PathLike)):
            raise InvalidArgumentError(f"encode_partitions needs a model path or builtin name, not a "
                                       f"{type(model).__name__}: workers load it themselves (save it first)")
        if not isinstance(column, str) or not isinstance(output, str):
            raise InvalidArgumentError("column and output must be column names (strings)")
        self.model, self.column, self.output, self.options = os.fspath(model), column, output, options

    def __repr__(self) -> str:
        return f"encode_partitions({self.model!r}, column={self.column!r})"

    def meta(self, frame: Any) -> Any:
        """The empty frame Dask's ``meta=`` wants: ``frame``'s columns plus ``output`` (object)."""
        pd = require("pandas", "dev", "encoding DataFrame partitions", install="pip install 'dask[dataframe]'")
        empty = getattr(frame, "_meta", frame).iloc[:0].copy()
        empty[self.output] = pd.Series(_lists(np.empty((0, 0), dtype=np.float32)), index=empty.index)
        return empty

    def __call__(self, frame: Any) -> Any:
        pd = require("pandas", "dev", "encoding DataFrame partitions", install="pip install 'dask[dataframe]'")
        if self.column not in frame.columns:
            names = ", ".join(map(str, list(frame.columns)[:10]))
            raise InvalidArgumentError(f"the partition has no column {self.column!r} (columns: {names})")
        values = frame[self.column].tolist()
        texts = [value if isinstance(value, str) else "" if _missing(pd, value) else value for value in values]
        out = frame.copy()
        vectors = encode(_model(self.model), texts, self.options) if texts else np.empty((0, 0), np.float32)
        out[self.output] = pd.Series(_lists(vectors), index=frame.index)
        return out


def encode_partitions(model: str | os.PathLike[str], column: str = "text", *, output: str = "embedding",
                      normalize: bool | None = None, batch_size: int = DEFAULT_BATCH,
                      threads: int | None = None) -> EncodePartitions:
    """A step for ``ddf.map_partitions`` (or Ray's ``map_batches``) encoding ``column`` with ``model``.

    ``model`` is a path (a model2vec folder, any vector file) or a builtin name, loaded on each worker;
    ``normalize``, ``batch_size`` and ``threads`` are ``v.encode``'s.
    """
    return EncodePartitions(model, column, output, EncodeOptions(normalize, batch_size, threads))
