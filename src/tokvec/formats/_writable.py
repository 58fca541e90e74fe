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

The checks are NumPy passes over the vocabulary's packed UTF-8 bytes (a few ms for 3M tokens); the
error names the first offending token, its row and what to do.

Deliberately left out: rewriting tokens (replacing whitespace is the caller's decision).
"""

from __future__ import annotations

import numpy as np

from ..errors import FormatError
from ..printable import brief
from ..vocab import Vocab
from ._scan_codes import MAX_TOKEN_BYTES

__all__ = ["check_binary_tokens", "check_size", "check_text_tokens"]

_FIX = "Save as .tokvec (format='tokvec'), which stores any token, or change that token first"
_SPACE, _NEWLINE = 32, 10


def _refuse(vocab: Vocab, row: int, fmt: str, why: str) -> None:
    raise FormatError(f"token {brief(vocab.token(row))} (row {row:,}) {why}, "
                      f"which the {fmt} format cannot store. {_FIX}")


def _row_of(offsets: np.ndarray, byte: int) -> int:
    return int(np.searchsorted(offsets, byte, side="right")) - 1


def _check_space(vocab: Vocab, buffer: np.ndarray, offsets: np.ndarray, fmt: str, where: str) -> None:
    """A space (the separator) is refused by every non-native format (``Vocab`` refuses lone surrogates)."""
    spaces = np.flatnonzero(buffer == _SPACE)
    if spaces.size:
        _refuse(vocab, _row_of(offsets, int(spaces[0])), fmt, f"holds a space ({where} ends at its first space)")


def check_text_tokens(vocab: Vocab, fmt: str, *, header: bool, first_values: str = "") -> None:
    """Refuse (``FormatError`` naming the token, its row and the fix) a token a text format cannot hold.

    ``header`` is False for GloVe; ``first_values`` is row 0's values as written (GloVe, dim 1)."""
    buffer, offsets = vocab.packed()
    _check_space(vocab, buffer, offsets, fmt, "a text row's token")
    newlines = np.flatnonzero(buffer == _NEWLINE)
    if newlines.size != len(vocab):  # more than the one ending each token
        inside = newlines[: len(offsets) - 1] != offsets[1 : len(newlines) + 1] - 1
        first = int(newlines[int(np.argmax(inside))]) if inside.any() else int(newlines[len(offsets) - 1])
        _refuse(vocab, _row_of(offsets, first), fmt, "holds a newline (a text row ends at a newline)")
    if header or not len(vocab):
        return
    token = vocab.token(0)
    if token.startswith("\ufeff"):
        _refuse(vocab, 0, fmt, "starts with U+FEFF, read back as the file's byte order mark (GloVe has no header)")
    if token.isascii() and token.isdigit() and first_values.isdigit():
        _refuse(vocab, 0, fmt, f"and its value {first_values} make line 1 read as a word2vec header '<count> <dim>'")


def check_binary_tokens(vocab: Vocab, fmt: str = "word2vec binary") -> None:
    """Refuse a token the word2vec binary format cannot hold (see the module docstring)."""
    buffer, offsets = vocab.packed()
    _check_space(vocab, buffer, offsets, fmt, "a binary token")
    lengths = np.diff(offsets) - 1
    starts = offsets[:-1][lengths > 0]
    leading = np.flatnonzero(buffer[starts] == _NEWLINE) if starts.size else starts
    if leading.size:
        _refuse(vocab, _row_of(offsets, int(starts[leading[0]])), fmt,
                "starts with a newline (readers skip newlines between records)")
    if lengths.size and int(lengths.max()) > MAX_TOKEN_BYTES:
        _refuse(vocab, int(np.argmax(lengths > MAX_TOKEN_BYTES)), fmt,
                f"is longer than {MAX_TOKEN_BYTES:,} bytes (the readers' limit)")


def check_size(n: int, dim: int, fmt: str, *, header: bool = True) -> None:
    """Refuse what the format's readers would refuse: dim 0, and no rows at all in headerless GloVe."""
    if dim == 0:
        raise FormatError(f"these vectors have dim 0, which the {fmt} format cannot store (its readers need dim >= 1). "
                          "Save as .tokvec (format='tokvec')")
    if n == 0 and not header:
        raise FormatError(f"there are no vectors: an empty {fmt} file cannot be read back (it has no header to say "
                          "so). Save as .tokvec or word2vec text")
