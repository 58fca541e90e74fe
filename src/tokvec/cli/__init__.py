"""The ``tokvec`` command line (typer + rich): which module holds each command, and the entry points.

Every command that reads vectors takes ``-v/--vectors PATH|NAME`` (default ``glove``) and, where it
prints results, ``--json``. Any ``TokvecError`` becomes one line on stderr and exit code 1; no
tracebacks for bad input.

Commands live in one module per group (``tokvec.cli.query``, ``.shell``, ``.convert``, ``.evaluate``, ``.plot``,
``.train``, ``.train_lm``, ``.watch``, ``.serve``, ``.demo``); :data:`COMMANDS` maps each command
to its module and :func:`main` imports only the module of the command it runs (all of them for
``--help``, no command or an unknown one; none for ``--version``), so ``tokvec similar`` never imports torch or matplotlib.
``tokvec.cli.app`` is the whole Typer app (every group imported), for testing and documentation.

Deliberately left out: the app frame and error policy (``tokvec.cli._app``), the output
(``tokvec.cli.render``) and the generated README reference (``tokvec.cli.reference``).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from . import _app

COMMANDS: dict[str, str] = {
    "info": "tokvec.cli.query",
    "similar": "tokvec.cli.query",
    "analogy": "tokvec.cli.query",
    "similarity": "tokvec.cli.query",
    "distance": "tokvec.cli.query",
    "odd-one-out": "tokvec.cli.query",
    "lookup": "tokvec.cli.query",
    "tokens": "tokvec.cli.query",
    "shell": "tokvec.cli.shell",
    "convert": "tokvec.cli.convert",
    "import-model": "tokvec.cli.convert",
    "export-projector": "tokvec.cli.convert",
    "eval": "tokvec.cli.evaluate",
    "plot": "tokvec.cli.plot",
    "train": "tokvec.cli.train",
    "train-lm": "tokvec.cli.train_lm",
    "watch": "tokvec.cli.watch",
    "serve": "tokvec.cli.serve",
    "demo": "tokvec.cli.demo",
}


def _command_of(argv: list[str]) -> str | None:
    """The command ``argv`` names (the first word that is not an option), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def load_commands(argv: list[str] | None = None) -> None:
    """Register the commands ``argv`` needs: its command's group, or every group."""
    args = sys.argv[1:] if argv is None else argv
    command = _command_of(args)
    if command is None and "--version" in args and "--help" not in args:
        return  # the version needs no command
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command line on ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    load_commands(argv)
    return _app.invoke(argv)


def run() -> None:
    """Console-script entry point (``tokvec = "tokvec.cli:run"``)."""
    sys.exit(main())


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app: every group registered
        load_commands([])
        return _app.app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "load_commands", "main", "run"]
