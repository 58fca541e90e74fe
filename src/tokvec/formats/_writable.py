"""Which tokens each writable format can hold, checked before anything is written.

The rules follow from how the readers (``word2vec``, ``glove``) split a file, and match gensim:

- text formats (word2vec text, fastText ``.vec``, GloVe): a token is what precedes the first
  space of its line, so it cannot hold a space or a newline; anything else round-trips byte for
  byte (the empty token, tabs, ``\\r``, NBSP, U+3000, U+0085, U+2028, U+001F, a trailing tab ...).
  A GloVe file has no header, so its first token cannot start with a UTF-8 byte order mark (read
  as the file's encoding mark) nor, at dim 1, make line 1 look like a ``<count> <dim>`` header.
- word2vec binary: a token ends at its first space and the reader skips newlines before a token,
  so it cannot hold a space nor start with a newline, and is at most ``MAX_TOKEN_BYTES`` long.
- ``.tokvec`` stores any token (it is not checked here).

The check is a few passes over the joined tokens (C speed); only the error path looks at rows one
by one, to name the first offending token and say what to do.

Deliberately left out: rewriting tokens (replacing whitespace is the caller's decision).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import FormatError
from ..printable import brief
from ._scan_codes import MAX_TOKEN_BYTES

__all__ = ["check_binary_tokens", "check_text_tokens"]

_FIX = "Save as .tokvec (format='tokvec'), which stores any token, or change that token first"


def _refuse(tokens: Sequence[str], row: int, fmt: str, why: str) -> None:
    raise FormatError(f"token {brief(tokens[row])} (row {row:,}) {why}, which the {fmt} format cannot store. {_FIX}")


def _first(tokens: Sequence[str], bad) -> int | None:
    return next((i for i, t in enumerate(tokens) if bad(t)), None)


def _check_common(tokens: Sequence[str], joined: str, fmt: str, where: str) -> None:
    """A space (the separator) is refused by every non-native format (``Vocab`` refuses lone surrogates)."""
    if " " in joined:
        _refuse(tokens, _first(tokens, lambda t: " " in t), fmt, f"holds a space ({where} ends at its first space)")


def check_text_tokens(tokens: Sequence[str], fmt: str, *, header: bool, first_values: str = "") -> None:
    """Refuse (``FormatError`` naming the token, its row and the fix) a token a text format cannot hold.

    ``header`` is False for GloVe; ``first_values`` is row 0's values as written (GloVe, dim 1)."""
    joined = "".join(tokens)
    _check_common(tokens, joined, fmt, "a text row's token")
    if "\n" in joined:
        _refuse(tokens, _first(tokens, lambda t: "\n" in t), fmt, "holds a newline (a text row ends at a newline)")
    if header or not tokens:
        return
    if tokens[0].startswith("\ufeff"):
        _refuse(tokens, 0, fmt, "starts with U+FEFF, read back as the file's byte order mark (GloVe has no header)")
    if tokens[0].isascii() and tokens[0].isdigit() and first_values.isdigit():
        _refuse(tokens, 0, fmt, f"and its value {first_values} make line 1 read as a word2vec header '<count> <dim>'")


def check_binary_tokens(tokens: Sequence[str], fmt: str = "word2vec binary") -> None:
    """Refuse a token the word2vec binary format cannot hold (see the module docstring)."""
    joined = "".join(tokens)
    _check_common(tokens, joined, fmt, "a binary token")
    if "\n" in joined and any(t.startswith("\n") for t in tokens):
        _refuse(tokens, _first(tokens, lambda t: t.startswith("\n")), fmt,
                "starts with a newline (readers skip newlines between records)")
    if tokens and max(map(len, tokens)) * 4 > MAX_TOKEN_BYTES:
        long = _first(tokens, lambda t: len(t.encode("utf-8")) > MAX_TOKEN_BYTES)
        if long is not None:
            _refuse(tokens, long, fmt, f"is longer than {MAX_TOKEN_BYTES:,} bytes (the readers' limit)")
