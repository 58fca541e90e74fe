"""Threads for work that lets go of the GIL (compiled kernels called through ctypes, large NumPy reductions).

``threads()`` is how many this process may use (its CPU affinity; ``NUMBA_NUM_THREADS`` caps it, as it caps
tokvec's numba kernels); ``pool()`` is one thread pool per process, made on first use (a forked child, whose
copy of the pool has no threads, makes its own); ``split`` cuts a range into parts and ``run`` calls a
function on each part, in this thread when there is only one. Only the standard library: any module may use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache


@cache
def threads() -> int:
    """The CPUs this process may use, capped by ``NUMBA_NUM_THREADS`` when set."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cap = os.environ.get("NUMBA_NUM_THREADS", "")
    return max(1, min(usable, int(cap))) if cap.isdigit() else usable


_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}


def pool(count: int | None = None) -> ThreadPoolExecutor:
    """The process's pool of ``count`` (default ``threads()``) threads."""
    key = (os.getpid(), count or threads())
    if key not in _POOLS:
        _POOLS[key] = ThreadPoolExecutor(max_workers=key[1], thread_name_prefix="tokvec-worker")
    return _POOLS[key]


def split(total: int, parts: int) -> list[tuple[int, int]]:
    """``[0, total)`` as up to ``parts`` ranges ``(lo, hi)`` of near-equal length, none empty.

    >>> split(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    """
    parts = max(1, min(parts, total))
    edges = [total * i // parts for i in range(parts + 1)]
    return [(lo, hi) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]


def run(call: Callable[[int, int], object], parts: Sequence[tuple[int, int]], count: int | None = None) -> None:
    """``call(lo, hi)`` for every part: in this thread when there is one part (or one thread), else on
    ``pool(count)``, returning when all are done (an exception in a part is raised here)."""
    if len(parts) <= 1 or (count or threads()) == 1:
        for lo, hi in parts:
            call(lo, hi)
    else:
        list(pool(count).map(lambda part: call(*part), parts))
