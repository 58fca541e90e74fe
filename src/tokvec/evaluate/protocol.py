"""The gensim scoring protocol: the restricted, optionally case-folded vocabulary a benchmark sees.

``RestrictedVocab`` is gensim's ``ok_vocab``: the first ``restrict`` tokens (the most frequent, in
frequency-sorted files), upper-cased when case-insensitive, the first case variant winning.
``Protocol`` records how a result was scored and is printed with it, so numbers can be compared.

Deliberately left out: reading benchmark files (``tokvec.evaluate.datasets``) and the scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import InvalidArgumentError
from ..vectors import Vectors

DEFAULT_RESTRICT = 300_000  # gensim's default restrict_vocab


@dataclass(frozen=True)
class Protocol:
    """How a benchmark was scored; printed with every result so numbers can be compared."""

    task: Literal["similarity", "analogy"]
    method: str
    """``cosine`` for similarity; ``3CosAdd`` or ``3CosMul`` for analogies."""
    restrict: int | None
    """As requested: the first N tokens form the vocabulary (None: all)."""
    vocabulary: int
    """Tokens actually in the vocabulary: ``min(restrict, len(vectors))``."""
    case_insensitive: bool
    oov: str = "skip"
    """``skip``: pairs and questions with a word outside the vocabulary are not scored; ``subwords``: such a
    word of a similarity pair is built from its character n-grams (fastText)."""
    reference: str = "gensim 4.x KeyedVectors.evaluate_word_pairs / evaluate_word_analogies, dummy4unknown=False"

    def __str__(self) -> str:
        folding = ("case-insensitive (upper-cased; the first, most frequent case variant wins)"
                   if self.case_insensitive else "case-sensitive")
        what = "cosine similarity" if self.task == "similarity" else (
            f"{self.method}, answer = best of the vocabulary other than a, b, c")
        outside = "skipped"
        if self.oov == "subwords":
            outside = ("built from its character n-grams" if self.task == "similarity" else
                       "skipped if it is the answer, else (a, b, c) built from its character n-grams")
        return (f"{what}; vocabulary = first {self.vocabulary:,} tokens; {folding}; "
                f"{'pairs' if self.task == 'similarity' else 'questions'} with a word outside it {outside}")


class RestrictedVocab:
    """gensim's ``ok_vocab``: the first ``stop`` tokens, upper-cased if case-insensitive (first wins)."""

    def __init__(self, vectors: Vectors, restrict: int | None, case_insensitive: bool):
        if restrict is not None and (not isinstance(restrict, (int, np.integer)) or restrict < 1):
            raise InvalidArgumentError(f"restrict must be a positive number of tokens, got {restrict!r}")
        self.vectors = vectors
        self.stop = len(vectors) if restrict is None else min(int(restrict), len(vectors))
        self.case_insensitive = case_insensitive
        self._folded: dict[str, int] | None = None
        if case_insensitive:
            tokens = vectors.vocab.head(self.stop).tokens  # decodes only the first stop tokens
            # later keys overwrite earlier ones, so reversed order leaves the first occurrence
            self._folded = dict(zip(map(str.upper, reversed(tokens)), range(self.stop - 1, -1, -1)))

    def fold(self, word: str) -> str:
        return word.upper() if self.case_insensitive else word

    def folded_rows(self, ids: np.ndarray) -> np.ndarray:
        """For rows ``ids`` (any shape, -1 allowed) the row that their folded form maps to."""
        if self._folded is None:
            return ids.copy()
        unique, inverse = np.unique(ids, return_inverse=True)
        token = self.vectors.vocab.token
        mapped = np.array([-1 if i < 0 else self._folded[token(int(i)).upper()] for i in unique], dtype=np.int64)
        return mapped[inverse].reshape(ids.shape)

    def get(self, folded_word: str) -> int | None:
        if self._folded is not None:
            return self._folded.get(folded_word)
        i = self.vectors.vocab.get(folded_word)
        return i if i is not None and i < self.stop else None

    def protocol(self, task: Literal["similarity", "analogy"], method: str, restrict: int | None,
                 oov: str = "skip") -> Protocol:
        return Protocol(task=task, method=method, restrict=None if restrict is None else int(restrict),
                        vocabulary=self.stop, case_insensitive=self.case_insensitive, oov=oov)

