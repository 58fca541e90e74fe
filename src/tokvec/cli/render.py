"""Everything the command line prints: tables, JSON, notes, warnings and the one-line errors.

Tokens, words, file names and messages are data, so they are printed verbatim: every cell and line
is built from ``rich.text.Text`` (never parsed as markup, no emoji codes), and a token such as
``[red]x`` or ``:x:`` prints as itself. Styles (dim notes, bold tokens, a red ``error:``) are applied
here and nowhere else.

Deliberately left out: computing anything (the command modules do) and colour choices per command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # NumPy-free, so `tokvec --help` never imports NumPy
    from ..search import Neighbour

console = Console(emoji=False, highlight=False)

Cell = str | Text
Piece = str | tuple[str, str]


def _err() -> Console:
    return Console(stderr=True, emoji=False, highlight=False)


def text(*pieces: Piece) -> Text:
    """A line of plain strings and ``(string, style)`` pairs, none of them parsed as markup."""
    return Text.assemble(*pieces)


def line(*pieces: Piece, soft_wrap: bool = False) -> None:
    """Print one line to stdout, verbatim."""
    console.print(text(*pieces), soft_wrap=soft_wrap)


def emit_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def notes(messages: Iterable[str], style: str = "dim") -> None:
    for message in messages:
        line((f"note: {message}", style))


def status(message: str) -> None:
    """A dim progress line on stderr (stdout stays for results)."""
    _err().print(text((message, "dim")))


def warnings(messages: Iterable[str], *, prefix: str = "warning: ") -> None:
    err = _err()
    for message in messages:
        err.print(text((prefix, "yellow"), message), soft_wrap=True)


def error(message: str) -> None:
    _err().print(text(("error:", "red"), " ", message), soft_wrap=True)


def error_line(message: str) -> None:
    _err().print(text(message))


def table(title: str, columns: Sequence[str | tuple[str, dict]], rows: Iterable[Sequence[Cell]], *,
          header: bool = True, simple: bool = False, end_rows: Iterable[Sequence[Cell]] = ()) -> None:
    """Print a table; a column is a name or ``(name, options for rich's add_column)``.

    ``end_rows`` come last, bold, after a rule (totals). ``simple``: no vertical rules (wide tables).
    """
    out = Table(title=Text(title), title_justify="left", show_header=header,
                **({"box": box.SIMPLE_HEAD, "pad_edge": False} if simple else {}))
    for column in columns:
        name, options = (column, {}) if isinstance(column, str) else column
        out.add_column(Text(name), **options)
    for row in rows:
        out.add_row(*map(_cell, row))
    for i, row in enumerate(end_rows):
        out.add_row(*map(_cell, row), style="bold", end_section=i == 0)
    console.print(out)


def _cell(value: Cell) -> Text:
    return value if isinstance(value, Text) else Text(value)


RIGHT = {"justify": "right"}
DIM_RIGHT = {"justify": "right", "style": "dim"}
BOLD = {"style": "bold"}


def neighbours(title: str, results: Sequence[Neighbour]) -> None:
    """The ranked table of a neighbour query: #, token, score."""
    table(title, [("#", DIM_RIGHT), ("token", BOLD), ("score", RIGHT)],
          ([str(i), n.token, f"{n.score:.4f}"] for i, n in enumerate(results, 1)))


def neighbours_json(results: Sequence[Neighbour]) -> list[dict]:
    return [{"token": n.token, "score": n.score, "row": n.row} for n in results]


def key_values(title: str, pairs: Iterable[tuple[str, str]]) -> None:
    """A two-column table without header: key (bold), value."""
    table(title, [("", BOLD), ""], ([key, value] for key, value in pairs), header=False)
