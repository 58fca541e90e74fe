"""Training corpora: count a vocabulary, then encode sentences into one flat int32 id array.

A corpus is one or more text files (one sentence per line, whitespace-separated tokens, like
gensim's ``LineSentence``; lines longer than ``MAX_SENTENCE`` tokens are cut into chunks of that
size) or a re-iterable of token lists. Two passes: the first counts tokens, the second encodes
each sentence's in-vocabulary tokens into ``ids`` (int32) with sentence boundaries in
``sentence_starts`` (int64, ``n_sentences + 1``). Out-of-vocabulary tokens are dropped before
windowing, as word2vec and gensim do. Files are streamed line by line and never held as Python
objects; the id and sentence-start arrays live in memory, or in ``np.memmap`` files in a temporary
directory once they pass ``memory_mb`` (so resident memory stays bounded for corpora larger than RAM).

Deliberately left out: phrase detection, lowercasing or any tokenisation beyond ``str.split``
(prepare the text first), and compressed inputs.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import numpy as np

from .._plumbing.files import open_stream
from ..errors import CorpusError, InvalidArgumentError

DEFAULT_MEMORY_MB = 256
"""MiB of encoded ids (and of sentence starts) kept in memory before they move to a memory-mapped file."""

MAX_SENTENCE = 10_000
"""Longest sentence in tokens; longer lines are cut into pieces of this size (gensim's MAX_WORDS_IN_BATCH)."""

CorpusSource = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], Iterable[Sequence[str]]]
"""A path, a list of paths, or a re-iterable of token lists."""


@dataclass
class EncodedCorpus:
    """A corpus encoded against its vocabulary.

    ``tokens[i]`` has ``counts[i]`` occurrences (sorted by descending count); ``ids`` (int32,
    ``(n_tokens,)``) holds every in-vocabulary token of the corpus in order and sentence ``s`` is
    ``ids[sentence_starts[s]:sentence_starts[s + 1]]``. ``raw_words`` counts every token read
    (in vocabulary or not); ``replaced_bytes`` counts undecodable bytes replaced by U+FFFD.
    """

    tokens: list[str]
    counts: np.ndarray  # (V,) int64
    ids: np.ndarray  # (N,) int32, maybe a memmap
    sentence_starts: np.ndarray  # (S + 1,) int64
    raw_words: int
    replaced_bytes: int = 0
    _tmpdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def n_tokens(self) -> int:
        return int(self.ids.shape[0])


class _Replacements:
    """A codec error handler that replaces undecodable bytes with U+FFFD and counts them."""

    def __init__(self) -> None:
        self.count = 0
        self.name = f"tokvec-count-{id(self)}"
        codecs.register_error(self.name, self)

    def __call__(self, exc: UnicodeDecodeError) -> tuple[str, int]:
        self.count += exc.end - exc.start
        return "\ufffd" * (exc.end - exc.start), exc.end


def _paths(source: CorpusSource) -> list[Path] | None:
    if isinstance(source, (str, os.PathLike)):
        return [Path(source)]
    if isinstance(source, Sequence) and source and all(isinstance(s, (str, os.PathLike)) for s in source):
        return [Path(s) for s in source]
    return None


def iter_file_sentences(
    paths: Sequence[Path], errors: Literal["replace", "strict"], counter: _Replacements | None
) -> Iterator[list[str]]:
    """Yield token lists from text files, one per line (cut at ``MAX_SENTENCE`` tokens)."""
    handler = counter.name if counter is not None else "strict"
    for path in paths:
        with open_stream(path) as f:  # gzip/bz2/xz are read transparently
            for lineno, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8", errors=handler)
                except UnicodeDecodeError as exc:
                    raise CorpusError(
                        f"{path}: line {lineno}, byte {exc.start}: not UTF-8 ({exc.reason}). Convert the file "
                        "to UTF-8, or pass errors='replace' (--errors replace) to replace bad bytes"
                    ) from None
                words = line.split()
                for start in range(0, len(words), MAX_SENTENCE):
                    yield words[start:start + MAX_SENTENCE]


def _check_paths(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise CorpusError(f"no such corpus file: {path}. Check the path")
        if path.is_dir():
            raise CorpusError(f"{path} is a directory; pass the text files in it (one sentence per line)")


class _SpillWriter:
    """Append integers in memory; once ``spill_bytes`` are held, move them to a file in ``directory`` and memmap it.

    Resident memory stays below about ``spill_bytes`` plus one 1M-value buffer, however long the corpus.
    """

    def __init__(self, dtype: type, spill_bytes: int, tmpdir: _Spill) -> None:
        self.dtype = np.dtype(dtype)
        self.spill_bytes = spill_bytes
        self.parts: list[np.ndarray] = []
        self.buffer: list[int] = []
        self.size = 0
        self.file = None
        self.spill = tmpdir

    def extend(self, values: list[int]) -> None:
        self.buffer.extend(values)
        if len(self.buffer) >= 1 << 20:
            self._flush()

    def append(self, value: int) -> None:
        self.buffer.append(value)
        if len(self.buffer) >= 1 << 20:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        part = np.array(self.buffer, dtype=self.dtype)
        self.buffer = []
        self.size += part.shape[0]
        if self.file is None and self.size * self.dtype.itemsize > self.spill_bytes:
            self.file = open(self.spill.file(f"{self.dtype.name}-{id(self)}"), "wb")  # closed in finish()
            for p in self.parts:
                p.tofile(self.file)
            self.parts = []
        if self.file is not None:
            part.tofile(self.file)
        else:
            self.parts.append(part)

    def finish(self) -> np.ndarray:
        self._flush()
        if self.file is None:
            return np.concatenate(self.parts) if self.parts else np.zeros(0, self.dtype)
        self.file.close()
        if self.size == 0:
            return np.zeros(0, self.dtype)
        return np.memmap(self.file.name, dtype=self.dtype, mode="r", shape=(self.size,))


class _Spill:
    """The temporary directory that memory-mapped corpus arrays live in (made on first use, removed with the corpus)."""

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.directory = directory
        self.tmpdir: tempfile.TemporaryDirectory | None = None

    def file(self, name: str) -> Path:
        if self.tmpdir is None:
            if self.directory is not None and not Path(self.directory).is_dir():
                raise CorpusError(f"the corpus directory {self.directory} does not exist; create it or pass "
                                  "another (--corpus-dir)")
            self.tmpdir = tempfile.TemporaryDirectory(prefix="tokvec-corpus-", dir=self.directory)
        return Path(self.tmpdir.name) / name


def build_vocab(counts: Counter, min_count: int, max_vocab: int | None) -> tuple[list[str], np.ndarray]:
    """Tokens with ``count >= min_count``, most frequent first (ties: first seen first), at most ``max_vocab``.

    >>> build_vocab(Counter({"a": 1, "b": 3, "c": 3}), 2, None)
    (['b', 'c'], array([3, 3]))
    """
    kept = [(token, c) for token, c in counts.items() if c >= min_count]
    kept.sort(key=lambda tc: -tc[1])  # stable: ties keep first-seen order
    if max_vocab is not None:
        kept = kept[:max_vocab]
    return [t for t, _ in kept], np.array([c for _, c in kept], dtype=np.int64)


def encode_corpus(
    source: CorpusSource,
    *,
    min_count: int = 5,
    max_vocab: int | None = None,
    errors: Literal["replace", "strict"] = "replace",
    vocab: Sequence[str] | None = None,
    memory_mb: float = DEFAULT_MEMORY_MB,
    directory: str | os.PathLike | None = None,
) -> EncodedCorpus:
    """Count the corpus's vocabulary (or use ``vocab``) and encode it to flat int32 ids.

    ``source`` is a path, a list of paths, or a re-iterable of token lists. ``errors`` is the UTF-8
    policy for files: ``"replace"`` (bad bytes become U+FFFD and are counted in
    ``replaced_bytes``) or ``"strict"`` (a ``CorpusError`` naming the file and line). The encoded ids
    and sentence starts stay in memory up to ``memory_mb`` MiB each; past that they are written to a
    temporary file in ``directory`` (default: the system's temporary directory) and memory-mapped,
    so a corpus larger than RAM trains with bounded resident memory.

    >>> c = encode_corpus([["a", "b", "a"], ["b", "c"]], min_count=2)
    >>> c.tokens, c.ids.tolist(), c.sentence_starts.tolist()
    (['a', 'b'], [0, 1, 0, 1], [0, 3, 4])
    """
    if errors not in ("replace", "strict"):
        raise InvalidArgumentError(f"errors must be 'replace' or 'strict', got {errors!r}")
    if not memory_mb >= 0:
        raise InvalidArgumentError(f"the corpus memory budget must be >= 0 MiB, got {memory_mb!r}")
    paths = _paths(source)
    counter = _Replacements() if errors == "replace" else None
    if paths is not None:
        _check_paths(paths)

        def sentences() -> Iterator[list[str]]:
            return iter_file_sentences(paths, errors, counter)
    else:
        if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
            raise CorpusError(f"a corpus is a path, a list of paths or an iterable of token lists, got {source!r}")
        if iter(source) is source:  # a one-shot iterator: keep it for the second pass
            source = list(source)

        def sentences() -> Iterator[list[str]]:
            for sentence in source:  # type: ignore[union-attr]
                if isinstance(sentence, str):
                    raise CorpusError("each sentence must be a list of tokens, got a str; split it first")
                for start in range(0, len(sentence), MAX_SENTENCE):
                    yield list(sentence[start:start + MAX_SENTENCE])

    raw_counts: Counter = Counter()
    raw_words = 0
    if vocab is None:
        for sentence in sentences():
            raw_counts.update(sentence)
            raw_words += len(sentence)
        if raw_words == 0:
            where = ", ".join(map(str, paths)) if paths else "the iterable"
            raise CorpusError(f"the corpus ({where}) is empty: it has no tokens. Pass a text file with one "
                              "sentence of whitespace-separated tokens per line")
        tokens, counts = build_vocab(raw_counts, min_count, max_vocab)
        if not tokens:
            best = raw_counts.most_common(1)[0][1]
            raise CorpusError(f"no token occurs at least min_count={min_count} times (the most frequent occurs "
                              f"{best} times in {raw_words:,} tokens); lower min_count (--min-count) or use a "
                              "larger corpus")
        if counter is not None:
            counter.count = 0  # counted again in the encoding pass
    else:
        tokens, counts = list(vocab), np.zeros(len(vocab), np.int64)

    index = {t: i for i, t in enumerate(tokens)}
    get = index.get
    spill = _Spill(directory)
    budget = int(memory_mb * 2**20)
    writer, starts = _SpillWriter(np.int32, budget, spill), _SpillWriter(np.int64, budget, spill)
    starts.append(0)
    total = 0
    raw_words = 0
    for sentence in sentences():
        raw_words += len(sentence)
        ids = [i for i in map(get, sentence) if i is not None]
        if ids:
            writer.extend(ids)
            total += len(ids)
            starts.append(total)
    ids_array = writer.finish()
    if vocab is not None:
        counts = _bincount(ids_array, len(tokens))
    return EncodedCorpus(tokens, counts, ids_array, starts.finish(), raw_words,
                         counter.count if counter is not None else 0, spill.tmpdir)


def _bincount(ids: np.ndarray, n: int) -> np.ndarray:
    """Occurrences of each id, read in slices (a memory-mapped corpus is never loaded whole)."""
    counts = np.zeros(n, np.int64)
    for start in range(0, ids.shape[0], 1 << 24):
        counts += np.bincount(ids[start:start + (1 << 24)], minlength=n)
    return counts
