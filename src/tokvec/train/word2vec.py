"""word2vec training: ``Word2VecConfig``, the ``train`` driver, checkpoints and resume.

The driver encodes the corpus once (``corpus.encode_corpus``), splits it into chunks of whole
sentences (about ``chunk_words`` ids each; a chunk is the unit of work, of randomness and of
resumption), and hands groups of chunks to the numba kernels (``_kernels``), updating a rich
progress bar (words/s, loss, learning rate, ETA) between groups. Every ``checkpoint_every``
minutes, and on Ctrl-C, it writes a checkpoint (weights, vocabulary, counts, config, epoch and
chunk position, loss so far) atomically; ``resume=`` continues from one.

Reproducibility: each chunk's random state is derived from (seed, epoch, chunk index) and its
learning rate from its position in the corpus, so with ``threads=1`` a run is bit-identical
across runs and a resumed run is bit-identical to an uninterrupted one. With more threads chunks
run concurrently on shared weights (Hogwild): results are not bit-identical between runs, but the
same random draws and schedule are used, so quality is equivalent.

Deliberately left out: hierarchical softmax, fastText subwords (``train.fasttext`` reuses this driver),
phrases, vocabulary growth (``build_vocab(update=True)``), and gensim's ``max_vocab_size`` pruning during counting
(``max_vocab`` here keeps the most frequent tokens after counting everything).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..display.results import TrainDisplay
from ..errors import CheckpointError, CorpusError, InvalidArgumentError, TokvecError, TrainingDivergedError
from ..vectors import Vectors
from . import _reference
from ._common import Bar, Interrupt, is_int, require
from ._reference import Job, Outputs, noise_buckets
from .checkpoints import (
    State,
    check_state,
    corpus_digest,
    load_checkpoint,
    save_checkpoint,
)
from .corpus import CorpusSource, EncodedCorpus, encode_corpus
from .options import TrainOptions, accepts_options
from .tables import chunk_boundaries, chunk_seeds, initial_weights, noise_table, sample_ints

__all__ = ["TrainResult", "Word2VecConfig", "chunk_boundaries", "chunk_seeds", "initial_weights", "noise_table",
           "sample_ints", "save_checkpoint", "train"]


@dataclass(frozen=True)
class Word2VecConfig:
    """word2vec hyper-parameters; defaults are gensim's ``Word2Vec`` defaults.

    ``model`` is ``"skipgram"`` or ``"cbow"`` (CBOW averages its context, gensim's ``cbow_mean=1``);
    ``sample`` is the subsampling threshold (0 disables it); ``max_vocab`` keeps at most that many
    of the most frequent tokens; ``chunk_words`` is the size of the unit of work (results depend on
    it, so a resumed run must keep it); ``compute_loss`` can be turned off for ~10% more speed.

    >>> Word2VecConfig(model="cbow", dim=50).window
    5
    """

    model: Literal["skipgram", "cbow"] = "cbow"
    dim: int = 100
    window: int = 5
    negative: int = 5
    min_count: int = 5
    max_vocab: int | None = None
    sample: float = 1e-3
    epochs: int = 5
    alpha: float = 0.025
    min_alpha: float = 0.0001
    ns_exponent: float = 0.75
    seed: int = 1
    threads: int = 3
    chunk_words: int = 10_000
    compute_loss: bool = True

    def __post_init__(self) -> None:
        require(self.model in ("skipgram", "cbow"), f"model must be 'skipgram' or 'cbow', got {self.model!r}")
        require(is_int(self.dim) and self.dim >= 1, f"dim must be a positive integer (e.g. 100), got {self.dim!r}")
        require(is_int(self.window) and self.window >= 1,
             f"window must be a positive integer (words on each side, e.g. 5), got {self.window!r}")
        require(is_int(self.negative) and self.negative >= 1,
             f"negative must be a positive integer (noise words per update, e.g. 5), got {self.negative!r}; "
             "hierarchical softmax (negative=0) is not supported")
        require(is_int(self.min_count) and self.min_count >= 1, f"min_count must be >= 1, got {self.min_count!r}")
        require(self.max_vocab is None or (is_int(self.max_vocab) and self.max_vocab >= 1),
             f"max_vocab must be None or a positive integer, got {self.max_vocab!r}")
        require(isinstance(self.sample, (int, float)) and math.isfinite(self.sample) and self.sample >= 0,
             f"sample must be >= 0 (e.g. 1e-3; 0 disables subsampling), got {self.sample!r}")
        require(is_int(self.epochs) and self.epochs >= 1, f"epochs must be a positive integer, got {self.epochs!r}")
        require(isinstance(self.alpha, (int, float)) and 0 < self.alpha < 1,
             f"alpha (learning rate) must be in (0, 1), e.g. 0.025, got {self.alpha!r}")
        require(isinstance(self.min_alpha, (int, float)) and 0 <= self.min_alpha <= self.alpha,
             f"min_alpha must be in [0, alpha={self.alpha}], got {self.min_alpha!r}")
        require(is_int(self.seed) and 0 <= self.seed < 2**63, f"seed must be a non-negative integer, got {self.seed!r}")
        require(is_int(self.threads) and self.threads >= 1, f"threads must be >= 1, got {self.threads!r}")
        require(is_int(self.chunk_words) and self.chunk_words >= 1,
             f"chunk_words must be >= 1, got {self.chunk_words!r}")

    def input_rows(self, vocab_size: int) -> int:
        """Rows of the input matrix for ``vocab_size`` words (the subword trainer adds its buckets)."""
        return vocab_size

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Word2VecConfig:
        return cls(**json.loads(text))


@dataclass
class TrainResult(TrainDisplay):
    """What ``train`` returns: the input vectors (with counts), mean loss per epoch, and speed.

    ``epoch_loss[e]`` is the mean negative-sampling loss ``-log s(u.v) - sum_k log s(-u.n_k)`` over
    every update of epoch ``e`` (skip-gram: one per (context, centre) pair; CBOW: one per centre).
    ``words_per_second`` counts words trained after subsampling (gensim's "effective words"),
    over the training time of this call.
    """

    vectors: Vectors
    epoch_loss: list[float]
    words_per_second: float
    effective_words: int
    seconds: float
    config: Word2VecConfig
    replaced_bytes: int = 0
    setup_seconds: float = 0.0
    """Before training: reading and encoding the corpus, the starting weights, loading the kernels."""
    _repr_pretty_ = TrainDisplay._repr_pretty_  # not a field: IPython's text view (tokvec.display)


# ---------------------------------------------------------------------------------------------------------------
# the driver


@accepts_options
def train(corpus: CorpusSource, config: Word2VecConfig | None, options: TrainOptions) -> TrainResult:
    """Train word2vec (skip-gram or CBOW, negative sampling) on ``corpus``; return vectors, loss, speed.

    ``corpus`` is a text file (one sentence per line), a list of files, or a re-iterable of token lists;
    ``config`` defaults to ``Word2VecConfig()``. The keywords (``checkpoint``, ``checkpoint_every``, ``resume``,
    ``progress``, ``errors``, ``stop_after``, ``backend``, ``corpus_memory_mb``, ``corpus_dir``) are the fields
    of ``tokvec.train.options.TrainOptions``, which says what each does.

    >>> from tokvec.train.word2vec import train, Word2VecConfig
    >>> r = train([["a", "b", "c"]] * 50, Word2VecConfig(dim=8, min_count=1, threads=1, sample=0), progress=False)
    >>> r.vectors.matrix.shape, len(r.epoch_loss)
    ((3, 8), 5)
    """
    return _run(_Driver, corpus, config, options)


def _run(driver_type: type[_Driver], corpus: CorpusSource, config: Word2VecConfig | None,
         options: TrainOptions) -> TrainResult:
    """One run of ``driver_type``'s model, started from ``config`` or resumed (both trainers' ``train``)."""
    config_type = driver_type.config_type
    if config is not None and type(config) is not config_type:
        raise InvalidArgumentError(f"config must be a {config_type.__name__}, got a {type(config).__name__}; "
                                   f"{driver_type.other_trainer}")
    began = time.perf_counter()
    kernels = driver_type.load_kernels(options.backend)
    if options.resume is not None:
        config, data, state = _resume(corpus, config, options.resume, options.corpus_keywords, config_type)
    else:
        config, data, state = driver_type.start(corpus, config or config_type(), options)
    driver = driver_type(kernels, config, data, state, options)
    setup = time.perf_counter() - began
    with Interrupt() as interrupt, driver.progress_bar(options.progress) as bar:
        while state.epoch < config.epochs:
            driver.epoch(interrupt, bar)
    epoch_loss = [s / u if u else float("nan") for s, u in zip(state.loss_sums, state.update_counts)]
    seconds = driver.train_seconds
    return TrainResult(driver.vectors(), epoch_loss, driver.effective / seconds if seconds else 0.0, driver.effective,
                       seconds, config, data.replaced_bytes, setup)


def _saved_config(path, text: str, config_type: type[Word2VecConfig]) -> Word2VecConfig:
    try:
        return config_type.from_json(text)
    except (ValueError, TypeError) as exc:  # TokvecErrors (out-of-range settings) pass through
        if isinstance(exc, TokvecError):
            raise
        raise CheckpointError(f"{path} holds no readable configuration ({exc}); use an earlier checkpoint") from None


def _resume(corpus: CorpusSource, config: Word2VecConfig | None, resume: str | os.PathLike,
            corpus_keywords: dict[str, Any], config_type: type[Word2VecConfig],
            ) -> tuple[Word2VecConfig, EncodedCorpus, State]:
    saved_json, tokens, counts, state, n_tokens, crc = load_checkpoint(resume)
    saved = _saved_config(resume, saved_json, config_type)
    check_state(Path(resume), saved.dim, saved.epochs, tokens, counts, state, n_tokens, saved.input_rows(len(tokens)))
    if config is not None and dataclasses.replace(config, threads=saved.threads) != saved:
        raise CheckpointError(f"{resume} was written with a different configuration ({saved.to_json()}); "
                              "resume with the same settings (only threads may change)")
    config = saved if config is None else dataclasses.replace(saved, threads=config.threads)
    data = encode_corpus(corpus, vocab=tokens, **corpus_keywords)
    if data.n_tokens != n_tokens or corpus_digest(data) != crc:
        raise CheckpointError(f"the corpus differs from the one {resume} was trained on ({data.n_tokens:,} vs "
                              f"{n_tokens:,} in-vocabulary tokens); resume with the same corpus files")
    data.counts = counts
    n_chunks = len(chunk_boundaries(data.sentence_starts, config.chunk_words)) - 1
    if state.next_chunk > n_chunks:
        raise CheckpointError(f"{resume} is damaged: its chunk index {state.next_chunk} is past the corpus's "
                              f"{n_chunks} chunks. Use an earlier checkpoint or start a new run")
    return config, data, state


class _Driver:
    """One training run: the kernels' job, its per-chunk outputs, the clock and the checkpoint timer. The class
    is the model (its config type, kernels, starting weights and vectors): ``train.fasttext`` subclasses it."""

    config_type: type[Word2VecConfig] = Word2VecConfig
    other_trainer = "fastText's settings train with tokvec.train.fasttext.train"

    def __init__(self, kernels, config: Word2VecConfig, data: EncodedCorpus, state: State,
                 options: TrainOptions) -> None:
        self.kernels, self.config, self.data, self.state = kernels, config, data, state
        self.checkpoint, self.checkpoint_every, self.stop_after = \
            options.checkpoint, options.checkpoint_every, options.stop_after
        self.bounds = chunk_boundaries(data.sentence_starts, config.chunk_words)
        self.n_chunks = len(self.bounds) - 1
        self.n_ids = max(data.n_tokens, 1)
        self.words_all = float(config.epochs * self.n_ids)
        self.group = max(1, config.threads) * 4
        self.out = Outputs(np.zeros(self.n_chunks, np.float64), np.zeros(self.n_chunks, np.int64),
                           np.zeros(self.n_chunks, np.int64))
        self.job = self.make_job()
        self.effective, self.chunks_run, self.train_seconds = 0, 0, 0.0
        self.last_checkpoint = time.monotonic()
        # compile (or load from numba's cache) before the clock starts: an empty range trains nothing
        kernels.run_chunks(config.threads, self.job, state.syn0, state.syn1, 0, 0, self.out)

    @staticmethod
    def load_kernels(backend: str):
        """The numba kernels, or their NumPy twin for ``backend="reference"``."""
        if backend == "reference":
            return _reference
        from . import _kernels

        return _kernels

    @staticmethod
    def start(corpus: CorpusSource, config: Word2VecConfig,
              options: TrainOptions) -> tuple[Word2VecConfig, EncodedCorpus, State]:
        """A new run: the encoded corpus and the random starting weights."""
        data = encode_corpus(corpus, min_count=config.min_count, max_vocab=config.max_vocab,
                             **options.corpus_keywords)
        syn0, syn1 = initial_weights(len(data.tokens), config.dim, config.seed)
        return config, data, State(syn0, syn1)

    def vectors(self) -> Vectors:
        """The trained input vectors, with the counts and the config."""
        return Vectors(list(self.data.tokens), self.state.syn0, counts=self.data.counts, check_duplicates=False,
                       metadata={"trainer": "tokvec word2vec", "config": self.config.to_json()})

    def make_job(self) -> Job:
        """The kernels' job for epoch 0 (``epoch`` replaces the seeds and ``word_base``)."""
        config, data = self.config, self.data
        cum_table = noise_table(data.counts, config.ns_exponent)
        return Job(config.model == "cbow", data.ids, data.sentence_starts, self.bounds,
                   chunk_seeds(config.seed, 0, self.n_chunks), sample_ints(data.counts, config.sample),
                   config.sample > 0, cum_table, noise_buckets(cum_table), config.window, config.negative,
                   float(config.alpha), float(config.min_alpha), 0, self.words_all, config.compute_loss)

    def progress_bar(self, enabled: bool) -> Bar:
        bar = Bar(self.config.epochs * self.n_ids, enabled, before=("epoch {task.fields[epoch]}",),
                  after=("{task.percentage:>5.1f}%", "{task.fields[wps]:>9,.0f} words/s",
                         "loss {task.fields[loss]:.4f}", "lr {task.fields[lr]:.5f}"),
                  epoch=1, wps=0.0, loss=float("nan"), lr=0.0)
        state = self.state
        bar.update(state.epoch * self.n_ids + int(self.data.sentence_starts[self.bounds[state.next_chunk]])
                   if self.n_chunks else 0)
        return bar

    def epoch(self, interrupt: Interrupt, bar: Bar) -> None:
        """Train the rest of the current epoch, group by group; checkpoint on time, on Ctrl-C and at ``stop_after``."""
        state, config, epoch = self.state, self.config, self.state.epoch
        while len(state.loss_sums) <= epoch:
            state.loss_sums.append(0.0)
            state.update_counts.append(0)
        job = self.job._replace(seeds=chunk_seeds(config.seed, epoch, self.n_chunks), word_base=epoch * self.n_ids)
        while state.next_chunk < self.n_chunks:
            if interrupt.requested or (self.stop_after is not None and self.chunks_run >= self.stop_after):
                _save_on_interrupt(self.checkpoint, config, self.data, state, bar)
                raise KeyboardInterrupt
            self.run_group(job, bar)
            self.check_finite(epoch, weights=False)
            if self.checkpoint_every is not None and \
                    time.monotonic() - self.last_checkpoint >= 60 * self.checkpoint_every:
                save_checkpoint(self.checkpoint, config, self.data, state)
                self.last_checkpoint = time.monotonic()
        self.check_finite(epoch, weights=True, every_row=epoch + 1 >= config.epochs)
        state.epoch += 1
        state.next_chunk = 0

    def check_finite(self, epoch: int, *, weights: bool, every_row: bool = True) -> None:
        """Stop (before anything is written) when the loss or, at the end of an epoch, a weight is NaN or infinite,
        or when a whole epoch made no update (nothing to learn: the model would be its random start).

        Between epochs only the word rows and the output rows are checked (a bad n-gram row shows in the next
        epoch's loss); after the last, ``every_row``: all of them, n-gram buckets included."""
        state = self.state
        loss_bad = not math.isfinite(state.loss_sums[epoch])
        rows = state.syn0 if every_row else state.syn0[:len(self.data.tokens)]
        if loss_bad or (weights and not (_finite(rows) and _finite(state.syn1))):
            what = f"the loss became {state.loss_sums[epoch]}" if loss_bad else "the weights hold NaN or infinity"
            raise TrainingDivergedError(
                f"training diverged in epoch {epoch + 1}: {what}, so no model is written. Lower alpha "
                f"(now {self.config.alpha}) or check the corpus (is it text?)")
        if weights and self.n_chunks and state.update_counts[epoch] == 0:
            raise CorpusError(
                f"epoch {epoch + 1} made no updates: the corpus gives no (word, context) pairs to learn from "
                f"({len(self.data.tokens):,} distinct token(s) kept, {self.data.n_tokens:,} in all); so no model is "
                "written. Use a bigger text corpus, a lower min_count, or less subsampling (sample=0 turns it off)")

    def run_group(self, job: Job, bar: Bar) -> None:
        """Train the next group of chunks, add up their results in chunk order and move the bar."""
        state, config, epoch = self.state, self.config, self.state.epoch
        c_lo = state.next_chunk
        c_hi = min(self.n_chunks, c_lo + self.group)
        if self.stop_after is not None:
            c_hi = min(c_hi, c_lo + self.stop_after - self.chunks_run)
        started = time.perf_counter()
        try:
            self.kernels.run_chunks(config.threads, job, state.syn0, state.syn1, c_lo, c_hi, self.out)
        except ArithmeticError as exc:  # numba raises ZeroDivisionError where NumPy would give inf or NaN
            raise TrainingDivergedError(f"training diverged in epoch {epoch + 1} ({type(exc).__name__}), so no "
                                        f"model is written. Lower alpha (now {config.alpha}) or check the corpus") \
                from None
        self.train_seconds += time.perf_counter() - started
        for c in range(c_lo, c_hi):  # in chunk order, so sums do not depend on the threads
            state.loss_sums[epoch] += float(self.out.loss[c])
            state.update_counts[epoch] += int(self.out.updates[c])
            self.effective += int(self.out.words[c])
        self.chunks_run += c_hi - c_lo
        state.next_chunk = c_hi
        done = epoch * self.n_ids + int(self.data.sentence_starts[self.bounds[c_hi]])
        lr = max(config.min_alpha, config.alpha - (config.alpha - config.min_alpha) * done / self.words_all)
        updates = state.update_counts[epoch]
        bar.update(done, wps=self.effective / self.train_seconds if self.train_seconds else 0.0,
                   loss=state.loss_sums[epoch] / updates if updates else float("nan"), lr=lr, epoch=epoch + 1)


def _finite(matrix: np.ndarray) -> bool:
    """No NaN or infinity in ``matrix``: its sum in float64 (which cannot overflow from float32 values) is finite.
    One pass, no boolean copy (the n-gram buckets are 800 MB)."""
    return bool(np.isfinite(np.add.reduce(matrix, axis=None, dtype=np.float64)))


def _save_on_interrupt(checkpoint, config, data, state, bar) -> None:
    bar.stop()
    if checkpoint is None:
        return
    path = save_checkpoint(checkpoint, config, data, state)
    bar.console.print(f"interrupted: checkpoint saved to {path} (epoch {state.epoch + 1}, chunk {state.next_chunk}); "
                      f"continue with --resume {path}")
