"""Fitting the static rows to the teacher's sentence vectors on a corpus (MinishLab tokenlearn's step).

A distilled row is what the teacher makes of a token alone; a sentence's static vector is the mean of its rows,
which is not what the teacher makes of the sentence. Given texts (``corpus``), ``distill`` then:

1. runs every text through the teacher, pooled as the teacher pools (``steps.forward``, at most the teacher's
   ``max_length`` tokens a text): the targets, ``(texts, hidden)``;
2. fits PCA to ``dim`` on those sentence vectors (not on the tokens) and projects both the targets and the
   tokens' own teacher vectors on it, so the rows start in the space they are fitted in (tokenlearn projects
   only the targets; starting the rows there too fitted better and leaves the tokens the corpus never shows
   in that same space);
3. ``fit_rows``: trains the rows (the Zipf weights already folded in) and one weight per token so that each
   text's weighted mean of rows points where its target does: loss ``1 - cos``, AdamW, a cosine-decayed
   learning rate, ``batch_size`` texts a step, ``epochs`` passes in a seeded order. ``validation`` of the texts
   (at most 10,000) are held out; the rows of the epoch with the lowest validation loss are kept;
4. folds each token's weight into its row, and multiplies the rows by SIF weights ``a / (a + p)`` with ``p``
   the token's frequency in the corpus (add-one smoothed), ``a = sif_coefficient`` (tokenlearn's post-step).

``encode`` stays a tokenizer plus a mean of rows: the result is plain rows, saved as before. Torch is needed
only here (``pip install 'tokvec[distill]'``); the same seed and threads give the same rows.

Deliberately left out: a head on top of the mean (it would not survive saving as a model2vec folder),
contrastive losses (they fitted worse than the cosine on the glosses), and building a vocabulary from the
corpus (give ``vocabulary=`` for that).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._plumbing.files import open_stream, reading
from .._plumbing.optional import require
from ..errors import CorpusError, CorpusTooSmallError, InvalidArgumentError, TrainingDivergedError

MAX_VALIDATION = 10_000
Corpus = str | os.PathLike[str] | Sequence[str]


@dataclass(frozen=True)
class FitConfig:
    """The settings of the fitting step (see the module docstring)."""

    epochs: int = 10
    learning_rate: float = 5e-3
    batch_size: int = 256
    validation: float = 0.1  # share of the texts held out to pick the best epoch (at most 10,000 texts)
    sif_coefficient: float | None = 1e-3  # None: no SIF weights after fitting
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.learning_rate, (int, float)) or not 0 < self.learning_rate < 1:
            raise InvalidArgumentError(f"learning_rate must be in (0, 1), got {self.learning_rate!r}")
        if not isinstance(self.validation, (int, float)) or not 0 < self.validation < 1:
            raise InvalidArgumentError(f"validation must be a share in (0, 1), got {self.validation!r}")
        if self.sif_coefficient is not None and not 0 < self.sif_coefficient < 1:
            raise InvalidArgumentError(f"sif_coefficient must be in (0, 1) or None, got {self.sif_coefficient!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise InvalidArgumentError(f"seed must be an integer, got {self.seed!r}")


@dataclass(frozen=True)
class FitReport:
    """What fitting did: texts used, validation loss (mean ``1 - cos``) before and after, the epoch kept."""

    texts: int
    validation_texts: int
    loss_before: float
    loss_after: float
    best_epoch: int
    epochs: int


def read_corpus(corpus: Corpus) -> list[str]:
    """The corpus's texts: a text file (one text a line; .gz/.bz2/.xz read too) or a list of strings.

    Blank texts are dropped; an empty corpus, an item that is not a string or a line that is not UTF-8 is one
    ``CorpusError``.

    >>> read_corpus(["a cat sat", "  ", "dogs run"])
    ['a cat sat', 'dogs run']
    """
    if isinstance(corpus, (str, os.PathLike)):
        texts, where = _read_file(Path(corpus)), str(corpus)
    elif isinstance(corpus, Iterable) and not isinstance(corpus, (bytes, bytearray)):
        texts, where = list(corpus), "the corpus"
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise CorpusError(f"corpus[{i}] is {type(text).__name__} ({repr(text)[:40]}), not a string; the "
                                  "corpus is a list of texts or the path of a text file")
    else:
        raise CorpusError(f"corpus must be a text file's path or a list of strings, got {type(corpus).__name__}")
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise CorpusError(f"{where} holds no text (every line is blank); give texts like those you will encode, "
                          "one a line")
    return texts


def _read_file(path: Path) -> list[str]:
    if not path.is_file():
        raise CorpusError(f"corpus file {path} does not exist (or is not a file); give a text file, one text a line")
    with reading(path), open_stream(path) as stream:
        raw = stream.read()
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CorpusError(f"{path}: line {line:,} is not UTF-8 (byte {exc.start:,} of the file); re-encode the "
                          "corpus as UTF-8 text, one text a line") from None


def _gather(rows: np.ndarray, offsets: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The token rows of ``texts`` (indices into offsets) as one flat array, each text's start in it, its length.

    >>> [a.tolist() for a in _gather(np.array([5, 6, 7, 8]), np.array([0, 1, 4]), np.array([1, 0]))]
    [[6, 7, 8, 5], [0, 3], [3, 1]]
    """
    lengths = offsets[texts + 1] - offsets[texts]
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    positions = np.repeat(offsets[texts] - starts, lengths) + np.arange(int(lengths.sum()))
    return rows[positions], starts, lengths


class _Mean:
    """Each text's mean of its weighted rows, in torch: ``rows`` (V, dim) and ``weight`` (V,) are trained."""

    def __init__(self, torch: Any, rows: np.ndarray, token_rows: np.ndarray, offsets: np.ndarray):
        self.torch, self.token_rows, self.offsets = torch, token_rows, offsets
        self.rows = torch.nn.Parameter(torch.from_numpy(rows.copy()))  # (V, dim)
        self.weight = torch.nn.Parameter(torch.ones(len(rows)))  # (V,)

    def __call__(self, texts: np.ndarray) -> Any:
        torch = self.torch
        ids, starts, lengths = (torch.from_numpy(a) for a in _gather(self.token_rows, self.offsets, texts))
        summed = torch.nn.functional.embedding_bag(ids, self.rows, starts, mode="sum",
                                                   per_sample_weights=self.weight[ids])  # (B, dim)
        return summed / lengths.clamp(min=1)[:, None].float()

    def folded(self) -> np.ndarray:
        """The rows with each token's weight folded in (what ``encode`` averages)."""
        with self.torch.no_grad():
            return (self.rows * self.weight[:, None]).numpy().copy()


def fit_rows(rows: np.ndarray, token_rows: np.ndarray, offsets: np.ndarray, targets: np.ndarray,
             config: FitConfig, progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, FitReport]:
    """Rows (V, dim) fitted so that text ``i``'s weighted mean of ``token_rows[offsets[i]:offsets[i+1]]`` points
    along ``targets[i]`` (texts, dim); the rows of the best validation epoch and what happened (``FitReport``).

    Texts with no known token are left out. ``progress(epoch, epochs)`` after each epoch.
    """
    torch = require("torch", "distill", "fitting a static model to a corpus")
    lengths = np.diff(offsets)
    usable = np.flatnonzero(lengths > 0)
    if len(usable) < 2:
        raise CorpusTooSmallError(f"only {len(usable)} text(s) of the corpus have a token the static model knows; "
                                  "fitting needs at least 2 (one to train on, one to validate)")
    order = np.random.default_rng(config.seed).permutation(usable)
    held = min(MAX_VALIDATION, max(1, round(len(order) * config.validation)))
    validation, train = order[:held], order[held:]
    torch.manual_seed(config.seed)
    mean = _Mean(torch, rows.astype(np.float32), token_rows, offsets)
    goal = torch.from_numpy(targets.astype(np.float32))  # (texts, dim)
    optimizer = torch.optim.AdamW([mean.rows, mean.weight], lr=config.learning_rate, weight_decay=0.0)
    steps_per_epoch = -(-len(train) // config.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + np.cos(np.pi * step / (config.epochs * steps_per_epoch))))
    shuffle = np.random.default_rng(config.seed + 1)

    def loss(texts: np.ndarray) -> Any:
        return 1 - torch.nn.functional.cosine_similarity(mean(texts), goal[texts]).mean()

    def validation_loss() -> float:
        with torch.no_grad():
            return float(loss(validation))

    before = best = validation_loss()
    best_rows, best_epoch = mean.folded(), 0
    for epoch in range(1, config.epochs + 1):
        batches = shuffle.permutation(train)
        for start in range(0, len(batches), config.batch_size):
            value = loss(batches[start:start + config.batch_size])
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            schedule.step()
        now = validation_loss()
        if not np.isfinite(now):
            raise TrainingDivergedError(f"fitting diverged at epoch {epoch} (validation loss {now}); lower the "
                                        f"learning rate (now {config.learning_rate})")
        if now < best:
            best, best_rows, best_epoch = now, mean.folded(), epoch
        if progress is not None:
            progress(epoch, config.epochs)
    return best_rows, FitReport(len(usable), held, before, best, best_epoch, config.epochs)


def sif_weights(token_rows: np.ndarray, size: int, coefficient: float) -> np.ndarray:
    """float32 ``(size,)``: ``a / (a + p)`` with ``p`` each row's share of ``token_rows`` (add-one smoothed).

    >>> [round(float(w), 3) for w in sif_weights(np.array([0, 0, 0, 1]), 3, 0.5)]  # counts + 1: 4, 2, 1 of 7
    [0.467, 0.636, 0.778]
    """
    counts = np.bincount(token_rows, minlength=size).astype(np.float64) + 1
    return (coefficient / (coefficient + counts / counts.sum())).astype(np.float32)
