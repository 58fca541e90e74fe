"""Notebook views of the embedding layer: ``Embedding`` (shape, init, a corner of the weights) and ``LookupCost``.

``EmbeddingDisplay`` and ``LookupCostDisplay`` are mixins the classes of ``tokvec.layers.embedding``
inherit; they read public attributes only and import nothing from ``tokvec.layers``.

Deliberately left out: gradients (``Embedding.grad`` prints as an array when you ask for it).
"""

from __future__ import annotations

from . import _html

CORNER = 6


def _size(n: int) -> str:
    """Bytes in binary units: ``154,389,504`` -> ``147.2 MiB``."""
    value, unit = float(n), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"


class EmbeddingDisplay:
    """``Embedding`` in a notebook: its shape, how it was initialised and the top-left corner of the weights."""

    def _corner(self) -> tuple[list[list[str]], bool, bool]:
        rows, cols = min(CORNER, self.num_embeddings), min(CORNER, self.dim)
        cells = [[f"{x:.4f}" for x in self.weight[i, :cols]] for i in range(rows)]
        return cells, rows < self.num_embeddings, cols < self.dim

    def text(self) -> str:
        """Shape, init and the corner of the weight matrix as plain text.

        >>> from tokvec import Embedding
        >>> print(Embedding(6, 3, seed=123).text())
        Embedding(6, 3): 18 weights (72 B), init torch seed 123
        row        0        1        2
          0   0.3374  -0.1778  -0.1690
          1   0.9178   1.5810   1.3010
          2   1.2753  -0.2010  -0.1606
          3  -0.4015   0.9666  -1.1481
          4  -1.1589   0.3255  -0.6315
          5  -2.8400  -0.7849  -1.4096
        """
        cells, more_rows, more_cols = self._corner()
        header = ["row"] + [str(j) for j in range(len(cells[0]) if cells else 0)] + (["…"] if more_cols else [])
        rows = [[str(i)] + r + (["…"] if more_cols else []) for i, r in enumerate(cells)]
        if more_rows:
            rows.append(["…"] * len(header))
        return f"{self.describe()}\n" + _html.text_table(header, rows, ">" * len(header))

    def describe(self) -> str:
        """One line: shape, number of weights and bytes, init."""
        n = self.weight.size
        return (f"Embedding({self.num_embeddings}, {self.dim}): {n:,} weights ({_size(self.weight.nbytes)}), "
                f"init {self.init}")

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        cells, more_rows, more_cols = self._corner()
        header = ["row"] + [str(j) for j in range(len(cells[0]) if cells else 0)] + (["…"] if more_cols else [])
        rows = [[str(i)] + r + (["…"] if more_cols else []) for i, r in enumerate(cells)]
        if more_rows:
            rows.append(["⋮"] * len(header))
        return _html.block(_html.text(self.describe()), _html.table(header, rows, ["right"] * len(header)))


class LookupCostDisplay:
    """``LookupCost`` in a notebook: FLOPs, bytes and (if measured) times of both ways, side by side."""

    def _rows(self) -> list[list[str]]:
        def seconds(s: float | None) -> str:
            return "–" if s is None else f"{s * 1e3:,.3f} ms"

        return [["lookup (gather rows)", "0", _size(self.lookup_bytes), seconds(self.lookup_seconds)],
                ["one-hot × Linear", f"{self.onehot_flops:,}", _size(self.onehot_bytes), seconds(self.onehot_seconds)]]

    def _title(self) -> str:
        return f"{self.n_ids:,} ids from a {self.vocab:,} × {self.dim} table"

    def _verdict(self) -> str:
        line = f"one-hot does {self.flop_ratio:,.0f} FLOPs per byte the lookup moves"
        return line + (f"; measured {self.speedup:,.1f}× slower" if self.speedup else "")

    def text(self) -> str:
        """The comparison as plain text.

        >>> from tokvec.layers import lookup_cost
        >>> print(lookup_cost(6, 3, 4).text())
        4 ids from a 6 × 3 table
        way                   FLOPs  bytes  time
        lookup (gather rows)      0   96 B     –
        one-hot × Linear        144  216 B     –
        one-hot does 2 FLOPs per byte the lookup moves
        """
        table = _html.text_table(["way", "FLOPs", "bytes", "time"], self._rows(), "<>>>")
        return f"{self._title()}\n{table}\n{self._verdict()}"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        rows = [[_html.text(c) for c in row] for row in self._rows()]
        return _html.block(_html.text(self._title()), _html.table(["way", "FLOPs", "bytes", "time"], rows,
                                                                  ["left", "right", "right", "right"]),
                           _html.note(self._verdict()))
