"""Distillation: a transformer's vocabulary through the transformer, PCA, frequency weights (model2vec's steps).

1. **Tokens through the teacher** (model2vec ``distill/inference.py``): every token id ``i`` of the teacher's
   tokenizer goes through the teacher as the one-token sentence ``[CLS] i [SEP]`` (whatever specials its
   post-processor adds), and the last hidden states are pooled as the teacher pools (``teacher.Teacher``:
   mean for MiniLM). A word of your own ``vocabulary`` that is not one token goes through as its pieces and
   becomes a new token of the tokenizer (WordPiece/WordLevel teachers). Sequences of one length are batched
   together, so no padding is ever needed.
2. **PCA** to ``dim`` (model2vec ``apply_pca``: eigenvectors of the covariance, each component's sign fixed so
   that its largest-magnitude score is positive), fitted on every token except ``remove_pattern``'s
   (BERT's ``[unusedN]``), which keep their ids but do not shape the components.
3. **Frequency weights**, folded into the rows: ``zipf`` (model2vec's default) weighs the token of rank ``r``
   (its id order among the kept tokens) by ``a / (a + p(r))`` with ``p(r)`` proportional to ``1 / (r + 2)``;
   ``sif`` takes ``p`` from counts you give (Arora et al. 2017), tokens without a count get the rarest
   counted token's; ``none`` leaves the rows as they are. ``a`` is ``sif_coefficient`` (1e-4).

The result is ``Vectors`` (row = token id) with the teacher's tokenizer attached and ``normalize`` on, so
``v.encode(texts)`` is the static encoder and ``tokvec.save(v, dir, format="model2vec")`` writes it for
model2vec and sentence-transformers.

Deliberately left out: vocabulary quantisation, float16/int8 storage (``save(..., dtype=)``), and fitting
the rows to the teacher's sentence vectors on a corpus (``fitting``, tokenlearn's step).
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._plumbing.optional import require
from ..errors import InvalidArgumentError
from .teacher import POOLINGS, Pooling, Teacher

Weighting = Literal["zipf", "sif", "none"]
WEIGHTINGS: tuple[str, ...] = ("zipf", "sif", "none")
Progress = Callable[[str, int, int], None]  # (stage, done, in all): "tokens", then with a corpus "texts", "epochs"
TOKENS_PER_BATCH = 16_384  # at most this many tokens in one forward batch (long texts: fewer of them)


@dataclass(frozen=True)
class DistillConfig:
    """The settings of one distillation (see the module docstring for each step)."""

    dim: int = 256
    weighting: Weighting = "zipf"
    sif_coefficient: float = 1e-4
    pooling: Pooling | None = None  # None: as the teacher pools
    batch_size: int = 1024
    remove_pattern: str | None = r"\[unused\d+\]"
    threads: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.dim, int) or isinstance(self.dim, bool) or self.dim < 1:
            raise InvalidArgumentError(f"dim must be a positive integer, got {self.dim!r}")
        if self.weighting not in WEIGHTINGS:
            raise InvalidArgumentError(f"weighting must be one of {', '.join(WEIGHTINGS)}, got {self.weighting!r}")
        if not 0 < self.sif_coefficient < 1:
            raise InvalidArgumentError(f"sif_coefficient must be in (0, 1), got {self.sif_coefficient!r}")
        if self.pooling is not None and self.pooling not in POOLINGS:
            raise InvalidArgumentError(f"pooling must be one of {', '.join(POOLINGS)}, got {self.pooling!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InvalidArgumentError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InvalidArgumentError(f"threads must be a positive integer, got {self.threads!r}")
        if self.remove_pattern is not None:
            try:
                re.compile(self.remove_pattern)
            except re.error as exc:
                raise InvalidArgumentError(f"remove_pattern {self.remove_pattern!r} is not a regex: {exc}") from None


def _pool(hidden: Any, pooling: str) -> Any:
    """(B, T, H) -> (B, H): the teacher's pooling over one length's sequences (no padding)."""
    if pooling == "cls":
        return hidden[:, 0]
    if pooling == "lasttoken":
        return hidden[:, -1]
    if pooling == "max":
        return hidden.max(dim=1).values
    return hidden.mean(dim=1)


def _load_quietly(transformers: Any, directory: str, dtype: Any) -> Any:
    """The teacher's model, without transformers' load report and progress bars (restored afterwards)."""
    logging = transformers.utils.logging
    verbosity, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        return transformers.AutoModel.from_pretrained(directory, dtype=dtype).eval()
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def forward(teacher: Teacher, sequences: list[list[int]], pooling: str, config: DistillConfig,
            progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """float32 ``(len(sequences), hidden)``: each id sequence through the teacher, pooled.

    Sequences of one length go through together (no padding), at most ``config.batch_size`` of them and
    ``TOKENS_PER_BATCH`` tokens in all; ``progress(done, total)`` after each batch.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: spinning threads stall a busy machine
    torch = require("torch", "distill", "distilling a transformer")
    transformers = require("transformers", "distill", "distilling a transformer")
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    model = _load_quietly(transformers, str(teacher.directory), torch.float32)
    takes_types = "token_type_ids" in inspect.signature(model.forward).parameters
    order = sorted(range(len(sequences)), key=lambda k: len(sequences[k]))
    out = np.zeros((len(sequences), model.config.hidden_size), dtype=np.float32)
    done = 0
    with torch.inference_mode():
        while done < len(order):
            length, end = len(sequences[order[done]]), done
            most = max(1, min(config.batch_size, TOKENS_PER_BATCH // max(1, length)))
            while end < len(order) and end - done < most and len(sequences[order[end]]) == length:
                end += 1
            rows = order[done:end]
            ids = torch.tensor([sequences[k] for k in rows], dtype=torch.long)  # (B, T)
            inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
            if takes_types:
                inputs["token_type_ids"] = torch.zeros_like(ids)
            hidden = model(**inputs).last_hidden_state.float()  # (B, T, H)
            out[rows] = _pool(hidden, pooling).numpy()
            done = end
            if progress is not None:
                progress(done, len(order))
    return np.nan_to_num(out)


def principal_components(sample: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """``(mean (H,), components (dim, H))`` of ``sample`` (N, H), float64, each component's sign fixed so that
    its largest-magnitude score over ``sample`` is positive (model2vec's ``apply_pca``)."""
    sample = sample.astype(np.float64)
    mean = sample.mean(axis=0)
    centred = sample - mean
    values, vectors = np.linalg.eigh(centred.T @ centred / max(1, len(sample) - 1))  # ascending
    components = vectors[:, ::-1][:, :dim].T  # (dim, H)
    fitted = centred @ components.T  # (N, dim)
    signs = np.sign(fitted[np.argmax(np.abs(fitted), axis=0), np.arange(fitted.shape[1])])
    signs[signs == 0] = 1
    return mean, components * signs[:, None]


def project(rows: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """float32 ``(N, dim)``: ``rows`` (N, H) centred on ``mean`` and projected on ``components`` (dim, H)."""
    return ((rows.astype(np.float64) - mean) @ components.T).astype(np.float32)


def pca(rows: np.ndarray, dim: int, fit: np.ndarray) -> np.ndarray:
    """``rows`` projected on the first ``dim`` principal components of ``rows[fit]`` (model2vec's signs).

    >>> x = np.array([[0, 0], [2, 0.1], [4, -0.1], [7, 0]], dtype=np.float32)
    >>> pca(x, 1, np.ones(4, bool)).ravel().round(2).tolist()  # the largest score, 3.75, comes out positive
    [-3.25, -1.25, 0.75, 3.75]
    """
    return project(rows, *principal_components(rows[fit], dim))


def weights(kept: np.ndarray, config: DistillConfig, counts: np.ndarray | None = None) -> np.ndarray:
    """Per-row weights ``a / (a + p)`` (see the module docstring); rows not kept get the smallest weight.

    >>> [round(float(w), 3) for w in weights(np.array([True, True, False]), DistillConfig(sif_coefficient=0.5))]
    [0.455, 0.556, 0.455]
    """
    if config.weighting == "none":
        return np.ones(len(kept), dtype=np.float32)
    a = config.sif_coefficient
    p = np.zeros(len(kept))
    if config.weighting == "zipf":
        inverse_rank = 1.0 / np.arange(2, int(kept.sum()) + 2)
        p[kept] = inverse_rank / inverse_rank.sum()
    else:
        if counts is None or counts.shape != kept.shape or counts.sum() <= 0:
            raise InvalidArgumentError("weighting='sif' needs counts: give a vocabulary file with a count after "
                                       "each word (or counts= aligned with vocabulary=)")
        p = counts / counts.sum()
        p[(counts <= 0) & kept] = p[counts > 0].min()
    w = a / (a + p)
    w[~kept] = w[kept].min() if kept.any() else 1.0
    return w.astype(np.float32)
