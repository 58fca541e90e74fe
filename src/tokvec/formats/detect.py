"""Sniff a vector file's format from its first bytes (never from the extension alone).

The file is opened once (gzip/bz2/xz are looked into) and its first 64 KiB offered to each
record of ``formats.table`` in order: a safetensors header -> ``tokvec``; fastText's magic number
(or an old fastText header) -> ``fasttext-bin``; a first line of two
integers -> a word2vec header, then ``word2vec-text`` if the next line is a token followed by
``dim`` decimal numbers, else ``word2vec-binary``; a first line of a token and numbers ->
``glove``. The first record whose ``sniff`` returns a header wins, and its reader takes that
header, so nothing is parsed twice.

Deliberately left out: guessing from the extension (``save`` does that, ``load`` never).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import FormatError
from ._common import open_stream
from .base import Format
from .table import FORMATS, TABLE

_SNIFF_BYTES = 1 << 16


def identify(path: Path) -> tuple[Format, Any]:
    """The format of ``path`` and the header its sniffer parsed."""
    with open_stream(path) as f:
        head = f.read(_SNIFF_BYTES)
    if not head:
        raise FormatError(f"{path} is empty; there are no vectors to load")
    for fmt in TABLE:
        header = fmt.sniff(path, head)
        if header is not None:
            return fmt, header
    first = head.partition(b"\n")[0]
    raise FormatError(
        f"cannot tell the format of {path}: its first line {first[:60]!r} is neither a word2vec header "
        "'<count> <dim>' nor 'token v1 v2 ...' (GloVe), and it is neither a .tokvec file nor a fastText .bin "
        "(magic number 793712314). "
        f"Pass format= one of {', '.join(FORMATS)}"
    )


def sniff(path: Path) -> str:
    """The name of ``path``'s format: ``"tokvec"``, ``"fasttext-bin"``, ``"word2vec-binary"``, ``"word2vec-text"``
    or ``"glove"``."""
    return identify(path)[0].name
