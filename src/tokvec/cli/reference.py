"""The manual's command-line reference (docs/reference/cli.md), generated from the CLI's own ``--help``.

``python -m tokvec.cli.reference --write docs/reference/cli.md`` replaces everything between the markers
``<!-- cli-reference:start -->`` and ``<!-- cli-reference:end -->`` with the help of ``tokvec`` and
of every command, rendered at a fixed width (:data:`WIDTH`) with colours off and the environment
ignored, so the text is the same on every machine; ``--check docs/reference/cli.md`` exits 1 when it drifted.

Deliberately left out: prose about the commands (it stays hand-written around the markers) and
any other output format (man pages, HTML).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
import typer.rich_utils
from click.testing import CliRunner

from . import COMMANDS, app

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
WIDTH = 100
REGENERATE = "python -m tokvec.cli.reference --write docs/reference/cli.md"
_ENV = {"COLUMNS": str(WIDTH), "LINES": "50", "TERM": "dumb", "NO_COLOR": "1", "FORCE_COLOR": None,
        "TERMINAL_WIDTH": None, "GITHUB_ACTIONS": None, "PY_COLORS": None}


@contextmanager
def _plain_help() -> Iterator[None]:
    """Typer's rich help at WIDTH columns, no colour, whatever the terminal and environment say."""
    names = ("MAX_WIDTH", "FORCE_TERMINAL", "COLOR_SYSTEM")
    saved = {name: getattr(typer.rich_utils, name) for name in names}
    typer.rich_utils.MAX_WIDTH, typer.rich_utils.FORCE_TERMINAL, typer.rich_utils.COLOR_SYSTEM = WIDTH, False, None
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(typer.rich_utils, name, value)


def command_help(command: str | None = None) -> str:
    """The ``--help`` text of ``tokvec`` (None) or of one command, as printed at WIDTH columns."""
    args = [command, "--help"] if command else ["--help"]
    with _plain_help():
        result = CliRunner().invoke(typer.main.get_command(app), args, prog_name="tokvec", env=_ENV, color=False,
                                    terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"tokvec {' '.join(args)} failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def reference() -> str:
    """The generated section, markers included."""
    parts = [START, "", "### `tokvec`", "", "```text", command_help(), "```"]
    for command in COMMANDS:
        parts += ["", f"### `tokvec {command}`", "", "```text", command_help(command), "```"]
    return "\n".join([*parts, "", END])


def updated(readme: str) -> str:
    """``readme`` with its reference section regenerated."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the page has no {START} ... {END} section")
    return readme[:start] + reference() + readme[end + len(END):]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tokvec.cli.reference", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, metavar="PAGE", help="Regenerate the section in this file.")
    mode.add_argument("--check", type=Path, metavar="PAGE", help="Exit 1 if the section is out of date.")
    args = parser.parse_args(argv)
    path = args.write or args.check
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if args.check:
        if new != text:
            print(f"{path}: the command-line reference is out of date; run: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
