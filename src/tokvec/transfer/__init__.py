"""Pretrained vectors into your own model: a vocabulary, its matrix, an ``nn.Embedding``, text vectors.

>>> import numpy as np
>>> from tokvec import Vectors
>>> v = Vectors(["the", "cat"], np.eye(2, dtype=np.float32))
>>> matrix, report = v.matrix_for(["<pad>", "<unk>", "the", "Cat", "dog"])
>>> print(report)
5 rows: 1 exact, 1 lower-cased, 1 initialised (random), 2 special; coverage 66.7%; unknown: 'dog'

- ``matrix``: ``matrix_for`` and its ``MatrixReport`` (exact, lower-cased, subwords, pieces, initialised);
- ``embedding``: ``to_torch``, a ``torch.nn.Embedding`` with those rows and a ``padding_idx``;
- ``build``: ``build_vocab``, count a corpus (or take a tokenizer's vocabulary);
- ``text``: ``mean_vector`` and ``n_similarity`` (gensim's semantics) and SIF sentence vectors;
- ``edit``: ``with_vectors`` and ``concat``, new objects, nothing mutated;
- ``for_tokenizer``: ``init_embeddings``, a tokenizer's token matrix from word vectors.

Each function takes a ``Vectors`` and reads it through its public attributes: this package sits
below ``tokvec.vectors``, whose methods (``v.matrix_for``, ``v.to_torch``, ...) delegate here.

Deliberately left out: training your model, and torch itself (imported only by ``to_torch``).
"""

from __future__ import annotations

from .build import build_vocab as build_vocab
from .edit import concat as concat
from .edit import with_vectors as with_vectors
from .embedding import to_torch as to_torch
from .for_tokenizer import init_embeddings as init_embeddings
from .matrix import OOV_STRATEGIES as OOV_STRATEGIES
from .matrix import MatrixReport as MatrixReport
from .matrix import matrix_for as matrix_for
from .text import mean_vector as mean_vector
from .text import n_similarity as n_similarity
from .text import sif_vectors as sif_vectors

__all__ = ["MatrixReport", "OOV_STRATEGIES", "build_vocab", "concat", "init_embeddings", "matrix_for",
           "mean_vector", "n_similarity", "sif_vectors", "to_torch", "with_vectors"]
