"""Texts to token rows: the model's own tokenizer (``tokenizers``), or a word tokenizer for word vectors.

A ``Splitter`` holds a ``tokenizers.Tokenizer`` (no padding, truncation at ``max_length`` tokens as the
model's config says) and a table from the tokenizer's ids to rows of the vectors; ``split(texts)`` returns
every text's rows as one flat array plus offsets, which ``encode.mean`` averages. Exactly model2vec's
``StaticModel.tokenize``: texts are first cut to ``max_length x`` the median token length in characters,
no special tokens are added, the unknown token is dropped (and so is any token the vectors lack a row for).

Word vectors (GloVe, word2vec, fastText) have no tokenizer: ``word_tokenizer(tokens)`` builds one, a
``WordLevel`` model over the vectors' own tokens that splits on whitespace and punctuation (BERT's
pre-tokenizer) and lower-cases when the vocabulary is lower-case, so ``"The cat's"`` -> ``the cat ' s``.

With ``ngrams=True`` (fastText vectors, which have subwords) a word the vocabulary lacks is not dropped: it
gets the negative row ``-2 - k``, ``k`` its index in ``Splitter.unknown_words``, and ``encode`` builds its
vector from its character n-grams, as fastText does. Deliberately left out: any tokenizer other than a
``tokenizers`` one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import chain, islice
from typing import Any

import numpy as np

from .._plumbing.optional import require
from ..errors import InvalidArgumentError
from ..printable import brief

UNKNOWN = "[UNK]"  # the word tokenizer's unknown token (a vocabulary's own [UNK] row, if it has one, is dropped too)


def word_tokenizer(tokens: Sequence[str], lowercase: bool | None = None) -> Any:
    """A ``tokenizers.Tokenizer`` whose ids are the rows of ``tokens`` (words), for word vectors.

    ``lowercase`` (unset: when none of the first 10,000 tokens has an upper-case letter) lower-cases texts
    first. The unknown word is one extra id past the last row.

    >>> t = word_tokenizer(["the", "cat", "'", "s"])
    >>> t.encode("The cat's", add_special_tokens=False).ids
    [0, 1, 2, 3]
    """
    tk = require("tokenizers", "hf", "encoding texts with word vectors")
    if lowercase is None:
        lowercase = not any(t != t.lower() for t in islice(tokens, 10_000))
    vocab = {token: i for i, token in enumerate(tokens)}
    vocab.setdefault(UNKNOWN, len(tokens))
    tokenizer = tk.Tokenizer(tk.models.WordLevel(vocab, unk_token=UNKNOWN))
    tokenizer.pre_tokenizer = tk.pre_tokenizers.BertPreTokenizer()
    if lowercase:
        tokenizer.normalizer = tk.normalizers.Lowercase()
    return tokenizer


def unknown_id(backend: Any) -> int | None:
    """The id of the tokenizer's unknown token (WordPiece, BPE, WordLevel, Unigram), or None."""
    model = backend.model
    token = getattr(model, "unk_token", None)
    if token is not None:
        return backend.token_to_id(token)
    unk = getattr(model, "unk_id", None)  # Unigram
    return int(unk) if unk is not None else None


class Splitter:
    """Texts -> (rows, offsets) for one vector set; build it once and reuse it (``encode`` caches it).

    When the tokenizer normalises and splits as BERT does (``BertNormalizer``/``Lowercase`` and
    ``BertPreTokenizer``: MiniLM, BERT, the word tokenizer), an ASCII text without control characters or
    added tokens is split here, in Python, on whitespace and punctuation, and each word's rows come from a
    cache filled by the tokenizer itself (one word at a time, so the pieces are the tokenizer's own); every
    other text goes through the tokenizer whole. The two paths give the same rows (tested); the first is
    several times faster than the tokenizer's batch call, whose cost is mostly building ``Encoding`` objects.
    """

    def __init__(self, backend: Any, rows_by_id: np.ndarray, max_length: int | None, median_token_length: int,
                 ngrams: bool = False):
        self.backend = backend
        self.unknown_words: dict[str, int] | None = {} if ngrams else None  # word -> k (row -2 - k)
        self.rows_by_id = rows_by_id  # int64 (ids,): the row of each tokenizer id, -1 for none (and unknown)
        self._row_of = rows_by_id.tolist()
        self.max_length = max_length
        self.char_limit = None if max_length is None else max_length * max(1, median_token_length)
        backend.no_truncation()  # truncation happens on the rows (both paths alike)
        backend.no_padding()
        self._words = _word_pattern(backend)
        added = [t.content for t in backend.get_added_tokens_decoder().values() if t.content]
        self._added = re.compile("|".join(map(re.escape, sorted(added, key=len, reverse=True)))) if added else None
        self._cache: dict[str, tuple[int, ...]] = {}

    def _word(self, word: str) -> tuple[int, ...]:
        rows = self._cache.get(word)
        if rows is None:
            if len(self._cache) > CACHE_WORDS:
                self._cache.clear()
            rows = tuple(map(self._row_of.__getitem__, self.backend.encode(word, add_special_tokens=False).ids))
            if self.unknown_words is not None and rows == (-1,):
                rows = (self._unknown(word),)
            self._cache[word] = rows
        return rows

    def _unknown(self, word: str) -> int:
        """The negative row of a word outside the vocabulary (built from its n-grams by ``encode``)."""
        found = self.unknown_words.setdefault(word, len(self.unknown_words))  # type: ignore[union-attr]
        return -2 - found

    def forget(self) -> None:
        """Drop the word cache and the unknown words (``encode`` calls it between batches when they grow large)."""
        self._cache.clear()
        if self.unknown_words is not None:
            self.unknown_words.clear()

    def _simple(self, text: str) -> bool:
        return text.isascii() and _CONTROL.search(text) is None and (
            self._added is None or self._added.search(text) is None)

    def _per_text(self, texts: list[str]) -> list[tuple[int, ...]]:
        """Every text's rows, -1 where a token has none (the unknown token), untruncated."""
        words, lower = self._words if self._words is not None else (None, False)
        per: list[tuple[int, ...] | None] = [None] * len(texts)
        slow = []
        for i, text in enumerate(texts):
            if words is not None and self._simple(text):
                found = words.findall(text.lower() if lower else text)
                per[i] = tuple(chain.from_iterable(map(self._word, found)))
            else:
                slow.append(i)
        if slow:
            encodings = self.backend.encode_batch_fast([texts[i] for i in slow], add_special_tokens=False)
            for i, encoding in zip(slow, encodings):
                per[i] = tuple(map(self._row_of.__getitem__, encoding.ids))
                if self.unknown_words is not None and -1 in per[i]:  # name each unknown word from its offsets
                    text, spans = texts[i], self.backend.encode(texts[i], add_special_tokens=False).offsets
                    per[i] = tuple(self._unknown(text[a:b].lower() if lower else text[a:b]) if row == -1 else row
                                   for row, (a, b) in zip(per[i], spans))  # type: ignore[union-attr]
        return per  # type: ignore[return-value]

    def split(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(rows int64, offsets int64 (len(texts) + 1,))``: text ``i`` is ``rows[offsets[i]:offsets[i+1]]``."""
        if self.char_limit is not None:
            texts = [text[: self.char_limit] for text in texts]
        per = self._per_text(list(texts))
        if self.max_length is not None:
            per = [rows[: self.max_length] if len(rows) > self.max_length else rows for rows in per]
        lengths = np.fromiter(map(len, per), dtype=np.int64, count=len(per))
        rows = np.fromiter(chain.from_iterable(per), dtype=np.int64, count=int(lengths.sum()))
        return keep_rows(rows, lengths, rows != -1)


def keep_rows(rows: np.ndarray, lengths: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows[keep], offsets)``: the texts' rows (text ``i`` has ``lengths[i]`` of them) where ``keep`` (bool, like
    ``rows``) holds, and the offsets of each text's kept rows, int64 ``(len(lengths) + 1,)``."""
    if not keep.all():
        lengths = np.bincount(np.repeat(np.arange(len(lengths)), lengths)[keep], minlength=len(lengths))
        rows = rows[keep]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return rows, offsets


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
CACHE_WORDS = 1_000_000  # words whose rows the fast path keeps (cleared when full)


def _word_pattern(backend: Any) -> tuple[re.Pattern[str], bool] | None:
    """BERT's split of an ASCII text (runs of letters and digits; each other non-space character alone) and
    whether to lower-case first, when ``backend`` normalises and pre-tokenises as BERT; else None."""
    # each part's own JSON (what ``backend.to_str()`` holds for it), not the whole tokenizer's: a word
    # tokenizer's 400,000-word vocabulary took 0.3 s to write out and read back
    normalizer, pre = (json.loads(part.__getstate__()) if part is not None else {}
                       for part in (backend.normalizer, backend.pre_tokenizer))
    if pre.get("type") != "BertPreTokenizer" or normalizer.get("type") not in (None, "BertNormalizer", "Lowercase"):
        return None
    lower = normalizer.get("type") == "Lowercase" or bool(normalizer.get("lowercase"))
    return re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9 \t\n\r]"), lower


def rows_by_id(backend: Any, find_row: Any, size: int) -> np.ndarray:
    """The row of every id of ``backend`` (``find_row(token) -> row | None``); -1 for the unknown token."""
    table = np.full(backend.get_vocab_size(with_added_tokens=True), -1, dtype=np.int64)
    for token, i in backend.get_vocab(with_added_tokens=True).items():
        row = find_row(token)
        if row is not None and row < size:
            table[i] = row
    unk = unknown_id(backend)
    if unk is not None and unk < len(table):
        table[unk] = -1
    return table


def check_texts(texts: object) -> list[str]:
    """``texts`` as a list of strings; a single string, or an item that is not one, is one clear error."""
    if isinstance(texts, (str, bytes)):
        raise InvalidArgumentError(f"texts must be a list of strings, got one {type(texts).__name__} "
                                   f"({brief(str(texts))}); pass [text]")
    if not isinstance(texts, Sequence) and not hasattr(texts, "__iter__"):
        raise InvalidArgumentError(f"texts must be a list of strings, got {type(texts).__name__}")
    texts = list(texts)  # type: ignore[call-overload]
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidArgumentError(f"texts[{i}] is {type(text).__name__} ({repr(text)[:40]}), not a string; "
                                       "encode takes strings only")
    return texts
