"""A tiny GPT trained on CPU whose token embeddings are snapshotted as they learn; runs under torchrun.

The model is a decoder-only transformer as GPT-2 builds it: token embedding + position embedding
(learned, or the fixed sinusoidal table of ``tokvec.layers``), pre-LayerNorm blocks of causal
self-attention and a 4x GELU MLP, a final LayerNorm, and a linear head onto the vocabulary whose
weight is, by default, the token-embedding matrix itself (tied). Weights start as N(0, 0.02)
(residual projections 0.02 / sqrt(2 * layers)), seeded.

``train_lm`` reads a corpus, trains a BPE tokenizer on it (``lm_data``), and trains with AdamW,
linear warm-up then cosine decay, and gradient clipping. Every ``snapshot_every`` steps (and at
step 0, the random initialisation, and at the end) the token-embedding matrix is written as
``step-NNNNNNN.tokvec`` with the token strings, their training counts and the losses, so every
tokvec query, evaluation and plot works on it, and ``tokvec.train.watch`` can show how the
neighbours of chosen tokens change. Validation loss (mean cross-entropy per token on held-out
lines) is measured at step 0, every ``eval_every`` steps and at the end.

Checkpoints (model, optimiser, step, loss sums, history, tokenizer, config) are written atomically
every ``checkpoint_every`` steps, at the end, and on Ctrl-C once training has started (a second
Ctrl-C stops at once); ``resume=`` continues from one. Batches are a function of (seed, step, rank)
and dropout is re-seeded each step, so a resumed run is bit-identical to an uninterrupted one on
the same number of processes.

Scale out: the same code runs under ``torchrun --nproc_per_node=N -m tokvec train-lm ...``. Each
process reads the corpus (ranks compare a CRC of the encoded text), rank 0 reads the checkpoint
to resume from and trains the tokenizer and broadcasts them (an error there stops every rank), the model is wrapped in
``DistributedDataParallel`` (gloo on CPU, nccl on GPUs), rank ``r`` samples its batches from the
``r``-th shard of the training text, validation windows are split between ranks and their losses
summed, and only rank 0 prints or writes. The global batch is ``batch_size x processes``. At the
end the ranks compare a SHA-256 of their weights (``ranks_identical``).

Deliberately left out: gradient accumulation, mixed precision, KV-cached generation, and
FSDP/tensor parallelism (a model this size fits anywhere).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..._io import atomic_write
from ...errors import CheckpointError, InvalidArgumentError, MissingDependencyError, TokvecError
from ...formats import hf, save
from ...layers import sinusoidal_table
from ...vectors import Vectors
from .._common import Bar, Interrupt, is_int, require
from . import data as lm_data

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # pragma: no cover - exercised only without torch
    raise MissingDependencyError("torch", "lm", "training the tiny GPT") from None

CHECKPOINT_FORMAT = "tokvec-lm-checkpoint"
CHECKPOINT_VERSION = 1
TRAINER = "tokvec tiny GPT"
CHECKPOINT_KEYS = frozenset({"config", "step", "model", "optimizer", "history", "tokenizer", "digest", "train_tokens",
                             "world_size", "seconds", "tokens_seen", "loss_sum", "loss_steps"})


@dataclass(frozen=True)
class LMConfig:
    """Hyper-parameters of the tiny GPT and its training; every field is saved in checkpoints.

    ``vocab_size`` is the BPE vocabulary to train (ignored when a tokenizer is given);
    ``context`` the window length in tokens; ``batch_size`` windows per process per step;
    ``positions`` ``"learned"`` or ``"sinusoidal"``; ``tie`` shares the token-embedding matrix with
    the output head; ``lr`` peaks after ``warmup`` steps and decays (cosine) to ``min_lr``;
    ``val_fraction`` of the lines are held out; ``eval_batches`` x ``batch_size`` validation windows.

    >>> LMConfig(dim=64, heads=4).head_dim
    16
    """

    vocab_size: int = 4096
    context: int = 64
    dim: int = 128
    layers: int = 4
    heads: int = 4
    mlp_ratio: int = 4
    positions: Literal["learned", "sinusoidal"] = "learned"
    tie: bool = True
    dropout: float = 0.0
    batch_size: int = 32
    steps: int = 2000
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    val_fraction: float = 0.05
    eval_every: int = 250
    eval_batches: int = 16
    snapshot_every: int = 250
    checkpoint_every: int = 1000
    min_frequency: int = 2
    seed: int = 1

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context", "dim", "layers", "heads", "mlp_ratio", "batch_size", "steps",
                     "eval_every", "eval_batches", "snapshot_every", "checkpoint_every", "min_frequency"):
            value = getattr(self, name)
            require(is_int(value) and value >= 1, f"{name} must be a positive integer, got {value!r}")
        require(self.vocab_size >= len(lm_data.SPECIAL_TOKENS) + 1, f"vocab_size must be > 2, got {self.vocab_size}")
        require(self.dim % self.heads == 0, f"dim ({self.dim}) must be divisible by heads ({self.heads}); "
             f"e.g. --dim {self.heads * max(1, round(self.dim / self.heads))}")
        require(self.positions in ("learned", "sinusoidal"),
             f"positions must be 'learned' or 'sinusoidal', got {self.positions!r}")
        require(isinstance(self.tie, bool), f"tie must be True or False, got {self.tie!r}")
        require(_is_real(self.dropout) and 0 <= self.dropout < 1, f"dropout must be in [0, 1), got {self.dropout!r}")
        require(_is_real(self.lr) and 0 < self.lr < 1, f"lr must be in (0, 1), e.g. 3e-3, got {self.lr!r}")
        require(_is_real(self.min_lr) and 0 <= self.min_lr <= self.lr, f"min_lr must be in [0, lr], got {self.min_lr!r}")
        require(is_int(self.warmup) and 0 <= self.warmup, f"warmup must be a non-negative integer, got {self.warmup!r}")
        require(_is_real(self.weight_decay) and self.weight_decay >= 0, f"weight_decay must be >= 0, got "
             f"{self.weight_decay!r}")
        require(_is_real(self.grad_clip) and self.grad_clip >= 0, f"grad_clip must be >= 0 (0: off), got "
             f"{self.grad_clip!r}")
        require(_is_real(self.val_fraction) and 0 < self.val_fraction < 1,
             f"val_fraction must be in (0, 1), e.g. 0.05, got {self.val_fraction!r}")
        require(is_int(self.seed) and 0 <= self.seed < 2**63, f"seed must be a non-negative integer, got {self.seed!r}")

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> LMConfig:
        return cls(**values)


def _is_real(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# ---------------------------------------------------------------------------------------------------------------
# the model


class CausalSelfAttention(nn.Module):
    def __init__(self, config: LMConfig):
        super().__init__()
        self.heads = config.heads
        self.dropout = config.dropout
        self.qkv = nn.Linear(config.dim, 3 * config.dim)
        self.proj = nn.Linear(config.dim, config.dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))  # (B, H, T, D)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0)
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    """Pre-LayerNorm transformer block: ``x + attn(ln(x))`` then ``x + mlp(ln(x))``."""

    def __init__(self, config: LMConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(config.dim)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.dim)
        self.mlp = nn.Sequential(nn.Linear(config.dim, config.mlp_ratio * config.dim), nn.GELU(),
                                 nn.Linear(config.mlp_ratio * config.dim, config.dim))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class TinyGPT(nn.Module):
    """Decoder-only transformer; ``forward(ids, targets)`` returns ``(logits, loss)``.

    >>> m = TinyGPT(LMConfig(dim=16, heads=2, layers=1, context=8), vocab_size=50)
    >>> logits, loss = m(torch.zeros(2, 8, dtype=torch.long))
    >>> tuple(logits.shape), loss is None, m.head.weight is m.tok.weight
    ((2, 8, 50), True, True)
    """

    def __init__(self, config: LMConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.tok = nn.Embedding(vocab_size, config.dim)
        if config.positions == "learned":
            self.pos: nn.Embedding | None = nn.Embedding(config.context, config.dim)
        else:
            self.pos = None
            self.register_buffer("pos_table", torch.from_numpy(sinusoidal_table(config.context, config.dim)),
                                 persistent=False)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(config.dim)
        self.head = nn.Linear(config.dim, vocab_size, bias=False)
        if config.tie:
            self.head.weight = self.tok.weight
        self._init_weights(torch.Generator().manual_seed(config.seed))

    def _init_weights(self, generator: torch.Generator) -> None:
        residual_std = 0.02 / math.sqrt(2 * self.config.layers)
        for name, module in self.named_modules():
            if isinstance(module, (nn.Linear, nn.Embedding)) and not (module is self.head and self.config.tie):
                std = residual_std if name.endswith(("attn.proj", "mlp.2")) else 0.02
                nn.init.normal_(module.weight, 0.0, std, generator=generator)
                if getattr(module, "bias", None) is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        t = ids.shape[1]
        if t > self.config.context:
            raise InvalidArgumentError(f"sequence length {t} exceeds the context length {self.config.context}")
        pos = self.pos.weight[:t] if self.pos is not None else self.pos_table[:t]
        x = self.drop(self.tok(ids) + pos)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.norm(x))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def num_parameters(self) -> int:
        """Trainable parameters, the tied matrix counted once."""
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def generate(self, ids: Sequence[int], new_tokens: int, *, temperature: float = 0.8, top_k: int | None = 40,
                 seed: int = 0) -> list[int]:
        """Sample ``new_tokens`` continuation ids of ``ids`` (seeded; temperature and top-k)."""
        was_training = self.training
        self.eval()
        generator = torch.Generator().manual_seed(seed)
        out = list(ids)
        for _ in range(new_tokens):
            window = torch.tensor([out[-self.config.context:]], dtype=torch.long, device=self.tok.weight.device)
            logits = self(window)[0][0, -1].float().cpu() / max(temperature, 1e-6)
            if top_k is not None and top_k < logits.numel():
                logits[logits < torch.topk(logits, top_k).values[-1]] = -math.inf
            out.append(int(torch.multinomial(torch.softmax(logits, -1), 1, generator=generator)))
        self.train(was_training)
        return out[len(ids):]


def learning_rate(config: LMConfig, step: int) -> float:
    """Linear warm-up to ``lr`` over ``warmup`` steps, then cosine decay to ``min_lr`` at ``steps``.

    >>> c = LMConfig(lr=1e-3, min_lr=1e-4, warmup=10, steps=110)
    >>> [round(learning_rate(c, s), 6) for s in (0, 9, 10, 60, 110)]
    [0.0001, 0.001, 0.001, 0.00055, 0.0001]
    """
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = min(1.0, (step - config.warmup) / max(1, config.steps - config.warmup))
    return config.min_lr + 0.5 * (config.lr - config.min_lr) * (1.0 + math.cos(math.pi * progress))


def _optimizer(model: TinyGPT, config: LMConfig) -> torch.optim.AdamW:
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.95), eps=1e-8)


# ---------------------------------------------------------------------------------------------------------------
# processes


@dataclass(frozen=True)
class _Dist:
    """Where this process stands: rank, world size, device; ``world == 1`` without torchrun."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: str = "cpu"

    @property
    def main(self) -> bool:
        return self.rank == 0

    def all_sum(self, values: list[float]) -> list[float]:
        if self.world == 1:
            return values
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        torch.distributed.all_reduce(tensor)
        return tensor.tolist()

    def on_main(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` on rank 0 only and hand every rank its result; if it fails there, every rank raises."""
        if self.world == 1:
            return work()
        box: list[Any] = [None, None]
        failure = None
        if self.main:
            try:
                box[0] = work()
            except Exception as exc:  # re-raised below, after the other ranks have been told
                failure = exc
                box[1] = str(exc)
        torch.distributed.broadcast_object_list(box, src=0)
        if failure is not None:
            raise failure
        if box[1] is not None:
            raise TokvecError(f"rank 0 failed: {box[1]}")
        return box[0]

    def check_same(self, value: int, what: str) -> None:
        """Raise on every rank unless all ranks hold the same ``value``."""
        if self.world == 1:
            return
        values: list[Any] = [None] * self.world
        torch.distributed.all_gather_object(values, value)
        if len(set(values)) > 1:
            odd = [r for r, v in enumerate(values) if v != values[0]]
            raise TokvecError(f"{what} differs between processes (ranks {', '.join(map(str, odd))} differ from "
                              "rank 0); give every machine the same files at the same path")


def _start_processes(device: str | None) -> _Dist:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    wanted = device or "auto"
    cuda = torch.cuda.is_available() if wanted == "auto" else wanted.startswith("cuda")
    if world == 1:
        return _Dist(device=("cuda" if cuda else "cpu") if wanted == "auto" else wanted)
    import torch.distributed as dist

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if os.environ.get("MASTER_ADDR") in ("127.0.0.1", "localhost") and os.path.exists("/sys/class/net/lo"):
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # one machine: keep gloo on the loopback interface
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    if cuda:
        torch.cuda.set_device(local_rank)
    return _Dist(dist.get_rank(), dist.get_world_size(), local_rank, f"cuda:{local_rank}" if cuda else "cpu")


def _weights_digest(model: nn.Module) -> str:
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# results, snapshots, checkpoints


@dataclass
class LMResult:
    """What ``train_lm`` returns (on every rank; only rank 0 wrote files).

    ``history`` has one entry per evaluation or snapshot: ``step``, ``train_loss`` (mean over the steps since
    the previous entry, all ranks; NaN at step 0), ``val_loss`` (None at a snapshot-only step), ``tokens_seen``, ``lr``.
    ``tokens_per_second`` counts training tokens of all processes over training time only.
    """

    model: TinyGPT
    tokenizer: Any
    vectors: Vectors
    history: list[dict[str, float]]
    config: LMConfig
    snapshots: list[Path]
    tokens_per_second: float
    seconds: float
    world_size: int
    rank: int
    train_tokens: int
    val_tokens: int
    ranks_identical: bool | None = None
    checkpoint: Path | None = None
    parameters: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def val_loss(self) -> float:
        """The last measured validation loss."""
        measured = [h["val_loss"] for h in self.history if h.get("val_loss") is not None]
        return measured[-1] if measured else float("nan")

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (no model)."""
        return {"world_size": self.world_size, "parameters": self.parameters, "vocab_size": len(self.vectors),
                "train_tokens": self.train_tokens, "val_tokens": self.val_tokens,
                "tokens_per_second": round(self.tokens_per_second, 1), "seconds": round(self.seconds, 3),
                "val_loss": self.val_loss, "history": self.history, "snapshots": [str(p) for p in self.snapshots],
                "checkpoint": str(self.checkpoint) if self.checkpoint else None,
                "ranks_identical": self.ranks_identical, "config": dataclasses.asdict(self.config),
                "notes": self.notes}


def snapshot_name(step: int) -> str:
    return f"step-{step:07d}.tokvec"


def embedding_vectors(model: TinyGPT, tokens: list[str], counts: np.ndarray, metadata: dict[str, str]) -> Vectors:
    """The model's token-embedding matrix as ``Vectors`` (rows past the tokenizer's size are dropped)."""
    matrix = model.tok.weight.detach().float().cpu().numpy()[: len(tokens)].copy()
    return Vectors(tokens, matrix, counts=counts, source=f"{TRAINER}, step {metadata.get('step', '?')}",
                   metadata=metadata, check_duplicates=False)


def _fmt(x: float | None) -> str:
    return "" if x is None else repr(float(x))


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write ``state`` (see ``_checkpoint_state``) atomically with ``torch.save``."""
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
        first = (str(exc).strip().splitlines() or [""])[0]
        raise CheckpointError(f"{path} is not a readable tokvec LM checkpoint ({type(exc).__name__}: {first})") \
            from None
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
    return state


# ---------------------------------------------------------------------------------------------------------------
# training


@dataclass
class _Data:
    tokenizer: Any
    tokenizer_json: str
    tokens: list[str]
    train: np.ndarray
    val: np.ndarray
    counts: np.ndarray
    digest: int
    kind: str  # how tokvec displays and resolves its tokens (formats.hf.tokenizer_kind)


def _prepare_data(corpus, config: LMConfig, tokenizer, dist: _Dist, saved_tokenizer: str | None,
                  notes: list[str]) -> _Data:
    lines, replaced = lm_data.read_lines(corpus)
    if replaced:
        notes.append(f"{replaced:,} undecodable byte sequences in the corpus were replaced by U+FFFD")
    train_lines, val_lines = lm_data.split_lines(lines, config.val_fraction, config.seed)
    if saved_tokenizer is not None:
        text = saved_tokenizer
    elif tokenizer is not None:
        text = lm_data.load_tokenizer(tokenizer).to_str() if isinstance(tokenizer, (str, os.PathLike)) \
            else tokenizer.to_str()
    else:  # rank 0 trains the BPE and hands it to the others: every rank then encodes with the same one
        text = dist.on_main(lambda: lm_data.train_tokenizer(train_lines, config.vocab_size,
                                                            config.min_frequency).to_str())
    tok = lm_data.tokenizer_from_json(text)
    end = lm_data.end_token_id(tok)
    train = lm_data.encode_stream(tok, train_lines, end)
    val = lm_data.encode_stream(tok, val_lines, end)
    tokens = lm_data.vocabulary(tok)
    if tokenizer is None and saved_tokenizer is None and len(tokens) > config.vocab_size:
        notes.append(f"the vocabulary has {len(tokens):,} tokens, more than vocab_size={config.vocab_size:,}: "
                     "every character of the corpus needs a token of its own (and one as a ## piece)")
    counts = np.bincount(train, minlength=len(tokens)).astype(np.int64)[: len(tokens)]
    digest = zlib.crc32(train.tobytes()) ^ zlib.crc32(val.tobytes())
    dist.check_same(digest, "the corpus")
    return _Data(tok, text, tokens, train, val, counts, digest, hf.tokenizer_kind(json.loads(text)))


def _evaluate(model: TinyGPT, val: np.ndarray, starts: np.ndarray, config: LMConfig, dist: _Dist) -> float:
    """Mean cross-entropy per token over this rank's validation windows, summed across ranks."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    offsets = np.arange(config.context + 1)
    with torch.no_grad():
        for lo in range(0, len(starts), config.batch_size):
            windows = torch.from_numpy(val[starts[lo:lo + config.batch_size, None] + offsets].astype(np.int64))
            windows = windows.to(dist.device)
            logits, _ = model(windows[:, :-1])
            total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), windows[:, 1:].reshape(-1),
                                           reduction="sum"))
            count += windows[:, 1:].numel()
    model.train(was_training)
    total, count = dist.all_sum([total, float(count)])
    return total / count


def train_lm(
    corpus: str | os.PathLike | Sequence[str | os.PathLike],
    config: LMConfig | None = None,
    *,
    out_dir: str | os.PathLike | None = None,
    snapshots: str | os.PathLike | None = None,
    tokenizer: Any = None,
    resume: str | os.PathLike | None = None,
    threads: int | None = None,
    device: str | None = None,
    progress: bool = True,
    stop_after: int | None = None,
) -> LMResult:
    """Train a tiny GPT on ``corpus`` (text files, one line per sentence or document).

    ``out_dir`` receives ``checkpoint.pt``, ``tokenizer.json`` and the final ``embeddings.tokvec``;
    ``snapshots`` (default ``out_dir/snapshots``) the ``step-NNNNNNN.tokvec`` files (none are written
    when both are None). ``tokenizer`` is a ``tokenizer.json`` path, model directory, ``"minilm"``
    or a ``tokenizers.Tokenizer``; by default a BPE of ``config.vocab_size`` is trained on the
    training lines. ``resume`` continues from a checkpoint with its own configuration (``config``,
    if given, must equal it). ``threads`` sets torch's CPU threads (default: cores / processes).
    ``stop_after`` stops after that many steps as if Ctrl-C had been pressed (checkpoint written,
    ``TrainingStopped``, a ``KeyboardInterrupt``, raised). Under ``torchrun`` the processes train one model together.

    >>> r = train_lm("corpus.txt", LMConfig(steps=200), out_dir="runs/lm")   # doctest: +SKIP
    >>> r.val_loss, r.snapshots[-1]                                          # doctest: +SKIP
    """
    if threads is not None and not (is_int(threads) and threads >= 1):
        raise InvalidArgumentError(f"threads must be a positive integer, got {threads!r}")
    dist = _start_processes(device)
    try:
        result = _run(corpus, config, dist, out_dir, snapshots, tokenizer, resume, threads, progress, stop_after)
    except TrainingStopped:
        _leave(dist)  # every rank stopped at the same step (the stop is agreed collectively)
        raise
    # other errors leave the process group alone: tearing it down while a peer is inside a collective can hang
    _leave(dist)
    return result


class TrainingStopped(KeyboardInterrupt):
    """Training stopped between steps (Ctrl-C or ``stop_after``), on every rank at the same step."""


def _leave(dist: _Dist) -> None:
    """Wait for every rank, then tear the process group down (only where all ranks reach this point)."""
    if dist.world > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def _run(corpus, config: LMConfig | None, dist: _Dist, out_dir, snapshots, tokenizer, resume, threads: int | None,
         progress: bool, stop_after: int | None) -> LMResult:
    # rank 0 reads the checkpoint and sends it: only node 0 has it when several machines train
    saved = dist.on_main(lambda: load_checkpoint(resume)) if resume is not None else None
    if saved is not None:
        saved_config = LMConfig.from_dict(saved["config"])
        if config is not None and config != saved_config:
            raise CheckpointError(f"{resume} was written with a different configuration ({saved_config.to_json()}); "
                                  "resume without changing settings")
        config = saved_config
    config = config or LMConfig()
    out = Path(out_dir) if out_dir is not None else None
    snap_dir = Path(snapshots) if snapshots is not None else (out / "snapshots" if out is not None else None)
    dist.on_main(lambda: _make_dirs(out, snap_dir))
    checkpoint_path = out / "checkpoint.pt" if out is not None else None

    notes: list[str] = []
    data = _prepare_data(corpus, config, tokenizer, dist, saved["tokenizer"] if saved else None, notes)
    if saved is not None and (saved["digest"] != data.digest or saved["train_tokens"] != len(data.train)):
        raise CheckpointError(f"the corpus differs from the one {resume} was trained on ({len(data.train):,} vs "
                              f"{saved['train_tokens']:,} training tokens); resume with the same corpus files")
    if saved is not None and saved["step"] >= config.steps:
        notes.append(f"{resume} is already at step {saved['step']} of {config.steps}: nothing left to train")
    elif saved is not None and saved["world_size"] != dist.world:
        notes.append(f"resumed on {dist.world} process(es) after training on {saved['world_size']}: the data shards "
                     "change, so this run is not bit-identical to an uninterrupted one")

    previous_threads = torch.get_num_threads()
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", dist.world))
    torch.set_num_threads(threads or max(1, (os.cpu_count() or 1) // local_world))
    try:
        with torch.random.fork_rng(devices=[]):
            return _train(config, data, dist, out, snap_dir, checkpoint_path, saved, progress, stop_after, notes)
    finally:
        torch.set_num_threads(previous_threads)


def _make_dirs(*directories: Path | None) -> None:
    """Create the output directories before any work, with an error that says what to change."""
    for directory in directories:
        if directory is None:
            continue
        if directory.exists() and not directory.is_dir():
            raise TokvecError(f"{directory} exists and is not a directory; choose another output directory")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TokvecError(f"cannot create {directory} ({exc.strerror}); choose a writable directory") from None


def _train(config: LMConfig, data: _Data, dist: _Dist, out: Path | None, snap_dir: Path | None,
           checkpoint_path: Path | None, saved: dict | None, progress: bool, stop_after: int | None,
           notes: list[str]) -> LMResult:
    model = TinyGPT(config, len(data.tokens)).to(dist.device)
    optimizer = _optimizer(model, config)
    step, history, train_seconds, tokens_seen = 0, [], 0.0, 0
    loss_sum, loss_steps = 0.0, 0  # this rank's training loss since the last history entry
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        step, history, train_seconds = int(saved["step"]), list(saved["history"]), float(saved["seconds"])
        tokens_seen = int(saved["tokens_seen"])
        if dist.main:  # the saved sums are over all ranks: count them once
            loss_sum, loss_steps = float(saved["loss_sum"]), int(saved["loss_steps"])
    trained = model
    if dist.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        trained = DistributedDataParallel(model, device_ids=[dist.local_rank] if dist.device != "cpu" else None)

    batches = lm_data.Batches(data.train, context=config.context, batch_size=config.batch_size, seed=config.seed,
                              rank=dist.rank, world=dist.world)
    val_starts = lm_data.val_starts(len(data.val), config.context, config.eval_batches * config.batch_size,
                                    dist.rank, dist.world)
    tokens_per_step = config.batch_size * config.context * dist.world
    writes = dist.main and (out is not None or snap_dir is not None)
    snapshot_paths: dict[int, Path] = {}  # step -> file, this run's snapshots only
    if writes and snap_dir is not None:
        for h in history:
            if _snapshot_step(config, h["step"]) and (snap_dir / snapshot_name(h["step"])).is_file():
                snapshot_paths[h["step"]] = snap_dir / snapshot_name(h["step"])

    def metadata(entry: dict[str, float]) -> dict[str, str]:
        return {"trainer": TRAINER, "step": str(int(entry["step"])), "train_loss": _fmt(entry["train_loss"]),
                "val_loss": _fmt(entry.get("val_loss")), "tokens_seen": str(int(entry["tokens_seen"])),
                "config": config.to_json(), "tokenizer_kind": data.kind,
                **({"tokenizer_dir": str(snap_dir.resolve())} if snap_dir is not None else {})}

    def write_snapshot(entry: dict[str, float]) -> None:
        if writes and snap_dir is not None:
            path = snap_dir / snapshot_name(int(entry["step"]))
            save(embedding_vectors(model, data.tokens, data.counts, metadata(entry)), path)
            snapshot_paths[int(entry["step"])] = path

    def write_checkpoint() -> Path | None:
        """Called on every rank at the same step (the loss sums are gathered); rank 0 writes."""
        total, count = dist.all_sum([loss_sum, float(loss_steps)])
        if not (dist.main and checkpoint_path is not None):
            return None
        return save_checkpoint(checkpoint_path, {
            "format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "config": dataclasses.asdict(config),
            "step": step, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "history": history,
            "tokenizer": data.tokenizer_json, "digest": data.digest, "train_tokens": len(data.train),
            "world_size": dist.world, "seconds": train_seconds, "tokens_seen": tokens_seen,
            "loss_sum": total, "loss_steps": int(count)})

    if writes:
        for directory in {d for d in (out, snap_dir) if d is not None}:
            with atomic_write(directory / "tokenizer.json") as handle:
                handle.write(data.tokenizer_json.encode("utf-8"))
    if not history:
        entry = {"step": 0, "train_loss": float("nan"), "val_loss": _evaluate(model, data.val, val_starts, config, dist),
                 "tokens_seen": 0, "lr": 0.0}
        history.append(entry)
        write_snapshot(entry)

    steps_run, run_seconds = 0, 0.0
    bar = Bar(config.steps, progress and dist.main, before=("step",), count=True,
              after=("loss {task.fields[loss]:.3f}", "val {task.fields[val]:.3f}", "{task.fields[tps]:>8,.0f} tok/s",
                     "lr {task.fields[lr]:.2e}"), loss=float("nan"), tps=0.0, lr=0.0,
              val=float("nan") if history[-1].get("val_loss") is None else history[-1]["val_loss"])
    bar.update(step)
    with Interrupt() as interrupt, bar:
        while step < config.steps:
            if _stop_requested(interrupt.requested or (stop_after is not None and steps_run >= stop_after), dist):
                bar.stop()
                path = write_checkpoint()
                if path is not None and dist.main:
                    bar.console.print(f"interrupted at step {step}: checkpoint saved to {path}; continue with "
                                      f"--resume {path}")
                raise TrainingStopped
            started = time.perf_counter()
            lr = learning_rate(config, step)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = (torch.from_numpy(a).to(dist.device) for a in batches(step))
            if config.dropout > 0:
                torch.manual_seed(config.seed * 1_000_003 + step * 1009 + dist.rank)
            _, loss = trained(x, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            step += 1
            steps_run += 1
            tokens_seen += tokens_per_step
            loss_sum += float(loss.detach())
            loss_steps += 1
            elapsed = time.perf_counter() - started
            train_seconds += elapsed
            run_seconds += elapsed
            bar.update(step, loss=loss_sum / loss_steps, lr=lr, tps=steps_run * tokens_per_step / run_seconds)
            evaluate_now = step % config.eval_every == 0 or step == config.steps
            snapshot_now = _snapshot_step(config, step)
            if evaluate_now or snapshot_now:
                total, count = dist.all_sum([loss_sum, float(loss_steps)])
                entry = {"step": step, "train_loss": total / count, "tokens_seen": tokens_seen, "lr": lr,
                         "val_loss": _evaluate(model, data.val, val_starts, config, dist) if evaluate_now else None}
                history.append(entry)
                loss_sum, loss_steps = 0.0, 0
                if entry["val_loss"] is not None:
                    bar.update(step, val=entry["val_loss"])
                if snapshot_now:
                    write_snapshot(entry)
            if step % config.checkpoint_every == 0 and step < config.steps:
                write_checkpoint()

    checkpoint = write_checkpoint()
    vectors = embedding_vectors(model, data.tokens, data.counts, metadata(history[-1]))
    if writes and out is not None:
        save(vectors, out / "embeddings.tokvec")
    identical = None
    if dist.world > 1:
        digests: list[str | None] = [None] * dist.world
        torch.distributed.all_gather_object(digests, _weights_digest(model))
        identical = len(set(digests)) == 1
    rate = steps_run * tokens_per_step / run_seconds if run_seconds else 0.0
    snapshots = [snapshot_paths[k] for k in sorted(snapshot_paths)]
    return LMResult(model, data.tokenizer, vectors, history, config, snapshots, rate, run_seconds, dist.world,
                    dist.rank, len(data.train), len(data.val), identical, checkpoint, model.num_parameters(), notes)


def _snapshot_step(config: LMConfig, step: int) -> bool:
    return step == 0 or step % config.snapshot_every == 0 or step == config.steps


def _stop_requested(local: bool, dist: _Dist) -> bool:
    """Stop when any rank was interrupted, so all ranks leave the loop at the same step."""
    if dist.world == 1:
        return local
    return dist.all_sum([1.0 if local else 0.0])[0] > 0
