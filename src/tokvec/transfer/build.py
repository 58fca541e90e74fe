"""``build_vocab``: count a corpus and keep its frequent words (torchtext's ``build_vocab_from_iterator``).

The input is texts (strings, split on whitespace), pre-tokenised texts (lists of strings), or files
(``pathlib.Path`` objects, or one string naming an existing file: one text per line, gzip/bz2/xz read
transparently); or a Hugging Face
tokenizer (``tokenizer=``: a ``tokenizers.Tokenizer``, a ``tokenizer.json`` path or model directory,
or ``"minilm"``), whose vocabulary, in id order, is the result when no texts are given, and which
splits the texts into its tokens when they are. Words are kept with at least ``min_count``
occurrences, the ``max_size`` most frequent first (ties in alphabetical order, as torchtext), after
the ``specials``, which always come first, in the order given, with count 0.

Deliberately left out: the pretrained rows for the vocabulary (``matrix_for``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .._plumbing.files import open_stream, reading
from ..errors import InvalidArgumentError
from ..printable import brief
from ..vocab import Vocab
from ..vocab.hf_tokenizer import load_tokenizer, vocabulary

DEFAULT_SPECIALS = ("<pad>", "<unk>")


def _texts(texts_or_files: Iterable[Any] | str | os.PathLike) -> Iterator[str | list[str]]:
    if isinstance(texts_or_files, str) and "\n" not in texts_or_files and os.path.isfile(texts_or_files):
        texts_or_files = Path(texts_or_files)  # one file named by a string: a file, not a one-word text
    if isinstance(texts_or_files, (str, os.PathLike)):
        texts_or_files = [texts_or_files]
    for item in texts_or_files:
        if isinstance(item, os.PathLike):
            with reading(item), open_stream(item) as stream:
                for line in stream:
                    yield line.decode("utf-8", errors="replace")
        elif isinstance(item, str) or (isinstance(item, Sequence) and all(isinstance(t, str) for t in item)):
            yield item
        else:
            raise InvalidArgumentError(f"build_vocab reads strings, lists of tokens or pathlib.Path files, got "
                                       f"{type(item).__name__}; wrap file names in pathlib.Path")


def _check(min_count: int, max_size: int | None, specials: Sequence[str]) -> list[str]:
    if not (isinstance(min_count, int) and min_count >= 1):
        raise InvalidArgumentError(f"min_count must be a positive integer, got {min_count!r}")
    if max_size is not None and not (isinstance(max_size, int) and max_size >= 0):
        raise InvalidArgumentError(f"max_size must be a non-negative integer or None, got {max_size!r}")
    specials = list(specials)
    if len(set(specials)) != len(specials):
        twice = next(s for s in specials if specials.count(s) > 1)
        raise InvalidArgumentError(f"specials lists {brief(twice)} twice; list each special token once")
    return specials


def build_vocab(
    texts_or_files: Iterable[Any] | str | os.PathLike | None = None,
    *,
    min_count: int = 1,
    max_size: int | None = None,
    specials: Sequence[str] = DEFAULT_SPECIALS,
    lower: bool = False,
    tokenizer: Any = None,
) -> Vocab:
    """A ``Vocab`` (with counts) of ``specials`` then the corpus words, most frequent first.

    ``max_size`` counts the corpus words only (the specials come on top); ``lower`` lower-cases
    every word before counting.

    >>> v = build_vocab(["the cat sat", "the dog"], specials=["<pad>"])
    >>> v.tokens, v.counts.tolist()
    (['<pad>', 'the', 'cat', 'dog', 'sat'], [0, 2, 1, 1, 1])
    """
    specials = _check(min_count, max_size, specials)
    backend = None
    if tokenizer is not None:
        backend = load_tokenizer(tokenizer) if isinstance(tokenizer, (str, os.PathLike)) else tokenizer
        if texts_or_files is None:
            words = [t for t in vocabulary(backend) if t not in specials]
            return Vocab(specials + words)
    elif texts_or_files is None:
        raise InvalidArgumentError("build_vocab needs texts, files or a tokenizer= to take the vocabulary from")
    counter: Counter[str] = Counter()
    for text in _texts(texts_or_files):
        if isinstance(text, str):
            text = text.lower() if lower else text
            words = backend.encode(text, add_special_tokens=False).tokens if backend is not None else text.split()
        else:
            words = [w.lower() for w in text] if lower else text
        counter.update(words)
    for special in specials:
        counter.pop(special, None)
    kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    kept = kept[:max_size] if max_size is not None else kept
    return Vocab(specials + [w for w, _ in kept], [0] * len(specials) + [c for _, c in kept])
