"""What a vector file format is to ``load`` and ``save``: one ``Format`` record per format module.

A record names the format, its aliases and file extensions, and carries three functions:
``sniff(path, head)`` looks at the file's first bytes (already read and decompressed) and returns
a *header* object (what the format's reader needs to know, parsed once) or ``None`` if the bytes
are not this format; ``read(path, header, *, limit, errors, mmap)`` builds ``Vectors``, taking the
sniffed header or ``None`` when the format was named by the caller; ``write(vectors, path, *,
dtype)`` writes one atomically (``None`` for a read-only format). The table of every record is
``formats.table``.

Deliberately left out: plugin registration at run time (a new format is a module and one line
of the table) and directory formats (Hugging Face models are ``formats.hf``, not a record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..vectors import Vectors

Sniffer = Callable[[Path, bytes], Any]
Reader = Callable[..., Vectors]
Writer = Callable[..., None]


@dataclass(frozen=True)
class Format:
    """One vector file format (see the module docstring for the three functions)."""

    name: str
    description: str
    sniff: Sniffer
    read: Reader
    write: Writer | None
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    first_line: int | None = None  # text formats: the line number of row 0 (for error messages)
    mapped: bool = False  # opened by memory-mapping, so it cannot be compressed
    options: tuple[str, ...] = ()  # extra keyword options its reader takes (fastText: ``encoding``)

    def where(self, row: int) -> str:
        """Where row ``row`` is in the file, as an error message says it (``line 12`` or ``row 10``)."""
        return f"line {row + self.first_line:,}" if self.first_line is not None else f"row {row:,}"
