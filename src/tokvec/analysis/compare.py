"""Two vector sets compared on their shared tokens: Procrustes alignment, overlap@k, a drift ranking.

For two corpora, two models or two snapshots of one training run. ``compare(a, b)`` takes the
``probe`` most frequent tokens of ``a`` that ``b`` also holds (special tokens such as ``[CLS]``
left out), finds each token's ``k`` nearest probe tokens by cosine in each set, and reports

- **overlap@k**: per token ``|N_a ∩ N_b| / k``, and its mean (1.0: the same neighbourhoods);
- **alignment**: the orthogonal matrix ``R`` minimising ``||X_a R - X_b||`` over the unit probe rows
  (orthogonal Procrustes, one SVD; sets of different dimension are zero-padded to the larger one),
  the mean cosine of ``x_a R`` with ``x_b`` and the relative residual ``||X_a R - X_b|| / ||X_b||``;
- **drift**: the tokens whose neighbourhoods changed most (lowest overlap, then lowest aligned cosine).

Neighbourhoods are cosines, so they need no alignment; the alignment says how far the two spaces are
one rotation apart. Words asked for with ``words=`` are added to the rows searched if they are shared.

Deliberately left out: whole-vocabulary searches (neighbours are among the probe tokens, so the cost
is bounded: ``probe * probe`` cosines, a block at a time) and drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from ..vectors import Vectors
from ..vocab.tokenizer import is_special
from .neighbourhoods import nearest_cosine, row_overlap, unit_rows

MAX_PROBE = 20_000


@dataclass(frozen=True)
class TokenDrift:
    """One shared token: how its neighbourhood and its aligned vector moved from set A to set B."""

    token: str
    overlap: float  # |N_a ∩ N_b| / k, in [0, 1]
    aligned_cosine: float  # cosine of the token's A vector rotated onto B with its B vector
    neighbours_a: tuple[str, ...]  # its k nearest probe tokens in A, best first
    neighbours_b: tuple[str, ...]  # ... and in B


@dataclass(frozen=True)
class Comparison:
    """What ``compare`` found (see the module docstring)."""

    source_a: str
    source_b: str
    tokens_a: int
    tokens_b: int
    shared: int  # tokens in both vocabularies
    probe_size: int  # rows compared (probe tokens plus asked-for words outside them)
    k: int
    overlap: float  # mean overlap@k over the probe tokens
    aligned_cosine: float  # mean cosine after alignment over the probe tokens
    residual: float  # ||X_a R - X_b||_F / ||X_b||_F on unit rows
    drift: tuple[TokenDrift, ...]  # most changed first
    words: tuple[TokenDrift, ...]  # the asked-for words, in the order asked
    missing_words: tuple[str, ...]  # asked-for words not in both sets
    rotation: np.ndarray = field(repr=False, compare=False)  # (d, d), d = max(dim_a, dim_b)

    def to_json(self) -> dict[str, Any]:
        """A plain dict (JSON-ready) of everything but the rotation."""
        def rows(items: tuple[TokenDrift, ...]) -> list[dict[str, Any]]:
            return [{"token": t.token, "overlap": t.overlap, "aligned_cosine": t.aligned_cosine,
                     "neighbours_a": list(t.neighbours_a), "neighbours_b": list(t.neighbours_b)} for t in items]

        return {"a": self.source_a, "b": self.source_b, "tokens_a": self.tokens_a, "tokens_b": self.tokens_b,
                "shared": self.shared, "probe_size": self.probe_size, "k": self.k, "overlap": self.overlap,
                "aligned_cosine": self.aligned_cosine, "residual": self.residual, "drift": rows(self.drift),
                "words": rows(self.words), "missing_words": list(self.missing_words)}


def procrustes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The orthogonal ``R`` ``(d, d)`` minimising ``||x @ R - y||_F`` for ``x``, ``y`` of shape ``(n, d)``.

    ``R = U @ Vt`` where ``U S Vt`` is the SVD of ``x.T @ y`` (Schönemann, 1966).

    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> rot = np.array([[0.0, 1.0], [-1.0, 0.0]])               # 90 degrees
    >>> np.allclose(procrustes(x, x @ rot), rot)
    True
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape != y.shape:
        raise InvalidArgumentError(f"Procrustes needs two matrices of one shape (n, d), got {x.shape} and {y.shape}")
    u, _, vt = np.linalg.svd(x.T @ y)  # (d, n) @ (n, d) -> (d, d)
    return u @ vt


def compare(a: Vectors, b: Vectors, *, k: int = 10, probe: int = 2_000, words: Sequence[str] = (),
            top: int = 20) -> Comparison:
    """Compare vector sets ``a`` and ``b`` on their shared tokens (see the module docstring).

    >>> result = compare(tokvec.load("glove"), tokvec.load("my-glove.tokvec"), words=["king"])  # doctest: +SKIP
    >>> result.overlap, [d.token for d in result.drift[:3]]                                    # doctest: +SKIP
    """
    for name, value, low, high in (("k", k, 1, 1_000), ("probe", probe, 2, MAX_PROBE), ("top", top, 0, 10_000)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
            raise InvalidArgumentError(f"{name} must be a whole number from {low} to {high:,}, got {value!r}")
    shared_ids = [(i, b.index(t)) for i, t in enumerate(a.tokens) if t in b]
    probe_pairs = [(i, j) for i, j in shared_ids if not is_special(a.token(i))][:probe]
    if len(probe_pairs) <= k:
        raise InvalidArgumentError(
            f"overlap@{k} needs more than {k} shared tokens, but {a.source} ({len(a):,} tokens) and {b.source} "
            f"({len(b):,} tokens) share {len(probe_pairs)} non-special ones; lower k or compare related sets")
    asked = list(dict.fromkeys([words] if isinstance(words, str) else words))
    in_probe = {a.token(i) for i, _ in probe_pairs}
    extra = [(a.index(w), b.index(w)) for w in asked if w in a and w in b and w not in in_probe]
    rows_a = np.array([i for i, _ in probe_pairs + extra], dtype=np.int64)  # (r,)
    rows_b = np.array([j for _, j in probe_pairs + extra], dtype=np.int64)  # (r,)
    unit_a, unit_b = _padded_units(a.matrix[rows_a], b.matrix[rows_b])  # (r, d) each
    m = len(probe_pairs)
    rotation = procrustes(unit_a[:m], unit_b[:m])  # fitted on the probe tokens only
    aligned = np.einsum("rd,rd->r", unit_a @ rotation, unit_b)  # (r,) cosines: rows are unit, R orthogonal
    residual = float(np.linalg.norm(unit_a[:m] @ rotation - unit_b[:m]) / max(np.linalg.norm(unit_b[:m]), 1e-12))
    top_a, top_b = nearest_cosine(unit_a, k), nearest_cosine(unit_b, k)  # (r, k) positions in the rows
    overlap = row_overlap(top_a, top_b)  # (r,)
    tokens = [a.token(int(i)) for i in rows_a]

    def drift_of(p: int) -> TokenDrift:
        return TokenDrift(tokens[p], float(overlap[p]), float(aligned[p]),
                          tuple(tokens[q] for q in top_a[p]), tuple(tokens[q] for q in top_b[p]))

    order = np.lexsort((aligned[:m], overlap[:m]))[:top]  # lowest overlap first, then lowest aligned cosine
    position = {t: p for p, t in enumerate(tokens)}
    return Comparison(
        source_a=a.source, source_b=b.source, tokens_a=len(a), tokens_b=len(b), shared=len(shared_ids),
        probe_size=len(tokens), k=int(k), overlap=float(overlap[:m].mean()), aligned_cosine=float(aligned[:m].mean()),
        residual=residual, drift=tuple(drift_of(int(p)) for p in order),
        words=tuple(drift_of(position[w]) for w in asked if w in position),
        missing_words=tuple(w for w in asked if w not in position), rotation=rotation,
    )


def _padded_units(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows of ``x`` ``(r, d_a)`` and ``y`` ``(r, d_b)``, the narrower zero-padded to ``max(d_a, d_b)``."""
    ux, uy = unit_rows(x), unit_rows(y)
    d = max(ux.shape[1], uy.shape[1])
    return np.pad(ux, ((0, 0), (0, d - ux.shape[1]))), np.pad(uy, ((0, 0), (0, d - uy.shape[1])))


__all__ = ["Comparison", "TokenDrift", "compare", "procrustes"]
