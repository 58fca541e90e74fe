"""What training writes: checkpoints (save, load and check them) and embedding snapshots.

A checkpoint is one ``torch.save`` dict (``CHECKPOINT_KEYS`` plus format and version: model and
optimiser state, step, loss sums, history, tokenizer, corpus digest, config), written atomically and
read back with ``weights_only=True``; ``load_checkpoint`` explains what is wrong with a file that is
not one. A snapshot is the token-embedding matrix as ``Vectors`` (``embedding_vectors``), saved as
``step-NNNNNNN.tokvec``. ``weights_digest`` fingerprints the weights (ranks compare it).

Deliberately left out: when to write them (``trainer``) and keeping only the last N checkpoints.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..._plumbing.files import atomic_write
from ..._plumbing.optional import require
from ...errors import CheckpointError
from ...vectors import Vectors
from .config import LMConfig
from .model import TinyGPT

torch = require("torch", "lm", "training the tiny GPT")
nn = torch.nn

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_KEYS", "CHECKPOINT_VERSION", "TRAINER", "checkpoint_state",
           "embedding_vectors", "format_loss", "load_checkpoint", "load_states", "save_checkpoint", "snapshot_metadata",
           "snapshot_name", "weights_digest"]

CHECKPOINT_FORMAT = "tokvec-lm-checkpoint"
CHECKPOINT_VERSION = 1
TRAINER = "tokvec tiny GPT"
CHECKPOINT_KEYS = frozenset({"config", "step", "model", "optimizer", "history", "tokenizer", "digest", "train_tokens",
                             "world_size", "seconds", "tokens_seen", "loss_sum", "loss_steps"})


def weights_digest(model: nn.Module) -> str:
    """SHA-256 of the model's weights (names and bytes, in name order): equal on every rank after DDP training."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def snapshot_name(step: int) -> str:
    """``step-NNNNNNN.tokvec``: snapshots sort by step."""
    return f"step-{step:07d}.tokvec"


def embedding_vectors(model: TinyGPT, tokens: list[str], counts: np.ndarray, metadata: dict[str, str]) -> Vectors:
    """The model's token-embedding matrix as ``Vectors`` (rows past the tokenizer's size are dropped)."""
    matrix = model.tok.weight.detach().float().cpu().numpy()[: len(tokens)].copy()
    return Vectors(tokens, matrix, counts=counts, source=f"{TRAINER}, step {metadata.get('step', '?')}",
                   metadata=metadata, check_duplicates=False)


def format_loss(x: float | None) -> str:
    """A loss as snapshot metadata holds it: ``repr`` of the float, empty for None."""
    return "" if x is None else repr(float(x))


def snapshot_metadata(entry: dict[str, float], config: LMConfig, tokenizer_kind: str,
                      snap_dir: Path | None) -> dict[str, str]:
    """The metadata a snapshot (and the final embeddings) carries for the history ``entry`` it is taken at."""
    return {"trainer": TRAINER, "step": str(int(entry["step"])), "train_loss": format_loss(entry["train_loss"]),
            "val_loss": format_loss(entry.get("val_loss")), "tokens_seen": str(int(entry["tokens_seen"])),
            "config": config.to_json(), "tokenizer_kind": tokenizer_kind,
            **({"tokenizer_dir": str(snap_dir.resolve())} if snap_dir is not None else {})}


def checkpoint_state(**fields: Any) -> dict[str, Any]:
    """A checkpoint's dict: format and version, then ``fields`` (``CHECKPOINT_KEYS``)."""
    return {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **fields}


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write ``state`` (``CHECKPOINT_KEYS``, plus format and version) atomically with ``torch.save``."""
    with atomic_write(path) as handle:
        torch.save(state, handle)
    return Path(path)


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint written by ``train_lm`` (tensors and plain values only: ``weights_only``)."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist; give the checkpoint.pt that train-lm wrote")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for a damaged or foreign file
        first = (str(exc).strip().splitlines() or [""])[0][:120]
        if "weights_only" in first:  # torch's advice to load it unsafely: never; nothing in the file was run
            first = "it holds objects other than tensors and plain values, or is damaged; nothing in it was executed"
        raise CheckpointError(f"{path} is not a readable tokvec LM checkpoint ({type(exc).__name__}: {first}); "
                              "resume from the checkpoint.pt that `tokvec train-lm` wrote, "
                              "or start a new run") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a tokvec LM checkpoint (no format={CHECKPOINT_FORMAT!r}); "
                              "was it written by `tokvec train-lm`?")
    if state.get("version") != CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} has checkpoint version {state.get('version')}, this tokvec reads "
                              f"{CHECKPOINT_VERSION}")
    missing = sorted(CHECKPOINT_KEYS - state.keys())
    if missing:
        raise CheckpointError(f"{path} lacks {', '.join(missing)}: it was written by a development version of "
                              "tokvec; start a new run")
    state["path"] = str(path)
    return state


def load_states(model: nn.Module, optimizer: Any, saved: dict[str, Any]) -> None:
    """Load a checkpoint's model and optimiser states; one that does not fit the model is a ``CheckpointError``."""
    try:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
    except (RuntimeError, KeyError, ValueError, TypeError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise CheckpointError(f"{saved.get('path', 'the checkpoint')} does not fit this model ({type(exc).__name__}: "
                              f"{first}); it is damaged or from another run: use an earlier checkpoint or start "
                              "a new run") from None
