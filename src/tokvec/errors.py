"""Exceptions raised by tokvec.

Every message says what went wrong *and* what to do next. The CLI turns any
``TokvecError`` into one line on stderr and exit code 1; Python callers can catch
the specific classes. ``UnknownTokenError`` is also a ``KeyError`` so code written
for dict-like lookups keeps working.

Deliberately left out: error codes, localisation.
"""

from __future__ import annotations

from collections.abc import Sequence

from .printable import brief


class TokvecError(Exception):
    """Base class of every error tokvec raises on purpose."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class TokvecWarning(UserWarning):
    """Warnings about data tokvec could handle but you should know about."""


class UnknownTokenError(TokvecError, KeyError):
    """A token is not in the vocabulary; the message suggests close matches."""

    def __init__(self, token: str, vocab_size: int, suggestions: Sequence[str] = ()):
        self.token = token
        self.vocab_size = vocab_size
        self.suggestions = list(suggestions)
        msg = f"{brief(token)} is not in the vocabulary ({vocab_size:,} tokens)."
        if self.suggestions:
            msg += " Did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            msg += " Check the spelling or casing, or use a vocabulary that contains it."
        super().__init__(msg)


class UnknownNameError(TokvecError, LookupError):
    """A name given to ``load`` is neither a builtin nor an existing path."""


class FormatError(TokvecError, ValueError):
    """A vector file is malformed: the message names the file, the line or byte offset, and the fix."""


class NonFiniteError(FormatError):
    """Rows containing NaN or infinity were found."""


class UnsafeFileError(FormatError):
    """A file would run code while loading (a pickle naming something other than a model's data); nothing ran."""


class InvalidArgumentError(TokvecError, ValueError):
    """An argument is out of range or inconsistent with the data."""


class CorpusError(TokvecError, ValueError):
    """A training corpus cannot be read or gives nothing to train on."""


class CorpusTooSmallError(TokvecError, ValueError):
    """The corpus cannot fill the requested training or validation windows."""


class TrainingDivergedError(TokvecError, ArithmeticError):
    """Training produced a NaN or infinite loss or weight; the model is not written."""


class CheckpointError(TokvecError, ValueError):
    """A training checkpoint cannot be read or does not match the corpus or configuration given."""


class BusyError(TokvecError, RuntimeError):
    """A bounded resource is in use (the explorer's projection jobs); wait or cancel, then retry."""


class MissingDependencyError(TokvecError, ImportError):
    """An optional dependency is needed for this feature."""

    def __init__(self, package: str, extra: str, feature: str, install: str | None = None):
        command = install or f"pip install 'tokvec[{extra}]'"
        super().__init__(f"{feature} needs the optional package {package!r}. Install it with: {command}")
