"""Analogy benchmarks: accuracy on ``a : b :: c : ?`` questions per section and in total.

Scored like gensim's ``KeyedVectors.evaluate_word_analogies(..., dummy4unknown=False)``: questions
with a word outside the restricted vocabulary are skipped; each answered question takes the five
best rows other than a, b and c (by 3CosAdd or 3CosMul) and predicts the first whose folded form is
not a question word. All questions are answered together by ``tokvec.evaluate._analogy`` (a
compiled scan per vocabulary chunk, re-ranked in float64). With ``oov="subwords"`` (fastText vectors) a
question word a, b or c outside the vocabulary is built from its character n-grams (the expected
answer must still be in it); those questions are also counted on their own.

Deliberately left out: reading the files (``tokvec.evaluate.datasets``), set-based analogy methods
and dummy4unknown scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .._plumbing import budget as _budget
from ..display.results import AnalogyDisplay
from ..errors import InvalidArgumentError
from ..search.exact import Method, check_method
from ..vectors import Vectors
from . import _analogy
from .datasets import BUILTIN_ANALOGIES, AnalogySection, read_analogies, resolve
from .protocol import DEFAULT_RESTRICT, Protocol, RestrictedVocab

ANSWER_CANDIDATES = 5  # gensim asks most_similar for topn=5 and takes the first non-question word
_SCAN_MARGIN = 3  # extra float32 candidates per question, re-ranked in float64
METHOD_NAMES = {"cosadd": "3CosAdd", "cosmul": "3CosMul"}


@dataclass(frozen=True)
class SectionResult:
    """One section of an analogy set (e.g. ``capital-common-countries``)."""

    name: str
    correct: int
    total: int
    """Questions answered (all four words in the vocabulary)."""
    skipped: int

    @property
    def accuracy(self) -> float:
        """``correct / total``; 0.0 when nothing was answered (as gensim reports it)."""
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class AnalogyResult(AnalogyDisplay):
    """Accuracy on an analogy set, per section and in total."""

    name: str
    method: str
    sections: tuple[SectionResult, ...]
    correct: int
    total: int
    skipped: int
    accuracy: float
    protocol: Protocol
    oov_words: tuple[str, ...] = field(default=())
    """Distinct question words outside the vocabulary (folded if case-insensitive), sorted."""
    _repr_pretty_ = AnalogyDisplay._repr_pretty_  # not a field: IPython's text view (tokvec.display)

    subword_questions: int = 0
    """Answered questions with a, b or c built from its character n-grams (``oov="subwords"``)."""
    subword_correct: int = 0
    """How many of ``subword_questions`` were answered correctly."""

    def to_dict(self, oov: bool = True) -> dict:
        """Plain JSON-ready dict; ``oov=False`` leaves out the list of out-of-vocabulary words."""
        data = asdict(self)
        for section, raw in zip(data["sections"], self.sections):
            section["accuracy"] = raw.accuracy
        data["oov_words"] = list(self.oov_words) if oov else None
        data["protocol"]["description"] = str(self.protocol)
        return data


def evaluate_analogies(
    vectors: Vectors,
    questions: str | Path | Sequence[AnalogySection] = BUILTIN_ANALOGIES,
    *,
    method: Method = "cosadd",
    restrict: int | None = DEFAULT_RESTRICT,
    case_insensitive: bool = True,
    oov: str = "skip",
) -> AnalogyResult:
    """Accuracy on ``a : b :: c : d`` questions, per section and in total.

    Each question whose four words are in the first ``restrict`` tokens is answered over those
    tokens by 3CosAdd (``method="cosadd"``, the mean of unit vectors b + c - a) or 3CosMul; the
    rows of a, b and c are never answers, nor is a token that folds to one of them. Correct and
    skipped counts equal gensim's ``evaluate_word_analogies(questions, restrict_vocab=restrict,
    case_insensitive=..., dummy4unknown=False)`` for 3CosAdd. ``oov="subwords"``: see the module docstring.

    >>> r = evaluate_analogies(tokvec.load("glove"), restrict=30_000)   # doctest: +SKIP
    >>> r.correct, r.total, r.skipped                                    # doctest: +SKIP
    (7393, 14877, 4667)
    """
    method = check_method(method)
    if isinstance(questions, (str, Path)):
        name = resolve(questions).stem
        sections = read_analogies(questions)
    else:
        sections = tuple(questions)
        name = "analogies"
    if oov not in ("skip", "subwords") or (oov == "subwords" and vectors.subwords is None):
        raise InvalidArgumentError(f"oov must be 'skip' or 'subwords' (vectors with fastText subwords), got {oov!r}"
                                   f"{'' if vectors.subwords is not None else ' for vectors without subwords'}")
    vocab = RestrictedVocab(vectors, restrict, case_insensitive)

    # every question as four row ids (-1 = outside the vocabulary); words are looked up once each
    distinct = {w for section in sections for question in section.questions for w in question}
    row_of = {w: vocab.get(vocab.fold(w)) for w in distinct}
    flat = [row_of[w] for section in sections for question in section.questions for w in question]
    ids = np.array([-1 if i is None else i for i in flat], dtype=np.int64).reshape(-1, 4)  # (all, 4)
    matrix, inv_norms, built = vectors.matrix, vectors.inv_norms, np.zeros(len(ids), dtype=bool)
    if oov == "subwords":
        flat_words = [w for section in sections for question in section.questions for w in question]
        matrix, inv_norms, built = _with_ngram_rows(vectors, vocab.stop, ids, flat_words)
    section_index = np.repeat(np.arange(len(sections)), [len(s.questions) for s in sections])  # (all,)
    inside = (ids >= 0).all(axis=1)
    answered = ids[inside]  # (Q, 4): a, b, c, expected
    correct = np.zeros(len(answered), dtype=bool)
    if len(answered):
        correct = _predicted(matrix, inv_norms, vocab, answered[:, :3], method) == answered[:, 3]

    results = []
    for s, section in enumerate(sections):
        in_section = section_index == s
        results.append(SectionResult(
            section.name, correct=int(correct[in_section[inside]].sum()), total=int((in_section & inside).sum()),
            skipped=int((in_section & ~inside).sum()),
        ))
    total, n_correct = len(answered), int(correct.sum())
    oov_words = sorted({vocab.fold(w) for w, i in row_of.items() if i is None})
    return AnalogyResult(
        name=name, method=METHOD_NAMES[method], sections=tuple(results), correct=n_correct, total=total,
        skipped=int((~inside).sum()), accuracy=n_correct / total if total else 0.0,
        protocol=vocab.protocol("analogy", METHOD_NAMES[method], restrict, oov), oov_words=tuple(oov_words),
        subword_questions=int(built[inside].sum()), subword_correct=int(correct[built[inside]].sum()),
    )


def _with_ngram_rows(vectors: Vectors, stop: int, ids: np.ndarray, words: list[str]):
    """The first ``stop`` rows plus one row per distinct out-of-vocabulary a/b/c word, built from its n-grams
    (appended after ``stop``, so never a candidate answer); ``ids`` (all, 4) is updated in place to point at
    them. Returns the matrix, its inverse norms and which questions use such a row (bool, (all,))."""
    missing = ids[:, :3] < 0  # (all, 3)
    grid = np.array(words, dtype=object).reshape(-1, 4)[:, :3]
    extra = sorted(set(grid[missing].tolist()))
    _budget.check((stop + len(extra)) * vectors.dim * 4, "analogy questions built from n-grams (a copy of the rows)")
    built_rows = vectors.subwords.vectors(extra).astype(vectors.matrix.dtype)  # (E, dim)
    matrix = np.concatenate([np.asarray(vectors.matrix[:stop]), built_rows])  # (stop + E, dim)
    norms = np.linalg.norm(built_rows.astype(np.float32), axis=1)
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
    row_of = {w: stop + k for k, w in enumerate(extra)}
    ids[:, :3][missing] = [row_of[w] for w in grid[missing].tolist()]
    return matrix, np.concatenate([vectors.inv_norms[:stop], inv]), missing.any(axis=1)


def _predicted(matrix: np.ndarray, inv_norms: np.ndarray, vocab: RestrictedVocab, questions: np.ndarray,
               method: Method) -> np.ndarray:
    """gensim's answer to each question as the vocabulary row of its folded form (-1: no answer).

    ``questions`` (Q, 3) are the vocabulary rows of a, b, c. As in gensim: take the best
    ``ANSWER_CANDIDATES`` rows other than a, b, c; the answer is the first whose folded form is
    not a question word; if all five fold to question words, the last one stands. Shape (Q,).
    """
    word_ids, rows = np.unique(questions, return_inverse=True)
    rows = rows.reshape(questions.shape)  # (Q, 3) into word_ids
    cand, _ = _analogy.candidates(
        matrix, inv_norms, word_ids, rows, questions,
        method=method, k=ANSWER_CANDIDATES + _SCAN_MARGIN, stop=vocab.stop,
    )  # (Q, k) by the float32 objective
    ranked, _ = _analogy.rescore(matrix, questions, cand, method)
    ranked = ranked[:, :ANSWER_CANDIDATES]  # (Q, 5): gensim's most_similar(topn=5) without a, b, c
    folded = vocab.folded_rows(ranked)  # (Q, 5): row of each candidate's folded form; a, b, c are such rows
    valid = ranked >= 0
    usable = valid & (folded != questions[:, :1]) & (folded != questions[:, 1:2]) & (folded != questions[:, 2:3])
    first = np.argmax(usable, axis=1)
    last = np.maximum(valid.sum(axis=1) - 1, 0)
    pick = np.where(usable.any(axis=1), first, last)
    answer = np.take_along_axis(folded, pick[:, None], axis=1)[:, 0]
    return np.where(valid.any(axis=1), answer, -1)

