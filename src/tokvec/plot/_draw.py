"""Drawing a ``tokvec.plot.scene.Scene``: a matplotlib figure (Agg, for PNG) or a plotly figure (HTML).

matplotlib is used through ``Figure`` and the Agg canvas directly, never through pyplot, so no
global state or GUI backend is involved. Labels are placed by ``tokvec.plot._labels`` after the layout
is fixed; labels that would pile up are left out (hover in the HTML version still shows them).
plotly pages inline plotly.js (``include_plotlyjs=True``), so they work offline.

Deliberately left out: themes and styling options, other output formats (SVG, PDF).
"""

from __future__ import annotations

import html
import io
from typing import Any

import numpy as np

from .._plumbing.optional import require
from ..errors import InvalidArgumentError
from .labels import arrange_texts, place_labels
from .scene import DARK, GREY, PALETTE, Scene

FIGSIZE = (9.0, 6.5)  # inches; at DPI this is 900 x 650 pixels
DPI = 100
REQUIRED_ROLES = ("word", "answer", "target", "anchor")
# role -> (matplotlib marker, area in points^2, plotly symbol, plotly size)
STYLE = {
    "word": ("o", 60, "circle", 11),
    "neighbour": ("o", 20, "circle", 7),
    "token": ("o", 12, "circle", 5),
    "context": ("o", 14, "circle", 6),
    "answer": ("*", 260, "star", 18),
    "target": ("X", 80, "x", 11),
    "anchor": ("D", 40, "diamond", 9),
}


def render_bytes(figure: Any, backend: str) -> bytes:
    """PNG bytes of a matplotlib figure, or a self-contained HTML page of a plotly figure."""
    if backend == "matplotlib":
        if not hasattr(figure, "savefig"):
            raise InvalidArgumentError("only a matplotlib figure can be written as .png; "
                                       "write a plotly figure as .html")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi)
        return buffer.getvalue()
    if not hasattr(figure, "to_html"):
        raise InvalidArgumentError("only a plotly figure can be written as .html; write a matplotlib figure as .png")
    page = figure.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    return page.encode("utf-8")


def colours(scene: Scene) -> list[str]:
    """A colour per point: one palette colour per group, grey for context, axis words and targets."""
    order: dict[str, int] = {}
    out = []
    for group, role in zip(scene.groups, scene.roles):
        if role in ("context", "anchor", "target"):
            out.append(GREY if role == "context" else DARK)
            continue
        index = order.setdefault(group, len(order))
        out.append(PALETTE[index % len(PALETTE)])
    return out


def labelled(scene: Scene, candidates: int = 1) -> np.ndarray:
    """Which points may get a text label: every required one, then the first
    ``max_labels * candidates`` others (the PNG keeps those that fit, at most ``max_labels``)."""
    required = np.array([r in REQUIRED_ROLES for r in scene.roles], dtype=bool)
    optional = np.flatnonzero(~required)[: scene.max_labels * candidates]
    chosen = required.copy()
    chosen[optional] = True
    return chosen


# -- matplotlib -------------------------------------------------------------------------------------
def matplotlib_figure(scene: Scene) -> Any:
    """A matplotlib ``Figure`` (Agg canvas) of the scene."""
    Figure = require("matplotlib.figure", "plot", "PNG plots").Figure
    FigureCanvasAgg = require("matplotlib.backends.backend_agg", "plot", "PNG plots").FigureCanvasAgg
    if scene.matrix is not None:
        n = len(scene.labels)
        side = float(min(max(3.0 + 0.45 * n, 6.0), 13.0))
        fig = Figure(figsize=(side + 1.0, side), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        _mpl_heatmap(fig, scene)
        return fig
    if scene.coords.shape[1] != 2:
        raise InvalidArgumentError("PNG plots are 2-D; write .html for a 3-D plot")
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    _mpl_scatter(fig, scene)
    return fig


def _mpl_header(fig: Any, scene: Scene) -> None:
    fig.text(0.015, 0.975, scene.title, ha="left", va="top", fontsize=12.5, fontweight="bold")
    if scene.note:
        fig.text(0.015, 0.935, scene.note, ha="left", va="top", fontsize=8.5, color="#555555")


def _mpl_scatter(fig: Any, scene: Scene) -> None:
    Line2D = require("matplotlib.lines", "plot", "PNG plots").Line2D
    coords = np.asarray(scene.coords, dtype=np.float64)
    n = len(coords)
    colour = colours(scene)
    legend_groups = [g for g in dict.fromkeys(scene.groups)]
    show_legend = len(legend_groups) > 1 or bool(scene.arrows)
    ax = fig.add_axes((0.075, 0.075, 0.7 if show_legend else 0.905, 0.83))
    _mpl_header(fig, scene)
    dense = n > 2000
    for role, (marker, area, _, _) in STYLE.items():
        idx = [i for i in range(n) if scene.roles[i] == role]
        if not idx:
            continue
        if role == "token" and dense:
            area = 4
        ax.scatter(coords[idx, 0], coords[idx, 1], s=area, marker=marker, c=[colour[i] for i in idx],
                   edgecolors="white" if role in ("word", "neighbour") else "none", linewidths=0.6,
                   alpha=0.55 if role == "token" else 0.95, zorder=4 if role in ("answer", "target") else 3)
    handles = []
    for arrow in scene.arrows:
        c = PALETTE[arrow.color % len(PALETTE)]
        ax.annotate("", xy=arrow.end, xytext=arrow.start, zorder=2,
                    arrowprops=dict(arrowstyle="-|>,head_width=0.35,head_length=0.8", color=c,
                                    lw=1.6 if arrow.dashed else 2.2, linestyle="--" if arrow.dashed else "-",
                                    shrinkA=5, shrinkB=7))
        handles.append(Line2D([], [], color=c, lw=2, linestyle="--" if arrow.dashed else "-", label=arrow.name))
    if scene.zero_lines:
        ax.axhline(0, color="#bbbbbb", lw=0.8, zorder=1)
        ax.axvline(0, color="#bbbbbb", lw=0.8, zorder=1)
    if show_legend:
        seen: set[tuple[str, str]] = set()
        for i in range(n):
            key = (scene.groups[i], scene.roles[i] if scene.roles[i] in ("answer", "target") else "")
            if key in seen or (scene.roles[i] == "neighbour" and (scene.groups[i], "") in seen):
                continue
            seen.add(key)
            marker, area, _, _ = STYLE[scene.roles[i]]
            name = {"answer": "answer: " + scene.labels[i], "target": scene.labels[i]}.get(key[1], scene.groups[i])
            handles.append(Line2D([], [], marker=marker, color=colour[i], linestyle="", markersize=np.sqrt(area),
                                  label=name))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8.5, frameon=False,
                  borderaxespad=0.0)
    ax.set_xlabel(scene.axes[0] if scene.axes else "", fontsize=9)
    ax.set_ylabel(scene.axes[1] if len(scene.axes) > 1 else "", fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _set_limits(ax, coords, scene)
    _mpl_labels(fig, ax, coords, scene)


def _set_limits(ax: Any, coords: np.ndarray, scene: Scene) -> None:
    """Limits that fit points, arrows and room for labels; equal units on both axes if asked."""
    box = ax.get_window_extent()
    low, high = _limits(coords, scene, np.array([box.width, box.height], dtype=np.float64))
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])


def _mpl_labels(fig: Any, ax: Any, coords: np.ndarray, scene: Scene) -> None:
    """Add the labels, placed where they do not overlap each other, markers or arrows."""
    fig.canvas.draw()  # fixes limits (equal aspect) and the data -> pixel transform
    renderer = fig.canvas.get_renderer()
    order, required = _label_order(scene)  # required labels are placed first
    texts = []
    for i in order:
        role = scene.roles[i]
        text = ax.text(coords[i, 0], coords[i, 1], scene.labels[i], ha="center", va="center", zorder=5,
                       parse_math=False, fontsize=9.5 if role in REQUIRED_ROLES else 8,
                       fontweight="bold" if role in ("word", "answer") else "normal",
                       color="#555555" if role == "context" else "#111111",
                       bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.75))
        text.set_clip_on(False)
        texts.append(text)
    if not texts:
        return
    obstacles = [coords if len(coords) <= 300 else coords[order]]
    for arrow in scene.arrows:  # sample each arrow so labels keep off it
        t = np.linspace(0.0, 1.0, 24)[:, None]
        obstacles.append(np.asarray(arrow.start) * (1 - t) + np.asarray(arrow.end) * t)
    arrange_texts(ax, renderer, texts, coords[order], np.concatenate(obstacles), required,
                  max_optional=scene.max_labels, optional_rings=5 if len(coords) <= 300 else 1)


def _mpl_heatmap(fig: Any, scene: Scene) -> None:
    matrix = np.asarray(scene.matrix)
    n = len(matrix)
    ax = fig.add_subplot()
    fig.suptitle(scene.title, x=0.02, ha="left", fontsize=12.5, fontweight="bold")
    ax.set_title(scene.note, loc="left", fontsize=8.5, color="#555555")
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-1.0, vmax=1.0)
    ax.set_xticks(range(n), scene.labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=9)
    ax.set_yticks(range(n), scene.labels, fontsize=9)
    if n <= 30:
        size = 9 if n <= 10 else 7.5 if n <= 18 else 6
        for r in range(n):
            for c in range(n):
                value = matrix[r, c]
                ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=size,
                        color="white" if abs(value) > 0.6 else "#222222")
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    bar.set_label("cosine similarity", fontsize=9)
    bar.ax.tick_params(labelsize=8)


# -- plotly -----------------------------------------------------------------------------------------
def plotly_figure(scene: Scene) -> Any:
    """A plotly ``Figure`` of the scene: hover shows each token and its nearest neighbours."""
    go = require("plotly.graph_objects", "plot", "interactive HTML plots")
    title = html.escape(scene.title) + (f"<br><sup>{html.escape(scene.note)}</sup>" if scene.note else "")
    fig = go.Figure()
    fig.update_layout(template="plotly_white", title=dict(text=title, x=0.01), height=HTML_SIZE[1],
                      legend=dict(itemsizing="constant"))
    if scene.matrix is not None:
        labels = [html.escape(label) for label in scene.labels]
        fig.add_trace(go.Heatmap(z=scene.matrix, x=labels, y=labels, colorscale="RdBu", reversescale=True, zmin=-1,
                                 zmax=1, text=np.round(scene.matrix, 2), texttemplate="%{text:.2f}",
                                 colorbar=dict(title="cosine"),
                                 hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>"))
        fig.update_yaxes(autorange="reversed", scaleanchor="x", scaleratio=1)
        return fig
    coords = np.asarray(scene.coords, dtype=np.float64)
    three_d = coords.shape[1] == 3
    colour = colours(scene)
    shown = labelled(scene)
    hover = scene.hover or [html.escape(label) for label in scene.labels]
    for group in dict.fromkeys(scene.groups):
        idx = [i for i, g in enumerate(scene.groups) if g == group]
        style = [STYLE[scene.roles[i]] for i in idx]
        common = dict(  # 2-D labels are placed afterwards, as annotations that do not overlap
            name=html.escape(group), mode="markers+text" if three_d else "markers",
            text=[_plotly_label(scene, i) if shown[i] and three_d else "" for i in idx],
            hovertext=[hover[i] for i in idx], hovertemplate="%{hovertext}<extra></extra>",
        )
        sizes = [s[3] if not (len(coords) > 2000 and scene.roles[i] == "token") else 3 for s, i in zip(style, idx)]
        if three_d:
            symbols = [s[2] if s[2] in ("circle", "diamond", "x", "square", "cross") else "circle" for s in style]
            fig.add_trace(go.Scatter3d(x=coords[idx, 0], y=coords[idx, 1], z=coords[idx, 2], **common,
                                       marker=dict(size=[max(2, s * 0.6) for s in sizes], symbol=symbols,
                                                   color=[colour[i] for i in idx])))
        else:
            kind = go.Scattergl if len(coords) > 2000 else go.Scatter
            fig.add_trace(kind(x=coords[idx, 0], y=coords[idx, 1], textposition="top center", **common,
                               marker=dict(size=sizes, symbol=[s[2] for s in style], color=[colour[i] for i in idx],
                                           line=dict(width=0.5, color="white"))))
    for arrow in scene.arrows:
        c = PALETTE[arrow.color % len(PALETTE)]
        fig.add_trace(go.Scatter(x=[arrow.start[0], arrow.end[0]], y=[arrow.start[1], arrow.end[1]], mode="lines",
                                 name=html.escape(arrow.name), hoverinfo="skip",
                                 line=dict(color=c, width=2.5, dash="dash" if arrow.dashed else "solid")))
        fig.add_annotation(x=arrow.end[0], y=arrow.end[1], ax=arrow.start[0], ay=arrow.start[1], xref="x", yref="y",
                           axref="x", ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2,
                           arrowwidth=2.5, arrowcolor=c, standoff=7)
    if three_d:
        fig.update_layout(scene=dict(xaxis_title=scene.axes[0], yaxis_title=scene.axes[1],
                                     zaxis_title=scene.axes[2]))
    else:
        fig.update_xaxes(title=scene.axes[0] if scene.axes else "", zeroline=scene.zero_lines)
        fig.update_yaxes(title=scene.axes[1] if len(scene.axes) > 1 else "", zeroline=scene.zero_lines)
        _plotly_labels(fig, scene, coords)
    return fig


HTML_SIZE = (1100, 720)  # a 2-D HTML plot's fixed size in pixels, so its labels can be placed like the PNG's
_HTML_MARGIN = dict(l=70, r=30, t=90, b=120)  # the legend sits below the plot, inside the bottom margin


def _plotly_labels(fig: Any, scene: Scene, coords: np.ndarray) -> None:
    """Fix the figure's size and axis ranges, then place its labels with the PNG's algorithm (estimated
    text boxes in pixels) as annotations; a label that fits nowhere is left to the hover text."""
    width = HTML_SIZE[0] - _HTML_MARGIN["l"] - _HTML_MARGIN["r"]
    height = HTML_SIZE[1] - _HTML_MARGIN["t"] - _HTML_MARGIN["b"]
    low, high = _limits(coords, scene, np.array([width, height], dtype=np.float64))
    fig.update_layout(width=HTML_SIZE[0], autosize=False, margin=dict(**_HTML_MARGIN, autoexpand=False),
                      legend=dict(orientation="h", yanchor="top", y=-0.1, x=0))
    fig.update_xaxes(range=[low[0], high[0]], autorange=False)
    fig.update_yaxes(range=[low[1], high[1]], autorange=False)
    order, required = _label_order(scene)
    if not len(order):
        return
    scale = np.array([width, height]) / (high - low)
    to_pixels = lambda xy: (np.asarray(xy, dtype=np.float64) - low) * scale  # noqa: E731
    sizes = np.array([_text_box(scene.labels[i], scene.roles[i] in REQUIRED_ROLES) for i in order])
    anchors = to_pixels(coords[order])
    obstacles = [to_pixels(coords if len(coords) <= 300 else coords[order])]
    for arrow in scene.arrows:
        t = np.linspace(0.0, 1.0, 24)[:, None]
        obstacles.append(to_pixels(np.asarray(arrow.start) * (1 - t) + np.asarray(arrow.end) * t))
    centres, placed = place_labels(anchors, sizes, np.concatenate(obstacles), (0.0, 0.0, width, height), required,
                                   marker_radius=5.0, gap=2.0, max_optional=scene.max_labels,
                                   optional_rings=5 if len(coords) <= 300 else 1)
    for k, i in enumerate(order):
        if not placed[k]:
            continue
        bold = scene.roles[i] in REQUIRED_ROLES
        at = centres[k] / scale + low
        moved = np.hypot(*(centres[k] - anchors[k])) > sizes[k].max() / 2 + 10
        fig.add_annotation(x=at[0], y=at[1], text=_plotly_label(scene, i), showarrow=False,
                           font=dict(size=12 if bold else 10, color="#555555" if scene.roles[i] == "context"
                                     else "#111111"), bgcolor="rgba(255,255,255,0.75)", borderpad=1)
        if moved:  # a leader line back to its point
            fig.add_shape(type="line", x0=coords[i, 0], y0=coords[i, 1], x1=at[0], y1=at[1],
                          line=dict(color="#999999", width=0.6), layer="below")


def _label_order(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """The points that may get a label, required ones first, and which of them are required."""
    chosen = np.flatnonzero(labelled(scene, candidates=6))
    required = np.array([scene.roles[i] in REQUIRED_ROLES for i in chosen], dtype=bool)
    order = np.concatenate([chosen[required], chosen[~required]]).astype(np.int64)
    return order, np.concatenate([np.ones(required.sum(), bool), np.zeros((~required).sum(), bool)])


def _text_box(label: str, bold: bool) -> tuple[float, float]:
    """A label's box in pixels as plotly draws it (Open Sans-like metrics, a little generous)."""
    size = 12 if bold else 10
    return len(label) * size * (0.66 if bold else 0.62) + 8, size * 1.35 + 4


def _limits(coords: np.ndarray, scene: Scene, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Axis limits that fit points, arrows and room for labels; equal units on both axes if asked."""
    low, high = coords.min(axis=0), coords.max(axis=0)
    for arrow in scene.arrows:
        low = np.minimum(low, np.minimum(arrow.start, arrow.end))
        high = np.maximum(high, np.maximum(arrow.start, arrow.end))
    span = np.where(high - low > 0, high - low, 1.0)
    low, high = low - span * [0.14, 0.08], high + span * [0.14, 0.08]  # labels sit beside points
    if scene.equal_aspect:  # widen the shorter side so one unit is as long on both axes
        per_pixel = ((high - low) / pixels).max()
        centre = (low + high) / 2
        low, high = centre - per_pixel * pixels / 2, centre + per_pixel * pixels / 2
    return low, high


def _plotly_label(scene: Scene, i: int) -> str:
    """Point text for plotly (which reads it as HTML): escaped, bold for the words asked for."""
    text = html.escape(scene.labels[i])
    return f"<b>{text}</b>" if scene.roles[i] in ("word", "answer") else text
