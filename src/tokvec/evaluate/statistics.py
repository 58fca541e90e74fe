"""Correlation statistics in NumPy: average ranks, Pearson, Spearman and their two-sided p-values.

The results match ``scipy.stats`` (``rankdata``, ``pearsonr``, ``spearmanr``), which tokvec does not
depend on: the coefficients are computed in scipy's order of operations (scaled centred norms for Pearson,
numpy's ``corrcoef`` of the ranks for Spearman), so they equal gensim's to the last digit; the p-value is
the regularised incomplete beta of Student's t, by a continued fraction.

Deliberately left out: confidence intervals, other rank correlations (Kendall's tau), and
one-sided tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidArgumentError


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
    xmax, ymax = np.abs(xm).max(), np.abs(ym).max()
    if xmax == 0 or ymax == 0:
        return math.nan, math.nan
    nx = xmax * np.linalg.norm(xm / xmax, axis=-1)  # scaled as scipy scales it (no overflow), summed as it sums
    ny = ymax * np.linalg.norm(ym / ymax, axis=-1)
    r = float(np.clip(_vecdot(xm / nx, ym / ny), -1.0, 1.0))
    return r, correlation_p_value(r, len(x))


def _vecdot(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.vecdot(a, b) if hasattr(np, "vecdot") else np.dot(a, b))  # numpy >= 2 has scipy's vecdot


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Spearman's rho (Pearson's r of average ranks) and its two-sided p-value.

    >>> rho, p = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    >>> round(rho, 4)
    0.8208
    """
    ranks = np.column_stack((rankdata(x), rankdata(y)))  # (n, 2)
    if len(ranks) < 2 or (ranks[:, 0] == ranks[0, 0]).all() or (ranks[:, 1] == ranks[0, 1]).all():
        return math.nan, math.nan
    rho = float(np.corrcoef(ranks, rowvar=False)[1, 0])  # scipy's spearmanr: numpy's corrcoef of the ranks
    return rho, correlation_p_value(rho, len(ranks))


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

