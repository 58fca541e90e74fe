"""``encode(vectors, texts)``: a static sentence encoder is a tokenizer plus a weighted mean of rows.

The vectors' own tokenizer splits each text (a transformer's ``tokenizers`` tokenizer, attached by
``tokvec.load``; word vectors get ``splitter.word_tokenizer``; fastText vectors build a word outside their
vocabulary from its character n-grams, as fastText does), ``mean.mean_rows`` averages the rows
(the frequency weights are already folded into them), and the result is normalised when the model says
so (``metadata["normalize"]``, model2vec's ``config.json``) or when asked. On a model2vec folder the
vectors equal ``StaticModel.encode``'s within float32 rounding. Texts go through in batches; both the
tokenizer (Rust, one thread per core) and the kernel (numba ``prange``) are threaded.

The ``Splitter`` of a vector set (its id -> row table, the tokenizer copy) is built on first use and kept
for the next call, in a weak table keyed by the vectors object.

``token_rows(vectors, texts)`` gives the rows each text averages, for code that trains the rows (distillation's
fitting step). Deliberately left out: reading and writing files (``encode.stream``) and the model itself
(``tokvec.distill``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from .mean import mean_rows
from .splitter import CACHE_WORDS, Splitter, check_texts, keep_rows, rows_by_id, word_tokenizer

DEFAULT_BATCH = 8192


@dataclass(frozen=True)
class EncodeOptions:
    """How texts become vectors: normalise (None: as the model says), texts per batch, kernel threads."""

    normalize: bool | None = None
    batch_size: int = DEFAULT_BATCH
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.normalize not in (None, True, False):
            raise InvalidArgumentError(f"normalize must be True, False or None, got {self.normalize!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InvalidArgumentError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InvalidArgumentError(f"threads must be a positive integer or None, got {self.threads!r}")


@dataclass
class _Prepared:
    key: tuple
    splitter: Splitter
    matrix: np.ndarray  # float32 rows
    subwords: Any = None  # fastText vectors: unknown words are built from their n-grams
    ngram_rows: np.ndarray | None = None  # (k, dim): the vectors of the splitter's unknown words 0..k-1

    def batch_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(matrix, rows)`` for ``mean_rows``: the vectors' rows, or, when ``rows`` holds unknown words
        (``-2 - k``), a matrix of the batch's rows with their n-gram vectors after them."""
        unknown = rows < -1
        if not unknown.any():
            return self.matrix, rows
        words = list(self.splitter.unknown_words or ())
        done = 0 if self.ngram_rows is None else len(self.ngram_rows)
        if len(words) > done:
            new = self.subwords.vectors(words[done:]).astype(np.float32)
            self.ngram_rows = new if self.ngram_rows is None else np.concatenate([self.ngram_rows, new])
        known, at = np.unique(rows[~unknown], return_inverse=True)
        wanted, at_new = np.unique(-2 - rows[unknown], return_inverse=True)
        local = np.concatenate([self.matrix[known], self.ngram_rows[wanted]])  # type: ignore[index]
        remapped = np.empty_like(rows)
        remapped[~unknown] = at
        remapped[unknown] = len(known) + at_new
        return local, remapped


_PREPARED: weakref.WeakKeyDictionary[Any, _Prepared] = weakref.WeakKeyDictionary()


def _max_length(v: Any) -> int | None:
    text = str(v.metadata.get("max_length", "none")).lower()
    if text in ("none", "null", ""):
        return None
    if not text.isdigit() or int(text) < 1:
        raise InvalidArgumentError(f"the model's max_length {text!r} is not a positive integer")
    return int(text)


def _prepare(v: Any) -> _Prepared:
    """The splitter and float32 matrix of ``v``, built once per vector set (and tokenizer)."""
    key = (id(v.tokenizer), id(v.matrix), len(v), bool(v.lower), v.metadata.get("max_length"))
    found = _PREPARED.get(v)
    if found is not None and found.key == key:
        return found
    if v.dtype == np.int8:
        raise InvalidArgumentError("these vectors hold only int8 codes; encode needs float rows: load a file that "
                                   "keeps float32 rows")
    backend = getattr(v.tokenizer, "backend", None)  # formats.hf.Tokenizer: the model's tokenizers.Tokenizer
    if backend is not None:
        backend = type(backend).from_str(backend.to_str())  # a copy: truncation is set on it
        table = rows_by_id(backend, v.vocab.get, len(v))
        median = int(np.median([len(token) for token in v.tokens])) if len(v) else 1
        splitter = Splitter(backend, table, _max_length(v), median)
    else:  # word vectors: ids are rows, the last id is the unknown word
        table = np.arange(len(v) + 1, dtype=np.int64)
        table[-1] = -1
        splitter = Splitter(word_tokenizer(v.tokens, True if v.lower else None), table, None, 1,
                            ngrams=v.subwords is not None)
    prepared = _Prepared(key, splitter, np.ascontiguousarray(v.matrix, dtype=np.float32), v.subwords)
    _PREPARED[v] = prepared
    return prepared


def _normalize(v: Any, options: EncodeOptions) -> bool:
    if options.normalize is not None:
        return options.normalize
    return str(v.metadata.get("normalize", "false")).lower() == "true"


def token_rows(v: Any, texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(rows int64, offsets int64 (len(texts) + 1,))``: the rows whose mean ``encode`` takes for each text
    (text ``i`` is ``rows[offsets[i]:offsets[i + 1]]``; unknown tokens dropped, fastText's too, truncated as the
    model says).

    >>> from tokvec import Vectors
    >>> v = Vectors(["the", "cat"], np.eye(2, dtype=np.float32))
    >>> [a.tolist() for a in token_rows(v, ["The cat", "dog"])]
    [[0, 1], [0, 2, 2]]
    """
    rows, offsets = _prepare(v).splitter.split(check_texts(texts))
    return keep_rows(rows, np.diff(offsets), rows >= 0)  # fastText's unknown words have no row to train


def encode(v: Any, texts: Iterable[str], options: EncodeOptions = EncodeOptions(),
           progress: Callable[[int], None] | None = None) -> np.ndarray:
    """float32 ``(len(texts), dim)``: each text's mean token row, normalised as the model or ``options`` say.

    ``progress(n)`` is called after each batch with the number of texts it encoded.

    >>> from tokvec import Vectors
    >>> v = Vectors(["the", "cat", "sat"], np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
    >>> encode(v, ["The cat", "sat!", ""]).tolist()
    [[0.5, 0.5], [1.0, 1.0], [0.0, 0.0]]
    """
    texts = check_texts(texts)
    prepared = _prepare(v)
    normalize = _normalize(v, options)
    out = np.empty((len(texts), v.dim), dtype=np.float32)
    for start in range(0, len(texts), options.batch_size):
        batch = texts[start:start + options.batch_size]
        if len(prepared.splitter.unknown_words or ()) > CACHE_WORDS:
            prepared.splitter.forget()
            prepared.ngram_rows = None
        rows, offsets = prepared.splitter.split(batch)
        matrix, rows = prepared.batch_rows(rows)
        out[start:start + len(batch)] = mean_rows(matrix, rows, offsets, normalize, options.threads)
        if progress is not None:
            progress(len(batch))
    return out
