"""Training corpora: count a vocabulary, then encode sentences into one flat int32 id array.

A corpus is one or more text files (one sentence per line, whitespace-separated tokens, like
gensim's ``LineSentence``; lines longer than ``MAX_SENTENCE`` tokens are cut into chunks of that
size) or an iterable of token lists. One pass over the text: every token gets an id in first-seen
order (a dict lookup run from C), the ids and sentence lengths are kept as arrays; then the vocabulary is
made from the counts (``np.bincount``) and the ids are renumbered to vocabulary rows with NumPy, leaving
out the tokens below ``min_count`` (dropped before windowing, as word2vec and gensim do), into ``ids``
(int32) with sentence boundaries in ``sentence_starts`` (int64, ``n_sentences + 1``). Files are read in
4 MiB blocks of lines and never held as Python objects; the id and length arrays live in memory, or in
``np.memmap`` files in a temporary directory once they pass ``memory_mb`` (so resident memory stays
bounded for corpora larger than RAM).

Deliberately left out: phrase detection, lowercasing or any tokenisation beyond ``str.split``
(prepare the text first), and compressed inputs.
"""

from __future__ import annotations

import codecs
import os
import tempfile
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
"""A path, a list of paths, or an iterable of token lists."""

_Block = tuple[list[int], list[str]]  # tokens per sentence, then all their tokens in order


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


def _file_lines(
    paths: Sequence[Path], errors: Literal["replace", "strict"], counter: _Replacements | None
) -> Iterator[_Block]:
    """Yield (tokens per line, the tokens) of text files in blocks of about 4 MiB of text."""
    handler = counter.name if counter is not None else "strict"
    for path in paths:
        lineno = 0
        with open_stream(path) as f:  # gzip/bz2/xz are read transparently
            while lines := f.readlines(1 << 22):
                lengths: list[int] = []
                words: list[str] = []
                for raw in lines:  # one short-lived list per line: many held at once would wake the GC
                    lineno += 1
                    try:
                        line = raw.decode("utf-8", errors=handler).split()
                    except UnicodeDecodeError as exc:
                        raise CorpusError(
                            f"{path}: line {lineno}, byte {exc.start}: not UTF-8 ({exc.reason}). Convert the file "
                            "to UTF-8, or pass errors='replace' (--errors replace) to replace bad bytes"
                        ) from None
                    lengths.append(len(line))
                    words += line
                yield lengths, words


def _list_lines(source: Iterable[Sequence[str]]) -> Iterator[_Block]:
    """Yield (tokens per sentence, the tokens) of an iterable of token lists, in blocks of about a million tokens."""
    lengths: list[int] = []
    words: list[str] = []
    for sentence in source:
        if isinstance(sentence, str):
            raise CorpusError("each sentence must be a list of tokens, got a str; split it first")
        lengths.append(len(sentence))
        words += sentence
        if len(words) >= 1 << 20:
            yield lengths, words
            lengths, words = [], []
    if lengths:
        yield lengths, words


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

    def extend_array(self, values: np.ndarray) -> None:
        self._flush()
        self.buffer = values  # type: ignore[assignment]
        self._flush()

    def append(self, value: int) -> None:
        self.buffer.append(value)
        if len(self.buffer) >= 1 << 20:
            self._flush()

    def _flush(self) -> None:
        if len(self.buffer) == 0:
            return
        part = np.asarray(self.buffer, dtype=self.dtype)  # extend_array's fresh arrays are kept, not copied
        self.buffer = []
        self.size += part.shape[0]
        if self.file is None and self.size * self.dtype.itemsize > self.spill_bytes:
            self.file = open(self.spill.file(self.dtype.name), "wb")  # closed in finish()
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
        self.made = 0

    def file(self, name: str) -> Path:
        """A new file's path, unique in the directory (``name`` is a prefix)."""
        self.made += 1
        if self.tmpdir is None:
            if self.directory is not None and not Path(self.directory).is_dir():
                raise CorpusError(f"the corpus directory {self.directory} does not exist; create it or pass "
                                  "another (--corpus-dir)")
            self.tmpdir = tempfile.TemporaryDirectory(prefix="tokvec-corpus-", dir=self.directory)
        return Path(self.tmpdir.name) / f"{name}-{self.made}"


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

    ``source`` is a path, a list of paths, or an iterable of token lists (read once). ``errors`` is the UTF-8
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
        blocks: Iterator[_Block] = _file_lines(paths, errors, counter)
    else:
        if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
            raise CorpusError(f"a corpus is a path, a list of paths or an iterable of token lists, got {source!r}")
        blocks = _list_lines(source)  # type: ignore[arg-type]

    spill = _Spill(directory)
    budget = int(memory_mb * 2**20)
    seen = _FirstSeen(vocab or ())
    first_ids, lengths = _read(blocks, seen, budget, spill)  # one pass over the text
    raw_words = int(first_ids.shape[0])
    everyone = _bincount(first_ids, seen.next)  # occurrences of every distinct token, by first-seen id
    remap = np.full(seen.next, -1, np.int32)  # first-seen id -> vocabulary row (-1: left out)
    if vocab is None:
        if raw_words == 0:
            where = ", ".join(map(str, paths)) if paths else "the iterable"
            raise CorpusError(f"the corpus ({where}) is empty: it has no tokens. Pass a text file with one "
                              "sentence of whitespace-separated tokens per line")
        kept = np.argsort(-everyone, kind="stable")  # most frequent first; ties: first seen first
        kept = kept[everyone[kept] >= min_count][:max_vocab]
        if not kept.shape[0]:
            raise CorpusError(f"no token occurs at least min_count={min_count} times (the most frequent occurs "
                              f"{int(everyone.max())} times in {raw_words:,} tokens); lower min_count (--min-count) "
                              "or use a larger corpus")
        everything = list(seen)
        tokens, counts = [everything[i] for i in kept.tolist()], everyone[kept]
        remap[kept] = np.arange(kept.shape[0], dtype=np.int32)
    else:
        tokens = list(vocab)  # a token's id is its row (a repeated token: its last row, the others stay empty)
        remap[:len(tokens)] = np.arange(len(tokens), dtype=np.int32)
        counts = everyone[:len(tokens)]
    ids, starts = _encode(first_ids, lengths, remap, budget, spill)
    for scratch in (first_ids, lengths):  # spilled to disk: not needed any more
        if isinstance(scratch, np.memmap):
            Path(scratch.filename).unlink()
    return EncodedCorpus(tokens, counts, ids, starts, raw_words, counter.count if counter is not None else 0,
                         spill.tmpdir)


class _FirstSeen(dict):
    """Token -> id in first-seen order, starting after ``known`` (which keep their positions; a repeated
    one its last). ``map(seen.__getitem__, words)`` runs in C and calls ``__missing__`` only for new tokens."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__((t, i) for i, t in enumerate(known))
        self.next = len(known)

    def __missing__(self, token: str) -> int:
        new = self[token] = self.next
        self.next += 1
        return new


def _read(blocks: Iterator[_Block], seen: _FirstSeen, budget: int, spill: _Spill) -> tuple[np.ndarray, np.ndarray]:
    """Every token as its first-seen id (int32, in order) and every sentence's length (int64; a line longer than
    ``MAX_SENTENCE`` tokens counts as several sentences)."""
    ids_out, lengths_out = _SpillWriter(np.int32, budget, spill), _SpillWriter(np.int64, budget, spill)
    lookup = seen.__getitem__
    for lengths, words in blocks:
        if max(lengths, default=0) > MAX_SENTENCE:
            lengths = [min(MAX_SENTENCE, n - start) for n in lengths for start in range(0, max(n, 1), MAX_SENTENCE)]
        ids_out.extend_array(np.fromiter(map(lookup, words), np.int32, len(words)))
        lengths_out.extend_array(np.array(lengths, np.int64))
    return ids_out.finish(), lengths_out.finish()


def _encode(first_ids: np.ndarray, lengths: np.ndarray, remap: np.ndarray, budget: int,
            spill: _Spill) -> tuple[np.ndarray, np.ndarray]:
    """The kept tokens' rows (int32) and the starts of the sentences that keep any (int64, ``S + 1``), computed
    with NumPy over slices of whole sentences (a memory-mapped corpus is never loaded whole)."""
    ids_out, starts_out = _SpillWriter(np.int32, budget, spill), _SpillWriter(np.int64, budget, spill)
    starts_out.append(0)
    total, token, sentence = 0, 0, 0
    while sentence < lengths.shape[0]:
        ends = np.cumsum(lengths[sentence:sentence + (1 << 20)])  # (s,) token ends, relative to ``token``
        take = max(1, int(np.searchsorted(ends, 1 << 24, side="right")))  # whole sentences, ~16M tokens
        ends = ends[:take]
        rows = remap[first_ids[token:token + int(ends[-1])]]
        inside = rows >= 0
        ids_out.extend_array(rows[inside])
        running = np.concatenate([[0], np.cumsum(inside)])  # kept tokens before each position
        kept = running[ends] - running[np.concatenate([[0], ends[:-1]])]  # (s,) per sentence
        starts_out.extend_array(total + np.cumsum(kept[kept > 0]))
        total += int(kept.sum())
        token += int(ends[-1])
        sentence += take
    return ids_out.finish(), starts_out.finish()


def _bincount(ids: np.ndarray, n: int) -> np.ndarray:
    """Occurrences of each id, read in slices (a memory-mapped corpus is never loaded whole)."""
    counts = np.zeros(n, np.int64)
    for start in range(0, ids.shape[0], 1 << 24):
        counts += np.bincount(ids[start:start + (1 << 24)], minlength=n)
    return counts
