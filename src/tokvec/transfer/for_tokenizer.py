"""``init_embeddings``: a token matrix for a tokenizer's vocabulary, built from word vectors.

For each token of the tokenizer, in id order: a whole-word token (``king``, ``Ġking``, ``▁king``) takes
its word's row (or, ``lower``, its lower-case form's); a word piece (``##ing``, an unmarked BPE piece)
and a whole-word token the vectors lack take the mean of the rows of the words that contain them
(word-internal pieces inside a word, word-start tokens at its start), among the ``words`` first (most
frequent) rows, at most ``max_words`` of them; special tokens (``[CLS]``, ``<|endoftext|>``,
``[unused7]``) and the rest are seeded random rows with the word vectors' own mean and spread,
padding tokens (``[PAD]``, ``<pad>``) zero. The result is a ``Vectors`` whose rows are the
tokenizer's ids, ready for ``tokvec train-lm --init-embeddings``.

Token markers are read from the vocabulary: ``##`` marks word-internal pieces (WordPiece: unmarked
tokens start words); otherwise ``Ġ``/``▁`` mark word starts (byte-level BPE, SentencePiece: unmarked
tokens are word-internal).

Deliberately left out: sub-word models of the word vectors themselves (``matrix_for(oov="subwords")``).
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from ..vocab.hf_tokenizer import load_tokenizer, vocabulary
from .matrix import MatrixReport, row_statistics

_SPECIAL = re.compile(r"^(\[[A-Za-z_]+\d*\]|<\|?[A-Za-z_/]+\|?>|<[a-z]+>)$")
_PAD = re.compile(r"^(\[PAD\]|<pad>|<\|pad\|>)$", re.IGNORECASE)
_START_MARKS = ("Ġ", "▁")


def _word_form(token: str, wordpiece: bool) -> tuple[str, bool]:
    """(the text a token stands for, whether it starts a word)."""
    if wordpiece:
        return (token[2:], False) if token.startswith("##") and len(token) > 2 else (token, True)
    for mark in _START_MARKS:
        if token.startswith(mark) and len(token) > len(mark):
            return token[len(mark):], True
    return token, False


def _containing(words: list[str], pieces: dict[tuple[str, bool], list[int]], max_words: int) -> None:
    """Fill ``pieces[(text, at_start)]`` with the rows (in ``words`` order) of words containing ``text``."""
    wanted = {text for text, _ in pieces}
    longest = max((len(t) for t in wanted), default=0)
    for row, word in enumerate(words):
        for start in range(len(word)):
            for end in range(start + 1, min(len(word), start + longest) + 1):
                text = word[start:end]
                if text in wanted:
                    rows = pieces.get((text, start == 0))
                    if rows is not None and len(rows) < max_words and (not rows or rows[-1] != row):
                        rows.append(row)


def init_embeddings(
    tokenizer: Any,
    vectors: Any,
    *,
    seed: int = 0,
    lower: bool = True,
    words: int = 50_000,
    max_words: int = 100,
) -> tuple[Any, MatrixReport]:
    """The tokenizer's tokens (id order) with rows from ``vectors``, and the ``MatrixReport`` of how.

    ``tokenizer`` is a ``tokenizers.Tokenizer``, a ``tokenizer.json`` path or model directory, or
    ``"minilm"``; ``vectors`` a ``Vectors`` (``tokvec.load(path)`` reads one). The result is a
    ``Vectors`` of the same class.
    """
    if isinstance(vectors, (str, os.PathLike)):
        raise InvalidArgumentError(f"init_embeddings takes loaded vectors, not the path {str(vectors)!r}; "
                                   "pass tokvec.load(path)")
    backend = load_tokenizer(tokenizer) if isinstance(tokenizer, (str, os.PathLike)) else tokenizer
    v = vectors
    tokens = vocabulary(backend)
    wordpiece = any(t.startswith("##") for t in tokens)
    out = np.zeros((len(tokens), v.dim), dtype=np.float32)
    report = MatrixReport(total=len(tokens), oov="random")
    pieces: dict[tuple[str, bool], list[int]] = {}
    todo: list[tuple[int, tuple[str, bool]]] = []
    rest: list[int] = []
    for i, token in enumerate(tokens):
        if _SPECIAL.match(token):
            report.specials += 1
            if not _PAD.match(token):
                rest.append(i)
            continue
        text, at_start = _word_form(token, wordpiece)
        row = v.vocab.get(text) if at_start else None
        if row is not None:
            report.exact += 1
        elif at_start and lower and (row := v.vocab.get(text.lower())) is not None:
            report.lowered += 1
        if row is not None:
            out[i] = np.asarray(v.matrix[row], dtype=np.float32)
        else:
            key = (text.lower() if lower else text, at_start)
            pieces.setdefault(key, [])
            todo.append((i, key))
    head = v.vocab.head(min(len(v), words)).tokens
    _containing([w.lower() for w in head] if lower else head, pieces, max_words)
    for i, key in todo:
        if pieces[key]:
            out[i] = np.asarray(v.matrix[pieces[key]], dtype=np.float32).mean(axis=0)
            report.pieces += 1
        else:
            report.initialised += 1
            report.unknown.append(tokens[i])
            rest.append(i)
    mean, std = row_statistics(v.matrix)
    rng = np.random.default_rng(seed)
    for i in sorted(rest):
        out[i] = rng.standard_normal(v.dim) * std + mean
    source = f"init-embeddings: {len(tokens):,} tokenizer tokens from {v.source or 'word vectors'}"
    metadata = {"init_embeddings": str(report), "seed": str(seed)}
    return type(v)(tokens, out, source=source, metadata=metadata, check_duplicates=False), report
