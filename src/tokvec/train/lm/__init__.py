"""A tiny GPT trained on CPU (or GPUs) whose token embeddings are snapshotted as they learn; runs under torchrun.

Laid out like nanoGPT, one module per concern:

- ``config``: ``LMConfig``, the hyper-parameters (checked; all saved in checkpoints);
- ``model``: the layers and ``TinyGPT``, a decoder-only transformer as GPT-2 builds it;
- ``data``: the tokenizer (BPE trained on the corpus, or a given one), id streams, seeded batches
  sharded by rank, the validation split;
- ``distributed``: torchrun/DDP set-up, rank and world, the collectives, teardown;
- ``checkpoint``: checkpoints (save, load, check) and ``step-NNNNNNN.tokvec`` embedding snapshots,
  every tokvec query, evaluation and plot works on (``tokvec.watch`` shows their neighbours change);
- ``trainer``: ``train_lm``, the loop (AdamW, warm-up + cosine schedule, clipping, evaluation,
  snapshots, checkpoints, Ctrl-C and resume) and ``LMResult``.

Importing this package is light: ``LMConfig`` and the data helpers need no torch, and the names
that do (``TinyGPT``, ``train_lm``, ``LMResult``, checkpoints) import their module, and torch
(``tokvec[lm]``), when first used, so ``tokvec --help`` stays fast. Scale out with
``torchrun --nproc_per_node=N -m tokvec train-lm ...``: the global batch is ``batch_size x processes``,
rank 0 writes, and at the end the ranks compare a SHA-256 of their weights (``ranks_identical``).

Deliberately left out: gradient accumulation, mixed precision, KV-cached generation, and
FSDP/tensor parallelism (a model this size fits anywhere).
"""

from __future__ import annotations

import importlib

from ...errors import CheckpointError as CheckpointError
from .config import LMConfig as LMConfig
from .data import CorpusTooSmallError as CorpusTooSmallError

_NEED_TORCH = {  # name -> the module that defines it (imported, with torch, on first use)
    "TinyGPT": "tokvec.train.lm.model",
    "LMResult": "tokvec.train.lm.trainer",
    "TrainingStopped": "tokvec.train.lm.trainer",
    "learning_rate": "tokvec.train.lm.schedule",
    "train_lm": "tokvec.train.lm.trainer",
    "embedding_vectors": "tokvec.train.lm.checkpoint",
    "load_checkpoint": "tokvec.train.lm.checkpoint",
    "save_checkpoint": "tokvec.train.lm.checkpoint",
    "snapshot_name": "tokvec.train.lm.checkpoint",
    "weights_digest": "tokvec.train.lm.checkpoint",
}


def __getattr__(name: str):
    if name in _NEED_TORCH:
        return getattr(importlib.import_module(_NEED_TORCH[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CheckpointError", "CorpusTooSmallError", "LMConfig", *_NEED_TORCH]
