"""Processes: one, or several started by ``torchrun`` that train one model together (DDP).

``start_processes`` reads torchrun's environment (``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``)
and joins the process group (gloo on CPU, nccl on GPUs); ``Dist`` says where this process stands
(rank, world, device) and wraps the few collectives training needs: a sum across ranks, work done on
rank 0 and broadcast (an error there stops every rank), and a check that all ranks hold the same
value. ``wrap`` puts the model in ``DistributedDataParallel``; ``stop_requested`` agrees on a stop
between steps; ``leave`` tears the group down.

Deliberately left out: multi-node launch helpers (torchrun does that), FSDP and tensor parallelism.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..._plumbing.optional import require
from ...errors import TokvecError

torch = require("torch", "lm", "training the tiny GPT")
nn = torch.nn

__all__ = ["Dist", "leave", "start_processes", "stop_requested", "wrap"]


@dataclass(frozen=True)
class Dist:
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


def start_processes(device: str | None) -> Dist:
    """Join the process group when started by torchrun (``WORLD_SIZE`` > 1): gloo on CPU, nccl on GPUs."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    wanted = device or "auto"
    cuda = torch.cuda.is_available() if wanted == "auto" else wanted.startswith("cuda")
    if world == 1:
        return Dist(device=("cuda" if cuda else "cpu") if wanted == "auto" else wanted)
    dist = torch.distributed
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if os.environ.get("MASTER_ADDR") in ("127.0.0.1", "localhost") and os.path.exists("/sys/class/net/lo"):
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # one machine: keep gloo on the loopback interface
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    if cuda:
        torch.cuda.set_device(local_rank)
    return Dist(dist.get_rank(), dist.get_world_size(), local_rank, f"cuda:{local_rank}" if cuda else "cpu")


def wrap(model: nn.Module, dist: Dist) -> nn.Module:
    """The module to train: ``model`` itself on one process, wrapped in ``DistributedDataParallel`` on several."""
    if dist.world == 1:
        return model
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=[dist.local_rank] if dist.device != "cpu"
                                                     else None)


def leave(dist: Dist) -> None:
    """Wait for every rank, then tear the process group down (only where all ranks reach this point)."""
    if dist.world > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def stop_requested(local: bool, dist: Dist) -> bool:
    """Stop when any rank was interrupted, so all ranks leave the loop at the same step."""
    if dist.world == 1:
        return local
    return dist.all_sum([1.0 if local else 0.0])[0] > 0
