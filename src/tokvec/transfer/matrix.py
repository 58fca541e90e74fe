"""Pretrained rows for your own vocabulary: ``matrix_for`` and the ``MatrixReport`` that counts them.

One row per requested token, in the given order: the token's own row if the vectors have it, else
(``lower``) its lower-case form's row, else what the ``oov`` strategy makes of it: ``random`` rows
drawn (seeded) from the pretrained rows' own per-dimension mean and spread, ``zeros``, the ``mean``
pretrained row, ``subwords`` (a fastText subword model's vector, ``v.subwords``) or ``pieces`` (a
transformer vocabulary's pieces, the mean of their rows, as ``Vectors.vector`` reads a word). Rows
that ``subwords``/``pieces`` cannot build fall back to random. Special tokens (``<pad>``: zeros,
``<unk>``: the mean row, by default) never take a pretrained row and are placed where the token list
puts them. This is torchtext's ``Vocab.load_vectors`` / ``get_vecs_by_tokens(lower_case_backup=True)``
with ``unk_init``, and a report instead of silence.

Deliberately left out: building the vocabulary (``tokvec.transfer.build``) and torch (``to_torch``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import InvalidArgumentError, UnknownTokenError
from ..printable import brief

Oov = Literal["random", "zeros", "mean", "subwords", "pieces"]
OOV_STRATEGIES: tuple[str, ...] = ("random", "zeros", "mean", "subwords", "pieces")
SpecialInit = Literal["zeros", "random", "mean"]
DEFAULT_SPECIALS: dict[str, SpecialInit] = {"<pad>": "zeros", "<unk>": "mean"}
_CHUNK = 65_536  # rows read at a time when computing the pretrained rows' statistics


@dataclass
class MatrixReport:
    """How each row of a ``matrix_for`` matrix was found; ``print(report)`` gives a short summary.

    ``exact``: the token's own row; ``lowered``: its lower-case form's row; ``subwords``/``pieces``:
    built by the ``oov`` strategy; ``initialised``: ``oov`` rows (random, zeros or the mean, and the
    fallbacks) for the ``unknown`` tokens; ``specials``: rows set by ``specials``.
    """

    total: int
    exact: int = 0
    lowered: int = 0
    subwords: int = 0
    pieces: int = 0
    initialised: int = 0
    specials: int = 0
    oov: str = "random"
    unknown: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        """Rows that came from the pretrained vectors (exactly, lower-cased, from subwords or pieces)."""
        return self.exact + self.lowered + self.subwords + self.pieces

    @property
    def coverage(self) -> float:
        """Share of the non-special tokens that got a pretrained row (1.0 for an empty request)."""
        asked = self.total - self.specials
        return self.found / asked if asked else 1.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (every count, the coverage and the unknown tokens)."""
        return {"total": self.total, "exact": self.exact, "lowered": self.lowered, "subwords": self.subwords,
                "pieces": self.pieces, "initialised": self.initialised, "specials": self.specials, "oov": self.oov,
                "coverage": self.coverage, "unknown": list(self.unknown)}

    def __str__(self) -> str:
        parts = [f"{self.exact:,} exact", f"{self.lowered:,} lower-cased"]
        parts += [f"{n:,} {name}" for name, n in (("from subwords", self.subwords), ("from pieces", self.pieces)) if n]
        parts.append(f"{self.initialised:,} initialised ({self.oov})")
        if self.specials:
            parts.append(f"{self.specials:,} special")
        text = f"{self.total:,} rows: " + ", ".join(parts) + f"; coverage {self.coverage:.1%}"
        if self.unknown:
            shown = ", ".join(brief(t) for t in self.unknown[:8])
            text += f"; unknown: {shown}" + (f" and {len(self.unknown) - 8:,} more" if len(self.unknown) > 8 else "")
        return text

    def __repr__(self) -> str:
        return f"<MatrixReport {self}>"


def check_tokens(tokens: Sequence[str]) -> list[str]:
    """The tokens as a list; ``InvalidArgumentError`` naming the first duplicate and its two positions."""
    if isinstance(tokens, str):
        raise InvalidArgumentError(f"the vocabulary must be a list of tokens, got the string {brief(tokens)}; "
                                   "pass [token, ...] (or text.split())")
    tokens = list(tokens)
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if not isinstance(token, str):
            raise InvalidArgumentError(f"token {i} is {type(token).__name__} {token!r}, not a string; "
                                       "pass the vocabulary as a list of strings")
        if token in seen:
            raise InvalidArgumentError(f"the vocabulary lists {brief(token)} twice (positions {seen[token]} and {i}); "
                                       "each token must appear once, e.g. pass list(dict.fromkeys(tokens))")
        seen[token] = i
    return tokens


def check_oov(oov: str) -> str:
    if oov not in OOV_STRATEGIES:
        raise InvalidArgumentError(f"unknown oov strategy {oov!r}; use one of: {', '.join(OOV_STRATEGIES)}")
    return oov


def row_statistics(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension mean and standard deviation of all rows (float64 sums, read in chunks), as float32."""
    n, dim = matrix.shape
    if n == 0:
        return np.zeros(dim, np.float32), np.ones(dim, np.float32)
    total, squares = np.zeros(dim), np.zeros(dim)
    for lo in range(0, n, _CHUNK):
        chunk = np.asarray(matrix[lo:lo + _CHUNK], dtype=np.float64)
        total += chunk.sum(axis=0)
        squares += np.square(chunk).sum(axis=0)
    mean = total / n
    std = np.sqrt(np.maximum(squares / n - np.square(mean), 0.0))
    return mean.astype(np.float32), std.astype(np.float32)


def _special_inits(specials: Mapping[str, str] | Sequence[str] | None) -> dict[str, str]:
    if specials is None:
        return dict(DEFAULT_SPECIALS)
    if not isinstance(specials, Mapping):
        specials = {s: ("zeros" if "pad" in s.lower() else "mean") for s in specials}
    for token, init in specials.items():
        if init not in ("zeros", "random", "mean"):
            raise InvalidArgumentError(f"special {brief(token)}: unknown initialisation {init!r}; "
                                       "use 'zeros', 'random' or 'mean'")
    return dict(specials)


def rows_or_none(v: Any, word: str) -> list[int] | None:
    """The rows ``v.vector`` would read for ``word``, or None when there are none (no suggestions computed:
    an ``UnknownTokenError`` searches the vocabulary for close matches, far too slow for every miss)."""
    row = v.vocab.get(word)
    if row is None and v.lower:
        row = v.vocab.get(word.lower())
    if row is not None:
        return [row]
    if v.tokenizer is None:
        return None
    try:
        return v.word_rows(word)
    except UnknownTokenError:
        return None


def _built_row(v: Any, token: str, oov: str) -> np.ndarray | None:
    """The row ``subwords`` or ``pieces`` builds for a token the vocabulary lacks, or None."""
    if oov == "subwords":
        vector = np.asarray(v.subwords.vector(token), dtype=np.float32).reshape(-1)
        if vector.shape != (v.dim,):
            raise InvalidArgumentError(f"the subword model gave {vector.shape[0]} values for {brief(token)}; "
                                       f"these vectors have {v.dim}")
        return vector if np.all(np.isfinite(vector)) and np.any(vector) else None
    rows = rows_or_none(v, token)
    if rows is None:
        return None
    return np.asarray(v.matrix[rows], dtype=np.float32).mean(axis=0)


def _check_strategy(v: Any, oov: str) -> None:
    if oov == "subwords" and getattr(v, "subwords", None) is None:
        raise InvalidArgumentError("oov='subwords' needs a subword model, and these vectors have none (load a "
                                   "fastText .bin model for one); use oov='random', 'mean' or 'zeros'")
    if oov == "pieces" and getattr(v, "tokenizer", None) is None:
        raise InvalidArgumentError("oov='pieces' needs a transformer vocabulary with its tokenizer (e.g. "
                                   "tokvec.load('minilm')), and these vectors have none; use oov='random'")


def matrix_for(
    v: Any,
    tokens: Sequence[str],
    *,
    oov: Oov = "random",
    lower: bool = True,
    seed: int = 0,
    specials: Mapping[str, SpecialInit] | Sequence[str] | None = None,
) -> tuple[np.ndarray, MatrixReport]:
    """A float32 ``(len(tokens), v.dim)`` matrix, one row per token in order, and its ``MatrixReport``.

    ``specials`` maps special tokens to ``"zeros"``, ``"random"`` or ``"mean"`` (a list: ``zeros``
    for names with "pad", else ``mean``; default ``{"<pad>": "zeros", "<unk>": "mean"}``).

    >>> from tokvec import Vectors
    >>> v = Vectors(["the", "cat"], np.array([[1, 0], [0, 1]], dtype=np.float32))
    >>> m, report = matrix_for(v, ["<pad>", "Cat", "dog"], oov="zeros")
    >>> m.tolist(), str(report)
    ([[0.0, 0.0], [0.0, 1.0], [0.0, 0.0]], "3 rows: 0 exact, 1 lower-cased, 1 initialised (zeros), 1 special; \
coverage 50.0%; unknown: 'dog'")
    """
    tokens, oov = check_tokens(tokens), check_oov(oov)
    _check_strategy(v, oov)
    inits = _special_inits(specials)
    mean, std = row_statistics(v.matrix)
    rng = np.random.default_rng(seed)
    out = np.zeros((len(tokens), v.dim), dtype=np.float32)
    report = MatrixReport(total=len(tokens), oov=oov)
    fill: list[tuple[int, str]] = []  # (row, how) for rows initialised at the end, in order
    for i, token in enumerate(tokens):
        if token in inits:
            report.specials += 1
            fill.append((i, inits[token]))
            continue
        row = v.vocab.get(token)
        if row is not None:
            report.exact += 1
        elif lower and (row := v.vocab.get(token.lower())) is not None:
            report.lowered += 1
        if row is not None:
            out[i] = np.asarray(v.matrix[row], dtype=np.float32)
            continue
        built = _built_row(v, token, oov) if oov in ("subwords", "pieces") else None
        if built is not None:
            out[i] = built
            setattr(report, oov, getattr(report, oov) + 1)
            continue
        report.initialised += 1
        report.unknown.append(token)
        fill.append((i, "random" if oov in ("subwords", "pieces") else oov))
    for i, how in fill:  # drawn in row order, so a row's value depends only on the seed and the rows before it
        out[i] = mean if how == "mean" else (rng.standard_normal(v.dim) * std + mean if how == "random" else 0.0)
    return out, report
