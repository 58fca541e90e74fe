"""GloVe text: ``token v1 ... vdim`` per line, no header (dim comes from the first line).

The parser is word2vec text's (``word2vec.TextReader`` without a header); this module only
names the format and recognises it. A token is what precedes a line's first space, byte for byte;
tokens with spaces (a few in GloVe 840B) are recovered: the last ``dim`` fields of a line are the values.

Deliberately left out: GloVe's binary training outputs (``vectors.bin`` of the C tool).
"""

from __future__ import annotations

from pathlib import Path

from ..vectors import Vectors
from . import word2vec
from ._common import is_number, open_stream
from .base import Format


def sniff(path: Path, head: bytes) -> int | None:
    """The dim if the first line of ``head`` (after a UTF-8 byte order mark) is a token, a space and
    numbers, else None. The token is what precedes the first space, as the reader takes it: it may be
    empty or hold tabs."""
    first = head.removeprefix(word2vec.BOM).partition(b"\n")[0].rstrip(b"\r")
    _, space, values = first.partition(b" ")
    parts = values.split()
    return len(parts) if space and parts and all(is_number(x) for x in parts) else None


def read(path: Path, header: int | None = None, *, limit: int | None = None, errors: str = "strict",
         mmap: bool = True) -> Vectors:
    """Read a GloVe text file (optionally compressed)."""
    with open_stream(path) as stream:
        return word2vec.TextReader(path, limit, errors, header=False).read(stream)


def write(vectors: Vectors, path: Path, *, dtype: str | None = None) -> None:
    """Write GloVe text (no header)."""
    word2vec.write_text(vectors, path, header=False, format_name="GloVe text", dtype=dtype)


FORMAT = Format("glove", "GloVe text: 'token v1 ... vdim' lines, no header", sniff, read, write, first_line=1)
