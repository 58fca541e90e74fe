"""word2vec checkpoints: the training state, and writing, reading and checking the ``.ckpt.npz`` file.

A checkpoint is one ``np.savez`` archive (no pickle: ``allow_pickle=False``) holding the format and
version, the configuration as JSON, the vocabulary (UTF-8, ``\\n``-separated) and its counts, both
weight matrices, the epoch and chunk position, the loss so far and a digest of the encoded corpus,
written atomically. Reading one that is truncated or damaged is a ``CheckpointError``; so is one
whose shapes or positions disagree with its configuration (the numba kernels trust them, so a
checkpoint with too few rows must never reach them).

Deliberately left out: when checkpoints are written and what resuming checks against the corpus
(``train.word2vec``).
"""

from __future__ import annotations

import dataclasses
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._plumbing.files import atomic_write
from ..errors import CheckpointError, TokvecError
from .corpus import EncodedCorpus

CHECKPOINT_FORMAT = "tokvec-word2vec-checkpoint"
CHECKPOINT_VERSION = 1


@dataclass
class State:
    """Where a run is: the weights, the epoch and next chunk, and the loss sums and update counts per epoch."""

    syn0: np.ndarray  # (V, dim) float32
    syn1: np.ndarray  # (V, dim) float32
    epoch: int = 0
    next_chunk: int = 0
    loss_sums: list[float] = dataclasses.field(default_factory=list)
    update_counts: list[int] = dataclasses.field(default_factory=list)


def corpus_digest(corpus: EncodedCorpus) -> int:
    """CRC-32 of the encoded corpus (sentence starts and ids): a resumed run must see the same one."""
    crc = zlib.crc32(np.ascontiguousarray(corpus.sentence_starts).view(np.uint8))
    step = 1 << 24
    for i in range(0, corpus.n_tokens, step):
        crc = zlib.crc32(np.ascontiguousarray(corpus.ids[i:i + step]).view(np.uint8), crc)
    return crc


def save_checkpoint(path: str | os.PathLike, config: Any, corpus: EncodedCorpus, state: State) -> Path:
    """Write a checkpoint atomically (``np.savez`` to a temporary file, then rename); ``config`` has ``to_json``."""
    packed = "\n".join(corpus.tokens).encode("utf-8")
    path = Path(path)
    with atomic_write(path) as f:
        np.savez(
            f, format=np.array(CHECKPOINT_FORMAT), version=np.array(CHECKPOINT_VERSION),
            config=np.array(config.to_json()), vocab_utf8=np.frombuffer(packed, np.uint8),
            counts=corpus.counts, syn0=state.syn0, syn1=state.syn1,
            epoch=np.array(state.epoch), next_chunk=np.array(state.next_chunk),
            loss_sums=np.array(state.loss_sums, np.float64), update_counts=np.array(state.update_counts, np.int64),
            n_tokens=np.array(corpus.n_tokens), corpus_crc=np.array(corpus_digest(corpus)),
        )
    return path


def load_checkpoint(path: str | os.PathLike) -> tuple[str, list[str], np.ndarray, State, int, int]:
    """``(config JSON, tokens, counts, state, corpus tokens, corpus digest)``; a damaged file is a CheckpointError."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no such checkpoint: {path}. Check the path given to --resume")
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["format"]) != CHECKPOINT_FORMAT:
                raise CheckpointError(f"{path} is not a tokvec word2vec checkpoint")
            if int(z["version"]) != CHECKPOINT_VERSION:
                raise CheckpointError(f"{path} is checkpoint version {int(z['version'])}; this tokvec reads "
                                      f"version {CHECKPOINT_VERSION}. Resume with the tokvec that wrote it")
            text = z["vocab_utf8"].tobytes().decode("utf-8")
            tokens = text.split("\n") if text or len(z["counts"]) else []
            state = State(z["syn0"].copy(), z["syn1"].copy(), int(z["epoch"]), int(z["next_chunk"]),
                          [float(x) for x in z["loss_sums"]], [int(x) for x in z["update_counts"]])
            return str(z["config"]), tokens, z["counts"].copy(), state, int(z["n_tokens"]), int(z["corpus_crc"])
    except TokvecError:
        raise
    except Exception as exc:  # a damaged zip raises many kinds (BadZipFile, EOFError, zlib.error, KeyError, ...)
        first = (str(exc).strip().splitlines() or [""])[0][:120]
        raise CheckpointError(f"cannot read checkpoint {path} ({type(exc).__name__}: {first}). It may be truncated; "
                              "use an earlier one") from None


def check_state(path: Path, dim: int, epochs: int, tokens: list[str], counts: np.ndarray, state: State,
                n_tokens: int, input_rows: int | None = None) -> None:
    """Shapes and positions of a loaded checkpoint agree with its configuration (the kernels trust them);
    ``input_rows`` is syn0's row count when it is not the vocabulary size (subword buckets)."""
    n = len(tokens)
    rows = n if input_rows is None else input_rows
    problems = [
        (state.syn0.shape != (rows, dim) or state.syn0.dtype != np.float32,
         f"syn0 is {state.syn0.shape} {state.syn0.dtype}, expected ({rows}, {dim}) float32"),
        (state.syn1.shape != (n, dim) or state.syn1.dtype != np.float32,
         f"syn1 is {state.syn1.shape} {state.syn1.dtype}, expected ({n}, {dim}) float32"),
        (counts.shape != (n,) or counts.dtype.kind not in "iu" or bool(n and counts.min() < 1),
         f"counts are {counts.shape} {counts.dtype}, expected {n} positive integers"),
        (not 0 <= state.epoch <= epochs, f"epoch {state.epoch} is outside 0..{epochs}"),
        (state.next_chunk < 0, f"the chunk index {state.next_chunk} is negative"),
        (len(state.loss_sums) != len(state.update_counts) or len(state.loss_sums) > epochs + 1,
         "the loss sums do not match the epochs"),
        (n_tokens < 0, f"the corpus size {n_tokens} is negative"),
        (not (np.isfinite(state.syn0).all() and np.isfinite(state.syn1).all()), "its weights hold NaN or infinity"),
    ]
    for bad, what in problems:
        if bad:
            raise CheckpointError(f"{path} is damaged: {what}. Use an earlier checkpoint or start a new run")
