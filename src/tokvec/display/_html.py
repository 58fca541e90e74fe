"""HTML building blocks for notebook display: escaped text, tables, similarity bars, an inline SVG line chart.

Every string that came from data (tokens, file names, benchmark names) goes through :func:`text`, which
escapes it (``<unk>`` shows as ``<unk>``, never as a tag) after :func:`tokvec.printable.visible` has made
control characters visible, so a token is shown verbatim and can never become markup or script.

Deliberately left out: CSS frameworks, JavaScript (the explorer, ``tokvec.plot.explorer``, is the one
interactive view) and anything Jupyter-specific (``tokvec.display.notebook``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from ..printable import clip, visible

CELL = 'style="padding:1px 8px;text-align:{align}"'
TOKEN_LIMIT = 60


def text(value: object, limit: int | None = None) -> str:
    """``value`` as escaped HTML text, control characters written as escapes, cut to ``limit`` characters.

    >>> text("<unk>"), text("a\\x1b[31m")
    ('&lt;unk&gt;', 'a\\\\x1b[31m')
    """
    shown = visible(str(value))
    return html.escape(clip(shown, limit) if limit else shown, quote=True)


def token(value: str) -> str:
    """A token in a ``<code>`` cell: verbatim (escaped), spaces kept (``Ġ``-style tokens keep their look)."""
    return f'<code style="white-space:pre">{text(value, TOKEN_LIMIT)}</code>'


def number(value: float | int | None, digits: int = 4) -> str:
    """A number for a table: integers with thousands separators, floats rounded, None as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return html.escape(str(value))
    return f"{value:.{digits}f}"


def bar(fraction: float, width: int = 120, colour: str = "#4c78a8") -> str:
    """A horizontal bar ``fraction`` (clipped to [0, 1]) of ``width`` pixels, as an inline ``<div>``."""
    fraction = 0.0 if not math.isfinite(fraction) else min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return (f'<div style="width:{width}px;height:10px;background:#eee;display:inline-block">'
            f'<div style="width:{filled}px;height:10px;background:{colour}"></div></div>')


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] = (),
          caption: str = "") -> str:
    """An HTML table; ``header`` is escaped, the cells of ``rows`` are HTML already (use :func:`text`)."""
    align = list(align) + ["left"] * (len(header) - len(align))
    head = "".join(f"<th {CELL.format(align=a)}>{text(h)}</th>" for h, a in zip(header, align))
    body = "".join("<tr>" + "".join(f"<td {CELL.format(align=a)}>{c}</td>" for c, a in zip(row, align)) + "</tr>"
                   for row in rows)
    cap = f'<caption style="text-align:left;font-weight:bold">{caption}</caption>' if caption else ""
    return f'<table style="border-collapse:collapse">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def block(title: str, *parts: str) -> str:
    """A titled ``<div>``: ``title`` (HTML) in bold, then the parts (HTML)."""
    return f'<div class="tokvec"><div><b>{title}</b></div>{"".join(parts)}</div>'


def note(line: str) -> str:
    """A small grey line of (escaped) text, e.g. an evaluation protocol."""
    return f'<div style="color:#666;font-size:90%">{text(line)}</div>'


def line_chart(series: dict[str, Sequence[tuple[float, float]]], *, width: int = 320, height: int = 140,
               x_label: str = "", y_label: str = "") -> str:
    """A small SVG line chart: one polyline per named series of ``(x, y)`` points (non-finite y skipped).

    The chart is plain SVG (no JavaScript), so it renders in a notebook, on GitHub and in a saved page.

    >>> svg = line_chart({"loss": [(1, 2.0), (2, 1.5), (3, 1.2)]})
    >>> svg.startswith("<svg") and svg.count("<polyline") == 1
    True
    """
    points = [(x, y) for pts in series.values() for x, y in pts if math.isfinite(x) and math.isfinite(y)]
    if not points:
        return ""
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    left, bottom, pad = 48, 28, 8

    def place(x: float, y: float) -> str:
        px = left + (x - x0) / (x1 - x0) * (width - left - pad)
        py = pad + (y1 - y) / (y1 - y0) * (height - bottom - pad)
        return f"{px:.1f},{py:.1f}"

    colours = ("#4c78a8", "#f58518", "#54a24b", "#e45756")
    lines, legend = [], []
    for k, (name, pts) in enumerate(series.items()):
        kept = [place(x, y) for x, y in pts if math.isfinite(x) and math.isfinite(y)]
        colour = colours[k % len(colours)]
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(kept)}"/>')
        lines += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5" fill="{colour}"/>' for p in kept]
        legend.append(f'<text x="{width - pad}" y="{pad + 12 + 14 * k}" text-anchor="end" font-size="11" '
                      f'fill="{colour}">{text(name)}</text>')
    axes = (f'<line x1="{left}" y1="{height - bottom}" x2="{width - pad}" y2="{height - bottom}" stroke="#999"/>'
            f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{height - bottom}" stroke="#999"/>'
            f'<text x="{left - 4}" y="{pad + 4}" text-anchor="end" font-size="10">{y1:.3g}</text>'
            f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="10">{y0:.3g}</text>'
            f'<text x="{left}" y="{height - bottom + 12}" font-size="10">{x0:g}</text>'
            f'<text x="{width - pad}" y="{height - bottom + 12}" text-anchor="end" font-size="10">{x1:g}</text>'
            f'<text x="{(left + width) / 2}" y="{height - 4}" text-anchor="middle" font-size="11">'
            f'{text(x_label)}</text>'
            f'<text x="12" y="{(pad + height - bottom) / 2}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 12 {(pad + height - bottom) / 2})">{text(y_label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{axes}{"".join(lines)}{"".join(legend)}</svg>')


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] = ()) -> str:
    """A plain-text table (for ``_repr_pretty_`` and ``str``): columns padded, ``>`` aligned right.

    >>> print(text_table(["token", "score"], [["queen", "0.85"]], "<>"))
    token  score
    queen   0.85
    """
    align = list(align) + ["<"] * (len(header) - len(align))
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [list(header)] + [list(r) for r in rows]
    return "\n".join("  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(line, align, widths)).rstrip() for line in lines)
