"""What the trainers share: argument checks, Ctrl-C turned into a flag checked between units of work, and
a progress bar.

Deliberately left out: anything specific to one trainer (configs, checkpoints, schedules).
"""

from __future__ import annotations

import signal
import threading

import numpy as np

from ..display.notebook import NotebookBar, progress_kind
from ..errors import InvalidArgumentError


def is_int(x: object) -> bool:
    """An integer (Python or NumPy), not a bool.

    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0)
    (True, True, False, False)
    """
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def require(ok: bool, message: str) -> None:
    """Raise ``InvalidArgumentError(message)`` unless ``ok``."""
    if not ok:
        raise InvalidArgumentError(message)


class Bar:
    """A progress bar: in Jupyter an HTML bar updated in place (``tokvec.display.notebook``, no ipywidgets),
    elsewhere rich on stderr (live on a TTY, one plain line without ANSI codes in a log). It shows
    ``before`` texts, a completed/total count if ``count``, the bar, ``after`` texts (``{task.fields[NAME]}``
    refers to a field given at construction or in ``update``), and the time remaining. A no-op when disabled,
    except that ``console`` can still print. Nothing is parsed as markup or emoji codes: the texts, the fields
    and what ``console`` prints show as they are."""

    def __init__(self, total: int, enabled: bool, *, before: tuple[str, ...] = (), after: tuple[str, ...] = (),
                 count: bool = False, **fields: object) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, markup=False, emoji=False, highlight=False)
        self.progress = None
        self.notebook = None
        if enabled and progress_kind() == "notebook":  # HTML updated in place: rich would need ipywidgets
            texts = (*before, *(["{task.completed:,}/{task.total:,}"] if count else []), *after)
            self.notebook = NotebookBar(total, texts, **fields)
        elif enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            columns = [TextColumn(text, markup=False) for text in before] + ([MofNCompleteColumn()] if count else [])
            columns += [BarColumn(), *(TextColumn(text, markup=False) for text in after), TimeRemainingColumn()]
            self.progress = Progress(*columns, console=self.console, transient=False)
            self.task = self.progress.add_task("train", total=total, **fields)

    def __enter__(self) -> Bar:
        if self.progress is not None:
            self.progress.start()
        if self.notebook is not None:
            self.notebook.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        if self.notebook is not None:
            self.notebook.stop()

    def update(self, completed: int, **fields: object) -> None:
        """Move to ``completed`` and set the given fields."""
        if self.progress is not None:
            self.progress.update(self.task, completed=completed, **fields)
        if self.notebook is not None:
            self.notebook.update(completed, **fields)


class Interrupt:
    """Turn Ctrl-C (SIGINT) into a flag the training loop checks between units of work, so a checkpoint
    is never written halfway through one; a second Ctrl-C raises ``KeyboardInterrupt`` at once.
    Outside the main thread (where signals cannot be handled) it does nothing."""

    def __init__(self) -> None:
        self.requested = False
        self.previous = None

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested:  # a second Ctrl-C: give up at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
