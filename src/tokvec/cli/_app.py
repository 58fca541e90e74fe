"""The command line's frame: the Typer app, the option types every group shares, and the error policy.

Command groups (``tokvec.cli.query``, ``.convert``, ...) register on :data:`app` with :func:`command`,
take ``-v/--vectors`` as :data:`VectorsOpt` and ``--json`` as :data:`JsonOpt`, and choose among fixed
values with :func:`choice` (its choices show in ``--help``; a bad one is a one-line error).
:func:`invoke` runs the app: a ``TokvecError`` becomes one ``error: ...`` line on stderr and exit code
1, Ctrl-C exit code 130.

Deliberately left out: which group owns which command (``tokvec.cli`` holds that table and imports
only the group it needs) and any output (``tokvec.cli.render``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_type_hints

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from .. import __version__
from ..errors import TokvecError
from . import _failures, _quick, render

if TYPE_CHECKING:
    from ..vectors import Vectors

_TYPE_NAMES = {"int": "INTEGER", "int range": "INTEGER", "float": "FLOAT", "float range": "FLOAT", "str": "TEXT",
               "bool": "BOOLEAN", "Path": "PATH", "path": "PATH", "file": "FILE", "directory": "DIRECTORY"}


def _type_name(param: Any, ctx: Any) -> str:
    """``INTEGER``, ``TEXT TEXT TEXT``, ``[a|b]`` for typer's ``<int>``, ``<str,str,str>``, ``<a|b>``."""
    label = param.display_type(ctx).strip("<>")
    if label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    if "|" in label:
        return f"[{label}]"
    return " ".join(_TYPE_NAMES.get(part, part.upper()) for part in label.split(","))


def _plain_metavars(params: list[Any], ctx: Any) -> list[Any]:
    """Name values in ``--help`` the way people write them (``INTEGER``, ``[a|b]``), not as Python
    types (``<int>``, ``<list[str]>``); flags show no value at all."""
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag or param.count else _type_name(param, ctx)
        elif isinstance(param, TyperArgument):
            shown = _type_name(param, ctx) + ("..." if param.nargs != 1 else "")
            param.display_type_rich = lambda ctx, shown=shown: shown
    return params


class Command(TyperCommand):
    """A Typer command with plain value names in its help (see ``_plain_metavars``) whose plain values
    are coerced without pydantic (``tokvec.cli._quick``); system and stream errors become one
    ``TokvecError`` line (``_failures``), never a traceback or click's bare ``Aborted!``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quick.install(_plain_metavars(super().get_params(ctx), ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _failures.HANDLED as exc:
            raise TokvecError(_failures.describe(exc)) from None


SUMMARIES: dict[str, str] = {}  # command -> its help's first paragraph (``tokvec.cli`` fills it)


class Group(TyperGroup):
    """The ``tokvec`` group, with plain value names in its help. Its listing (``tokvec --help``) names
    every command of :data:`SUMMARIES` in that order, also those whose group was not imported."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quick.install(_plain_metavars(super().get_params(ctx), ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(dict.fromkeys([*SUMMARIES, *super().list_commands(ctx)]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in SUMMARIES:  # listed only: running a command imports its group first
            found = Command(name=cmd_name, help=SUMMARIES[cmd_name])
        return found


EXIT_CODES = ("Exit codes: 0 done; 1 an error, one line on stderr saying what failed and what to do (bad input, "
              "a bad option value, a busy port); 2 a usage error (unknown command or option, missing argument); "
              "130 interrupted (Ctrl-C; training saves a checkpoint first).")
app = typer.Typer(
    name="tokvec",
    help="Token embeddings made concrete: load, query, convert, import transformer token matrices. "
    "Vectors default to the builtin GloVe 6B 50d.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)


def command(name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@app.command(name)`` with tokvec's help rendering."""
    return app.command(name, cls=Command)


def choice(option: str, choices: Sequence[str]) -> Callable[[str | None], str | None]:
    """A callback accepting one of ``choices`` for ``option``; anything else is a one-line error."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
            raise TokvecError(f"unknown {option} {value!r}; use {listed}")
        return value

    return check


def refuse_with_resume(ctx: typer.Context, names: Sequence[str]) -> None:
    """``--resume`` continues with the checkpoint's own settings: any of ``names`` given on the command
    line (rather than left at its default) is a one-line error naming the options to drop."""
    # by name: typer's context may carry its own copy of click's ParameterSource enum
    given = [name for name in names if getattr(ctx.get_parameter_source(name), "name", "") != "DEFAULT"]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise TokvecError(f"--resume continues with the checkpoint's own settings; drop {options} (to train "
                          "differently, start a new run)")


def one_of(values: Sequence[str]) -> str:
    """The ``--help`` metavar of a choice: ``[a|b|c]``."""
    return "[" + "|".join(values) + "]"


def literal_values(owner: object, name: str) -> tuple[str, ...]:
    """The values of the ``Literal`` annotating ``name`` of a function or dataclass (its one source)."""
    return get_args(get_type_hints(owner)[name])


def choices(option: str, values: Sequence[str], help: str, *names: str) -> Any:
    """A ``typer.Option`` taking one of ``values``, listed in ``--help`` as ``[a|b|c]``."""
    return typer.Option(*(names or (option,)), help=help, metavar=one_of(values), callback=choice(option, values))


DTYPES = ("float32", "float16", "int8")


VectorsOpt = Annotated[str, typer.Option("--vectors", "-v", metavar="PATH|NAME",
                                         help="Vector file path or builtin name (glove).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
TopnOpt = Annotated[int, typer.Option("--topn", "-n", min=1, help="How many results.")]
LowerOpt = Annotated[bool, typer.Option(
    "--lower", help="A word not in the vocabulary falls back to its lower-case form (a note says so).")]
RestrictOpt = Annotated[
    int | None, typer.Option("--restrict", min=1, help="Search only the first N (most frequent) tokens.")
]


def load_vectors(name: str, lower: bool = False) -> Vectors:
    """The vectors a command works on: a path or a builtin name; ``lower``: see ``LowerOpt`` (the formats
    load on this first use)."""
    return importlib.import_module("tokvec.formats").load(name, lower=lower)


def _version_callback(value: bool) -> None:
    if value:
        render.line(f"tokvec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Token embeddings made concrete: load, query, convert."""


def invoke(argv: list[str] | None) -> int:
    """Run the app on ``argv``: tokvec errors become one line and exit code 1, Ctrl-C exit code 130."""
    exit_code = 0

    def run() -> None:
        nonlocal exit_code
        try:
            app(args=argv, prog_name="tokvec")
        except SystemExit as exc:
            exit_code = int(exc.code or 0) if not isinstance(exc.code, str) else 1

    command = next((arg for arg in (sys.argv[1:] if argv is None else argv) if not arg.startswith("-")), None)
    return _failures.guarded(run, command) or exit_code
