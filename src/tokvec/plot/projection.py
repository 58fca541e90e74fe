"""Projections of vectors to 2-D or 3-D for plotting: PCA (NumPy), t-SNE and UMAP.

PCA is implemented here with one SVD, so it needs nothing beyond NumPy and can be fitted on one
set of points and applied to others (the analogy plot fits the plane of four words and projects
their neighbours into it). t-SNE (scikit-learn) and UMAP (umap-learn) are imported only when
chosen, with their usual defaults scaled down for small point sets.

Deliberately left out: choosing which points to project (``tokvec.plot.views``), drawing, and
incremental or randomised PCA for matrices that do not fit in memory.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from .._plumbing.optional import require
from ..errors import InvalidArgumentError

Method = Literal["pca", "tsne", "umap"]
METHODS: tuple[str, ...] = ("pca", "tsne", "umap")


@dataclass(frozen=True)
class PCA:
    """A fitted principal component analysis: ``transform(X) = (X - mean) @ components.T``.

    ``components`` is ``(k, dim)`` with orthonormal rows, ordered by explained variance; each is
    signed so that its largest-magnitude loading is positive (scikit-learn's convention).
    """

    mean: np.ndarray  # (dim,)
    components: np.ndarray  # (k, dim)
    explained_variance: np.ndarray  # (k,) variance along each component (ddof=1)
    explained_variance_ratio: np.ndarray  # (k,) fraction of the total variance

    def transform(self, points: np.ndarray) -> np.ndarray:
        """Coordinates of ``points`` ``(n, dim)`` in the fitted components: ``(n, k)`` float64."""
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != self.mean.shape[0]:
            raise InvalidArgumentError(f"expected points of shape (n, {self.mean.shape[0]}), got {points.shape}")
        return (points - self.mean) @ self.components.T  # (n, dim) @ (dim, k) -> (n, k)


def fit_pca(points: np.ndarray, n_components: int = 2) -> PCA:
    """Principal components of ``points`` ``(n, dim)`` by an SVD of the centred matrix.

    >>> pts = np.array([[0.0, 0.0], [2.0, 0.1], [4.0, 0.1], [6.0, 0.0]])   # along x, a little bump in y
    >>> p = fit_pca(pts, 1)
    >>> p.components.round(3) + 0.0
    array([[1., 0.]])
    >>> p.transform(pts).ravel().round(3)
    array([-3., -1.,  1.,  3.])
    """
    x = np.asarray(points, dtype=np.float64)
    if x.ndim != 2:
        raise InvalidArgumentError(f"points must be a 2-D array (n, dim), got shape {x.shape}")
    n, dim = x.shape
    if not 1 <= n_components <= min(n, dim):
        raise InvalidArgumentError(
            f"PCA to {n_components} components needs at least {n_components} points of dimension "
            f">= {n_components}; got {n} points of dimension {dim}. Add words, or plot in 2-D"
        )
    mean = x.mean(axis=0)
    _, singular, vt = np.linalg.svd(x - mean, full_matrices=False)  # vt: (min(n, dim), dim)
    flip = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    vt = vt * np.where(flip == 0, 1.0, flip)[:, None]
    variance = singular**2 / max(n - 1, 1)
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    k = n_components
    return PCA(mean, vt[:k].copy(), variance[:k].copy(), ratio[:k].copy())


class Projection(NamedTuple):
    """Projected coordinates ``(n, dim)`` and a title for each axis."""

    coords: np.ndarray
    axes: tuple[str, ...]


def project(points: np.ndarray, method: Method = "pca", dim: int = 2, seed: int | None = 0,
            verbose: bool = False) -> Projection:
    """Project ``points`` ``(n, d)`` to ``dim`` (2 or 3) dimensions by PCA, t-SNE or UMAP.

    t-SNE uses perplexity ``min(30, (n - 1) / 3)`` and PCA initialisation; UMAP uses
    ``n_neighbors = min(15, n - 1)``. Both are seeded with ``seed``; a seeded UMAP runs on one
    thread (umap-learn's rule), ``seed=None`` lets it use all cores, several times faster but not
    reproducible. ``verbose``: t-SNE and UMAP print their progress (``tokvec serve`` reads it).

    >>> rng = np.random.default_rng(0)
    >>> project(rng.normal(size=(10, 5)), "pca").coords.shape
    (10, 2)
    """
    if method not in METHODS:
        raise InvalidArgumentError(f"unknown projection method {method!r}; use one of: {', '.join(METHODS)}")
    if dim not in (2, 3):
        raise InvalidArgumentError(f"projections are to 2 or 3 dimensions, not {dim}")
    x = np.asarray(points, dtype=np.float64)
    if method == "pca":
        pca = fit_pca(x, dim)
        axes = tuple(f"PC{i + 1} ({r:.0%} of variance)" for i, r in enumerate(pca.explained_variance_ratio))
        return Projection(pca.transform(x), axes)
    if len(x) < 4:
        raise InvalidArgumentError(f"{method} needs at least 4 points, got {len(x)}; use method='pca' for fewer")
    coords = _tsne(x, dim, seed, verbose) if method == "tsne" else _umap(x, dim, seed, verbose)
    name = "t-SNE" if method == "tsne" else "UMAP"
    return Projection(np.asarray(coords, dtype=np.float64), tuple(f"{name} {i + 1}" for i in range(dim)))


def _tsne(x: np.ndarray, dim: int, seed: int | None, verbose: bool = False) -> np.ndarray:
    TSNE = require("sklearn.manifold", "plot", "t-SNE projections", package="scikit-learn").TSNE
    perplexity = min(30.0, max(1.0, (len(x) - 1) / 3))
    tsne = TSNE(n_components=dim, perplexity=perplexity, init="pca", learning_rate="auto", random_state=seed,
                verbose=2 if verbose else 0)
    return tsne.fit_transform(x)


def _umap(x: np.ndarray, dim: int, seed: int | None, verbose: bool = False) -> np.ndarray:
    umap = require("umap", "plot", "UMAP projections", package="umap-learn")
    # spectral initialisation needs more points than components + 1
    init = "spectral" if len(x) > dim + 2 else "random"
    reducer = umap.UMAP(n_components=dim, n_neighbors=min(15, len(x) - 1), random_state=seed, init=init,
                        verbose=verbose)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*overridden to 1 by setting random_state.*")
        return reducer.fit_transform(x)
