"""Word-similarity benchmarks: Spearman and Pearson correlation of cosines with human scores.

Scored like gensim's ``KeyedVectors.evaluate_word_pairs(..., dummy4unknown=False)``: pairs with a
word outside the restricted vocabulary are skipped and listed, and cosines and correlations are computed
as gensim computes them (float32 unit vectors and dot products, scipy's correlation formulas), so the
numbers are gensim's to the last digit. With
``oov="subwords"`` (fastText vectors, ``Vectors.subwords``) such a word is instead built from its
character n-grams as written (also a token beyond ``restrict``); those pairs are counted and scored
separately as well (``subword_pairs``).

Deliberately left out: reading the files (``tokvec.evaluate.datasets``), the statistics
(``tokvec.evaluate.statistics``) and dummy4unknown scoring.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..display.results import SimilarityDisplay
from ..errors import InvalidArgumentError
from ..vectors import Vectors
from .datasets import WordPairs, read_word_pairs
from .protocol import DEFAULT_RESTRICT, Protocol, RestrictedVocab
from .statistics import pearson, spearman


@dataclass(frozen=True)
class SimilarityResult(SimilarityDisplay):
    """Correlation of cosine similarities with human scores on one word-pair set."""

    name: str
    spearman: float
    pearson: float
    spearman_p: float
    pearson_p: float
    pairs_used: int
    pairs_skipped: int
    oov_pairs: tuple[tuple[str, str], ...]
    protocol: Protocol
    score_column: str = ""
    """Header of the human-score column when the file names it (e.g. ``SimLex999``)."""
    _repr_pretty_ = SimilarityDisplay._repr_pretty_  # not a field: IPython's text view (tokvec.display)

    oov: str = "skip"
    """What was done with a word outside the vocabulary: ``skip`` its pair, or build it from ``subwords``."""
    subword_pairs: tuple[tuple[str, str], ...] = ()
    """Pairs (among those used) with a word built from its character n-grams (``oov="subwords"``)."""
    subword_spearman: float | None = None
    """Spearman correlation over ``subword_pairs`` alone (None for fewer than 3 such pairs)."""

    @property
    def oov_ratio(self) -> float:
        """Percentage of pairs skipped (gensim's third return value)."""
        total = self.pairs_used + self.pairs_skipped
        return 100.0 * self.pairs_skipped / total if total else 0.0

    def to_dict(self, oov: bool = True) -> dict:
        """Plain JSON-ready dict; ``oov=False`` leaves out the list of skipped pairs."""
        data = asdict(self)
        data["oov_pairs"] = [list(p) for p in self.oov_pairs] if oov else None
        data["subword_pairs"] = [list(p) for p in self.subword_pairs] if oov else len(self.subword_pairs)
        data["oov_ratio"] = self.oov_ratio
        data["protocol"]["description"] = str(self.protocol)
        return data


def evaluate_similarity(
    vectors: Vectors,
    pairs: str | Path | WordPairs = "wordsim353",
    *,
    restrict: int | None = DEFAULT_RESTRICT,
    case_insensitive: bool = True,
    oov: Literal["skip", "subwords"] = "skip",
) -> SimilarityResult:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    ``pairs`` is a shipped set name, a file path or a parsed ``WordPairs``. Pairs with a word
    outside the first ``restrict`` tokens are skipped and listed in ``oov_pairs``. Equals gensim's
    ``evaluate_word_pairs(pairs, restrict_vocab=restrict, case_insensitive=..., dummy4unknown=False)``.
    ``oov="subwords"`` builds a missing word from its n-grams instead of skipping the pair (fastText vectors).

    >>> r = evaluate_similarity(tokvec.load("glove"), "simlex999")   # doctest: +SKIP
    >>> round(r.spearman, 4), r.pairs_used, r.oov_pairs                # doctest: +SKIP
    (0.2631, 998, (('disorganize', 'organize'),))
    """
    if oov not in ("skip", "subwords"):
        raise InvalidArgumentError(f"oov must be 'skip' or 'subwords', got {oov!r}")
    if oov == "subwords" and vectors.subwords is None:
        raise InvalidArgumentError("oov='subwords' needs vectors with fastText subwords (a fastText .bin, or a "
                                   ".tokvec converted from one); these have none, use oov='skip'")
    data = pairs if isinstance(pairs, WordPairs) else read_word_pairs(pairs)
    vocab = RestrictedVocab(vectors, restrict, case_insensitive)
    ids_a, ids_b, gold, skipped, built = [], [], [], [], []
    for w1, w2, score in data.pairs:
        i, j = vocab.get(vocab.fold(w1)), vocab.get(vocab.fold(w2))
        if (i is None or j is None) and oov == "skip":
            skipped.append((w1, w2))
            continue
        ids_a.append(w1 if i is None else i)
        ids_b.append(w2 if j is None else j)
        gold.append(score)
        if i is None or j is None:
            built.append(len(gold) - 1)
    protocol = vocab.protocol("similarity", "cosine", restrict, oov)
    if not gold:
        raise InvalidArgumentError(
            f"no pair of {data.name} ({len(data.pairs)} pairs) has both words in the vocabulary "
            f"({protocol.vocabulary:,} tokens, {'case-insensitive' if case_insensitive else 'case-sensitive'}); "
            "raise restrict, use case-insensitive matching, or check that the file matches these vectors"
        )
    model = _cosines(_rows(vectors, ids_a), _rows(vectors, ids_b))
    rho, rho_p = spearman(gold, model)
    r, r_p = pearson(gold, model)
    words = [(p[0], p[1]) for p in data.pairs] if oov == "subwords" else []  # every pair is used
    alone = spearman([gold[k] for k in built], model[built])[0] if len(built) >= 3 else None
    return SimilarityResult(
        name=data.name, spearman=rho, pearson=r, spearman_p=rho_p, pearson_p=r_p,
        pairs_used=len(gold), pairs_skipped=len(skipped), oov_pairs=tuple(skipped), protocol=protocol,
        score_column=data.score_column, oov=oov, subword_pairs=tuple(words[k] for k in built), subword_spearman=alone,
    )


def _rows(vectors: Vectors, ids: list[int | str]) -> np.ndarray:
    """float32 ``(pairs, dim)``: the row of each id, or the n-gram vector of each word (``oov="subwords"``)."""
    if all(isinstance(i, int) for i in ids):
        return np.asarray(vectors.matrix[np.array(ids, dtype=np.int64)], dtype=np.float32)
    out = np.empty((len(ids), vectors.dim), np.float32)
    for k, i in enumerate(ids):
        out[k] = vectors.subwords.vector(i) if isinstance(i, str) else vectors.matrix[i]
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """gensim's ``similarity`` of rows ``a[i]`` and ``b[i]`` (float32 ``(pairs, dim)``), to the bit: each row
    scaled to unit length in float64 and rounded to float32 (``matutils.unitvec``), then a float32 dot product
    (0 for a zero row). Shape (pairs,) float64."""
    return np.array([np.dot(_unit(x), _unit(y)) for x, y in zip(a, b)], dtype=np.float64)


def _unit(row: np.ndarray) -> np.ndarray:
    wide = row.astype(np.float64)
    length = np.sqrt(np.dot(wide, wide))
    return (wide * (1.0 / length)).astype(np.float32) if length > 0 else row
