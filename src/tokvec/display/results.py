"""Notebook views of results: evaluation (one table per benchmark and per analogy section, the protocol
line) and training (the loss as a small inline SVG chart, speed and size).

``AnalogyDisplay``, ``SimilarityDisplay``, ``TrainDisplay`` (word2vec) and ``LMDisplay`` (the tiny GPT)
are mixins the result dataclasses inherit; they read public fields only and import nothing from
``tokvec.evaluate`` or ``tokvec.train``. ``Report`` shows several results one after another
(``Report([similarity, analogies])``), each with its own table.

Deliberately left out: comparisons between runs (put two results in one ``Report``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import _html


class _Shown:
    """``_repr_pretty_`` prints ``text()``."""

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text())


class AnalogyDisplay(_Shown):
    """An analogy result: total accuracy, then each section's accuracy with a bar, then the protocol."""

    def _rows(self) -> list[tuple[str, int, int, int, float]]:
        return [(s.name, s.correct, s.total, s.skipped, s.accuracy) for s in self.sections]

    def _headline(self) -> str:
        return (f"{self.name} ({self.method}): {self.accuracy:.2%} of {self.total:,} questions "
                f"({self.correct:,} correct, {self.skipped:,} skipped)")

    def text(self) -> str:
        """Headline, one line per section and the protocol, as plain text."""
        rows = [[name, f"{c:,}", f"{t:,}", f"{s:,}", f"{a:.2%}"] for name, c, t, s, a in self._rows()]
        table = _html.text_table(["section", "correct", "answered", "skipped", "accuracy"], rows, "<>>>>")
        return f"{self._headline()}\n{table}\nprotocol: {self.protocol}"

    def _repr_html_(self) -> str:
        rows = [[_html.text(name), f"{c:,}", f"{t:,}", f"{s:,}", f"{a:.2%}", _html.bar(a)]
                for name, c, t, s, a in self._rows()]
        table = _html.table(["section", "correct", "answered", "skipped", "accuracy", ""], rows,
                            ["left", "right", "right", "right", "right", "left"])
        return _html.block(_html.text(self._headline()), table, _html.note(f"protocol: {self.protocol}"))


class SimilarityDisplay(_Shown):
    """A word-similarity result: Spearman and Pearson with p-values, pairs used and skipped, the protocol."""

    def _cells(self) -> list[str]:
        return [self.name, f"{self.spearman:.4f}", f"{self.spearman_p:.2g}", f"{self.pearson:.4f}",
                f"{self.pearson_p:.2g}", f"{self.pairs_used:,}", f"{self.pairs_skipped:,} ({self.oov_ratio:.1f}%)"]

    HEADER = ("benchmark", "Spearman", "p", "Pearson", "p", "pairs", "skipped")

    def text(self) -> str:
        """The correlations as a one-row plain-text table, then the protocol."""
        return f"{_html.text_table(self.HEADER, [self._cells()], '<>>>>>>')}\nprotocol: {self.protocol}"

    def _repr_html_(self) -> str:
        cells = [_html.text(c) for c in self._cells()]
        table = _html.table(self.HEADER, [cells], ["left"] + ["right"] * 6)
        return _html.block(_html.text(f"{self.name}: Spearman {self.spearman:.4f}"), table,
                           _html.note(f"protocol: {self.protocol}"))


def _loss_table(points: Sequence[tuple[float, float]]) -> list[list[str]]:
    return [[f"{x:g}", "–" if not math.isfinite(y) else f"{y:.4f}"] for x, y in points]


class TrainDisplay(_Shown):
    """A word2vec result: vocabulary and dimension, speed, and the mean loss per epoch as a chart."""

    def _points(self) -> list[tuple[float, float]]:
        return [(e + 1, loss) for e, loss in enumerate(self.epoch_loss)]

    def _headline(self) -> str:
        c = self.config
        return (f"word2vec {c.model}: {len(self.vectors):,} tokens × {c.dim}, {c.epochs} epochs, "
                f"{self.effective_words:,} words at {self.words_per_second:,.0f} words/s ({self.seconds:.2f} s)")

    def text(self) -> str:
        """Headline and the loss per epoch, as plain text."""
        return f"{self._headline()}\n" + _html.text_table(["epoch", "loss"], _loss_table(self._points()), ">>")

    def _repr_html_(self) -> str:
        chart = _html.line_chart({"loss": self._points()}, x_label="epoch", y_label="mean loss")
        table = _html.table(["epoch", "loss"], _loss_table(self._points()), ["right", "right"])
        return _html.block(_html.text(self._headline()),
                           f'<div style="display:flex;gap:24px;align-items:center">{chart}{table}</div>')


class LMDisplay(_Shown):
    """A tiny-GPT result: parameters, tokens, speed, and training/validation loss by step as a chart."""

    def _series(self) -> dict[str, list[tuple[float, float]]]:
        train = [(h["step"], h["train_loss"]) for h in self.history if h.get("train_loss") is not None]
        val = [(h["step"], h["val_loss"]) for h in self.history if h.get("val_loss") is not None]
        return {"train": train, "validation": val}

    def _headline(self) -> str:
        return (f"tiny GPT: {self.parameters:,} parameters, vocabulary {len(self.vectors):,}, "
                f"{self.train_tokens:,} training tokens, val loss {self.val_loss:.4f}, "
                f"{self.tokens_per_second:,.0f} tok/s ({self.seconds:.2f} s)")

    def _rows(self) -> list[list[str]]:
        def cell(x: Any) -> str:
            return "–" if x is None or not math.isfinite(x) else f"{x:.4f}"

        return [[f"{h['step']:g}", cell(h.get("train_loss")), cell(h.get("val_loss"))] for h in self.history]

    def text(self) -> str:
        """Headline and the loss history, as plain text."""
        return f"{self._headline()}\n" + _html.text_table(["step", "train", "val"], self._rows(), ">>>")

    def _repr_html_(self) -> str:
        chart = _html.line_chart(self._series(), x_label="step", y_label="loss")
        table = _html.table(["step", "train", "val"], self._rows(), ["right"] * 3)
        return _html.block(_html.text(self._headline()),
                           f'<div style="display:flex;gap:24px;align-items:center">{chart}{table}</div>')


class Report(list):
    """Several results shown one after another, each with its own table (a plain list otherwise).

    >>> Report([]).text()
    ''
    """

    def text(self) -> str:
        return "\n\n".join(r.text() if hasattr(r, "text") else str(r) for r in self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        parts = [r._repr_html_() if hasattr(r, "_repr_html_") else f"<pre>{_html.text(r)}</pre>" for r in self]
        return '<div style="display:flex;flex-direction:column;gap:12px">' + "".join(parts) + "</div>"
