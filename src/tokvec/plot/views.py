"""The four plot kinds as scenes: which points a plot shows, where, and how they are labelled.

``projection_scene`` (words, their neighbours, frequent tokens; PCA, t-SNE or UMAP),
``analogy_scene`` (arrows a→b and c→d in the PCA plane of the four words), ``heatmap_scene``
(cosine matrix) and ``direction_scene`` (cosines with two word-pair directions). Points are unit
vectors; hover text (HTML plots) lists each point's nearest tokens.

Deliberately left out: drawing (``tokvec.plot._draw``), the projection maths
(``tokvec.plot.projection``) and writing files (``tokvec.plot``).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InvalidArgumentError, TokvecWarning, UnknownTokenError
from ..search import exact as search
from ..vectors import Neighbour, Vectors
from .projection import Method, fit_pca, project
from .scene import Arrow, Role, Scene

HOVER_NEIGHBOURS = 5
HOVER_FULL_SEARCH = 500  # up to this many points, hover neighbours come from the whole vocabulary


# -- choosing the points ---------------------------------------------------------------------------
class _Points:
    """Points collected for a scene: unit rows and how to show them."""

    def __init__(self, v: Vectors):
        self.v = v
        self.rows: list[np.ndarray] = []
        self.labels: list[str] = []
        self.groups: list[str] = []
        self.roles: list[Role] = []
        self.ids: list[int | None] = []  # vocabulary row, None for words that are several pieces
        self.seen: set[int] = set()

    def add_word(self, word: str, group: str, role: Role) -> None:
        self.rows.append(self.v.vector(word, norm=True))
        i = _single_id(self.v, word)
        self.ids.append(i)
        if i is not None:
            self.seen.add(i)
        self.labels.append(word)
        self.groups.append(group)
        self.roles.append(role)

    def add_id(self, i: int, group: str, role: Role) -> None:
        self.rows.append(self.v.vector(int(i), norm=True))
        self.ids.append(int(i))
        self.seen.add(int(i))
        self.labels.append(token_label(self.v, self.v.token(int(i))))
        self.groups.append(group)
        self.roles.append(role)

    def add_neighbours(self, found: Sequence[Neighbour], k: int, group: str, role: Role) -> None:
        """The first ``k`` of ``found`` that are not plotted yet."""
        fresh = [n.row for n in found if n.row not in self.seen][:k]
        for i in fresh:
            self.add_id(i, group, role)

    def matrix(self) -> np.ndarray:
        return np.stack(self.rows).astype(np.float32) if self.rows else np.zeros((0, self.v.dim), np.float32)


def token_label(v: Vectors, token: str) -> str:
    """A token as a plot label: readable (``Ġking`` -> ``king``), never blank.

    >>> token_label(Vectors(["a", " "], np.eye(2, dtype=np.float32)), " ")
    "' '"
    """
    shown = v.display(token).strip()
    return shown if shown else repr(token)


def known_words(v: Vectors, words: Sequence[str], skip_missing: bool) -> list[str]:
    """``words`` without repeats; an unknown word raises ``UnknownTokenError`` or, with
    ``skip_missing``, is dropped with one ``TokvecWarning`` naming all dropped words.

    >>> v = Vectors(["cat", "dog"], np.eye(2, dtype=np.float32))
    >>> known_words(v, ["cat", "cat", "dog"], skip_missing=False)
    ['cat', 'dog']
    """
    found: list[str] = []
    missing: list[UnknownTokenError] = []
    for word in dict.fromkeys(words):
        try:
            v.vector(word, norm=True)  # only whether it has a row (an int8-only set has no scale)
        except UnknownTokenError as exc:
            if not skip_missing:
                hint = " To leave unknown words out, pass skip_missing=True (CLI: --skip-missing)."
                exc.args = (str(exc) + hint,)
                raise
            missing.append(exc)
        else:
            found.append(word)
    if missing:
        described = "; ".join(
            f"{e.token!r}" + (f" (did you mean: {', '.join(e.suggestions)}?)" if e.suggestions else "") for e in missing
        )
        warnings.warn(f"left out {len(missing)} word(s) not in the vocabulary: {described}", TokvecWarning,
                      stacklevel=3)
    return found


def projection_scene(v: Vectors, words: Sequence[str], *, neighbours: int, top: int, method: Method, dim: int,
                      seed: int | None, skip_missing: bool, hover: bool) -> Scene:
    if neighbours < 0 or top < 0:
        raise InvalidArgumentError("neighbours and top must be >= 0")
    words = known_words(v, words, skip_missing)
    points = _Points(v)
    for word in words:
        points.add_word(word, word if neighbours else "words", "word")
    if neighbours and words:
        results = v.most_similar_batch(words, topn=neighbours + len(words))
        for word, found in zip(words, results):
            points.add_neighbours(found, neighbours, word, "neighbour")
    if top:
        # word-vector files list tokens by frequency; a transformer vocabulary does not
        frequent = f"{top:,} most frequent" if v.counts is not None or v.tokenizer is None else f"first {top:,}"
        for i in _top_ids(v, top):
            if int(i) not in points.seen:
                points.add_id(int(i), f"{frequent} tokens", "token")
    if len(points.rows) < 2:
        raise InvalidArgumentError(
            f"a projection needs at least 2 points, got {len(points.rows)}; give more words, --neighbours K or --top N"
        )
    rows = points.matrix()
    proj = project(rows, method, dim, seed)
    name = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}[method]
    what = " + ".join(filter(None, [
        (f"{len(words)} words" if len(words) > 1 else f"{words[0]!r}") if words else "",
        (f"{neighbours} nearest neighbours" + (" each" if len(words) > 1 else "")) if neighbours and words else "",
        f"{frequent} tokens" if top else "",
    ]))
    return Scene(
        title=f"{name} of {what}", coords=proj.coords, labels=points.labels, groups=points.groups,
        roles=points.roles, axes=proj.axes, hover=_hover(v, rows, points) if hover else [],
        note=f"{len(rows):,} unit vectors from {_source(v)}", equal_aspect=True,
        max_labels=60 if len(rows) <= 200 else 40,
    )


def analogy_scene(v: Vectors, a: str, b: str, c: str, *, neighbours: int, words: Sequence[str], skip_missing: bool,
                   hover: bool) -> Scene:
    best = v.analogy(a, b, c, topn=1)[0]  # raises UnknownTokenError for a missing a, b or c
    d = best.token
    d_label = token_label(v, d)
    points = _Points(v)
    first, second = f"{a}, {b}", f"{c}, {d_label}"
    for word, group in ((a, first), (b, first), (c, second)):
        points.add_word(word, group, "word")
    points.add_id(best.row, second, "answer")
    four = points.matrix()  # (4, dim) unit vectors of a, b, c, d
    pca = fit_pca(four, 2)
    if neighbours:
        for found in v.most_similar_batch([a, b, c, d], topn=neighbours + 4):
            points.add_neighbours(found, neighbours, "nearest neighbours", "context")
    for word in known_words(v, words, skip_missing):
        i = _single_id(v, word)
        if i is None or i not in points.seen:
            points.add_word(word, "other words", "neighbour")
    target = four[1] - four[0] + four[2]  # b - a + c: where 3CosAdd looks (before normalising)
    points.rows.append(target)
    points.ids.append(None)
    points.labels.append(f"{b} − {a} + {c}")
    points.groups.append(second)
    points.roles.append("target")
    rows = points.matrix()
    coords = pca.transform(rows)  # (n, 2)
    xy = [tuple(map(float, p)) for p in coords[:4]]
    arrows = [
        Arrow(xy[0], xy[1], f"{a} → {b}", 0),
        Arrow(xy[2], xy[3], f"{c} → {d_label}", 1),
        Arrow(xy[2], tuple(map(float, coords[-1])), f"{c} + ({b} − {a})", 7, dashed=True),
    ]
    variance = float(pca.explained_variance_ratio.sum())
    return Scene(
        title=f"{a} : {b} :: {c} : {d_label}   (3CosAdd, cosine {best.score:.3f})",
        coords=coords, labels=points.labels, groups=points.groups, roles=points.roles,
        axes=("PC1 of the four words", "PC2 of the four words"), arrows=arrows,
        hover=_hover(v, rows, points) if hover else [],
        note=f"PCA plane of the unit vectors of {a}, {b}, {c}, {d_label} ({variance:.0%} of their variance)"
        + (f"; grey: their {neighbours} nearest neighbours" if neighbours else ""),
        equal_aspect=True,
    )


def heatmap_scene(v: Vectors, words: Sequence[str], *, skip_missing: bool) -> Scene:
    words = known_words(v, words, skip_missing)
    if len(words) < 2:
        raise InvalidArgumentError(f"a heatmap needs at least 2 known words, got {len(words)}")
    points = _Points(v)
    for word in words:
        points.add_word(word, "words", "word")
    rows = points.matrix().astype(np.float64)
    matrix = np.clip(rows @ rows.T, -1.0, 1.0)  # (n, n) cosine similarities
    return Scene(title=f"cosine similarity of {len(words)} words", coords=np.zeros((0, 2)), labels=points.labels,
                 groups=points.groups, roles=points.roles, matrix=matrix, note=_source(v), equal_aspect=True)


def direction_scene(v: Vectors, words: Sequence[str], x: tuple[str, str], y: tuple[str, str], *,
                     skip_missing: bool, hover: bool) -> Scene:
    axes_dirs = []
    for pair in (x, y):
        if len(pair) != 2:
            raise InvalidArgumentError(f"a direction is a pair of words (from, to), got {pair!r}")
        start, end = pair
        direction = v.vector(end, norm=True).astype(np.float64) - v.vector(start, norm=True)
        length = np.linalg.norm(direction)
        if length == 0:
            raise InvalidArgumentError(f"{start!r} and {end!r} have the same direction; pick two different words")
        axes_dirs.append(direction / length)
    basis = np.stack(axes_dirs)  # (2, dim) unit directions
    words = known_words(v, words, skip_missing)
    if not words:
        raise InvalidArgumentError("a direction plot needs at least one known word to place")
    points = _Points(v)
    for word in words:
        points.add_word(word, "words", "word")
    for word in dict.fromkeys([*x, *y]):
        if word not in words:
            points.add_word(word, "axis words", "anchor")
    rows = points.matrix()
    coords = rows.astype(np.float64) @ basis.T  # (n, dim) @ (dim, 2): cosine with each direction
    angle = float(np.degrees(np.arccos(np.clip(basis[0] @ basis[1], -1, 1))))
    return Scene(
        title=f"{x[0]} → {x[1]}  vs  {y[0]} → {y[1]}", coords=coords, labels=points.labels, groups=points.groups,
        roles=points.roles, axes=(f"cosine with {x[0]} → {x[1]}", f"cosine with {y[0]} → {y[1]}"),
        hover=_hover(v, rows, points) if hover else [], equal_aspect=False, zero_lines=True,
        note=f"directions are unit(to) − unit(from); they are {angle:.0f}° apart (90° = unrelated); {_source(v)}",
    )


def _single_id(v: Vectors, word: str) -> int | None:
    """The row of ``word`` if it is one token (``king`` is ``Ġking`` in GPT-2), else None."""
    pieces = v.pieces(word)
    return v.index(pieces[0]) if len(pieces) == 1 else None


def _top_ids(v: Vectors, n: int) -> np.ndarray:
    n = min(int(n), len(v))
    if v.counts is not None:
        return np.argsort(-np.asarray(v.counts), kind="stable")[:n]
    return np.arange(n)


def _hover(v: Vectors, rows: np.ndarray, points: _Points) -> list[str]:
    """For each point: its label and nearest tokens (whole vocabulary for small plots, else among the points)."""
    n = len(rows)
    k = HOVER_NEIGHBOURS
    if n <= HOVER_FULL_SEARCH:
        results = v.most_similar_batch(rows, topn=k + 1)
        near = [[(token_label(v, n.token), n.score) for n in found if n.row != own][:k]
                for found, own in zip(results, points.ids)]
        where = "nearest"
    else:
        exclude = [[i] for i in range(n)]
        ids, scores = search.top_k(rows, np.ones(n, np.float32), rows, k, exclude=exclude)  # (n, k) each
        near = [[(points.labels[int(j)], float(s)) for j, s in zip(ids[i], scores[i])] for i in range(n)]
        where = "nearest plotted"
    return [  # plotly hover text is HTML: tokens such as <unk> must be escaped
        f"<b>{html.escape(label)}</b> ({html.escape(group)})<br>{where}: "
        + ", ".join(f"{html.escape(t)} {s:.2f}" for t, s in found)
        for label, group, found in zip(points.labels, points.groups, near)
    ]


def _source(v: Vectors) -> str:
    name = v.metadata.get("name") or (Path(v.source).name if v.source else "")
    return f"{name} ({len(v):,} × {v.dim})" if name else f"{len(v):,} × {v.dim} vectors"


__all__ = ["analogy_scene", "direction_scene", "heatmap_scene", "known_words", "projection_scene", "token_label"]
