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

Importing this package imports torch (``tokvec[lm]``). Scale out with
``torchrun --nproc_per_node=N -m tokvec train-lm ...``: the global batch is ``batch_size x processes``,
rank 0 writes, and at the end the ranks compare a SHA-256 of their weights (``ranks_identical``).

Deliberately left out: gradient accumulation, mixed precision, KV-cached generation, and
FSDP/tensor parallelism (a model this size fits anywhere).
"""

from ...errors import CheckpointError
from .checkpoint import embedding_vectors, load_checkpoint, save_checkpoint, snapshot_name, weights_digest
from .config import LMConfig
from .data import CorpusTooSmallError
from .model import TinyGPT
from .trainer import LMResult, TrainingStopped, learning_rate, train_lm

__all__ = ["CheckpointError", "CorpusTooSmallError", "LMConfig", "LMResult", "TinyGPT", "TrainingStopped",
           "embedding_vectors", "learning_rate", "load_checkpoint", "save_checkpoint", "snapshot_name", "train_lm",
           "weights_digest"]
