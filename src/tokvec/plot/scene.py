"""What a plot shows, independent of the library that draws it: points, arrows, a heatmap matrix.

``Scene`` is built by ``tokvec.plot.views`` (which points, where, labelled how) and drawn by
``tokvec.plot._draw`` (matplotlib or plotly). ``PALETTE`` is the one set of group colours every
tokvec figure uses (``tokvec.watch`` colours its groups with it too).

Deliberately left out: choosing points, projecting them, and drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Role = Literal["word", "neighbour", "token", "context", "answer", "target", "anchor"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]  # matplotlib's tab10
"""Group colours, in order (matplotlib's ``tab10``); index ``i % len(PALETTE)``."""
GREY = "#a0a0a0"
DARK = "#444444"


@dataclass(frozen=True)
class Arrow:
    """An arrow from ``start`` to ``end`` (plot coordinates), named in the legend."""

    start: tuple[float, float]
    end: tuple[float, float]
    name: str
    color: int  # palette index
    dashed: bool = False


@dataclass
class Scene:
    """Everything a plot shows, independent of the library that draws it."""

    title: str
    coords: np.ndarray  # (n, 2 or 3) point positions, or (0, 2) for a heatmap
    labels: list[str]  # (n,) text shown next to each point
    groups: list[str]  # (n,) legend entry of each point
    roles: list[Role]  # (n,) how each point is drawn
    axes: tuple[str, ...] = ()
    hover: list[str] = field(default_factory=list)  # (n,) hover text (HTML only)
    arrows: list[Arrow] = field(default_factory=list)
    note: str = ""  # one line under the title: what the axes are
    equal_aspect: bool = True
    zero_lines: bool = False
    max_labels: int = 60  # labels beyond the required ones (words, answers) are optional
    matrix: np.ndarray | None = None  # (n, n) for a heatmap


__all__ = ["DARK", "GREY", "PALETTE", "Arrow", "Role", "Scene"]
