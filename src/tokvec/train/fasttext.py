"""fastText training: word vectors with character n-gram subwords (``FastTextConfig``, ``train``).

The same driver as word2vec (``train.word2vec``: chunks, seeds, Hogwild threads, progress, checkpoints and
bit-identical resume with ``threads=1``, the true loss), with fastText's model: the input matrix holds the
vocabulary's rows and ``bucket`` n-gram rows, a word's input vector is the mean of its own row and its
``minn``..``maxn`` character n-gram rows (``tokvec.vocab.subwords``: ``<`` ``>`` markers, FNV-1a, modulo
``bucket``), and every update adds its gradient to each of those rows. The kernels are
``_fasttext_kernels`` (numba), their twin ``_fasttext_reference``; see there for skip-gram and CBOW
and the two deliberate deviations, for speed (skip-gram: one composition and one set of noise words per
window; CBOW: each position's rows summed once and updated once per sentence window).

The result's ``vectors`` holds the composed word vectors (what fastText's ``get_word_vector`` gives)
and ``vectors.subwords`` the bucket matrix, so ``vectors.vector("unseenword")`` is built from its n-grams;
``tokvec.save(vectors, "model.bin", format="fasttext-bin")`` writes a fastText ``.bin``.

>>> from tokvec.train.fasttext import FastTextConfig, train
>>> r = train([["cat", "cats", "dog"]] * 50, FastTextConfig(dim=8, min_count=1, threads=1, bucket=100, sample=0),
...           progress=False)
>>> r.vectors.matrix.shape, r.vectors.vector("catty").shape
((3, 8), (8,))

Deliberately left out: word n-grams (``wordNgrams``), supervised classifiers, hierarchical softmax,
and training on from a ``.bin`` (a written ``.bin`` has a zero output matrix).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from .._plumbing import budget as _budget
from ..errors import CheckpointError
from ..vectors import Vectors
from ..vocab.subwords import Subwords, hash_packed, pack
from . import _fasttext_reference
from ._common import is_int, require
from ._fasttext_reference import SubwordJob
from .checkpoints import State
from .corpus import CorpusSource, EncodedCorpus, encode_corpus
from .options import TrainOptions, accepts_options
from .tables import subword_weights
from .word2vec import TrainResult, Word2VecConfig, _Driver, _run

__all__ = ["FastTextConfig", "subword_rows", "train", "trained_with_subwords"]

MAX_BUCKET = 2**31 - 1  # fastText stores the bucket count as int32
MAX_N = 32


@dataclass(frozen=True)
class FastTextConfig(Word2VecConfig):
    """word2vec's settings (``Word2VecConfig``, gensim's defaults) plus fastText's subwords: character n-grams
    of ``minn``..``maxn`` characters hashed into ``bucket`` rows (gensim ``FastText``'s min_n, max_n, bucket).

    >>> FastTextConfig(model="skipgram", minn=3, maxn=6, bucket=200_000).input_rows(1000)
    201000
    """

    minn: int = 3
    maxn: int = 6
    bucket: int = 2_000_000

    def __post_init__(self) -> None:
        super().__post_init__()
        require(is_int(self.minn) and is_int(self.maxn) and 1 <= self.minn <= self.maxn <= MAX_N,
                f"subwords must be MIN-MAX character n-gram lengths with 1 <= MIN <= MAX <= {MAX_N} (e.g. 3-6), "
                f"got {self.minn!r}-{self.maxn!r}")
        require(is_int(self.bucket) and 1 <= self.bucket <= MAX_BUCKET,
                f"bucket (n-gram rows) must be between 1 and {MAX_BUCKET:,} (e.g. 2000000), got {self.bucket!r}")
        need, limit = 4 * self.bucket * self.dim, _budget.budget()
        require(need <= limit, f"{self.bucket:,} buckets x {self.dim} dimensions would need {_budget.human(need)}, "
                f"over tokvec's memory budget of {_budget.human(limit)}; lower --buckets or --dim, or raise "
                f"${_budget.ENV}")

    def input_rows(self, vocab_size: int) -> int:
        """Rows of the input matrix: the vocabulary's, then the buckets."""
        return vocab_size + self.bucket

    @classmethod
    def from_json(cls, text: str) -> FastTextConfig:
        fields = json.loads(text)
        if not isinstance(fields, dict) or "bucket" not in fields:
            raise CheckpointError("this checkpoint was written by the word2vec trainer; resume it without "
                                  "--subwords/--buckets")
        return cls(**fields)


def subword_rows(tokens: list[str], minn: int, maxn: int, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Each word's input rows: ``row_starts`` (int64 ``(V+1,)``) and ``rows`` (int64): word ``w``'s own row ``w``,
    then ``V + h`` for each of its n-gram buckets ``h`` in fastText's order (``</s>`` has no n-grams).

    >>> starts, rows = subword_rows(["ab"], 3, 3, 10)
    >>> starts.tolist(), int(rows[0]), len(rows)  # "<ab", "ab>"
    ([0, 3], 0, 3)
    """
    v = len(tokens)
    starts, grams = hash_packed(*pack([t.encode("utf-8", errors="replace") for t in tokens], vocabulary=True),
                                minn, maxn, bucket)
    counts = np.diff(starts) + 1
    row_starts = np.zeros(v + 1, np.int64)
    np.cumsum(counts, out=row_starts[1:])
    rows = np.empty(int(row_starts[-1]), np.int64)
    own = row_starts[:-1]
    rows[own] = np.arange(v, dtype=np.int64)
    mask = np.ones(len(rows), bool)
    mask[own] = False
    rows[mask] = grams + v
    return row_starts, rows


class _SubwordDriver(_Driver):
    """word2vec's driver with fastText's model: the subword kernels, whose job adds each word's input rows, and
    an input matrix of the vocabulary's rows and the buckets."""

    config_type = FastTextConfig
    other_trainer = "word2vec's settings train with tokvec.train.word2vec.train"

    @staticmethod
    def load_kernels(backend: str):
        if backend == "reference":
            return _fasttext_reference
        from . import _fasttext_kernels

        return _fasttext_kernels

    @staticmethod
    def start(corpus: CorpusSource, config: FastTextConfig,  # type: ignore[override]
              options: TrainOptions) -> tuple[FastTextConfig, EncodedCorpus, State]:
        data = encode_corpus(corpus, min_count=config.min_count, max_vocab=config.max_vocab,
                             **options.corpus_keywords)
        v = len(data.tokens)
        syn0 = subword_weights(v, config.bucket, config.dim, config.seed, config.threads)  # (V + bucket, dim)
        return config, data, State(syn0, np.zeros((v, config.dim), np.float32))

    def vectors(self) -> Vectors:
        return _vectors(self.config, self.data, self.state.syn0, self.state.syn1)  # type: ignore[arg-type]

    def make_job(self) -> SubwordJob:
        config = self.config
        row_starts, rows = subword_rows(self.data.tokens, config.minn, config.maxn, config.bucket)  # type: ignore[attr-defined]
        return SubwordJob(*super().make_job(), row_starts, rows)


@accepts_options
def train(corpus: CorpusSource, config: FastTextConfig | None, options: TrainOptions) -> TrainResult:
    """Train fastText (skip-gram or CBOW with subwords, negative sampling) on ``corpus``; return vectors, loss, speed.

    The arguments are ``tokvec.train.word2vec.train``'s (the keywords: ``tokvec.train.options.TrainOptions``;
    ``resume`` continues from a checkpoint of this trainer), with a ``FastTextConfig``, by default
    ``FastTextConfig()``; ``result.vectors.subwords`` answers words outside the vocabulary from their n-grams.
    """
    return _run(_SubwordDriver, corpus, config, options)


def _vectors(config: FastTextConfig, data: EncodedCorpus, syn0: np.ndarray, syn1: np.ndarray) -> Vectors:
    """The composed word vectors with their subwords, and the settings a fastText ``.bin`` records."""
    v = len(data.tokens)
    subwords = Subwords(syn0[v:], config.minn, config.maxn, "utf-8", word_rows=syn0[:v], output_rows=syn1)
    composed = subwords.compose([subwords.encode(t) for t in data.tokens], syn0[:v])  # (V, dim)
    meta = {"trainer": "tokvec fasttext", "config": config.to_json(), "fasttext.ws": str(config.window),
            "fasttext.epoch": str(config.epochs), "fasttext.minCount": str(config.min_count),
            "fasttext.neg": str(config.negative), "fasttext.model": "1" if config.model == "cbow" else "2",
            "fasttext.t": str(config.sample), "fasttext.loss": "2"}
    vectors = Vectors(list(data.tokens), composed, counts=data.counts, check_duplicates=False, metadata=meta)
    vectors.subwords = subwords
    return vectors


def trained_with_subwords(path: str | os.PathLike) -> bool:
    """True when the checkpoint at ``path`` was written by this trainer (False when unreadable: resuming says why)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            fields = json.loads(str(z["config"]))
        return isinstance(fields, dict) and "bucket" in fields
    except Exception:  # any damage is reported by the real loader when resuming
        return False
