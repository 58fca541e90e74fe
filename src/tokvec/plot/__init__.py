"""See embeddings: projections, analogy arrows, similarity heatmaps and direction plots.

Four plots of any ``Vectors`` (GloVe, a transformer's token matrix, a trained file):

- ``projection``: words, each word with its K nearest neighbours (coloured by word), or the N most
  frequent tokens, projected to 2-D (or 3-D, interactive) by PCA, t-SNE or UMAP;
- ``analogy``: arrows a→b and c→d for "a is to b as c is to ?", d being tokvec's answer, in the
  PCA plane of the four words, so the two offsets can be compared by eye;
- ``heatmap``: the cosine-similarity matrix of a word list, annotated;
- ``directions``: words placed along two axes defined by word pairs (x = cosine with the
  man→woman direction, y = with small→big).

Each returns the figure (a matplotlib ``Figure`` for PNG, a plotly ``Figure`` for an interactive
HTML page whose hover shows each token's nearest neighbours) and, given ``out``, writes it
atomically: the file is rendered to memory first, then renamed into place. Points are the unit
vectors of the tokens, so distances reflect cosine similarity. matplotlib, plotly, scikit-learn
and umap-learn (the ``plot`` extra) are imported only when needed.

The package: ``scene`` (what a plot shows), ``views`` (the four plot kinds as scenes),
``projection`` (PCA, t-SNE, UMAP), ``_draw`` (matplotlib and plotly), ``_labels`` (label placement).

Deliberately left out: the Embedding Projector export (``tokvec.formats.projector``) and plot
styling options beyond a title and a size.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from .._plumbing.files import atomic_write
from ..display.notebook import enable_figures
from ..errors import InvalidArgumentError
from ..vectors import Vectors
from . import _draw
from .explorer import Explorer, explorer
from .projection import PCA, Method, Projection, fit_pca, project
from .scene import PALETTE, Arrow, Scene
from .views import analogy_scene, direction_scene, heatmap_scene, known_words, projection_scene, token_label

Backend = Literal["matplotlib", "plotly"]
SUFFIXES = {".png": "matplotlib", ".html": "plotly"}


# -- public API ------------------------------------------------------------------------------------
def projection(
    v: Vectors,
    words: Sequence[str] = (),
    *,
    neighbours: int = 0,
    top: int = 0,
    method: Method = "pca",
    dim: int = 2,
    seed: int | None = 0,
    skip_missing: bool = False,
    title: str | None = None,
    out: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
) -> Any:
    """Project ``words`` (each with its ``neighbours`` nearest tokens) and/or the ``top`` most
    frequent tokens to ``dim`` dimensions by ``method`` ("pca", "tsne", "umap").

    ``seed`` fixes t-SNE and UMAP (``None``: unseeded, which lets UMAP use every core).
    "Most frequent" uses the file's counts when it has them, else its first rows (word-vector files
    are sorted by frequency; a transformer vocabulary is not). Unknown words raise
    ``UnknownTokenError``, or are left out with a ``TokvecWarning`` when ``skip_missing``.
    Returns the figure; with ``out`` (.png or .html) also writes it.

    >>> v = Vectors(["cat", "kitten", "dog", "car"],                                 # doctest: +SKIP
    ...             np.array([[1, 0.1], [0.9, 0.2], [0.6, 0.8], [-1, 0.2]], dtype=np.float32))
    >>> fig = projection(v, ["cat", "dog", "car"], neighbours=1)   # doctest: +SKIP
    """
    backend = _backend_for(out, backend, dim)
    scene = projection_scene(v, words, neighbours=neighbours, top=top, method=method, dim=dim, seed=seed,
                             skip_missing=skip_missing, hover=backend == "plotly")
    return _finish(scene, title, out, backend)


def analogy(
    v: Vectors,
    a: str,
    b: str,
    c: str,
    *,
    neighbours: int = 3,
    words: Sequence[str] = (),
    skip_missing: bool = False,
    title: str | None = None,
    out: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
) -> Any:
    """Arrows ``a→b`` and ``c→d`` where ``d`` is ``v.analogy(a, b, c)`` (3CosAdd), plus the point
    ``c + (b − a)``, in the PCA plane of the four words' unit vectors (2-D only).

    A linear projection keeps offsets: if ``b − a ≈ d − c`` the two arrows come out parallel and
    equally long. ``neighbours`` nearest tokens of each of the four, and any extra ``words``, are
    projected into the same plane as context.

    >>> fig = analogy(tokvec.load("glove"), "man", "king", "woman", out="analogy.png")  # doctest: +SKIP
    """
    backend = _backend_for(out, backend, 2)
    scene = analogy_scene(v, a, b, c, neighbours=neighbours, words=words, skip_missing=skip_missing,
                          hover=backend == "plotly")
    return _finish(scene, title, out, backend)


def heatmap(
    v: Vectors,
    words: Sequence[str],
    *,
    skip_missing: bool = False,
    title: str | None = None,
    out: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
) -> Any:
    """The cosine-similarity matrix of ``words``, each cell annotated with its value.

    >>> fig = heatmap(tokvec.load("glove"), ["cat", "dog", "car", "truck"])  # doctest: +SKIP
    """
    backend = _backend_for(out, backend, 2)
    return _finish(heatmap_scene(v, words, skip_missing=skip_missing), title, out, backend)


def directions(
    v: Vectors,
    words: Sequence[str],
    x: tuple[str, str],
    y: tuple[str, str],
    *,
    skip_missing: bool = False,
    title: str | None = None,
    out: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
) -> Any:
    """Place ``words`` along two directions given by word pairs: ``x=("man", "woman")`` puts each
    word at its cosine with ``unit(woman) − unit(man)``; ``y`` likewise. The pair words are shown too.

    >>> fig = directions(v, ["boy", "girl", "elephant", "mouse"], x=("man", "woman"),
    ...                  y=("small", "big"))   # doctest: +SKIP
    """
    backend = _backend_for(out, backend, 2)
    scene = direction_scene(v, words, x, y, skip_missing=skip_missing, hover=backend == "plotly")
    return _finish(scene, title, out, backend)


def save(figure: Any, out: str | os.PathLike[str]) -> Path:
    """Write a figure atomically: a matplotlib figure as PNG, a plotly figure as self-contained HTML.

    The figure is rendered to memory first, so a failing render leaves any existing file untouched.

    >>> fig = heatmap(v, ["cat", "dog", "car"])   # doctest: +SKIP
    >>> save(fig, "heatmap.png")                   # doctest: +SKIP
    PosixPath('heatmap.png')
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidArgumentError(f"cannot write {path.name!r}: use .png (matplotlib) or .html (plotly, interactive)")
    data = _draw.render_bytes(figure, SUFFIXES[suffix])
    with atomic_write(path) as handle:
        handle.write(data)
    return path


# -- output -----------------------------------------------------------------------------------------
def _backend_for(out: str | os.PathLike[str] | None, backend: Backend | None, dim: int) -> Backend:
    if out is not None:
        suffix = Path(out).suffix.lower()
        if suffix not in SUFFIXES:
            raise InvalidArgumentError(
                f"cannot write {Path(out).name!r}: use .png (matplotlib) or .html (plotly, interactive)"
            )
        chosen: Backend = SUFFIXES[suffix]  # type: ignore[assignment]
        if backend is not None and backend != chosen:
            raise InvalidArgumentError(f"{suffix} files are drawn by {chosen}, not {backend}; drop backend=")
    else:
        chosen = backend or "matplotlib"
    if chosen not in ("matplotlib", "plotly"):
        raise InvalidArgumentError(f"unknown backend {chosen!r}; use 'matplotlib' or 'plotly'")
    if dim == 3 and chosen == "matplotlib":
        raise InvalidArgumentError("3-D plots are interactive only: write .html (plotly) instead of .png")
    return chosen


def _finish(scene: Scene, title: str | None, out: str | os.PathLike[str] | None, backend: Backend) -> Any:
    if title:
        scene.title = title
    figure = _draw.matplotlib_figure(scene) if backend == "matplotlib" else _draw.plotly_figure(scene)
    enable_figures()  # in Jupyter: matplotlib figures as PNG, plotly figures with an HTML fallback
    if out is not None:
        save(figure, out)
    return figure


__all__ = ["PALETTE", "PCA", "Arrow", "Backend", "Explorer", "explorer", "Method", "Projection", "Scene", "analogy",
           "directions", "fit_pca", "heatmap", "known_words", "project", "projection", "save", "token_label"]
