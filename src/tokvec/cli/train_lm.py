"""The ``train-lm`` command: train a tiny GPT and snapshot its token embeddings as they learn.

Every training option is a field of ``LMConfig`` of the same name, so the config is built from the
options that were given rather than listed twice; ``--resume`` refuses them (the checkpoint's own
settings continue). Runs unchanged under ``torchrun`` (DDP; rank 0 prints and writes).

Deliberately left out: the model and its training (``tokvec.train.lm``, which needs torch; only this
command's module imports it) and reading the snapshots back (``tokvec watch``).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from ..train import lm
from ..train.lm import LMConfig
from ..train.lm.data import end_token_id
from . import render
from ._app import JsonOpt, choices, command, literal_values, refuse_with_resume

CONFIG_FIELDS = frozenset(f.name for f in dataclasses.fields(LMConfig))


@command("train-lm")
def train_lm(
    ctx: typer.Context,
    corpus: Annotated[list[Path], typer.Argument(metavar="CORPUS",
                                                 help="Text files: one sentence or document per line.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="RUN_DIR",
                                         help="Run directory: checkpoint.pt, tokenizer.json, embeddings.tokvec.")],
    snapshots: Annotated[Path | None, typer.Option(metavar="DIR",
                                                   help="Snapshot directory (default: OUTPUT/snapshots).")] = None,
    snapshot_every: Annotated[int, typer.Option(help="Save the token embeddings every N steps.")] = 250,
    steps: Annotated[int, typer.Option(help="Optimiser steps.")] = 2000,
    batch_size: Annotated[int, typer.Option(help="Windows per process per step.")] = 32,
    context: Annotated[int, typer.Option(help="Window length in tokens.")] = 64,
    dim: Annotated[int, typer.Option(help="Embedding (model) width.")] = 128,
    layers: Annotated[int, typer.Option(help="Transformer blocks.")] = 4,
    heads: Annotated[int, typer.Option(help="Attention heads (must divide --dim).")] = 4,
    vocab_size: Annotated[int, typer.Option(help="BPE vocabulary to train on the corpus.")] = 4096,
    positions: Annotated[str, choices("--positions", literal_values(LMConfig, "positions"), "Position embeddings.")]
    = "learned",
    tie: Annotated[bool, typer.Option("--tie/--no-tie", help="Share the token matrix with the output head.")] = True,
    dropout: Annotated[float, typer.Option(help="Dropout probability.")] = 0.0,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW; warm-up, then cosine decay to lr/10).")]
    = 3e-3,
    warmup: Annotated[int, typer.Option(help="Warm-up steps.")] = 100,
    eval_every: Annotated[int, typer.Option(help="Measure validation loss every N steps.")] = 250,
    val_fraction: Annotated[float, typer.Option(help="Fraction of lines held out for validation.")] = 0.05,
    checkpoint_every: Annotated[int, typer.Option(help="Write OUTPUT/checkpoint.pt every N steps.")] = 1000,
    tokenizer: Annotated[str | None, typer.Option(
        metavar="PATH|minilm", help="Use this tokenizer.json / model dir / 'minilm' instead of training a BPE.")]
    = None,
    seed: Annotated[int, typer.Option(help="Random seed (weights, split, batches).")] = 1,
    init_embeddings: Annotated[str | None, typer.Option(metavar="OUT", help=(
        "Start the token embeddings from this vector file (tokvec init-embeddings TOKENIZER VECTORS -o OUT; "
        "same --tokenizer, --dim = its dim), scaled to the model's N(0, 0.02) spread."))] = None,
    threads: Annotated[int | None, typer.Option(min=1, help="torch CPU threads (default: cores / processes).")] = None,
    resume: Annotated[Path | None, typer.Option(metavar="CKPT", help="Continue from a checkpoint with its own "
                                                "settings (other training options are refused).")] = None,
    sample: Annotated[str, typer.Option(help="Prompt for a short generated sample at the end ('' for none).")] = "the",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Train a tiny GPT and snapshot its token embeddings as they learn; Ctrl-C saves a checkpoint.

    Runs unchanged under `torchrun --nproc_per_node=N -m tokvec train-lm ...` (DDP; rank 0 writes).
    """
    settings = {name: value for name, value in ctx.params.items() if name in CONFIG_FIELDS}
    if resume is not None:
        refuse_with_resume(ctx, [*settings, "tokenizer"])
    config = None if resume is not None else LMConfig(**{**settings, "min_lr": lr / 10, "warmup": min(warmup, steps)})
    result = lm.train_lm([str(p) for p in corpus], config, out_dir=output, snapshots=snapshots, tokenizer=tokenizer,
                          resume=resume, threads=threads, progress=not quiet and not as_json)
    if result.rank == 0:
        _report(result, sample, as_json)


def _report(result: lm.LMResult, sample: str, as_json: bool) -> None:
    info: dict[str, Any] = result.summary()
    text = ""
    if sample:
        prompt = result.tokenizer.encode(sample, add_special_tokens=False).ids or [end_token_id(result.tokenizer)]
        text = result.tokenizer.decode(prompt + result.model.generate(prompt, 30, seed=result.config.seed))
        info["sample"] = text
    if as_json:
        render.emit_json(info)
        return
    render.notes(result.notes, style="yellow")
    render.table("tiny GPT: loss per token (nats)",
                 [(column, render.RIGHT) for column in ("step", "tokens seen", "train loss", "val loss")],
                 ([str(h["step"]), f"{h['tokens_seen']:,}",
                   "" if math.isnan(h["train_loss"]) else f"{h['train_loss']:.3f}",
                   "" if h.get("val_loss") is None else f"{h['val_loss']:.3f}"] for h in result.history))
    render.line(f"{result.parameters:,} parameters, {len(result.vectors):,} tokens; {result.world_size} process(es), "
                f"{result.tokens_per_second:,.0f} tokens/s over {result.seconds:.1f} s")
    if result.ranks_identical is not None:
        render.line(f"ranks hold identical weights: {result.ranks_identical}")
    if text:
        render.line(f"sample: {text}")
    if result.snapshots:
        render.line(f"{len(result.snapshots)} snapshots in {result.snapshots[-1].parent}; "
                    f"watch them: tokvec watch {result.snapshots[-1].parent}")
