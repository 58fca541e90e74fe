"""Threads for work that lets go of the GIL (compiled kernels called through ctypes, large NumPy reductions).

``threads()`` is how many this process may use (its CPU affinity; ``NUMBA_NUM_THREADS`` caps it, as it caps
tokvec's numba kernels); ``pool()`` is one thread pool per process, made on first use (a forked child, whose
copy of the pool has no threads, makes its own). Only the standard library: any module may use it.
"""

from __future__ import annotations

import os
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
