"""Jupyter integration: is a notebook running, inline figures, and a progress bar that needs no ipywidgets.

- :func:`shell` is the running IPython kernel shell, or None (a terminal, a script, a CI job);
- :func:`enable_figures` makes matplotlib ``Figure`` objects (tokvec draws them without pyplot, so no
  ``%matplotlib inline`` hook applies) show as PNG, and gives plotly figures an HTML fallback (their JSON
  mimetype only renders where the plotly extension is installed); it is called by ``tokvec.plot``;
- :class:`NotebookBar` is a progress bar drawn as HTML and updated in place through a display handle
  (at most every ``0.2 s``, always at the end), with a plain-text twin for consoles that cannot show HTML.
  ``progress_kind`` tells the trainers which bar to draw: ``notebook`` here, ``terminal`` (rich, live)
  on a TTY, ``log`` (one plain line at the end, no ANSI codes) when stderr is a file or a CI log.

Deliberately left out: ipywidgets (the warning it prints when missing is what this module avoids) and any
import of IPython when it is not already loaded (``import tokvec`` must stay light).
"""

from __future__ import annotations

import html
import io
import os
import sys
import time
from types import SimpleNamespace
from typing import Any, Literal

ProgressKind = Literal["notebook", "terminal", "log"]
UPDATE_SECONDS = 0.2


def shell() -> Any:
    """The IPython kernel shell when running inside Jupyter (it has a ``kernel``), else None."""
    ipython = sys.modules.get("IPython")
    current = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    return current if current is not None and getattr(current, "kernel", None) is not None else None


def progress_kind(stream: Any = None) -> ProgressKind:
    """Which progress bar fits where we run: ``notebook``, ``terminal`` (stderr is a TTY) or ``log``."""
    if shell() is not None:
        return "notebook"
    stream = sys.stderr if stream is None else stream
    is_tty = getattr(stream, "isatty", lambda: False)()
    return "terminal" if is_tty and os.environ.get("TERM") != "dumb" else "log"


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
    return buffer.getvalue()


def _plotly_html(figure: Any) -> str:
    return figure.to_html(full_html=False, include_plotlyjs="cdn", config={"displaylogo": False})


def enable_figures() -> bool:
    """In Jupyter, show matplotlib figures as PNG and give plotly figures an HTML view; True if it did."""
    current = shell()
    if current is None:
        return False
    formatters = current.display_formatter.formatters
    formatters["image/png"].for_type_by_name("matplotlib.figure", "Figure", _png)
    formatters["text/html"].for_type_by_name("plotly.graph_objs._figure", "Figure", _plotly_html)
    return True


class _Frame:
    """One state of the bar, shown as HTML (``<progress>``) or as text."""

    def __init__(self, line: str, fraction: float, done: bool):
        self.line, self.fraction, self.done = line, fraction, done

    def __repr__(self) -> str:
        filled = round(30 * self.fraction)
        return f"[{'#' * filled}{'.' * (30 - filled)}] {self.line}"

    def _repr_html_(self) -> str:
        colour = "#54a24b" if self.done else "#4c78a8"
        return (f'<div style="font-family:monospace"><progress value="{self.fraction:.4f}" max="1" '
                f'style="width:240px;accent-color:{colour}"></progress> {html.escape(self.line)}</div>')


class NotebookBar:
    """A progress bar for Jupyter: ``texts`` are rich-style templates (``{task.fields[loss]:.4f}``,
    ``{task.percentage:>5.1f}``) filled from ``fields`` at every update; no ipywidgets needed."""

    def __init__(self, total: int, texts: tuple[str, ...], **fields: object):
        self.total, self.texts, self.fields = max(0, int(total)), texts, dict(fields)
        self.completed, self.started, self.last, self.handle = 0, time.perf_counter(), 0.0, None

    def _frame(self, done: bool) -> _Frame:
        fraction = min(1.0, self.completed / self.total) if self.total else 1.0
        task = SimpleNamespace(fields=self.fields, percentage=100 * fraction, completed=self.completed,
                               total=self.total)
        parts = [t.format(task=task) for t in self.texts]
        if done:
            parts.append(f"done in {time.perf_counter() - self.started:.1f} s")
        return _Frame(" ".join(p.strip() for p in parts), fraction, done)

    def start(self) -> None:
        from IPython.display import display

        self.handle = display(self._frame(False), display_id=True)

    def update(self, completed: int, **fields: object) -> None:
        self.completed = completed
        self.fields.update(fields)
        now = time.perf_counter()
        if self.handle is not None and now - self.last >= UPDATE_SECONDS:
            self.last = now
            self.handle.update(self._frame(False))

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.update(self._frame(True))
            self.handle = None
