"""The training loop of the tiny GPT: ``train_lm``, its result ``LMResult``, and the learning-rate schedule.

``train_lm`` reads a corpus, trains a BPE tokenizer on it (``data``), and trains with AdamW, linear
warm-up then cosine decay, and gradient clipping. Every ``snapshot_every`` steps (and at step 0,
the random initialisation, and at the end) the token-embedding matrix is written as
``step-NNNNNNN.tokvec`` (``checkpoint``); validation loss (mean cross-entropy per token on held-out
lines) is measured at step 0, every ``eval_every`` steps and at the end. Checkpoints are written
every ``checkpoint_every`` steps, at the end, and on Ctrl-C once training has started (a second
Ctrl-C stops at once); ``resume=`` continues from one. Batches are a function of (seed, step, rank)
and dropout is re-seeded each step, so a resumed run is bit-identical to an uninterrupted one on the
same number of processes. Under torchrun (``distributed``) rank 0 reads the checkpoint and trains
the tokenizer and broadcasts them, ranks compare a CRC of the encoded text, and only rank 0 writes.

Deliberately left out: gradient accumulation, mixed precision, and the model itself (``model``).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..._plumbing.files import atomic_write
from ..._plumbing.optional import require
from ...display.results import LMDisplay
from ...errors import CheckpointError, InvalidArgumentError, TokvecError
from ...formats import save
from ...vectors import Vectors
from .._common import Bar, Interrupt, is_int
from . import data as lm_data
from .checkpoint import (
    checkpoint_state,
    embedding_vectors,
    load_checkpoint,
    load_states,
    save_checkpoint,
    snapshot_metadata,
    snapshot_name,
    weights_digest,
)
from .config import LMConfig
from .distributed import Dist, leave, start_processes, stop_requested, wrap
from .divergence import gathered_loss
from .model import TinyGPT
from .schedule import learning_rate, make_optimizer
from .warm_start import warm_start

torch = require("torch", "lm", "training the tiny GPT")
F = torch.nn.functional

__all__ = ["LMResult", "TrainingStopped", "learning_rate", "make_optimizer", "train_lm"]


@dataclass
class LMResult(LMDisplay):
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
    _repr_pretty_ = LMDisplay._repr_pretty_  # not a field: IPython's text view (tokvec.display)

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


def evaluate(model: TinyGPT, val: np.ndarray, starts: np.ndarray, config: LMConfig, dist: Dist) -> float:
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
    dist = start_processes(device)
    try:
        result = _run(corpus, config, dist, out_dir, snapshots, tokenizer, resume, threads, progress, stop_after)
    except TrainingStopped:
        leave(dist)  # every rank stopped at the same step (the stop is agreed collectively)
        raise
    # other errors leave the process group alone: tearing it down while a peer is inside a collective can hang
    leave(dist)
    return result


class TrainingStopped(KeyboardInterrupt):
    """Training stopped between steps (Ctrl-C or ``stop_after``), on every rank at the same step."""


def _run(corpus, config: LMConfig | None, dist: Dist, out_dir, snapshots, tokenizer, resume, threads: int | None,
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
    data = lm_data.prepare(corpus, config.vocab_size, config.min_frequency, config.val_fraction, config.seed, tokenizer,
                           saved["tokenizer"] if saved else None, dist, notes)
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
            trainer = _Trainer(config, data, dist, out, snap_dir, checkpoint_path, saved)
            notes += warm_start(trainer.model, data.tokens, config) if saved is None else []
            trainer.run(progress, stop_after)
            return trainer.result(notes)
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


class _Trainer:
    """One run of the loop on this process: the model, its optimiser, the counters, and what it writes."""

    def __init__(self, config: LMConfig, data: lm_data.TrainingText, dist: Dist, out: Path | None,
                 snap_dir: Path | None, checkpoint_path: Path | None, saved: dict | None) -> None:
        self.config, self.data, self.dist = config, data, dist
        self.out, self.snap_dir, self.checkpoint_path = out, snap_dir, checkpoint_path
        self.model = TinyGPT(config, len(data.tokens)).to(dist.device)
        self.optimizer = make_optimizer(self.model, config)
        self.step, self.history, self.train_seconds, self.tokens_seen = 0, [], 0.0, 0
        self.loss_sum, self.loss_steps = 0.0, 0  # this rank's training loss since the last history entry
        if saved is not None:
            self.restore(saved)
        self.trained = wrap(self.model, dist)
        self.batches = lm_data.Batches(data.train, context=config.context, batch_size=config.batch_size,
                                       seed=config.seed, rank=dist.rank, world=dist.world)
        self.val_starts = lm_data.val_starts(len(data.val), config.context, config.eval_batches * config.batch_size,
                                             dist.rank, dist.world)
        self.tokens_per_step = config.batch_size * config.context * dist.world
        self.writes = dist.main and (out is not None or snap_dir is not None)
        self.snapshot_paths: dict[int, Path] = {}  # step -> file, this run's snapshots only
        if self.writes and snap_dir is not None:
            for h in self.history:
                if _snapshot_step(config, h["step"]) and (snap_dir / snapshot_name(h["step"])).is_file():
                    self.snapshot_paths[h["step"]] = snap_dir / snapshot_name(h["step"])
        self.steps_run, self.run_seconds = 0, 0.0
        self.checkpoint: Path | None = None

    def restore(self, saved: dict) -> None:
        load_states(self.model, self.optimizer, saved)  # a damaged state is a CheckpointError
        self.step, self.history, self.train_seconds = (int(saved["step"]), list(saved["history"]),
                                                       float(saved["seconds"]))
        self.tokens_seen = int(saved["tokens_seen"])
        if self.dist.main:  # the saved sums are over all ranks: count them once
            self.loss_sum, self.loss_steps = float(saved["loss_sum"]), int(saved["loss_steps"])

    def metadata(self, entry: dict[str, float]) -> dict[str, str]:
        return snapshot_metadata(entry, self.config, self.data.kind, self.snap_dir)

    def write_snapshot(self, entry: dict[str, float]) -> None:
        if self.writes and self.snap_dir is not None:
            path = self.snap_dir / snapshot_name(int(entry["step"]))
            save(embedding_vectors(self.model, self.data.tokens, self.data.counts, self.metadata(entry)), path)
            self.snapshot_paths[int(entry["step"])] = path

    def write_checkpoint(self) -> Path | None:
        """Called on every rank at the same step (the loss sums are gathered); rank 0 writes."""
        total, count = gathered_loss(self.dist, self.model, self.loss_sum, self.loss_steps, self.step, self.config)
        if not (self.dist.main and self.checkpoint_path is not None):
            return None
        data = self.data
        return save_checkpoint(self.checkpoint_path, checkpoint_state(
            config=dataclasses.asdict(self.config), step=self.step, model=self.model.state_dict(),
            optimizer=self.optimizer.state_dict(), history=self.history, tokenizer=data.tokenizer_json,
            digest=data.digest, train_tokens=len(data.train), world_size=self.dist.world, seconds=self.train_seconds,
            tokens_seen=self.tokens_seen, loss_sum=total, loss_steps=int(count)))

    def begin(self) -> None:
        """Write the tokenizer next to the outputs, and measure and snapshot step 0 (unless resumed)."""
        if self.writes:
            for directory in {d for d in (self.out, self.snap_dir) if d is not None}:
                with atomic_write(directory / "tokenizer.json") as handle:
                    handle.write(self.data.tokenizer_json.encode("utf-8"))
        if not self.history:
            entry = {"step": 0, "train_loss": float("nan"), "val_loss": self.evaluate(), "tokens_seen": 0, "lr": 0.0}
            self.history.append(entry)
            self.write_snapshot(entry)

    def evaluate(self) -> float:
        return evaluate(self.model, self.data.val, self.val_starts, self.config, self.dist)

    def run(self, progress: bool, stop_after: int | None) -> None:
        """Train to ``config.steps``, or stop (checkpoint written, ``TrainingStopped``) on Ctrl-C or ``stop_after``."""
        config, dist = self.config, self.dist
        self.begin()
        last_val = self.history[-1].get("val_loss")
        bar = Bar(config.steps, progress and dist.main, before=("step",), count=True,
                  after=("loss {task.fields[loss]:.3f}", "val {task.fields[val]:.3f}",
                         "{task.fields[tps]:>8,.0f} tok/s", "lr {task.fields[lr]:.2e}"),
                  loss=float("nan"), tps=0.0, lr=0.0, val=float("nan") if last_val is None else last_val)
        bar.update(self.step)
        with Interrupt() as interrupt, bar:
            while self.step < config.steps:
                if stop_requested(interrupt.requested or (stop_after is not None and self.steps_run >= stop_after),
                                  dist):
                    bar.stop()
                    path = self.write_checkpoint()
                    if path is not None and dist.main:
                        bar.console.print(f"interrupted at step {self.step}: checkpoint saved to {path}; continue "
                                          f"with --resume {path}")
                    raise TrainingStopped
                lr = self.train_step()
                bar.update(self.step, loss=self.loss_sum / self.loss_steps, lr=lr,
                           tps=self.steps_run * self.tokens_per_step / self.run_seconds)
                self.record(lr, bar)
                if self.step % config.checkpoint_every == 0 and self.step < config.steps:
                    self.write_checkpoint()
        self.checkpoint = self.write_checkpoint()

    def train_step(self) -> float:
        """One optimiser step on this step's batch; returns its learning rate."""
        config, dist = self.config, self.dist
        started = time.perf_counter()
        lr = learning_rate(config, self.step)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        x, y = (torch.from_numpy(a).to(dist.device) for a in self.batches(self.step))  # (B, T) each
        if config.dropout > 0:
            torch.manual_seed(config.seed * 1_000_003 + self.step * 1009 + dist.rank)
        _, loss = self.trained(x, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip)
        self.optimizer.step()
        self.step += 1
        self.steps_run += 1
        self.tokens_seen += self.tokens_per_step
        self.loss_sum += float(loss.detach())
        self.loss_steps += 1
        elapsed = time.perf_counter() - started
        self.train_seconds += elapsed
        self.run_seconds += elapsed
        return lr

    def record(self, lr: float, bar: Bar) -> None:
        """At an evaluation or snapshot step: a history entry (losses gathered from all ranks), maybe a snapshot."""
        config, step = self.config, self.step
        evaluate_now = step % config.eval_every == 0 or step == config.steps
        snapshot_now = _snapshot_step(config, step)
        if not (evaluate_now or snapshot_now):
            return
        total, count = gathered_loss(self.dist, self.model, self.loss_sum, self.loss_steps, step, config)
        entry = {"step": step, "train_loss": total / count, "tokens_seen": self.tokens_seen, "lr": lr,
                 "val_loss": self.evaluate() if evaluate_now else None}
        self.history.append(entry)
        self.loss_sum, self.loss_steps = 0.0, 0
        if entry["val_loss"] is not None:
            bar.update(step, val=entry["val_loss"])
        if snapshot_now:
            self.write_snapshot(entry)

    def result(self, notes: list[str]) -> LMResult:
        """Save the final embeddings, compare the ranks' weights, and gather what ``train_lm`` returns."""
        model, data, dist = self.model, self.data, self.dist
        vectors = embedding_vectors(model, data.tokens, data.counts, self.metadata(self.history[-1]))
        if self.writes and self.out is not None:
            save(vectors, self.out / "embeddings.tokvec")
        identical = None
        if dist.world > 1:
            digests: list[str | None] = [None] * dist.world
            torch.distributed.all_gather_object(digests, weights_digest(model))
            identical = len(set(digests)) == 1
        rate = self.steps_run * self.tokens_per_step / self.run_seconds if self.run_seconds else 0.0
        snapshots = [self.snapshot_paths[k] for k in sorted(self.snapshot_paths)]
        return LMResult(model, data.tokenizer, vectors, self.history, self.config, snapshots, rate, self.run_seconds,
                        dist.world, dist.rank, len(data.train), len(data.val), identical, self.checkpoint,
                        model.num_parameters(), notes)


def _snapshot_step(config: LMConfig, step: int) -> bool:
    return step == 0 or step % config.snapshot_every == 0 or step == config.steps
