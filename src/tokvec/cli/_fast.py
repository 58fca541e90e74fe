"""The hand-written fast path: ``tokvec similar king`` answered without importing typer, click or pydantic.

Typer imports click and builds its whole command from Python signatures on every run (about 40 ms of
imports alone, more than the query on the builtin GloVe costs). The common query commands
(``similar``, ``analogy``, ``similarity``, ``distance``, ``odd-one-out``) called plainly are parsed
here instead and answered by the same functions the typer commands call (``tokvec.cli.answers``), so
the output is the same bytes. "Plainly" is a small, exact subset of what click accepts: the command
first, words that do not start with ``-``, the command's own options (``--topn 5``, ``--topn=5``,
``-n 5``; a flag once; a value that is a plain positive integer or one of ``--method``'s choices).
Anything else (``--help``, an unknown or repeated option, a missing or extra word, a value typer
would refuse or coerce: ``-n 0``, ``-n 007``, ``--``) returns None and typer answers it, with its own
messages. ``tests/test_cli_startup.py`` checks that this table equals the typer commands' options
and that both paths print the same.

Deliberately left out: every other command, and ``--help`` (typer renders it).
"""

from __future__ import annotations

import importlib
import re
from typing import Any, NamedTuple

from . import _failures

METHODS = ("cosadd", "cosmul")
"""``--method``'s choices (``tokvec.search.exact.METHODS``, not imported: that imports NumPy)."""

_COUNT = re.compile(r"[1-9][0-9]{0,17}")  # a value of an option with min=1, written as typer reads it


class Spec(NamedTuple):
    """A command's plain form: the answer (a function of ``tokvec.cli.answers``), its positional
    parameters (``many``: the one parameter takes one or more words) and option -> (parameter, kind)."""

    answer: str
    positional: tuple[str, ...]
    options: dict[str, tuple[str, str]]
    many: bool = False


_COMMON = {"--lower": ("lower", "flag"), "--vectors": ("vectors", "text"), "-v": ("vectors", "text"),
           "--json": ("as_json", "flag")}
_SEARCH = {"--topn": ("topn", "count"), "-n": ("topn", "count"), "--restrict": ("restrict", "count"),
           "--method": ("method", "method")}

SPECS: dict[str, Spec] = {
    "similar": Spec("similar", ("words",), {"--neg": ("neg", "list"), **_SEARCH,
                                            "--approximate": ("approximate", "flag"), **_COMMON}, many=True),
    "analogy": Spec("analogy", ("a", "b", "c"), {**_SEARCH, **_COMMON}),
    "similarity": Spec("similarity", ("word1", "word2"), dict(_COMMON)),
    "distance": Spec("distance", ("word1", "word2"), {"--cosine": ("cosine", "flag"), **_COMMON}),
    "odd-one-out": Spec("odd_one_out", ("words",), dict(_COMMON), many=True),
}


def _value(kind: str, text: str) -> Any:
    """``text`` as an option of ``kind`` takes it, or None where typer must judge it."""
    if kind == "count":
        return int(text) if _COUNT.fullmatch(text) else None
    if kind == "method":
        return text if text in METHODS else None
    return text


def parse(argv: list[str]) -> tuple[str, dict[str, Any]] | None:
    """``(answer, keyword arguments)`` for a plain query command line, else None (typer's turn)."""
    spec = SPECS.get(argv[0]) if argv else None
    if spec is None:
        return None
    words: list[str] = []
    values: dict[str, Any] = {}
    rest = iter(argv[1:])
    for arg in rest:
        if not arg.startswith("-"):
            words.append(arg)
            continue
        name, equals, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        param, kind = spec.options.get(name, ("", ""))
        if not param or (param in values and kind != "list"):
            return None
        if kind == "flag":
            if equals:
                return None
            values[param] = True
            continue
        text = attached if equals else next(rest, None)
        value = None if text is None or text.startswith("-") else _value(kind, text)
        if value is None:
            return None
        if kind == "list":
            values.setdefault(param, []).append(value)
        else:
            values[param] = value
    if spec.many and words:
        return spec.answer, {spec.positional[0]: words, **values}
    if not spec.many and len(words) == len(spec.positional):
        return spec.answer, {**dict(zip(spec.positional, words)), **values}
    return None


def answer(argv: list[str]) -> int | None:
    """The exit code of answering ``argv`` here, or None when typer must run it."""
    parsed = parse(argv)
    if parsed is None:
        return None
    name, kwargs = parsed
    return _failures.guarded(lambda: getattr(importlib.import_module("tokvec.cli.answers"), name)(**kwargs),
                             argv[0])
