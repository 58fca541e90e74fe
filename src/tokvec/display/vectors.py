"""How a ``Vectors`` shows itself in a notebook: size, dtype, storage, source, sample tokens and norms.

``VectorsDisplay`` is a mixin ``Vectors`` inherits; it reads only public attributes (``tokens``,
``matrix``, ``norms``, ``source``, ``metadata``, ``compact``), so it imports nothing from
``tokvec.vectors``. ``summary()`` is the plain-text form (IPython's text view);
``_repr_html_`` the same as a table with the first tokens and their norms. ``repr`` is untouched.

Deliberately left out: anything that scans more than the norms (neighbours belong to queries).
"""

from __future__ import annotations

import numpy as np

from ..printable import clip, visible
from . import _html

SAMPLE = 8


class VectorsDisplay:
    """Notebook views of a ``Vectors``: ``summary()``, ``_repr_pretty_`` and ``_repr_html_``."""

    def _facts(self) -> list[tuple[str, str]]:
        storage = "memory-mapped" if isinstance(self.matrix, np.memmap) else "in memory"
        if self.compact is not None:
            storage += f", {self.compact.rows.dtype.name} scan copy"
        facts = [("shape", f"{len(self):,} tokens × {self.dim}"), ("dtype", f"{np.dtype(self.dtype).name} ({storage})")]
        if self.source:
            facts.append(("source", self.source))
        for key in ("name", "license"):
            if key in self.metadata:
                facts.append((key, self.metadata[key]))
        if self.tokenizer is not None:
            facts.append(("tokenizer", "words not in the vocabulary are the mean of their pieces"))
        if len(self):
            norms = self.norms
            facts.append(("norms", f"min {float(norms.min()):.3f} · median {float(np.median(norms)):.3f} · "
                                   f"max {float(norms.max()):.3f}"))
        return facts

    def _sample(self) -> list[tuple[int, str, float]]:
        n = min(SAMPLE, len(self))
        return [(i, self.vocab.token(i), float(self.norms[i])) for i in range(n)]

    def summary(self) -> str:
        """A few lines: shape, dtype and storage, source, norms, the first tokens.

        >>> from tokvec import Vectors
        >>> print(Vectors(["cat", "dog"], np.eye(2, dtype=np.float32)).summary())
        Vectors
          shape  2 tokens × 2
          dtype  float32 (in memory)
          norms  min 1.000 · median 1.000 · max 1.000
          first  cat, dog
        """
        facts = self._facts()
        width = max(len(k) for k, _ in facts + [("first", "")])
        lines = ["Vectors"] + [f"  {k:<{width}}  {visible(v)}" for k, v in facts]
        if len(self):
            first = ", ".join(clip(visible(t), 24) for _, t, _ in self._sample())
            lines.append(f"  {'first':<{width}}  {first}{', …' if len(self) > SAMPLE else ''}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.summary())

    def _repr_html_(self) -> str:
        facts = _html.table(["", ""], [[f"<b>{_html.text(k)}</b>", _html.text(v)] for k, v in self._facts()])
        sample = ""
        if len(self):
            rows = [[f"{i:,}", _html.token(t), f"{norm:.3f}"] for i, t, norm in self._sample()]
            more = f"first {len(rows)} of {len(self):,} tokens"
            sample = _html.table(["row", "token", "norm"], rows, ["right", "left", "right"], caption=more)
        return _html.block("Vectors", '<div style="display:flex;gap:24px;align-items:flex-start">',
                           facts, sample, "</div>")
