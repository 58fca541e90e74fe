"""Word-similarity benchmarks: Spearman and Pearson correlation of cosines with human scores.

Scored like gensim's ``KeyedVectors.evaluate_word_pairs(..., dummy4unknown=False)``: pairs with a
word outside the restricted vocabulary are skipped and listed, cosines are taken in float64.

Deliberately left out: reading the files (``tokvec.evaluate.datasets``), the statistics
(``tokvec.evaluate.statistics``) and dummy4unknown scoring.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

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

    @property
    def oov_ratio(self) -> float:
        """Percentage of pairs skipped (gensim's third return value)."""
        total = self.pairs_used + self.pairs_skipped
        return 100.0 * self.pairs_skipped / total if total else 0.0

    def to_dict(self, oov: bool = True) -> dict:
        """Plain JSON-ready dict; ``oov=False`` leaves out the list of skipped pairs."""
        data = asdict(self)
        data["oov_pairs"] = [list(p) for p in self.oov_pairs] if oov else None
        data["oov_ratio"] = self.oov_ratio
        data["protocol"]["description"] = str(self.protocol)
        return data


def evaluate_similarity(
    vectors: Vectors,
    pairs: str | Path | WordPairs = "wordsim353",
    *,
    restrict: int | None = DEFAULT_RESTRICT,
    case_insensitive: bool = True,
) -> SimilarityResult:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    ``pairs`` is a shipped set name, a file path or a parsed ``WordPairs``. Pairs with a word
    outside the first ``restrict`` tokens are skipped and listed in ``oov_pairs``. Equals gensim's
    ``evaluate_word_pairs(pairs, restrict_vocab=restrict, case_insensitive=..., dummy4unknown=False)``.

    >>> r = evaluate_similarity(tokvec.load("glove"), "simlex999")   # doctest: +SKIP
    >>> round(r.spearman, 4), r.pairs_used, r.oov_pairs                # doctest: +SKIP
    (0.2631, 998, (('disorganize', 'organize'),))
    """
    data = pairs if isinstance(pairs, WordPairs) else read_word_pairs(pairs)
    vocab = RestrictedVocab(vectors, restrict, case_insensitive)
    ids_a, ids_b, gold, oov = [], [], [], []
    for w1, w2, score in data.pairs:
        i, j = vocab.get(vocab.fold(w1)), vocab.get(vocab.fold(w2))
        if i is None or j is None:
            oov.append((w1, w2))
            continue
        ids_a.append(i)
        ids_b.append(j)
        gold.append(score)
    protocol = vocab.protocol("similarity", "cosine", restrict)
    if not gold:
        raise InvalidArgumentError(
            f"no pair of {data.name} ({len(data.pairs)} pairs) has both words in the vocabulary "
            f"({protocol.vocabulary:,} tokens, {'case-insensitive' if case_insensitive else 'case-sensitive'}); "
            "raise restrict, use case-insensitive matching, or check that the file matches these vectors"
        )
    model = _cosines(vectors.matrix, np.array(ids_a), np.array(ids_b))
    rho, rho_p = spearman(gold, model)
    r, r_p = pearson(gold, model)
    return SimilarityResult(
        name=data.name, spearman=rho, pearson=r, spearman_p=rho_p, pearson_p=r_p,
        pairs_used=len(gold), pairs_skipped=len(oov), oov_pairs=tuple(oov), protocol=protocol,
        score_column=data.score_column,
    )


def _cosines(matrix: np.ndarray, ids_a: np.ndarray, ids_b: np.ndarray) -> np.ndarray:
    """Cosine of rows ``ids_a[i]`` and ``ids_b[i]`` in float64 (0 for a zero row). Shape (pairs,)."""
    a = np.asarray(matrix[ids_a], dtype=np.float64)  # (pairs, dim)
    b = np.asarray(matrix[ids_b], dtype=np.float64)
    denom = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    dots = np.einsum("ij,ij->i", a, b)
    return np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)

