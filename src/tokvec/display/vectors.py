"""How a ``Vectors`` shows itself in a notebook: size, dtype, storage, source, sample tokens and norms.

``Vectors.summary``, ``_repr_pretty_`` and ``_repr_html_`` delegate here; these functions read only
public attributes (``tokens``, ``matrix``, ``norms``, ``source``, ``metadata``, ``compact``), so they
import nothing from ``tokvec.vectors``. ``summary`` is the plain-text form (IPython's text view);
``html`` the same as a table with the first tokens and their norms. ``repr`` is untouched.

Deliberately left out: anything that scans more than the norms (neighbours belong to queries).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..printable import clip, visible
from . import _html

SAMPLE = 8


def _facts(v: Any) -> list[tuple[str, str]]:
    storage = "memory-mapped" if isinstance(v.matrix, np.memmap) else "in memory"
    if v.compact is not None:
        storage += f", {v.compact.rows.dtype.name} scan copy"
    facts = [("shape", f"{len(v):,} tokens × {v.dim}"), ("dtype", f"{np.dtype(v.dtype).name} ({storage})")]
    if v.source:
        facts.append(("source", v.source))
    for key in ("name", "license"):
        if key in v.metadata:
            facts.append((key, v.metadata[key]))
    if v.tokenizer is not None:
        facts.append(("tokenizer", "words not in the vocabulary are the mean of their pieces"))
    if len(v):
        norms = v.norms
        facts.append(("norms", f"min {float(norms.min()):.3f} · median {float(np.median(norms)):.3f} · "
                               f"max {float(norms.max()):.3f}"))
    return facts


def _sample(v: Any) -> list[tuple[int, str, float]]:
    n = min(SAMPLE, len(v))
    return [(i, v.vocab.token(i), float(v.norms[i])) for i in range(n)]


def summary(v: Any) -> str:
    """A few lines: shape, dtype and storage, source, norms, the first tokens.

    >>> from tokvec import Vectors
    >>> print(summary(Vectors(["cat", "dog"], np.eye(2, dtype=np.float32))))
    Vectors
      shape  2 tokens × 2
      dtype  float32 (in memory)
      norms  min 1.000 · median 1.000 · max 1.000
      first  cat, dog
    """
    facts = _facts(v)
    width = max(len(k) for k, _ in facts + [("first", "")])
    lines = ["Vectors"] + [f"  {k:<{width}}  {visible(value)}" for k, value in facts]
    if len(v):
        first = ", ".join(clip(visible(t), 24) for _, t, _ in _sample(v))
        lines.append(f"  {'first':<{width}}  {first}{', …' if len(v) > SAMPLE else ''}")
    return "\n".join(lines)


def html(v: Any) -> str:
    """The summary as an HTML table beside the first tokens and their norms (a notebook's view)."""
    facts = _html.table(["", ""], [[f"<b>{_html.text(k)}</b>", _html.text(value)] for k, value in _facts(v)])
    sample = ""
    if len(v):
        rows = [[f"{i:,}", _html.token(t), f"{norm:.3f}"] for i, t, norm in _sample(v)]
        more = f"first {len(rows)} of {len(v):,} tokens"
        sample = _html.table(["row", "token", "norm"], rows, ["right", "left", "right"], caption=more)
    return _html.block("Vectors", '<div style="display:flex;gap:24px;align-items:flex-start">',
                       facts, sample, "</div>")
