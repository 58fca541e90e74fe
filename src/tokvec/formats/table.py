"""The one table of vector file formats, and finding a format by name, alias or extension.

``TABLE`` lists every ``Format`` record in sniffing order (``load`` tries them in turn on a
file's first bytes; ``save`` picks one by ``format=`` or by extension). Adding a format is its
module and one line here.

Deliberately left out: the formats' own logic (their modules) and directories (``formats.hf``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidArgumentError
from . import fasttext, gensim, glove, native, word2vec
from .base import Format

TABLE: tuple[Format, ...] = (native.FORMAT, gensim.FORMAT, fasttext.FORMAT, word2vec.BINARY, word2vec.TEXT,
                             glove.FORMAT)
FORMATS: tuple[str, ...] = tuple(f.name for f in TABLE)
WRITABLE: tuple[str, ...] = tuple(f.name for f in TABLE if f.write is not None)
_BY_NAME = {name: f for f in TABLE for name in (f.name, *f.aliases)}
_BY_EXTENSION = {ext: f for f in TABLE for ext in f.extensions}


def lookup(name: str) -> Format:
    """The record of a format or alias (``"bin"`` -> word2vec-binary); unknown names raise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidArgumentError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}") from None


def format_name(name: str) -> str:
    """The canonical name of a format or alias (``"bin"`` -> ``"word2vec-binary"``); unknown names raise."""
    return lookup(name).name


def for_path(path: Path, subwords: bool = False) -> Format:
    """The format ``save`` writes to ``path``: by the extension before an optional ``.gz``; ``.bin`` is
    fastText's ``.bin`` for vectors with ``subwords`` (their n-grams are kept), else word2vec's binary."""
    suffixes = [s for s in path.suffixes if s != ".gz"]
    if suffixes and suffixes[-1] == ".bin" and subwords:
        return fasttext.FORMAT
    if suffixes and suffixes[-1] in _BY_EXTENSION:
        return _BY_EXTENSION[suffixes[-1]]
    raise InvalidArgumentError(
        f"cannot tell which format to write from the name {path.name!r}; use an extension "
        f"({', '.join(_BY_EXTENSION)}) or pass format= one of {', '.join(FORMATS)}"
    )
