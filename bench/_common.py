"""Helpers for bench scripts: timing, a results table, and environment notes."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable


def timed(func: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best (minimum) wall time of ``repeat`` calls, as timeit recommends, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def read_through(path) -> None:
    """Read a file once so both tools start from a warm page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def environment() -> str:
    import numpy as np

    blas = ""
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '')} x{i['num_threads']}"
                         for i in threadpool_info())
    except ImportError:
        pass
    return (f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cpus"
            f"{', ' + blas if blas else ''}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}")


def print_table(title: str, rows: list[tuple[str, str, float, float]]) -> str:
    """rows: (work, peer name, tokvec seconds, peer seconds). Returns the markdown printed."""
    lines = [f"### {title}", "", "| work | tokvec | peer | peer time | speed-up |", "|---|---:|---|---:|---:|"]
    for work, peer, ours, theirs in rows:
        lines.append(f"| {work} | {_fmt(ours)} | {peer} | {_fmt(theirs)} | **{theirs / ours:.1f}x** |")
    text = "\n".join(lines)
    print(text)
    return text


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
