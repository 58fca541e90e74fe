"""Intrinsic evaluation: word-similarity correlations and analogy accuracy, with the protocol stated.

Two benchmark families, scored the way gensim 4.x scores them so numbers are comparable:

- **similarity** (WordSim-353, SimLex-999, MEN, RG-65, ...): cosine of each word pair against
  the human score; Spearman and Pearson correlation (NumPy, with p-values), pairs used, pairs
  skipped as out of vocabulary. Same result as ``KeyedVectors.evaluate_word_pairs``.
- **analogies** (Google ``questions-words.txt``): ``a : b :: c : ?`` per section and in total,
  by 3CosAdd or 3CosMul. Same correct/skipped counts as ``KeyedVectors.evaluate_word_analogies``.
  All questions are answered together (``tokvec._analogy``): per chunk of vocabulary rows, a table
  of cosines with the few hundred distinct question words, then a numba top-k scan per question;
  bounded memory, over ten times gensim's speed (``bench/evaluate.py``).

The protocol (gensim's, with ``dummy4unknown=False``), reported in every result:

- the vocabulary is the first ``restrict`` tokens (the most frequent, in frequency-sorted files);
  a pair or question with any word outside it is skipped, not counted wrong;
- ``case_insensitive`` upper-cases benchmark words and tokens (``str.upper``); when several
  tokens share a case-folded form, the first (most frequent) wins;
- an analogy is answered with the 5 best rows of the restricted vocabulary other than the rows
  of a, b and c; the prediction is the first of them whose (folded) form is not a, b or c.

Deliberate differences from gensim: malformed lines raise ``FormatError`` (gensim skips them
silently); ``#`` comment and blank lines are allowed in analogy files, and a file without
``: section`` headers is one section; similarity files may be tab, semicolon, comma or space
separated with a header row, and the score column is the first numeric one after the two words
(so SimLex-999's ``SimLex999`` and SimVerb's score columns are found). 3CosMul searches the
restricted vocabulary like 3CosAdd; gensim 4.4 ignores ``similarity_function`` and always uses
3CosAdd, and its ``most_similar_cosmul`` ignores ``restrict_vocab``. Scores are ranked in float64.

Deliberately left out: BATS-style folders, set-based analogy methods, dummy4unknown scoring.

>>> import tokvec, tokvec.evaluate as ev
>>> result = ev.evaluate_analogies(tokvec.load("glove"), restrict=30_000)   # doctest: +SKIP
>>> result.correct, result.total, round(result.accuracy, 4)                   # doctest: +SKIP
(7393, 14877, 0.4969)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import FormatError, InvalidArgumentError
from ..vectors import Vectors
from . import _analogy

DATA_DIR = Path(__file__).parent.parent / "data"
BUILTIN_SETS = {
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "questions-words": "questions-words.txt",
}
"""Benchmarks shipped with the package (see ``data/README.md`` for sources and licences)."""
BUILTIN_SIMILARITY = ("wordsim353", "simlex999")
BUILTIN_ANALOGIES = "questions-words"
DEFAULT_RESTRICT = 300_000  # gensim's default restrict_vocab
ANSWER_CANDIDATES = 5  # gensim asks most_similar for topn=5 and takes the first non-question word
_SCAN_MARGIN = 3  # extra float32 candidates per question, re-ranked in float64

Method = Literal["cosadd", "cosmul"]
METHOD_NAMES = {"cosadd": "3CosAdd", "cosmul": "3CosMul"}


# -- results ---------------------------------------------------------------------------------------
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
    """Pairs and questions with a word outside the vocabulary are skipped, not scored."""
    reference: str = "gensim 4.x KeyedVectors.evaluate_word_pairs / evaluate_word_analogies, dummy4unknown=False"

    def __str__(self) -> str:
        folding = ("case-insensitive (upper-cased; the first, most frequent case variant wins)"
                   if self.case_insensitive else "case-sensitive")
        what = "cosine similarity" if self.task == "similarity" else (
            f"{self.method}, answer = best of the vocabulary other than a, b, c")
        return (f"{what}; vocabulary = first {self.vocabulary:,} tokens; {folding}; "
                f"{'pairs' if self.task == 'similarity' else 'questions'} with a word outside it skipped")


@dataclass(frozen=True)
class SimilarityResult:
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
class AnalogyResult:
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

    def to_dict(self, oov: bool = True) -> dict:
        """Plain JSON-ready dict; ``oov=False`` leaves out the list of out-of-vocabulary words."""
        data = asdict(self)
        for section, raw in zip(data["sections"], self.sections):
            section["accuracy"] = raw.accuracy
        data["oov_words"] = list(self.oov_words) if oov else None
        data["protocol"]["description"] = str(self.protocol)
        return data


# -- benchmark files -------------------------------------------------------------------------------
@dataclass(frozen=True)
class WordPairs:
    """A parsed similarity set: ``pairs[i] = (word1, word2, human_score)``."""

    name: str
    pairs: tuple[tuple[str, str, float], ...]
    score_column: str = ""


@dataclass(frozen=True)
class AnalogySection:
    """A parsed analogy section: ``questions[i] = (a, b, c, expected)``."""

    name: str
    questions: tuple[tuple[str, str, str, str], ...]


def resolve(name_or_path: str | Path) -> Path:
    """A shipped benchmark name (``wordsim353``, ``simlex999``, ``questions-words``) or a file path.

    >>> resolve("wordsim353").name
    'wordsim353.tsv'
    """
    text = str(name_or_path)
    if text in BUILTIN_SETS and not Path(text).exists():
        return DATA_DIR / BUILTIN_SETS[text]
    path = Path(text).expanduser()
    if not path.is_file():
        raise InvalidArgumentError(
            f"no such benchmark file: {text}. Give a path, or one of the shipped sets: {', '.join(BUILTIN_SETS)}"
        )
    return path


def _lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidArgumentError(f"cannot read benchmark file {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise FormatError(
            f"{path}, line {line_no}: invalid UTF-8 at byte {column} of the line; save the file as UTF-8"
        ) from None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_word_pairs(path: str | Path) -> WordPairs:
    """Read a word-similarity file: ``word1 word2 score`` per line.

    Accepted: tab, ``;``, ``,`` or space separated (decided by the first data line); ``#``
    comment and blank lines; one header row (``Word 1<TAB>Word 2<TAB>Human (mean)``, SimLex's
    ``word1 word2 POS SimLex999 ...``). The score is the first numeric column after the two
    words. Anything else raises ``FormatError`` with the line number.

    >>> p = read_word_pairs("wordsim353")
    >>> len(p.pairs), p.pairs[0]
    (353, ('love', 'sex', 6.77))
    """
    path = resolve(path)
    delimiter: str | None = None
    column: int | None = None
    header: list[str] | None = None
    pairs: list[tuple[str, str, float]] = []
    expected = "'word1 word2 score' (tab, ';', ',' or space separated)"
    for line_no, line in enumerate(_lines(path), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if delimiter is None:
            delimiter = next((d for d in ("\t", ";", ",") if d in stripped), " ")
        fields = [f.strip() for f in (stripped.split(delimiter) if delimiter != " " else stripped.split())]
        if column is None:
            numeric = [i for i in range(2, len(fields)) if _number(fields[i]) is not None]
            if len(fields) >= 3 and not numeric and header is None and not pairs:
                header = fields  # a header row: names the columns
                continue
            if len(fields) < 3 or not numeric:
                raise FormatError(f"{path}, line {line_no}: expected {expected}, got {line!r}; "
                                  "fix the line or turn it into a '#' comment")
            column = numeric[0]
            if header is not None:
                named = [i for i, name in enumerate(header) if re.sub(r"\W", "", name).lower() == "simlex999"]
                column = named[0] if named else column
        score = _number(fields[column]) if len(fields) > column else None
        if score is None or len(fields) < 3 or not fields[0] or not fields[1]:
            raise FormatError(
                f"{path}, line {line_no}: expected {expected} with the score in column {column + 1}, "
                f"got {line!r}; fix the line or turn it into a '#' comment"
            )
        pairs.append((fields[0], fields[1], score))
    if not pairs:
        raise FormatError(f"{path}: no word pairs found; expected lines of {expected}")
    score_column = header[column] if header is not None and column is not None and column < len(header) else ""
    return WordPairs(path.stem, tuple(pairs), score_column)


def read_analogies(path: str | Path) -> tuple[AnalogySection, ...]:
    """Read an analogy file in the Google ``questions-words.txt`` format.

    ``: section name`` lines start sections; every other line is four words ``a b c d`` ("a is
    to b as c is to d"). Blank and ``#`` lines are skipped; questions before any header form a
    section named after the file. Any other line raises ``FormatError`` with its line number.

    >>> sections = read_analogies("questions-words")
    >>> len(sections), sections[0].name, sections[0].questions[0]
    (14, 'capital-common-countries', ('Athens', 'Greece', 'Baghdad', 'Iraq'))
    """
    path = resolve(path)
    sections: list[AnalogySection] = []
    name: str | None = None
    questions: list[tuple[str, str, str, str]] = []
    for line_no, line in enumerate(_lines(path), 1):
        words = line.split()
        if len(words) == 4 and words[0][0] != "#" and not line.startswith(": "):  # the common case first
            questions.append(tuple(words))  # type: ignore[arg-type]
            continue
        if line.startswith(": "):
            if name is not None or questions:
                sections.append(AnalogySection(name or path.stem, tuple(questions)))
            name, questions = line.lstrip(": ").strip(), []  # gensim's section-name rule
            continue
        if not words or words[0].startswith("#"):
            continue
        raise FormatError(
            f"{path}, line {line_no}: expected four words 'a b c d' (a is to b as c is to d) "
            f"or a ': section' header, got {len(words)} word{'s' if len(words) != 1 else ''}: {line!r}; "
            "fix the line or turn it into a '#' comment"
        )
    if name is not None or questions:
        sections.append(AnalogySection(name or path.stem, tuple(questions)))
    if not any(s.questions for s in sections):
        raise FormatError(f"{path}: no analogy questions found; expected lines 'a b c d' under ': section' headers")
    return tuple(sections)


# -- statistics (NumPy; matches scipy.stats, which tokvec does not depend on) ------------------------
def rankdata(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """1-based ranks, ties given their average rank (``scipy.stats.rankdata(method="average")``).

    >>> rankdata([10, 20, 20, 5]).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(x, kind="mergesort")
    ordered = x[order]
    new_group = np.r_[True, ordered[1:] != ordered[:-1]]  # (n,)
    starts = np.flatnonzero(new_group)
    ends = np.r_[starts[1:], len(x)]
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = ((starts + 1 + ends) / 2.0)[np.cumsum(new_group) - 1]
    return ranks


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Pearson's r and its two-sided p-value (t test, n - 2 degrees of freedom).

    NaN when fewer than two values or either side is constant.

    >>> r, p = pearson([1, 2, 3, 4], [1, 3, 2, 4])
    >>> round(r, 3), round(p, 3)
    (0.8, 0.2)
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise InvalidArgumentError(f"pearson needs two sequences of the same length, got {len(x)} and {len(y)}")
    if len(x) < 2:
        return math.nan, math.nan
    xm, ym = x - x.mean(), y - y.mean()
    nx, ny = np.linalg.norm(xm), np.linalg.norm(ym)
    if nx == 0 or ny == 0:
        return math.nan, math.nan
    r = float(np.clip(np.dot(xm / nx, ym / ny), -1.0, 1.0))
    return r, correlation_p_value(r, len(x))


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Spearman's rho (Pearson's r of average ranks) and its two-sided p-value.

    >>> rho, p = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    >>> round(rho, 4)
    0.8208
    """
    return pearson(rankdata(x), rankdata(y))


def correlation_p_value(r: float, n: int) -> float:
    """Two-sided p-value of a correlation ``r`` over ``n`` samples under independence.

    ``P(|T| >= |t|)`` for Student's t with ``n - 2`` degrees of freedom, which is the
    regularised incomplete beta ``I_{1-r^2}((n-2)/2, 1/2)`` (as scipy's pearsonr/spearmanr).

    >>> round(correlation_p_value(0.5, 30), 4)
    0.0049
    """
    if n <= 2 or math.isnan(r):
        return math.nan if n < 2 or math.isnan(r) else 1.0
    if abs(r) >= 1.0:
        return 0.0
    return _betainc((n - 2) / 2.0, 0.5, 1.0 - r * r)


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta ``I_x(a, b)`` by Lentz's continued fraction."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        even = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
        odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
        for coeff in (even, odd):
            d = 1.0 + coeff * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + coeff / c
            c = c if abs(c) > tiny else tiny
            step = c * d
            h *= step
        if abs(step - 1.0) < eps:
            break
    return h


# -- the vocabulary a benchmark sees -----------------------------------------------------------------
class _RestrictedVocab:
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

    def protocol(self, task: Literal["similarity", "analogy"], method: str, restrict: int | None) -> Protocol:
        return Protocol(task=task, method=method, restrict=None if restrict is None else int(restrict),
                        vocabulary=self.stop, case_insensitive=self.case_insensitive)


# -- evaluation ------------------------------------------------------------------------------------
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
    vocab = _RestrictedVocab(vectors, restrict, case_insensitive)
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
    if method not in METHOD_NAMES:
        raise InvalidArgumentError(f"unknown analogy method {method!r}; use 'cosadd' or 'cosmul'")
    if isinstance(questions, (str, Path)):
        name = resolve(questions).stem
        sections = read_analogies(questions)
    else:
        sections = tuple(questions)
        name = "analogies"
    vocab = _RestrictedVocab(vectors, restrict, case_insensitive)

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


def _predicted(vectors: Vectors, vocab: _RestrictedVocab, questions: np.ndarray, method: Method) -> np.ndarray:
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


__all__ = [
    "AnalogyResult",
    "AnalogySection",
    "BUILTIN_ANALOGIES",
    "BUILTIN_SETS",
    "BUILTIN_SIMILARITY",
    "Protocol",
    "SectionResult",
    "SimilarityResult",
    "WordPairs",
    "correlation_p_value",
    "evaluate_analogies",
    "evaluate_similarity",
    "pearson",
    "rankdata",
    "read_analogies",
    "read_word_pairs",
    "resolve",
    "spearman",
]
