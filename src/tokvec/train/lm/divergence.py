"""Stopping the tiny GPT when it diverges: a NaN or infinite loss or weight ends training before it is written.

``gathered_loss`` is where the trainer gathers the training loss over all ranks (each history entry and
each checkpoint); it runs ``check_finite`` there, before any snapshot, checkpoint or final embeddings
are written: the summed loss is the same on every rank and DDP keeps the weights identical, so every
rank raises at the same step and none waits for the others.

Deliberately left out: skipping bad batches or lowering the learning rate automatically (the user decides).
"""

from __future__ import annotations

import math
from typing import Any

from ...errors import TrainingDivergedError

__all__ = ["check_finite", "gathered_loss"]


def check_finite(model: Any, loss_sum: float, step: int, config: Any) -> None:
    """Raise ``TrainingDivergedError`` (nothing written) unless ``loss_sum`` and every weight of ``model``
    are finite."""
    if math.isfinite(loss_sum) and all(bool(p.detach().isfinite().all()) for p in model.parameters()):
        return
    what = f"the training loss became {loss_sum}" if not math.isfinite(loss_sum) else "the weights hold NaN or infinity"
    raise TrainingDivergedError(
        f"training diverged by step {step:,}: {what}, so no model, snapshot or checkpoint of it is written. Lower the "
        f"learning rate (lr, CLI --lr; now {config.lr:g}), lengthen the warm-up (now {config.warmup:,} steps) or check "
        "the corpus (is it text?)")


def gathered_loss(dist: Any, model: Any, loss_sum: float, loss_steps: int, step: int,
                  config: Any) -> tuple[float, float]:
    """``(loss summed over all ranks, steps summed)`` via ``dist.all_sum``, after ``check_finite`` on the sum: called on
    every rank at the same step, before anything is written, so a diverged model is never saved and no rank waits."""
    total, count = dist.all_sum([loss_sum, float(loss_steps)])
    check_finite(model, total, step, config)
    return total, count
