"""The int8 batch in a fresh process (``bench/compact.py --part batch``), gensim one by one beside it.

Every timed tokvec run is a new ``python -c`` (:data:`COLD_BATCH`) that loads the int8 file and asks
``most_similar_batch`` for the 100 (``--batch``) queries: its wall and CPU time are taken from outside
(``_cold.run_once``), the load, the first batch and the peak RSS it reports itself. Three variants,
alternated run by run with gensim (``--runs`` of each, medians):

- ``kernel``: the default route (the int8 kernel, compiled by llvmlite in the process; neither torch nor
  numba is imported), numba's cache warm;
- ``kernel, empty numba cache``: the same with ``NUMBA_CACHE_DIR`` a new empty directory, as in the first
  run after an install (the batch needs nothing from numba's cache, so the two differ by noise only);
- ``torch``: torch imported inside the timed batch and its int8 GEMM forced (``int8_batch.route``), which
  is what a batch this size did before the kernel existed.

gensim is timed one query at a time on the same 100 queries in its own process (its vectors and their
normalised copy in memory, as ``load_word2vec_format`` leaves them), once per round, then a 2 s pause (the
process right after gensim's 2.6 GB one ran measurably slower); which tokvec variant runs first turns.
Then warm batches: per round, one process per route times three batches after a first one (medians of
those, then across rounds; CPU time beside).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _cold import child_env, python, run_once

COLD_BATCH = '''\
import json, resource, sys, time
start = time.perf_counter()
path, route, *queries = sys.argv[1:]
import tokvec
v = tokvec.load(path)
loaded, cpu = time.perf_counter(), time.process_time()
if route == "torch":  # as a batch this size did before the int8 kernel: import torch, use its int8 GEMM
    import torch  # noqa: F401
    from tokvec.search import int8_batch
    int8_batch.route = lambda: "torch"
results = v.most_similar_batch(queries, topn=10)
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "first": done - loaded, "first_cpu": time.process_time() - cpu,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "torch": "torch" in sys.modules,
                  "answers": [[n.token for n in r] for r in results]}))
'''

GENSIM_ONE_BY_ONE = '''\
import json, resource, sys, time
import numpy as np
import tokvec
from gensim.models import KeyedVectors
path, *queries = sys.argv[1:]
v = tokvec.load(path)
kv = KeyedVectors(v.dim, count=0, dtype=np.float32)
kv.index_to_key = list(v.tokens)
kv.key_to_index = {t: i for i, t in enumerate(kv.index_to_key)}
kv.vectors = np.array(v.matrix)
del v
kv.most_similar(queries[0])  # its normalised copy built, untimed
start, cpu = time.perf_counter(), time.process_time()
results = [kv.most_similar(q, topn=10) for q in queries]
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "answers": [[t for t, _ in r] for r in results]}))
'''

WARM = '''\
import json, statistics, sys, time
path, route, runs, *queries = sys.argv[1:]
if route == "torch":
    import torch  # noqa: F401
import tokvec
from tokvec.search import int8_batch
if route == "torch":
    int8_batch.route = lambda: "torch"
v = tokvec.load(path)
times = []
for i in range(int(runs) + 1):  # the first batch loads and warms
    start, cpu = time.perf_counter(), time.process_time()
    v.most_similar_batch(queries, topn=10)
    times.append((time.perf_counter() - start, time.process_time() - cpu))
print(json.dumps([statistics.median(w for w, _ in times[1:]), statistics.median(c for _, c in times[1:])]))
'''


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(path: Path, queries: list[str], runs: int, parent: Path) -> dict:
    """Cold runs of each variant and of gensim, alternated; then the warm comparison. Raw numbers.
    Bytecode, numba's caches and ``$TOKVEC_HOME`` go to a temp dir in ``parent``, deleted at the end."""
    workdir = Path(tempfile.mkdtemp(prefix="batch-cold-", dir=parent))
    try:
        return _measure(path, queries, runs, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _measure(path: Path, queries: list[str], runs: int, workdir: Path) -> dict:
    env = child_env(workdir)
    env["NUMBA_CACHE_DIR"] = str(workdir / "numba-cache")
    variants = {"kernel": ("kernel", env), "kernel, empty numba cache": ("kernel", None), "torch": ("torch", env)}
    out: dict = {name: [] for name in [*variants, "gensim"]}
    run_once(python("-c", COLD_BATCH, str(path), "kernel", *queries), env)  # numba's cache filled, pages cached
    run_once(python("-c", COLD_BATCH, str(path), "torch", *queries), env)
    names = list(variants)
    for r in range(runs):
        out["gensim"].append(json.loads(run_once(python("-c", GENSIM_ONE_BY_ONE, str(path), *queries), env)[1]))
        time.sleep(2)  # the system takes back gensim's 2.6 GB: the process right after it ran measurably slower
        for name in names[r % len(names) :] + names[: r % len(names)]:  # which variant goes first turns
            route, its_env = variants[name]
            if its_env is None:  # a fresh, empty numba cache
                its_env = {**env, "NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="numba-", dir=workdir)}
            cpu: list[float] = []
            wall, text = run_once(python("-c", COLD_BATCH, str(path), route, *queries), its_env, cpu)
            out[name].append({**json.loads(text), "wall": wall, "cpu": cpu[0]})
    warm: dict[str, list] = {"kernel": [], "torch": []}
    for r in range(runs):  # each route in its own process (torch's idle OpenMP threads would spin beside numba's)
        for route in list(warm)[r % 2 :] + list(warm)[: r % 2]:
            warm[route].append(json.loads(run_once(python("-c", WARM, str(path), route, "3", *queries), env)[1]))
    out["warm"] = {route: [statistics.median(w for w, _ in t), statistics.median(c for _, c in t)]
                   for route, t in warm.items()}
    return out


def report(raw: dict, rows: int, dim: int, batch: int) -> str:
    """The markdown table of ``measure``'s numbers (also printed)."""
    g_wall, g_cpu = _median(raw["gensim"], "wall"), _median(raw["gensim"], "cpu")
    truth = raw["gensim"][0]["answers"]
    lines = [f"### {batch} int8 queries at {rows:,} x {dim}, fresh process ({len(raw['gensim'])} runs, medians; "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})", "",
             f"gensim one by one: {g_wall:.2f} s wall, {g_cpu:.2f} s CPU, peak RSS "
             f"{_median(raw['gensim'], 'rss'):.0f} MB", "",
             "| first batch in a fresh process | first batch | its CPU | vs gensim | whole process | its CPU | "
             "vs gensim | peak RSS | torch imported | answers |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for name in ("kernel", "kernel, empty numba cache", "torch"):
        runs = raw[name]
        same = sum(a == b for a, b in zip(runs[0]["answers"], truth))
        first, first_cpu, wall, cpu = (_median(runs, k) for k in ("first", "first_cpu", "wall", "cpu"))
        lines.append(f"| {name} | {first:.2f} s | {first_cpu:.2f} s | **{g_wall / first:.1f}×** | {wall:.2f} s | "
                     f"{cpu:.2f} s | {g_wall / wall:.1f}× | {_median(runs, 'rss'):.0f} MB | "
                     f"{'yes' if runs[0]['torch'] else 'no'} | {same}/{len(truth)} as gensim |")
    warm = raw["warm"]
    lines += ["", "| warm batch (a process per route, alternated) | wall | CPU | vs gensim |", "|---|---:|---:|---:|"]
    for name, (wall, cpu) in warm.items():
        lines.append(f"| {name} | {wall:.3f} s | {cpu:.3f} s | {g_wall / wall:.1f}× |")
    lines.append(f"\nkernel / torch, warm: {warm['kernel'][0] / warm['torch'][0]:.2f}× the wall time, "
                 f"{warm['kernel'][1] / warm['torch'][1]:.2f}× the CPU time")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
