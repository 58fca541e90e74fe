"""Label placement for scatter plots: greedy candidate positions, so labels do not pile up.

Every label gets the first of a ring of candidate positions around its point (right, left, above,
below, the diagonals, then the same farther out) whose box overlaps no label already placed, no
point marker and stays inside the plot. Labels are placed in the order given, so the important
ones (the words asked for) go first. A label marked ``required`` that finds no free place takes
its least-crowded candidate; an optional one is left out (an interactive plot still shows it on
hover), so from many candidates the labels that fit are kept, spread over the plot. Works in pixel
units and knows nothing about matplotlib, so it is tested on its own.

Deliberately left out: force-directed refinement and moving points (as adjustText does); the
greedy pass is enough for the tens of labels a readable plot has.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# unit directions tried around a point, nearest-looking first: right, left, up, down, diagonals
_DIRECTIONS = np.array(
    [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1], [1, -1], [-1, -1]], dtype=np.float64
)


def place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray,
    obstacles: np.ndarray,
    bounds: tuple[float, float, float, float],
    required: np.ndarray,
    *,
    gap: float = 3.0,
    marker_radius: float = 3.0,
    rings: int = 5,
    optional_rings: int = 2,
    max_optional: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Centres for label boxes and which labels were placed.

    ``anchors`` ``(L, 2)``: the point each label names (pixels); ``sizes`` ``(L, 2)``: label width
    and height; ``obstacles`` ``(P, 2)``: every marker centre; ``bounds``: ``(x0, y0, x1, y1)`` of
    the plot area; ``required`` ``(L,)`` bool. Optional labels try only the nearest
    ``optional_rings`` rings and stop after ``max_optional`` are placed. Returns ``centres``
    ``(L, 2)`` and ``placed`` ``(L,)`` bool (always true where required).

    >>> centres, placed = place_labels(np.array([[50.0, 50.0], [52.0, 50.0]]),
    ...                                np.array([[30.0, 10.0], [30.0, 10.0]]),
    ...                                np.array([[50.0, 50.0], [52.0, 50.0]]), (0, 0, 200, 200),
    ...                                np.array([True, True]))
    >>> bool(placed.all()), bool(abs(centres[0, 1] - centres[1, 1]) >= 10 or
    ...                          abs(centres[0, 0] - centres[1, 0]) >= 30)
    (True, True)
    """
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    obstacles = np.asarray(obstacles, dtype=np.float64).reshape(-1, 2)
    required = np.asarray(required, dtype=bool).reshape(-1)
    x0, y0, x1, y1 = bounds
    n = len(anchors)
    centres = anchors.copy()
    placed = np.zeros(n, dtype=bool)
    boxes = np.empty((n, 4))  # placed label boxes: x0, y0, x1, y1
    count = 0
    r = marker_radius
    obstacle_boxes = np.column_stack([obstacles - r, obstacles + r])  # (P, 4)
    optional_left = n if max_optional is None else max_optional
    for i in range(n):
        if not required[i] and optional_left <= 0:
            continue
        half = sizes[i] / 2
        candidates = _candidates(anchors[i], half, gap + marker_radius, rings if required[i] else optional_rings)
        cand_boxes = np.column_stack([candidates - half, candidates + half])  # (C, 4)
        cost = _overlap(cand_boxes, boxes[:count]) * 4 + _overlap(cand_boxes, obstacle_boxes)
        outside = (
            np.clip(x0 - cand_boxes[:, 0], 0, None) + np.clip(cand_boxes[:, 2] - x1, 0, None)
            + np.clip(y0 - cand_boxes[:, 1], 0, None) + np.clip(cand_boxes[:, 3] - y1, 0, None)
        )
        cost = cost + outside * sizes[i].max() * 10
        free = np.flatnonzero(cost <= 1e-9)
        if len(free):
            best = free[0]
        elif required[i]:
            best = int(np.argmin(cost))
        else:
            continue
        centres[i] = candidates[best]
        boxes[count] = cand_boxes[best]
        count += 1
        placed[i] = True
        optional_left -= 0 if required[i] else 1
    return centres, placed


def _candidates(anchor: np.ndarray, half: np.ndarray, offset: float, rings: int) -> np.ndarray:
    """Box centres that put the box beside ``anchor`` in each direction, ring after ring."""
    out = []
    for ring in range(rings):
        distance = offset + ring * 2.0 * half[1]  # each ring one label height farther
        for d in _DIRECTIONS:
            out.append(anchor + d * (half + distance))
    return np.array(out)  # (rings * 8, 2)


def _overlap(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Total intersection area of each box ``(C, 4)`` with all of ``others`` ``(M, 4)``: ``(C,)``."""
    if len(others) == 0:
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    h = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)  # (C, M) -> (C,)


def arrange_texts(ax: Any, renderer: Any, texts: list[Any], anchors: np.ndarray, obstacles: np.ndarray,
                  required: np.ndarray, *, max_optional: int | None = None, optional_rings: int = 5) -> None:
    """Move matplotlib ``texts`` (one per anchor, in data units) to places found by ``place_labels``, so
    none overlaps another or a marker; remove those that fit nowhere; draw a leader line to a label
    that moved away from its point. Needs a drawn canvas (``renderer``) for the text sizes."""
    if not texts:
        return
    sizes = np.array([[b.width + 4, b.height + 2] for b in (t.get_window_extent(renderer) for t in texts)])
    to_pixels, from_pixels = ax.transData.transform, ax.transData.inverted().transform
    pixels = to_pixels(np.asarray(anchors, dtype=np.float64))
    box = ax.get_window_extent(renderer)
    centres, placed = place_labels(pixels, sizes, to_pixels(np.asarray(obstacles, dtype=np.float64)),
                                   (box.x0, box.y0, box.x1, box.y1), required, marker_radius=4.0, gap=2.0,
                                   max_optional=max_optional, optional_rings=optional_rings)
    for k, text in enumerate(texts):
        if not placed[k]:
            text.remove()
            continue
        text.set_position(from_pixels(centres[k]))
        text.set_horizontalalignment("center")
        text.set_verticalalignment("center")
        half = sizes[k] / 2
        nearest = np.clip(pixels[k], centres[k] - half, centres[k] + half)  # closest point of the box
        if np.hypot(*(nearest - pixels[k])) > 14:  # moved away: draw a leader line
            ends = from_pixels(np.stack([pixels[k], nearest]))
            ax.plot(ends[:, 0], ends[:, 1], color="#999999", lw=0.6, zorder=2)
