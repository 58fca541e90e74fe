"""The figure of a run (matplotlib): PCA panels of the group tokens, losses, structure against the step.

Drawn on a ``Figure`` with the Agg canvas (never pyplot), coloured with ``tokvec.plot.scene.PALETTE``
so groups look the same as in ``tokvec plot``; written atomically as PNG, SVG or PDF.

Deliberately left out: measuring (``tokvec.watch.metrics``), interactive (plotly) output, t-SNE or
UMAP panels.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from .._plumbing.files import atomic_write
from .._plumbing.optional import require
from ..errors import InvalidArgumentError
from ..plot.labels import arrange_texts
from ..plot.projection import fit_pca
from ..plot.scene import PALETTE
from .metrics import Snapshot, WatchReport, watch

IMAGE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def plot_watch(
    source: WatchReport | str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
) -> Any:
    """A matplotlib figure of a run: top, a PCA of the group tokens at the first, middle and final
    snapshot (each panel fitted on its own snapshot, coloured by group); bottom, the losses and
    the coherence of each group with overlap@k, against the step.

    ``source`` is a report or a snapshot directory (watched with the defaults). With ``out``
    (``.png``, ``.svg`` or ``.pdf``) the figure is rendered to memory, then written atomically.

    >>> fig = plot_watch(watch("runs/tiny/snapshots"), "watch.png")   # doctest: +SKIP
    """
    fmt = _image_format(out) if out is not None else None
    report = source if isinstance(source, WatchReport) else watch(source)
    Figure = require("matplotlib.figure", "plot", "the watch plot").Figure
    FigureCanvasAgg = require("matplotlib.backends.backend_agg", "plot", "the watch plot").FigureCanvasAgg
    fig = Figure(figsize=(14.0, 9.0), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subfigures(2, 1, height_ratios=(1.2, 1.0))
    milestones = report.milestones()
    panels = [(ax, _draw_projection(ax, report, snapshot))
              for ax, snapshot in zip(np.atleast_1d(top.subplots(1, len(milestones))), milestones)]
    loss_ax, structure_ax = bottom.subplots(1, 2)
    _draw_losses(loss_ax, report)
    _draw_structure(structure_ax, report)
    steps = report.snapshots
    fig.suptitle(title or f"watching {report.directory.name or report.directory} learn: {len(steps)} snapshots, "
                 f"steps {steps[0].step:,} to {steps[-1].step:,}", x=0.01, ha="left", fontweight="bold")
    fig.canvas.draw()  # fixes the layout, so each panel's labels can be placed in pixels
    renderer = fig.canvas.get_renderer()
    for ax, (texts, anchors) in panels:  # every token labelled where it overlaps nothing, or left out
        arrange_texts(ax, renderer, texts, anchors, anchors, np.zeros(len(texts), bool), optional_rings=5)
    if out is not None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        with atomic_write(out) as handle:
            handle.write(buffer.getvalue())
    return fig


def _image_format(out: str | os.PathLike[str]) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise InvalidArgumentError(f"cannot write {Path(out).name!r}: the watch plot is written as "
                                   f"{', '.join(IMAGE_FORMATS)}")
    return IMAGE_FORMATS[suffix]


def _group_colours(report: WatchReport) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(report.groups)}


def _draw_projection(ax: Any, report: WatchReport, snapshot: Snapshot) -> tuple[list[Any], np.ndarray]:
    """Group tokens of one snapshot in the PCA plane of those tokens' unit vectors."""
    ax.set_title(f"step {snapshot.step:,}", loc="left", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    points = [snapshot.group_vectors[g] for g in report.groups]
    if not points:
        ax.text(0.5, 0.5, "no probe group has 2 tokens\nin this vocabulary", ha="center", va="center",
                transform=ax.transAxes, color="#555555")
        return [], np.zeros((0, 2))
    pca = fit_pca(np.concatenate(points), 2)
    colours = _group_colours(report)
    texts, anchors = [], []
    for name, vectors in zip(report.groups, points):
        xy = pca.transform(vectors)  # (n_g, 2)
        ax.scatter(xy[:, 0], xy[:, 1], s=22, color=colours[name], label=name)
        for token, (x, y) in zip(report.groups[name], xy):
            text = ax.text(x, y, token, ha="center", va="center", fontsize=7, color=colours[name],
                           parse_math=False)  # a token such as $x$ is a label, not TeX
            text.set_in_layout(False)
            texts.append(text)
            anchors.append((x, y))
    ratio = pca.explained_variance_ratio
    ax.set_xlabel(f"PC1 ({ratio[0]:.0%})", fontsize=8)
    ax.set_ylabel(f"PC2 ({ratio[1]:.0%})", fontsize=8)
    if snapshot is report.snapshots[0]:
        ax.legend(fontsize=7, loc="best")
    return texts, np.asarray(anchors, dtype=np.float64).reshape(-1, 2)


def _draw_losses(ax: Any, report: WatchReport) -> None:
    for attr, label, style in (("train_loss", "train", dict(color="#999999", lw=1.0)),
                               ("val_loss", "validation", dict(color="#1f77b4", lw=1.8, marker="o", ms=3))):
        points = [(s.step, getattr(s, attr)) for s in report.snapshots if getattr(s, attr) is not None]
        if points:
            ax.plot(*zip(*points), label=f"{label} loss", **style)
    if ax.lines:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no loss recorded in the snapshots", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("loss", loc="left", fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")


def _draw_structure(ax: Any, report: WatchReport) -> None:
    steps = [s.step for s in report.snapshots]
    for name, colour in _group_colours(report).items():
        ax.plot(steps, [s.coherence[name] for s in report.snapshots], color=colour, lw=1.5, label=f"{name} coherence")
    ax.plot(steps, [s.overlap for s in report.snapshots], color="black", ls="--", lw=1.5,
            label=f"overlap@{report.k} with the final")
    ax.axhline(0.0, color="#cccccc", lw=0.8, zorder=0)
    ax.set_title("structure", loc="left", fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel("cosine gap / share of neighbours")
    ax.legend(fontsize=7, loc="best")


__all__ = ["IMAGE_FORMATS", "plot_watch"]
