"""Text for the tiny GPT: a tokenizer, the corpus as id streams, and seeded batches sharded by rank.

- ``read_lines`` reads text files (one document or sentence per line; blank lines skipped).
- ``split_lines`` holds out about ``val_fraction`` of the lines for validation, chosen by a seeded
  hash of their text, so validation text is never trained on (nor seen by the tokenizer trainer),
  even when the corpus repeats lines.
- ``train_tokenizer`` trains a BPE vocabulary on the training lines with Hugging Face
  ``tokenizers``: lower-cased, split on whitespace and punctuation (BERT's pre-tokenizer), word
  pieces after the first marked ``##`` as in WordPiece, so whole words read as themselves
  (``monday``) and pieces as ``##day``. ``load_tokenizer`` takes an existing ``tokenizer.json``
  instead (a file, a model directory, or ``minilm`` for MiniLM's WordPiece vocabulary).
- ``encode_stream`` turns lines into one int32 stream, each line followed by the end-of-text token.
- ``Batches`` draws a step's training windows: rank ``r`` of ``world`` samples only from the
  ``r``-th contiguous shard of the stream, with a generator seeded by ``(seed, step, rank)``.
  Batches depend on the step number alone, so a resumed run sees exactly the batches an
  uninterrupted one would, with no sampler state to save.
- ``val_starts`` are fixed, evenly spaced validation windows, split between ranks.
- ``prepare`` does all of it for a training run (``TrainingText``), rank 0 training the tokenizer.

Deliberately left out: streaming corpora larger than memory (a few hundred MB of text fits), and
packing windows on line boundaries (windows cross lines, separated by the end-of-text token, as
GPT-2's training data does).
"""

from __future__ import annotations

import json
import os
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..._plumbing.files import open_stream
from ...errors import CorpusError, CorpusTooSmallError, InvalidArgumentError, TokvecError
from ...formats import hf
from ...vocab.hf_tokenizer import load_tokenizer as load_tokenizer
from ...vocab.hf_tokenizer import tokenizer_from_json as tokenizer_from_json
from ...vocab.hf_tokenizer import tokenizers_module as _tokenizers
from ...vocab.hf_tokenizer import vocabulary as vocabulary

SPECIAL_TOKENS = ("[UNK]", "[EOS]")
END_TOKENS = ("[EOS]", "<|endoftext|>", "</s>", "[SEP]")  # tried in order as the line separator


def read_lines(corpus: str | os.PathLike | Sequence[str | os.PathLike]) -> tuple[list[str], int]:
    """Non-blank lines of one or more UTF-8 text files, maybe compressed, and how many undecodable
    byte sequences were replaced by U+FFFD (0 for clean UTF-8)."""
    paths = [Path(corpus)] if isinstance(corpus, (str, os.PathLike)) else [Path(p) for p in corpus]
    if not paths:
        raise InvalidArgumentError("no corpus files given; pass one or more text files (one sentence per line)")
    lines: list[str] = []
    replaced = 0
    for path in paths:
        if not path.is_file():
            raise TokvecError(f"corpus file {path} does not exist (or is not a file)")
        with open_stream(path) as handle:  # gzip/bz2/xz are read transparently
            raw = handle.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            bad = text.count("\ufffd") - raw.count("\ufffd".encode())
            if bad * 4 > len(raw):  # a quarter of it undecodable: a model trained on it would be quietly useless
                raise CorpusError(f"{path} does not look like text: {bad:,} of its {len(raw):,} bytes are not UTF-8 "
                                  "(a binary file?); train on UTF-8 text files, one sentence or paragraph "
                                  "per line") from None
            replaced += bad
        lines.extend(s for line in text.split("\n") if (s := line.strip()))
    if not lines:
        raise CorpusTooSmallError(f"{', '.join(map(str, paths))}: no text (every line is blank)")
    return lines, replaced


def split_lines(lines: Sequence[str], val_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Split into (train, validation) lines by a seeded hash of each line's text.

    A line goes to validation when ``crc32(text, seed) / 2**32 < val_fraction``: the split is the
    same in every process and on every machine, and a line repeated in the corpus lands on one side
    only, so validation never measures memorised training lines. At least one line goes to each side.

    >>> split_lines(["a", "b", "c", "a"], 0.3, seed=1)
    (['a', 'c', 'a'], ['b'])
    """
    if len(lines) < 2:
        raise CorpusTooSmallError(f"the corpus has {len(lines)} line(s); at least 2 are needed (train and validation)")
    salt = zlib.crc32(str(seed).encode())
    held = np.fromiter((zlib.crc32(t.encode("utf-8"), salt) for t in lines), dtype=np.uint64, count=len(lines))
    held = held < np.uint64(int(val_fraction * 2**32))
    if not held.any():
        held[len(lines) // 2] = True
    if held.all():
        held[0] = False
    return [t for t, h in zip(lines, held) if not h], [t for t, h in zip(lines, held) if h]


def train_tokenizer(lines: Sequence[str], vocab_size: int, min_frequency: int = 2):
    """A BPE tokenizer (``tokenizers.Tokenizer``) with WordPiece-style ``##`` pieces, trained on ``lines``.

    Training is reproducible: ``tokenizers`` numbers the ``##``-prefixed alphabet in hash-map order
    (different in every process), and merges of equal count are ranked by those numbers, so the
    learned merges would change from run to run. Handing the trainer the prefixed alphabet, sorted,
    ahead of training fixes its numbering; it is then removed from the special tokens again.
    """
    tk = _tokenizers()
    tokenizer = tk.Tokenizer(tk.models.BPE(unk_token="[UNK]", continuing_subword_prefix="##"))
    tokenizer.normalizer = tk.normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = tk.pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = tk.decoders.WordPiece(prefix="##")
    pieces = sorted(_inner_characters(tokenizer, lines))
    trainer = tk.trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                     show_progress=False, continuing_subword_prefix="##",
                                     special_tokens=list(SPECIAL_TOKENS) + ["##" + c for c in pieces])
    tokenizer.train_from_iterator(lines, trainer=trainer, length=len(lines))
    spec = json.loads(tokenizer.to_str())
    spec["added_tokens"] = [t for t in spec["added_tokens"] if t["content"] in SPECIAL_TOKENS]
    return tk.Tokenizer.from_str(json.dumps(spec, ensure_ascii=False))


def _inner_characters(tokenizer, lines: Sequence[str]) -> set[str]:
    """Characters that can follow the first character of a pre-tokenized word.

    Every character of the normalized text except whitespace and punctuation, which BERT's
    pre-tokenizer always splits off as words of their own (a superset). The normalizer works
    character by character, so normalizing each distinct character once is enough.
    """
    raw: set[str] = set()
    for line in lines:
        raw.update(line)
    normalize = tokenizer.normalizer.normalize_str
    found = {c for r in raw for c in normalize(r)}
    return {c for c in found if not c.isspace() and not _is_punctuation(c)}


def _is_punctuation(c: str) -> bool:
    """BERT's rule: ASCII non-alphanumeric symbols and every Unicode punctuation category."""
    code = ord(c)
    return 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126 or \
        unicodedata.category(c).startswith("P")


def end_token_id(tokenizer) -> int:
    """The id of the token that ends each line: ``[EOS]``, or ``<|endoftext|>``, ``</s>``, ``[SEP]``."""
    for token in END_TOKENS:
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return int(token_id)
    raise TokvecError(f"the tokenizer has none of the end-of-text tokens {', '.join(END_TOKENS)}; "
                      "use a tokenizer that has one, or let train-lm train its own")


def encode_stream(tokenizer, lines: Sequence[str], end_id: int) -> np.ndarray:
    """All lines as one int32 id stream, each line followed by ``end_id`` (no other special tokens)."""
    encodings = tokenizer.encode_batch(list(lines), add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) + 1 for e in encodings), dtype=np.int64, count=len(encodings))
    stream = np.empty(int(lengths.sum()), dtype=np.int32)
    position = 0
    for encoding, length in zip(encodings, lengths):
        stream[position:position + length - 1] = encoding.ids
        stream[position + length - 1] = end_id
        position += int(length)
    return stream


class Batches:
    """A step's windows of ``context + 1`` ids, drawn from rank ``rank``'s shard of ``stream``.

    >>> b = Batches(np.arange(100, dtype=np.int32), context=4, batch_size=2, seed=1, rank=1, world=2)
    >>> x, y = b(0)
    >>> x.shape, bool((y == x + 1).all()), bool((x >= 50).all())
    ((2, 4), True, True)
    """

    def __init__(self, stream: np.ndarray, *, context: int, batch_size: int, seed: int, rank: int = 0,
                 world: int = 1):
        shard = len(stream) // world
        if shard < context + 1:
            raise CorpusTooSmallError(
                f"the training text has {len(stream):,} tokens, {shard:,} per process over {world} process(es); "
                f"each window needs context + 1 = {context + 1}; use a larger corpus, a shorter --context or "
                "fewer processes")
        self.stream = stream
        self.lo = rank * shard
        self.hi = self.lo + shard  # the last rank drops the remainder: every rank's shard is equally long
        self.context = context
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self._offsets = np.arange(context + 1)

    def __call__(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, step, self.rank])
        starts = rng.integers(self.lo, self.hi - self.context, size=self.batch_size)
        windows = self.stream[starts[:, None] + self._offsets].astype(np.int64)
        return windows[:, :-1], windows[:, 1:]


def val_starts(n_tokens: int, context: int, n_windows: int, rank: int = 0, world: int = 1) -> np.ndarray:
    """Evenly spaced starts of up to ``n_windows`` validation windows; rank ``r`` takes every ``world``-th.

    >>> val_starts(100, 9, 4).tolist()
    [0, 30, 60, 90]
    """
    if n_tokens < context + 1:
        raise CorpusTooSmallError(f"the validation text has {n_tokens:,} tokens, fewer than context + 1 = "
                                  f"{context + 1}; raise --val-fraction, shorten --context or use a larger corpus")
    starts = np.unique(np.linspace(0, n_tokens - context - 1, num=n_windows).astype(np.int64))
    return starts[rank::world]


class Ranks(Protocol):
    """The two collectives ``prepare`` needs (``distributed.Dist`` has them): work done on rank 0 and handed to
    every rank, and a check that all ranks hold the same value."""

    def on_main(self, work: Callable[[], Any]) -> Any: ...

    def check_same(self, value: int, what: str) -> None: ...


@dataclass
class TrainingText:
    """The corpus ready to train on: the tokenizer (and its JSON), token strings by id, the training and
    validation id streams, training counts per token and a CRC of both streams."""

    tokenizer: Any
    tokenizer_json: str
    tokens: list[str]
    train: np.ndarray
    val: np.ndarray
    counts: np.ndarray
    digest: int
    kind: str  # how tokvec displays and resolves its tokens (formats.hf.tokenizer_kind)


def prepare(corpus, vocab_size: int, min_frequency: int, val_fraction: float, seed: int, tokenizer: Any,
            saved_tokenizer: str | None, dist: Ranks, notes: list[str]) -> TrainingText:
    """Read, split and encode ``corpus`` with the saved tokenizer, the one given, or a BPE trained on rank 0.

    Every rank encodes the same text with the same tokenizer, and they check that their streams agree.
    Remarks for the user (replaced bytes, an oversized vocabulary) are appended to ``notes``.
    """
    lines, replaced = read_lines(corpus)
    if replaced:
        notes.append(f"{replaced:,} undecodable byte sequences in the corpus were replaced by U+FFFD")
    train_lines, val_lines = split_lines(lines, val_fraction, seed)
    if saved_tokenizer is not None:
        text = saved_tokenizer
    elif tokenizer is not None:
        text = load_tokenizer(tokenizer).to_str() if isinstance(tokenizer, (str, os.PathLike)) \
            else tokenizer.to_str()
    else:  # rank 0 trains the BPE and hands it to the others: every rank then encodes with the same one
        text = dist.on_main(lambda: train_tokenizer(train_lines, vocab_size, min_frequency).to_str())
    tok = tokenizer_from_json(text)
    end = end_token_id(tok)
    train = encode_stream(tok, train_lines, end)
    val = encode_stream(tok, val_lines, end)
    tokens = vocabulary(tok)
    if tokenizer is None and saved_tokenizer is None and len(tokens) > vocab_size:
        notes.append(f"the vocabulary has {len(tokens):,} tokens, more than vocab_size={vocab_size:,}: "
                     "every character of the corpus needs a token of its own (and one as a ## piece)")
    counts = np.bincount(train, minlength=len(tokens)).astype(np.int64)[: len(tokens)]
    digest = zlib.crc32(train.tobytes()) ^ zlib.crc32(val.tobytes())
    dist.check_same(digest, "the corpus")
    return TrainingText(tok, text, tokens, train, val, counts, digest, hf.tokenizer_kind(json.loads(text)))
