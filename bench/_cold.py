"""Cold-process timing for bench scripts: each measurement is a fresh ``python`` started from the command line.

:func:`child_env` gives every child the same conditions: bytecode is cached (``PYTHONPYCACHEPREFIX`` in the
work directory, so an installed package's ``.pyc`` files are what both tools use, even where the caller
sets ``PYTHONDONTWRITEBYTECODE``), ``TOKVEC_HOME`` points into the work directory (the builtin GloVe is
converted there once, then opened from that cache) and ``src/`` of this checkout comes first on the path.
:func:`medians` runs the commands alternately (tokvec, peer, tokvec, ...), after one untimed warm-up each,
and reports medians of the wall time (and of the CPU time, in ``CPU``). :data:`GENSIM_QUERY` is the
script a gensim user writes for the same answer: ``KeyedVectors.load(path, mmap="r")`` then ``most_similar``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

GENSIM_QUERY = '''\
import sys
from gensim.models import KeyedVectors

path, kind, *words = sys.argv[1:]
kv = KeyedVectors.load(path, mmap="r")
if kind == "similar":
    results = kv.most_similar(positive=words, topn=10)
else:  # analogy a b c: b - a + c
    a, b, c = words
    results = kv.most_similar(positive=[b, c], negative=[a], topn=5)
for rank, (token, score) in enumerate(results, 1):
    print(f"{rank}\t{token}\t{score:.4f}")
'''


def child_env(workdir: Path) -> dict[str, str]:
    """The environment of every timed child (see the module docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["TOKVEC_HOME"] = str(workdir / "home")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env.setdefault("COLUMNS", "80")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> tuple[float, str]:
    """Wall time of one cold process (stdout captured, as in a pipe) and its stdout; fails loudly.
    ``cpu`` gets the process's CPU seconds (user + system) appended."""
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if cpu is not None:
        cpu.append(_children_cpu() - before)
    return elapsed, done.stdout


CPU: dict[str, float] = {}
"""The median CPU seconds (user + system) of each command of the last :func:`medians` call: on a
shared machine the wall time grows with the load, the CPU time much less."""


def medians(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall time of each command over ``runs`` alternated cold runs, after one warm-up each
    (their median CPU times go to :data:`CPU`)."""
    for argv in commands.values():
        run_once(argv, env)  # bytecode written, files in the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(run_once(argv, env, cpu[name])[0])
    CPU.clear()
    CPU.update((name, statistics.median(values)) for name, values in cpu.items())
    return {name: statistics.median(values) for name, values in times.items()}


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "-"
