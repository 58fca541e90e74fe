"""Sniff a vector file's format from its first bytes (never from the extension alone).

Rules, in order: a safetensors header -> ``tokvec``; a first line of two integers -> a
word2vec header, then ``word2vec-text`` if the next line is a token followed by ``dim``
decimal numbers, else ``word2vec-binary``; a first line of a token and numbers ->
``glove``. gzip/bz2/xz files are looked into.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FormatError
from . import native
from ._common import open_stream
from .word2vec import _HEADER, _is_number

_SNIFF_BYTES = 1 << 16


def sniff(path: Path) -> str:
    """Return ``"tokvec"``, ``"word2vec-binary"``, ``"word2vec-text"`` or ``"glove"``."""
    with open_stream(path) as f:
        head = f.read(_SNIFF_BYTES)
    if not head:
        raise FormatError(f"{path} is empty; there are no vectors to load")
    if native.is_native(head):
        return "tokvec"
    first, _, rest = head.partition(b"\n")
    match = _HEADER.match(first.rstrip(b"\r"))
    if match:
        dim = int(match.group(2))
        second = rest.split(b"\n", 1)[0].rstrip(b"\r")
        fields = second.split()
        if len(fields) >= dim + 1 and all(_is_number(x) for x in fields[-dim:]):
            try:
                second.decode("utf-8")
                return "word2vec-text"
            except UnicodeDecodeError:
                return "word2vec-text" if b"\x00" not in second else "word2vec-binary"
        return "word2vec-binary"
    fields = first.rstrip(b"\r").split()
    if len(fields) >= 2 and all(_is_number(x) for x in fields[1:]):
        return "glove"
    raise FormatError(
        f"cannot tell the format of {path}: its first line {first[:60]!r} is neither a word2vec header "
        "'<count> <dim>' nor 'token v1 v2 ...' (GloVe), and it is not a .tokvec file. "
        "Pass format= one of tokvec, word2vec-binary, word2vec-text, glove"
    )
