"""How a string is shown to a person: every character visible, nothing interpreted, long ones cut.

Tokens come from files and may hold anything: terminal escape codes (``\\x1b[31m``), right-to-left
marks, newlines, NUL. :func:`visible` writes those characters as Python escapes (``\\x1b``,
``\\u200f``, ``\\n``) so a token can neither colour nor reorder the terminal, and keeps every other
character as it is: letters of any script, emoji, ``[red]x``, ``:x:``. :func:`clip` cuts a string
to a length with an ellipsis; :func:`brief` is how a message quotes a word (``repr``, cut when long,
so a 100 kB word is never echoed whole).

Deliberately left out: styles and layout (``tokvec.cli.render``), and JSON, which carries every
string untouched.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
BRIEF = 60
"""How many characters of a word a message quotes."""

_KEPT_FORMAT = frozenset("\u200c\u200d")  # zero-width (non-)joiners: part of emoji and Indic spellings


def _hidden(ch: str) -> bool:
    """A character a terminal would act on or hide: controls, line/paragraph separators, bidi and
    other format characters, lone surrogates."""
    category = unicodedata.category(ch)
    return category in ("Cc", "Zl", "Zp", "Cs") or (category == "Cf" and ch not in _KEPT_FORMAT)


def visible(text: str) -> str:
    """``text`` with control, bidi and other invisible format characters written as escapes.

    >>> visible("[red]x :x:"), visible("a\\x1b[31mb"), visible("\\u200fabc"), visible("tab\\there")
    ('[red]x :x:', 'a\\\\x1b[31mb', '\\\\u200fabc', 'tab\\\\there')
    """
    if text.isprintable():
        return text
    return "".join(repr(ch)[1:-1] if _hidden(ch) else ch for ch in text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when it was cut.

    >>> clip("kitten", 10), clip("kitten", 4)
    ('kitten', 'kit…')
    """
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def brief(word: str, limit: int = BRIEF) -> str:
    """``repr(word)``, or for a long word its first ``limit`` characters and its length.

    >>> brief("cat"), brief("x" * 100_000, 5)
    ("'cat'", "'xxxxx'… (100,000 characters)")
    """
    word = str(word)
    if len(word) <= limit:
        return repr(word)
    return f"{word[:limit]!r}{ELLIPSIS} ({len(word):,} characters)"


__all__ = ["BRIEF", "ELLIPSIS", "brief", "clip", "visible"]
