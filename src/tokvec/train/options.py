"""How a training run goes, as opposed to what it learns: ``TrainOptions``, the keywords both trainers' ``train``
take (``tokvec.train.word2vec`` and ``tokvec.train.fasttext``), and ``accepts_options``, which gives a trainer
those keywords.

What a model learns (dimensions, window, epochs, learning rate, ...) is its config (``Word2VecConfig``;
``FastTextConfig`` is that plus subwords) and is saved in its checkpoints. How a run goes (where checkpoints go
and how often, resuming, the progress bar, the corpus's bad bytes and its spill to disk, the kernels) is
``TrainOptions``: each setting, its default, its check and its description stand here once, and
``accepts_options`` turns them into the keyword-only parameters of each ``train``.

>>> TrainOptions(checkpoint="run.ckpt.npz", checkpoint_every=10).corpus_keywords
{'errors': 'replace', 'memory_mb': 256, 'directory': None}
>>> TrainOptions(checkpoint_every=10)
Traceback (most recent call last):
...
tokvec.errors.InvalidArgumentError: checkpoint_every needs a checkpoint path (--checkpoint PATH)

Deliberately left out: the model's settings (the configs), and the tiny GPT's run settings (``tokvec.train.lm``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ._common import is_int, require
from .corpus import DEFAULT_MEMORY_MB

__all__ = ["TrainOptions", "accepts_options"]


@dataclass(frozen=True)
class TrainOptions:
    """The settings of a training run that are not the model's (``train``'s keywords, for word2vec and fastText).

    ``checkpoint`` is where checkpoints go (an ``.npz`` path): every ``checkpoint_every`` minutes if given, and on
    Ctrl-C, after which ``KeyboardInterrupt`` is re-raised; ``None`` writes none. ``resume`` continues from a
    checkpoint of the same trainer: its config is used (a config given may only change ``threads``) and the corpus
    must be the one it was trained on. ``progress`` shows a progress bar (words/s, loss, learning rate, time left).
    ``errors`` is what non-UTF-8 bytes in corpus files do: ``"replace"`` (U+FFFD, counted in the result's
    ``replaced_bytes``) or ``"strict"`` (a ``CorpusError``). ``stop_after`` stops after that many chunks as if
    Ctrl-C had been pressed (tests). ``backend="reference"`` runs the slow NumPy twin of the numba kernels
    (tests). The encoded corpus stays in RAM up to ``corpus_memory_mb`` MiB; past that it is memory-mapped from
    a temporary file in ``corpus_dir`` (default: the system's temporary directory), with the same results.
    """

    checkpoint: str | os.PathLike | None = None
    checkpoint_every: float | None = None
    resume: str | os.PathLike | None = None
    progress: bool = True
    errors: Literal["replace", "strict"] = "replace"
    stop_after: int | None = None
    backend: Literal["numba", "reference"] = "numba"
    corpus_memory_mb: float = DEFAULT_MEMORY_MB
    corpus_dir: str | os.PathLike | None = None

    def __post_init__(self) -> None:
        every = self.checkpoint_every
        require(every is None or (_is_number(every) and every > 0),
                f"checkpoint_every must be a positive number of minutes, got {every!r}")
        require(every is None or self.checkpoint is not None,
                "checkpoint_every needs a checkpoint path (--checkpoint PATH)")
        require(self.errors in ("replace", "strict"), f"errors must be 'replace' or 'strict', got {self.errors!r}")
        require(self.stop_after is None or (is_int(self.stop_after) and self.stop_after >= 0),
                f"stop_after must be None or a number of chunks >= 0, got {self.stop_after!r}")
        require(self.backend in ("numba", "reference"), f"backend must be 'numba' or 'reference', got {self.backend!r}")
        require(_is_number(self.corpus_memory_mb) and math.isfinite(self.corpus_memory_mb)
                and self.corpus_memory_mb >= 0,
                f"corpus_memory_mb must be a number of MiB >= 0 (0 memory-maps the whole corpus), "
                f"got {self.corpus_memory_mb!r}")

    @property
    def corpus_keywords(self) -> dict[str, Any]:
        """The keywords of ``encode_corpus`` that come from these options."""
        return {"errors": self.errors, "memory_mb": self.corpus_memory_mb, "directory": self.corpus_dir}


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


R = typing.TypeVar("R")


def accepts_options(run: Callable[[Any, Any, TrainOptions], R]) -> Callable[..., R]:
    """``run(corpus, config, options)`` as ``train(corpus, config=None, *, checkpoint=None, ...)``: the keyword-only
    parameters, their defaults and their types are ``TrainOptions``' fields (``inspect.signature`` and
    ``typing.get_type_hints`` show them), and ``run`` gets them checked, as one ``TrainOptions``.

    >>> @accepts_options
    ... def train(corpus, config, options):
    ...     return options.backend
    >>> train([["a"]], backend="reference"), str(inspect.signature(train))[:45]
    ('reference', '(corpus, config=None, *, checkpoint: str | os')
    """

    @functools.wraps(run)
    def train(corpus, config=None, **options):
        return run(corpus, config, TrainOptions(**options))

    hints = typing.get_type_hints(TrainOptions)
    signature = inspect.signature(run)
    corpus, config = list(signature.parameters.values())[:2]
    keywords = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hints[f.name])
                for f in dataclasses.fields(TrainOptions)]
    train.__signature__ = signature.replace(parameters=[corpus, config.replace(default=None), *keywords])  # type: ignore[attr-defined]
    given = {name: hint for name, hint in run.__annotations__.items() if name not in ("options", "return")}
    train.__annotations__ = {**given, **hints, **{k: v for k, v in run.__annotations__.items() if k == "return"}}
    return train
