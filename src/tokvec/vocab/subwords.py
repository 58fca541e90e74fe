"""fastText subwords: a vector for any word from its character n-grams, exactly as fastText computes it.

A word is wrapped in ``<`` ``>``; its n-grams are the runs of ``minn``..``maxn`` characters of ``<word>``
(whole UTF-8 characters: a byte ``10xxxxxx`` continues the previous one), except the lone ``<`` and
``>``. Each n-gram's bytes are hashed with fastText's 32-bit FNV-1a, every byte sign-extended as a C
``char`` before the xor (so non-ASCII bytes hash as ``0xFFFFFFxx``), and taken modulo ``bucket``: that
row of the bucket matrix is the n-gram's vector. A vocabulary word's vector is the mean of its own row
and its n-gram rows; an unknown word's is the mean of its n-gram rows (zero if it has none). The
end-of-sentence token ``</s>`` has no n-grams (fastText's ``initNgrams``).

Two deliberate differences from gensim's ``load_facebook_vectors``, where we follow fastText:
``</s>`` is its own row (gensim adds n-grams to it), and a model read with ``encoding=`` other than
UTF-8 hashes the words' bytes in that encoding (gensim hashes their UTF-8 re-encoding, so its
vectors of non-ASCII words differ from fastText's).

``from_ngrams``, ``note`` and ``carry`` are what ``Vectors`` asks when its ``subwords`` is set: is a
word answered from its n-grams, what to say of it, and keeping the n-grams on a derived set. The compiled
kernels (LLVM IR) are ``_subword_kernels``; each has a twin here (``*_reference``), plain Python/NumPy, that the
tests compare with it exactly.

>>> import numpy as np
>>> s = Subwords(np.ones((10, 2), np.float32), minn=3, maxn=4)
>>> s.ngrams("cat")
['<ca', '<cat', 'cat', 'cat>', 'at>']
>>> s.vector("cat").tolist()
[1.0, 1.0]

Deliberately left out: training (``tokvec.train``), reading files (``formats.fasttext``, ``formats.native``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..printable import brief

EOS = "</s>"
HASH = "fasttext-fnv1a32"
_CHUNK = 4096  # words composed per kernel call (bounds the n-gram id buffer)


class Subwords:
    """fastText's n-gram bucket matrix and settings: ``vector(word)``, ``ngrams(word)``, ``hashes(word)``.

    ``buckets`` is ``(bucket, dim)`` (float32 or float16, possibly memory-mapped); ``word_rows``
    optionally the vocabulary's raw input rows (``(n, dim)``, to write a ``.bin`` back); ``encoding``
    the byte encoding words are hashed in.
    """

    def __init__(self, buckets: np.ndarray, minn: int, maxn: int, encoding: str = "utf-8",
                 word_rows: np.ndarray | None = None, output_rows: np.ndarray | None = None):
        self.buckets = buckets
        self.minn, self.maxn = int(minn), int(maxn)
        self.encoding = encoding
        self.word_rows = word_rows
        self.output_rows = output_rows  # (n, dim) a trainer's output layer, so a written .bin can be trained on

    @property
    def bucket(self) -> int:
        """Number of n-gram buckets (rows of ``buckets``)."""
        return int(self.buckets.shape[0])

    @property
    def dim(self) -> int:
        """Vector length."""
        return int(self.buckets.shape[1])

    def __repr__(self) -> str:
        return f"<Subwords {self.minn}-{self.maxn} character n-grams, {self.bucket:,} buckets x {self.dim}>"

    def encode(self, word: str) -> bytes:
        """``word``'s bytes as the model hashes them (characters the encoding lacks become ``?``)."""
        return word.encode(self.encoding, errors="replace")

    def ngrams(self, word: str) -> list[str]:
        """The character n-grams of ``<word>`` that fastText hashes, in its order (duplicates kept)."""
        grams = ngram_bytes_reference(b"<" + self.encode(word) + b">", self.minn, self.maxn)
        return [g.decode(self.encoding, errors="replace") for g in grams]

    def hashes(self, word: str) -> np.ndarray:
        """The bucket row of each n-gram of ``word``: int64 ``(count,)``."""
        return self._hashes([word])[1]

    def vector(self, word: str, norm: bool = False) -> np.ndarray:
        """fastText's vector of ``word`` when it is not in the vocabulary: the mean of its n-gram rows,
        float32 ``(dim,)`` (zero when it has no n-gram); ``norm=True`` scales it to unit length."""
        from . import _subword_kernels as k
        row = np.empty(self.dim, np.float32)
        k.one_vector(b"<" + self.encode(word) + b">", self.minn, self.maxn, self.buckets, row)
        length = float(np.linalg.norm(row)) if norm else 0.0
        return row / np.float32(length) if length > 0 else row

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        """``vector`` of each word: float32 ``(len(words), dim)``."""
        starts, ids = self._hashes(words)
        out = np.empty((len(words), self.dim), np.float32)
        from . import _subword_kernels as k
        k.compose(np.zeros((0, self.dim), np.float32), self.buckets, starts, ids, out)
        return out

    def _hashes(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return hash_packed(*pack([self.encode(w) for w in words]), self.minn, self.maxn, self.bucket)

    def compose(self, words: Sequence[bytes], word_rows: np.ndarray) -> np.ndarray:
        """Vocabulary vectors as fastText's ``getWordVector`` gives them: the mean of each word's own row
        (``word_rows``, ``(n, dim)``) and its n-gram rows; ``words`` are the raw bytes. float32 ``(n, dim)``."""
        from . import _subword_kernels as k
        out = np.empty((len(words), self.dim), np.float32)
        for s in range(0, len(words), _CHUNK):
            chunk = words[s : s + _CHUNK]
            starts, ids = hash_packed(*pack(chunk, vocabulary=True), self.minn, self.maxn, self.bucket)
            k.compose(word_rows[s : s + len(chunk)], self.buckets, starts, ids, out[s : s + len(chunk)])
        return out

    def decompose(self, words: Sequence[bytes], composed: np.ndarray) -> np.ndarray:
        """The raw rows that ``compose`` would turn into ``composed`` (to write a ``.bin`` when the raw rows
        were not kept): ``composed * (1 + count) - sum of n-gram rows``, float32 ``(n, dim)``."""
        out = np.empty((len(words), self.dim), np.float32)
        for s in range(0, len(words), _CHUNK):
            chunk = words[s : s + _CHUNK]
            starts, ids = hash_packed(*pack(chunk, vocabulary=True), self.minn, self.maxn, self.bucket)
            sums = np.add.reduceat(np.asarray(self.buckets[ids], np.float32), starts[:-1], axis=0) if len(ids) \
                else np.zeros((len(chunk), self.dim), np.float32)
            counts = np.diff(starts)
            sums[counts == 0] = 0  # reduceat repeats the next row for an empty range
            out[s : s + len(chunk)] = (np.asarray(composed[s : s + len(chunk)], np.float32) * (1 + counts)[:, None]
                                       - sums)
        return out


def pack(words: Sequence[bytes], vocabulary: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Packed ``<word>`` bytes and offsets (uint8 data, int64 ``(n+1,)``); with ``vocabulary``, ``</s>`` packs
    empty (the vocabulary's end-of-sentence token has no n-grams; an unknown ``</s>`` has)."""
    wrapped = [b"" if vocabulary and w == b"</s>" else b"<" + w + b">" for w in words]
    offsets = np.zeros(len(wrapped) + 1, np.int64)
    np.cumsum([len(w) for w in wrapped], out=offsets[1:])
    return np.frombuffer(b"".join(wrapped), np.uint8), offsets


def hash_packed(data: np.ndarray, offsets: np.ndarray, minn: int, maxn: int,
                bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Each packed word's n-gram bucket ids: ``starts`` (int64 ``(n+1,)``) and ``ids`` (int64 ``(total,)``)."""
    from . import _subword_kernels as k
    counts = k.count_ngrams(data, offsets, minn, maxn)
    starts = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=starts[1:])
    ids = np.empty(int(starts[-1]), np.int64)
    k.fill_hashes(data, offsets, minn, maxn, bucket, starts, ids)
    return starts, ids


# -- the NumPy/Python twins of the kernels (the specification the tests hold them to) ------------------
def ngram_bytes_reference(word: bytes, minn: int, maxn: int) -> list[bytes]:
    """fastText's ``Dictionary::computeSubwords`` on ``<word>``'s bytes, line for line."""
    grams = []
    for i in range(len(word)):
        if word[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < len(word) and n <= maxn:
            j += 1
            while j < len(word) and word[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(word))):
                grams.append(word[i:j])
            n += 1
    return grams


def hash_reference(data: bytes) -> int:
    """fastText's ``Dictionary::hash``: FNV-1a 32 with each byte sign-extended (``int8_t``) first."""
    h = 2166136261
    for byte in data:
        h = ((h ^ (byte if byte < 128 else byte | 0xFFFFFF00)) * 16777619) & 0xFFFFFFFF
    return h


def compose_reference(word_rows: np.ndarray | None, buckets: np.ndarray, grams: Sequence[Sequence[int]]) -> np.ndarray:
    """Twin of the ``compose`` kernel: per word, float32 sum (own row first) times ``float32(1 / size)``."""
    out = np.zeros((len(grams), buckets.shape[1]), np.float32)
    for w, ids in enumerate(grams):
        acc = np.zeros(buckets.shape[1], np.float32) if word_rows is None else np.array(word_rows[w], np.float32)
        for i in ids:
            acc = acc + np.asarray(buckets[i], np.float32)
        size = len(ids) + (word_rows is not None)
        out[w] = acc * np.float32(1.0 / size) if size else acc
    return out


def from_ngrams(v: Any, word: object) -> bool:
    """True when ``v`` (a ``Vectors``) answers ``word`` from its n-grams: it has ``subwords``, no
    tokenizer, and neither the word nor (with ``lower``) its lower-case form is in the vocabulary."""
    if v.subwords is None or not isinstance(word, str) or v.tokenizer is not None:
        return False
    return v.vocab.get(word) is None and not (v.lower and v.vocab.get(word.lower()) is not None)


def note(v: Any, word: object) -> str | None:
    """What ``Vectors.explain`` says of a word built from its n-grams; None for any other word."""
    if not from_ngrams(v, word):
        return None
    count = len(v.subwords.hashes(word))
    how = f"built from its {count} character n-grams" if count else "it has no character n-grams: a zero vector"
    return f"{brief(word)} is not in the vocabulary; {how} ({v.subwords.minn}-{v.subwords.maxn}, fastText)"


def carry(source: Any, derived: Any) -> Any:
    """``derived`` (a limit, selection or conversion of the ``Vectors`` ``source``) with ``source``'s
    ``subwords``; the vocabulary's raw rows are kept only when the rows are the same."""
    if source.subwords is not None:
        s = source.subwords
        derived.subwords = s if derived.vocab is source.vocab else Subwords(s.buckets, s.minn, s.maxn, s.encoding)
    return derived
