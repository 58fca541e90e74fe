"""The one place the command line turns what Python raises for damaged input or a failing system into a line.

Readers raise ``TokvecError`` for what they recognise; what is left reaches :func:`describe`: an
``OSError`` (permission denied, disk full, a missing or bad directory: the line names the file, the
system's reason and what to do; an existing output file is never touched, since writes are atomic),
a damaged compressed stream (``EOFError``, ``zlib``/``gzip``/``bz2``/``lzma`` errors), a damaged zip
(``BadZipFile``), and ``MemoryError``. ``Command.invoke`` (``cli._app``) re-raises them as
``TokvecError``, which becomes ``error: ...`` and exit code 1, never a traceback; :func:`guarded` is that
policy for a whole run (``cli._app.invoke`` and the fast path, ``cli._fast``).

Deliberately left out: programming errors (a ``TypeError`` in tokvec is a bug and keeps its traceback).
"""

from __future__ import annotations

import errno
import re
import zipfile
from collections.abc import Callable

from .._plumbing.files import DECOMPRESSION_ERRORS
from ..errors import TokvecError
from . import render

HANDLED = (OSError, MemoryError, zipfile.BadZipFile, *DECOMPRESSION_ERRORS)

_ADVICE = {
    errno.EACCES: "check the file's permissions (or write somewhere you may)",
    errno.EPERM: "check the file's permissions (or write somewhere you may)",
    errno.ENOSPC: "free some disk space and run it again; an existing output file was left as it was",
    errno.EDQUOT: "free some disk space and run it again; an existing output file was left as it was",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a directory: check the path",
    errno.EISDIR: "it is a directory: give a file path",
    errno.EROFS: "the file system is read-only: write somewhere else",
    errno.EEXIST: "a file is in the way of a directory: check the path",
}


def describe(exc: BaseException) -> str:
    """One line saying what failed, on which file, and what to do."""
    if isinstance(exc, MemoryError):
        return ("ran out of memory; use a smaller input (--limit N where the command has it) or a machine with "
                "more memory")
    if isinstance(exc, zipfile.BadZipFile):
        return f"a file is not a readable zip archive ({exc}): it is probably truncated; use an earlier copy"
    if isinstance(exc, DECOMPRESSION_ERRORS) or (isinstance(exc, OSError) and exc.errno is None):
        detail = (str(exc).strip().splitlines() or [""])[0][:120]
        return (f"a compressed input is damaged or truncated ({type(exc).__name__}: {detail}); "
                "download or copy it again")
    name = exc.filename if exc.filename is not None else "a file"
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno, "check the path and try again")
    return f"{name}: {reason}; {advice}"


# a reader's advice names keyword arguments; on the command line it names flags (the convert command's,
# the one command that reads a file with these settings; any other command is told to convert first)
_KEYWORDS = re.compile(r"\b(?:[Pp]ass |load it with |with )?(limit|format|errors|nonfinite|encoding)="
                       r"(?:'([\w.-]+)'|(\d+)| one of ((?:'?[\w-]+'?(?:, )?)+)|)(?: \(--[^)]*\))?")
_FLAGS = {"convert": {"limit", "format", "errors", "nonfinite", "encoding"}, "train": {"errors"}}  # reading flags
_CLI_NOTE = re.compile(r" ?\((?:CLI|command line): [^)]*\)")
_PAIRED = re.compile(r"\b(?:pass |load it with )?\w+=\S+? \((?:CLI|command line): ([^)]*)\)")  # kw=v (CLI: --flag)


def for_command_line(message: str, command: str | None) -> str:
    """``message`` with Python keyword advice (``pass limit=23933``, ``format='glove'``) in flags: the
    flag itself for ``tokvec convert``, else the ``tokvec convert`` call that applies it.

    >>> for_command_line("truncated; pass limit=23933 to load the rest", "convert")
    'truncated; use --limit 23933 to load the rest'
    >>> for_command_line("To leave them out, pass skip_missing=True (CLI: --skip-missing).", "plot")
    'To leave them out, use --skip-missing.'
    >>> for_command_line("not GloVe? pass format='glove'", "similar")
    'not GloVe? use tokvec convert with --format glove'
    """
    if "=" not in message:
        return message
    message = _CLI_NOTE.sub("", _PAIRED.sub(r"use \1", message))

    def flag(match: re.Match) -> str:
        name, value, choices = match.group(1), match.group(2) or match.group(3), match.group(4)
        option = f"--{name} {value or name.upper()}" if value or choices else f"--{name}"
        one_of = f" (one of {choices.replace(chr(39), '')})" if choices else ""
        own = name in _FLAGS.get(command or "", ())
        said = f"use {option}{one_of}" if own else f"use tokvec convert with {option}{one_of}"
        return said[0].upper() + said[1:] if match.group(0)[0].isupper() else said

    return _KEYWORDS.sub(flag, message)


def guarded(call: Callable[[], object], command: str | None = None) -> int:
    """Run ``call`` under the command line's error policy: a ``TokvecError`` or a failing system is one
    ``error:`` line and exit code 1, Ctrl-C 130; otherwise 0. ``command`` (the command being run) lets
    the line give its advice in flags (``for_command_line``)."""
    try:
        try:
            call()
        except HANDLED as exc:
            raise TokvecError(describe(exc)) from None
    except TokvecError as exc:
        render.error(for_command_line(str(exc), command))
        return 1
    except KeyboardInterrupt:
        render.error_line("interrupted")
        return 130
    return 0
