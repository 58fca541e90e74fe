"""Analogy benchmarks: accuracy on ``a : b :: c : ?`` questions per section and in total.

Scored like gensim's ``KeyedVectors.evaluate_word_analogies(..., dummy4unknown=False)``: questions
with a word outside the restricted vocabulary are skipped; each answered question takes the five
best rows other than a, b and c (by 3CosAdd or 3CosMul) and predicts the first whose folded form is
not a question word. All questions are answered together by ``tokvec.evaluate._analogy`` (a
numba scan per vocabulary chunk, re-ranked in float64).

Deliberately left out: reading the files (``tokvec.evaluate.datasets``), set-based analogy methods
and dummy4unknown scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..display.results import AnalogyDisplay
from ..search import Method, check_method
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
) -> AnalogyResult:
    """Accuracy on ``a : b :: c : d`` questions, per section and in total.

    Each question whose four words are in the first ``restrict`` tokens is answered over those
    tokens by 3CosAdd (``method="cosadd"``, the mean of unit vectors b + c - a) or 3CosMul; the
    rows of a, b and c are never answers, nor is a token that folds to one of them. Correct and
    skipped counts equal gensim's ``evaluate_word_analogies(questions, restrict_vocab=restrict,
    case_insensitive=..., dummy4unknown=False)`` for 3CosAdd.

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
    vocab = RestrictedVocab(vectors, restrict, case_insensitive)

    # every question as four row ids (-1 = outside the vocabulary); words are looked up once each
    distinct = {w for section in sections for question in section.questions for w in question}
    row_of = {w: vocab.get(vocab.fold(w)) for w in distinct}
    flat = [row_of[w] for section in sections for question in section.questions for w in question]
    ids = np.array([-1 if i is None else i for i in flat], dtype=np.int64).reshape(-1, 4)  # (all, 4)
    section_index = np.repeat(np.arange(len(sections)), [len(s.questions) for s in sections])  # (all,)
    inside = (ids >= 0).all(axis=1)
    answered = ids[inside]  # (Q, 4): a, b, c, expected
    correct = np.zeros(len(answered), dtype=bool)
    if len(answered):
        correct = _predicted(vectors, vocab, answered[:, :3], method) == answered[:, 3]

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
        protocol=vocab.protocol("analogy", METHOD_NAMES[method], restrict), oov_words=tuple(oov_words),
    )


def _predicted(vectors: Vectors, vocab: RestrictedVocab, questions: np.ndarray, method: Method) -> np.ndarray:
    """gensim's answer to each question as the vocabulary row of its folded form (-1: no answer).

    ``questions`` (Q, 3) are the vocabulary rows of a, b, c. As in gensim: take the best
    ``ANSWER_CANDIDATES`` rows other than a, b, c; the answer is the first whose folded form is
    not a question word; if all five fold to question words, the last one stands. Shape (Q,).
    """
    word_ids, rows = np.unique(questions, return_inverse=True)
    rows = rows.reshape(questions.shape)  # (Q, 3) into word_ids
    cand, _ = _analogy.candidates(
        vectors.matrix, vectors.inv_norms, word_ids, rows, questions,
        method=method, k=ANSWER_CANDIDATES + _SCAN_MARGIN, stop=vocab.stop,
    )  # (Q, k) by the float32 objective
    ranked, _ = _analogy.rescore(vectors.matrix, questions, cand, method)
    ranked = ranked[:, :ANSWER_CANDIDATES]  # (Q, 5): gensim's most_similar(topn=5) without a, b, c
    folded = vocab.folded_rows(ranked)  # (Q, 5): row of each candidate's folded form; a, b, c are such rows
    valid = ranked >= 0
    usable = valid & (folded != questions[:, :1]) & (folded != questions[:, 1:2]) & (folded != questions[:, 2:3])
    first = np.argmax(usable, axis=1)
    last = np.maximum(valid.sum(axis=1) - 1, 0)
    pick = np.where(usable.any(axis=1), first, last)
    answer = np.take_along_axis(folded, pick[:, None], axis=1)[:, 0]
    return np.where(valid.any(axis=1), answer, -1)

