"""Token counts beside a vector file, in word2vec's vocabulary format: one ``token count`` line per token.

This is what the word2vec C tool writes with ``-save-vocab`` (and reads with ``-read-vocab``) and what
gensim reads and writes as ``fvocab=`` of ``load_word2vec_format``/``save_word2vec_format``.
``read_counts`` gives one count per row of a vector set (a token missing from the file counts 0, with
a warning; tokens of the file that the vectors lack, such as ``</s>``, are ignored); ``write_counts``
writes a set's counts in row order, atomically. ``load(..., counts=PATH)`` and
``save(..., counts=PATH)`` call them.

Deliberately left out: counts inside the vector file itself (``.tokvec`` stores them; see docs/format.md).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence

import numpy as np

from .._plumbing.files import atomic_write, open_stream, reading
from ..errors import FormatError, InvalidArgumentError, TokvecWarning
from ..printable import brief


def read_counts(path: str | os.PathLike, tokens: Sequence[str], errors: str = "strict") -> np.ndarray:
    """int64 counts for ``tokens`` (in that order) from a ``token count`` file; ``FormatError`` names the line.

    ``errors`` is the UTF-8 policy the vectors were read with (gensim's ``unicode_errors``), so a token whose
    bad bytes were replaced or dropped there matches its line here.
    """
    found: dict[str, int] = {}
    with reading(path), open_stream(path) as stream:
        for number, raw in enumerate(stream, start=1):
            line = _decoded(raw, errors, path, number).rstrip("\r\n")
            if not line.strip():
                continue
            token, _, count = line.rpartition(" ")
            if not token or not count.isdigit():
                raise FormatError(f"{path}, line {number}: expected 'token count' (a word2vec -save-vocab / gensim "
                                  f"fvocab line), got {brief(line)}; fix or regenerate the vocabulary file")
            found[token.strip()] = int(count)
    counts = np.array([found.get(t, -1) for t in tokens], dtype=np.int64)
    missing = int((counts < 0).sum())
    if missing:
        first = tokens[int(np.flatnonzero(counts < 0)[0])]
        warnings.warn(f"{path} has no count for {missing:,} of the {len(tokens):,} tokens (the first: {brief(first)}); "
                      "they count 0", TokvecWarning, stacklevel=3)
        counts[counts < 0] = 0
    return counts


def _decoded(raw: bytes, errors: str, path: str | os.PathLike, number: int) -> str:
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}, line {number}: invalid UTF-8 {raw[exc.start:exc.end]!r}; pass errors='replace' "
                          "or errors='ignore' (as for the vectors; CLI: --errors) to match the tokens read that way"
                          ) from None
    except LookupError:
        raise InvalidArgumentError(f"unknown errors policy {errors!r}; use 'strict', 'replace' or 'ignore'") from None


def write_counts(tokens: Sequence[str], counts: np.ndarray | None, path: str | os.PathLike) -> None:
    """Write ``token count`` lines in row order (atomically); the vectors must carry counts."""
    if counts is None:
        raise InvalidArgumentError(f"cannot write {path}: these vectors carry no counts (load them with counts=, or "
                                   "train them with tokvec train)")
    with atomic_write(path) as out:
        for token, count in zip(tokens, np.asarray(counts).tolist()):
            if not token or any(c.isspace() for c in token):
                raise InvalidArgumentError(f"cannot write {path}: the token {brief(token)} is empty or contains "
                                           "whitespace, which word2vec's vocabulary format cannot hold")
            out.write(f"{token} {int(count)}\n".encode())
