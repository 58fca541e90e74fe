"""``TransferMixin``: the transfer methods of ``Vectors`` (each delegates to its module in this package).

``v.matrix_for``, ``v.to_torch``, ``v.mean_vector``, ``v.n_similarity``, ``v.sif_vectors``,
``v.with_vectors``, ``v.with_counts`` and ``v.concat``. This module never imports ``tokvec.vectors`` (which imports it).

Deliberately left out: the implementations (``matrix``, ``embedding``, ``text``, ``edit``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import edit, embedding, matrix, text


class TransferMixin:
    """Pretrained vectors into your own model, text to vectors, and edited copies."""

    def matrix_for(self, tokens: Sequence[str], *, oov: matrix.Oov = "random", lower: bool = True, seed: int = 0,
                   specials: Mapping[str, matrix.SpecialInit] | Sequence[str] | None = None,
                   ) -> tuple[np.ndarray, matrix.MatrixReport]:
        """One float32 row per token, in order, and a report of how each was found (``transfer.matrix``).

        ``oov`` is ``random`` (seeded, the pretrained rows' mean and spread), ``zeros``, ``mean``,
        ``subwords`` (fastText) or ``pieces`` (transformer vocabularies); ``lower`` tries the
        lower-case form first; ``specials`` (default ``<pad>`` zeros, ``<unk>`` the mean row).
        """
        return matrix.matrix_for(self, tokens, oov=oov, lower=lower, seed=seed, specials=specials)

    def to_torch(self, tokens: Sequence[str] | None = None, *, freeze: bool = True,
                 padding_idx: int | str | None = None, **options: Any):
        """A ``torch.nn.Embedding`` of ``matrix_for(tokens, **options)``; ``padding_idx`` (row or token) is zero."""
        return embedding.to_torch(self, tokens, freeze=freeze, padding_idx=padding_idx, **options)

    def mean_vector(self, words: text.Words, weights: Sequence[float] | np.ndarray | None = None, *,
                    pre_normalise: bool = True, post_normalise: bool = False,
                    missing: list[str] | None = None) -> np.ndarray:
        """gensim's ``get_mean_vector``: unknown words skipped (appended to ``missing`` if given)."""
        return text.mean_vector(self, words, weights, pre_normalise=pre_normalise, post_normalise=post_normalise,
                                missing=missing)

    def n_similarity(self, a: text.Words, b: text.Words) -> float:
        """Cosine of the mean vectors of two word lists (gensim's ``n_similarity``)."""
        return text.n_similarity(self, a, b)

    def sif_vectors(self, sentences: Sequence[text.Words], counts: Any = None, *, a: float = 1e-3,
                    components: int = 1) -> np.ndarray:
        """SIF sentence vectors (Arora et al. 2017): ``a/(a + p(w))`` weights, first component removed."""
        return text.sif_vectors(self, sentences, counts, a=a, components=components)

    def with_vectors(self, tokens: Sequence[str], rows: np.ndarray, *, replace: bool = True):
        """A new ``Vectors`` with these rows added (new tokens) or replaced (known ones, unless ``replace=False``)."""
        return edit.with_vectors(self, tokens, rows, replace=replace)

    def with_counts(self, counts: Sequence[int] | np.ndarray | None):
        """A new ``Vectors`` with the same rows (not copied) and these token counts."""
        return edit.with_counts(self, counts)

    def concat(self, other: Any, *, replace: bool = False):
        """A new ``Vectors``: these rows, then ``other``'s tokens that are not here (same dim required)."""
        return edit.concat(self, other, replace=replace)
