"""An explorer for notebooks: search, neighbours, analogies and a 2-D map of a few thousand tokens, in one
self-contained HTML fragment (data and script embedded; no server, no widget library, no network).

``explorer(v, top=2000, words=...)`` takes the ``top`` most frequent tokens plus ``words``, stores their
unit vectors as int8 codes (``round(127 * x)``, about 50 bytes a token at dim 50) and their PCA plane,
and returns an :class:`Explorer`: in Jupyter it displays itself (``_repr_html_``), ``save(path)`` writes
a standalone page. The map is drawn as SVG by Python, so it shows even where scripts do not run (GitHub);
the script (``explorer.js``) adds the search box, the neighbour list, the analogy form and highlighting.
Scores in the page are cosines of the int8 codes, computed exactly (integer dot products) in JavaScript;
:meth:`Explorer.neighbours` and :meth:`Explorer.analogy` are the NumPy twins a test compares the page with.

Deliberately left out: the whole vocabulary (``tokvec serve`` explores it all through a server) and
t-SNE/UMAP maps (``tokvec.plot.projection``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._plumbing.files import atomic_write
from ..errors import InvalidArgumentError, UnknownTokenError
from ..printable import clip, visible
from ..vectors import Vectors
from .projection import fit_pca
from .views import known_words

WIDTH, HEIGHT, LABELS = 640, 420, 60
SCRIPT = Path(__file__).with_name("explorer.js")  # package data beside this module


class Explorer:
    """The data of an explorer page: tokens, int8 unit-vector codes ``(n, dim)`` and map coordinates ``(n, 2)``."""

    def __init__(self, tokens: list[str], codes: np.ndarray, coords: np.ndarray, title: str):
        self.tokens, self.codes, self.coords, self.title = tokens, codes, coords, title
        self._rows = {t: i for i, t in enumerate(tokens)}
        self.id = "tokvec-explorer-" + hashlib.sha1(codes.tobytes() + "\n".join(tokens).encode()).hexdigest()[:10]

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return (f"<Explorer {len(self):,} tokens x {self.codes.shape[1]}: shown in Jupyter, or "
                f"explorer.save('explorer.html')>")

    def _row(self, word: str) -> int:
        if word not in self._rows:
            raise UnknownTokenError(word, len(self))
        return self._rows[word]

    def _ranked(self, query: np.ndarray, exclude: set[int], k: int) -> list[tuple[str, float]]:
        codes = self.codes.astype(np.int64)
        norms = np.sqrt((codes * codes).sum(axis=1).astype(np.float64))
        scores = ((codes @ query).astype(np.float64) / np.where(norms > 0, norms, 1.0)
                  / max(np.linalg.norm(query), 1e-12))
        order = [i for i in np.argsort(-scores, kind="stable") if i not in exclude][:k]
        return [(self.tokens[i], float(scores[i])) for i in order]

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` tokens whose codes are nearest (cosine) to ``word``'s, as the page ranks them."""
        row = self._row(word)
        return self._ranked(self.codes[row].astype(np.int64), {row}, k)

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """"``a`` is to ``b`` as ``c`` is to ?" over the codes: nearest to ``b - a + c``, a, b, c excluded."""
        rows = [self._row(w) for w in (a, b, c)]
        query = self.codes[rows[1]].astype(np.int64) - self.codes[rows[0]] + self.codes[rows[2]]
        return self._ranked(query, set(rows), k)

    def _svg(self) -> str:
        """The map as SVG: every token a dot, the first ``LABELS`` labelled (scripts add the highlights)."""
        px, py = _pixels(self.coords[:, 0], WIDTH, False), _pixels(self.coords[:, 1], HEIGHT, True)
        dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" data-row="{i}"/>'
                       for i, (x, y) in enumerate(zip(px, py)))
        labels = "".join(f'<text x="{px[i] + 3:.1f}" y="{py[i] - 2:.1f}">'
                         f'{html.escape(visible(clip(self.tokens[i], 20)))}</text>'
                         for i in range(min(LABELS, len(self))))
        return (f'<svg class="tv-map" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
                f'style="background:#fafafa;border:1px solid #ddd;font:10px sans-serif">'
                f'<g fill="#9ab" class="tv-dots">{dots}</g><g fill="#333" class="tv-labels">{labels}</g>'
                f'<g class="tv-marks"></g></svg>')

    def _repr_html_(self) -> str:
        px, py = _pixels(self.coords[:, 0], WIDTH, False), _pixels(self.coords[:, 1], HEIGHT, True)
        data = {"tokens": self.tokens, "dim": int(self.codes.shape[1]),
                "codes": base64.b64encode(self.codes.astype(np.int8).tobytes()).decode("ascii"),
                "x": px, "y": py}
        payload = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c")  # no </script> or <!-- inside
        script = SCRIPT.read_text(encoding="utf-8")
        form = ('<form class="tv-search"><input class="tv-q" placeholder="a token, e.g. king" size="18">'
                '<button>neighbours</button></form><ol class="tv-results"></ol>'
                '<form class="tv-analogy"><input class="tv-a" size="8" placeholder="man"> is to '
                '<input class="tv-b" size="8" placeholder="king"> as <input class="tv-c" size="8" '
                'placeholder="woman"> is to <button>?</button></form><ol class="tv-analogy-results"></ol>'
                '<div class="tv-status" style="color:#666"></div>')
        return (f'<div id="{self.id}" class="tokvec-explorer" style="font:13px sans-serif">'
                f'<div><b>{html.escape(visible(self.title))}</b></div>'
                f'<div style="display:flex;gap:16px;align-items:flex-start">{self._svg()}<div>{form}</div></div>'
                f'<script type="application/json" class="tv-data">{payload}</script>'
                f'<script>(function(root){{{script}}})(document.getElementById("{self.id}"));</script></div>')

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a standalone HTML page of the explorer (atomically) and return its path."""
        page = (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(visible(self.title))}'
                f'</title></head><body>{self._repr_html_()}</body></html>')
        path = Path(path)
        with atomic_write(path) as out:
            out.write(page.encode("utf-8"))
        return path


def _pixels(values: np.ndarray, size: int, flip: bool) -> list[float]:
    lo, hi = float(values.min()), float(values.max())
    scaled = 10 + (values - lo) / (hi - lo if hi > lo else 1.0) * (size - 20)
    return [round(float(size - p if flip else p), 1) for p in scaled]


def explorer(v: Vectors, top: int = 2000, words: Sequence[str] = (), *, title: str | None = None) -> Explorer:
    """An :class:`Explorer` of the first ``top`` tokens of ``v`` (the most frequent, in frequency-sorted files)
    plus ``words``: search, neighbours, analogies and a PCA map, all in the page.

    >>> import tokvec
    >>> page = explorer(tokvec.load("glove"), top=500, words=["kitten"])
    >>> len(page), page.neighbours("kitten", 1)[0][0] in page.tokens
    (501, True)
    """
    if not isinstance(top, (int, np.integer)) or top < 0:
        raise InvalidArgumentError(f"top must be a non-negative number of tokens, got {top!r}")
    rows = list(range(min(int(top), len(v))))
    for word in known_words(v, words, skip_missing=False):
        for row in v.word_rows(word)[:1]:
            if row not in rows:
                rows.append(row)
    if len(rows) < 3:
        raise InvalidArgumentError("an explorer needs at least 3 tokens: raise top or give more words")
    unit = np.stack([v.vector(r, norm=True) for r in rows])  # (n, dim)
    codes = np.clip(np.round(unit * 127), -127, 127).astype(np.int8)
    coords = fit_pca(unit, 2).transform(unit)  # (n, 2)
    name = v.metadata.get("name") or v.source or "vectors"
    return Explorer([v.token(r) for r in rows], codes, coords, title or f"explore {name}: {len(rows):,} tokens")
