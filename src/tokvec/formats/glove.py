"""GloVe text: ``token v1 ... vdim`` per line, no header (dim comes from the first line).

The parser is word2vec text's (``word2vec.read_text`` with ``header=False``); this module only
names the format. Tokens with spaces (a few in GloVe 840B) are recovered: the last ``dim``
fields of a line are the values.
"""

from __future__ import annotations

from pathlib import Path

from ..vectors import Vectors
from . import word2vec


def read(path: Path, *, limit: int | None = None, errors: str = "strict") -> Vectors:
    """Read a GloVe text file (optionally compressed)."""
    return word2vec.read_text(path, header=False, limit=limit, errors=errors, format_name="GloVe text")


def write(vectors: Vectors, path: Path) -> None:
    """Write GloVe text (no header)."""
    word2vec.write_text(vectors, path, header=False, format_name="GloVe text")
