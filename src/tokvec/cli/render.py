"""Everything the command line prints: tables, JSON, notes, warnings and the one-line errors.

Tokens, words, file names and messages are data, so they are printed verbatim: every cell and line
is built from ``rich.text.Text`` (never parsed as markup, no emoji codes; the consoles parse none
either), and a token such as ``[red]x`` or ``:x:`` prints as itself. Characters a terminal would act
on or hide (escape codes, right-to-left marks, newlines) are shown as escapes (``\\x1b``,
``\\u200f``; ``tokvec.printable.visible``). JSON carries every string untouched.

Everything fits the width (80 columns in a pipe): a title is one line, cut with an ellipsis when it is
wider; a token cell is cut with an ellipsis past ``TOKEN_WIDTH`` or the width; an error quoting a huge
word is cut in the middle. Styles (dim notes, bold tokens, a red ``error:``) are applied here and
nowhere else.

Deliberately left out: computing anything (the command modules do) and colour choices per command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..printable import ELLIPSIS, clip, visible

if TYPE_CHECKING:  # NumPy-free, so `tokvec --help` never imports NumPy
    from ..search.exact import Neighbour

console = Console(markup=False, emoji=False, highlight=False)
TOKEN_WIDTH = 40
"""Widest token cell (in terminal cells); wider tokens are cut with an ellipsis (JSON never is)."""
ERROR_CHARS = 2_000
"""Longest error message printed whole; a longer one keeps its start and end."""

Cell = str | Text
Piece = str | tuple[str, str]


def _err() -> Console:
    return Console(stderr=True, markup=False, emoji=False, highlight=False)


def text(*pieces: Piece) -> Text:
    """A line of plain strings and ``(string, style)`` pairs, none of them parsed as markup, every
    character visible."""
    return Text.assemble(*(visible(p) if isinstance(p, str) else (visible(p[0]), p[1]) for p in pieces))


def line(*pieces: Piece, soft_wrap: bool = False) -> None:
    """Print one line to stdout, verbatim."""
    console.print(text(*pieces), soft_wrap=soft_wrap)


def emit_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def emit_json_line(payload: object) -> None:
    """One compact JSON object on one line (a stream of answers, one per input line)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


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
    _err().print(text(("error:", "red"), " ", shorten(message)), soft_wrap=True)


def shorten(message: str, limit: int = ERROR_CHARS) -> str:
    """``message``, or its start and end around a count of what was cut (an error quoting a huge word)."""
    if len(message) <= limit:
        return message
    keep = limit // 2
    return f"{message[:keep]}{ELLIPSIS} ({len(message) - 2 * keep:,} characters cut) {ELLIPSIS}{message[-keep:]}"


def title(words: str) -> None:
    """A table's title: one line, cut with an ellipsis if wider than the console."""
    console.print(Text(visible(words), style="table.title"), no_wrap=True, overflow="ellipsis", crop=True)


def error_line(message: str) -> None:
    _err().print(text(message))


def table(title_text: str, columns: Sequence[str | tuple[str, dict]], rows: Iterable[Sequence[Cell]], *,
          header: bool = True, simple: bool = False, end_rows: Iterable[Sequence[Cell]] = ()) -> None:
    """Print a table; a column is a name or ``(name, options for rich's add_column)``.

    ``end_rows`` come last, bold, after a rule (totals). ``simple``: no vertical rules (wide tables).
    """
    out = Table(show_header=header, **({"box": box.SIMPLE_HEAD, "pad_edge": False} if simple else {}))
    for column in columns:
        name, options = (column, {}) if isinstance(column, str) else column
        out.add_column(Text(name), **options)
    for row in rows:
        out.add_row(*map(_cell, row))
    for i, row in enumerate(end_rows):
        out.add_row(*map(_cell, row), style="bold", end_section=i == 0)
    if title_text:
        title(title_text)
    console.print(out)


def _cell(value: Cell) -> Text:
    return value if isinstance(value, Text) else Text(visible(value))


RIGHT = {"justify": "right"}
DIM_RIGHT = {"justify": "right", "style": "dim"}
BOLD = {"style": "bold"}
TOKEN = {"style": "bold", "no_wrap": True, "overflow": "ellipsis", "max_width": TOKEN_WIDTH}
"""A column of tokens: one line each, cut with an ellipsis when too wide."""
NUMBERS = {"no_wrap": True, "overflow": "ellipsis"}
"""A column of values (a row of a matrix): one line, cut when the console is too narrow."""


PLAIN_ROWS = 1_000
"""Above this many rows a neighbour table is printed as plain aligned columns (rich's layout would
take about 0.4 ms a row: 40 s for a whole vocabulary)."""


def neighbours(title: str, results: Sequence[Neighbour]) -> None:
    """The ranked table of a neighbour query: #, token, score."""
    if len(results) > PLAIN_ROWS:
        return _plain_neighbours(title, results)
    table(title, [("#", DIM_RIGHT), ("token", TOKEN), ("score", RIGHT)],
          ([str(i), n.token, f"{n.score:.4f}"] for i, n in enumerate(results, 1)))


def _plain_neighbours(title_text: str, results: Sequence[Neighbour]) -> None:
    """The same columns without rules, written straight to stdout: a whole vocabulary in about a second."""
    tokens = [clip(visible(n.token), TOKEN_WIDTH) for n in results]
    widths = [len(t) if t.isascii() else cell_len(t) for t in tokens]
    width = max(5, min(TOKEN_WIDTH, max(widths)))
    number = len(f"{len(results)}")
    title(title_text)
    lines = [f"{'#':>{number}}  {'token'}{' ' * (width - 5)}  {'score':>7}"]
    lines += [f"{i:>{number}}  {token}{' ' * (width - w)}  {n.score:+.4f}"
              for i, (token, w, n) in enumerate(zip(tokens, widths, results), 1)]
    console.file.write("\n".join(lines) + "\n")


def neighbours_json(results: Sequence[Neighbour]) -> list[dict]:
    return [{"token": n.token, "score": n.score, "row": n.row} for n in results]


def key_values(title: str, pairs: Iterable[tuple[str, str]]) -> None:
    """A two-column table without header: key (bold), value."""
    table(title, [("", BOLD), ""], ([key, value] for key, value in pairs), header=False)
