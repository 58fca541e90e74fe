"""What the trainers share: argument checks and Ctrl-C turned into a flag checked between units of work."""

from __future__ import annotations

import signal
import threading

import numpy as np

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
