"""Static sentence encoding: a tokenizer plus a weighted mean of token rows (model2vec's ``encode``).

>>> import numpy as np
>>> from tokvec import Vectors
>>> v = Vectors(["the", "cat"], np.array([[1, 0], [0, 1]], dtype=np.float32))
>>> v.encode(["the cat"]).tolist()
[[0.5, 0.5]]

- ``encoder``: ``encode(vectors, texts, options)``, ``EncodeOptions``, ``token_rows`` (the rows each text averages);
- ``splitter``: texts -> token rows (the model's tokenizer, or ``word_tokenizer`` for word vectors);
- ``mean``: the mean of each text's rows (numba kernel ``_mean_kernels`` and its NumPy twin);
- ``stream``: files in, files out (text lines or a Parquet column -> ``.npy`` or Parquet), atomically.

This package sits below ``tokvec.vectors`` (``v.encode`` delegates here) and reads a ``Vectors`` through its
public attributes. Deliberately left out: distillation (``tokvec.distill``) and the folder formats (``tokvec.formats``).
"""

from __future__ import annotations

from .encoder import DEFAULT_BATCH as DEFAULT_BATCH
from .encoder import EncodeOptions as EncodeOptions
from .encoder import encode as encode
from .encoder import token_rows as token_rows
from .splitter import word_tokenizer as word_tokenizer

__all__ = ["DEFAULT_BATCH", "EncodeOptions", "encode", "token_rows", "word_tokenizer"]
