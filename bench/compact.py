"""int8 / float16 exact search vs gensim and faiss's 8-bit scalar quantizer, side by side in one run.

A synthetic GoogleNews-shape set (``--rows`` x ``--dim``, default 3,000,000 x 300; clustered like
``bench/ann.py``'s) is generated chunk by chunk into a temp dir as three ``.tokvec`` files (float32 +
int8 codes; float32 + float16 unit rows; float16 rows only), then each side runs in its own process
(so each peak RSS is its own, and gensim's ~7 GB is gone before ours start):

1. gensim ``most_similar`` one by one on ``--check`` seeded queries (the oracle; the first ``--timed``
   are timed)
2. tokvec int8 file: one ``most_similar`` per query (timed, answers compared with gensim's on all
   ``--check``), peak RSS of that process
3. tokvec ``most_similar_batch`` of the first ``--batch`` queries (int8 x int8 sums, bounds, rescoring)
4. tokvec float16 (+ float32 rows) and float16-only files: one query at a time
5. faiss ``IndexScalarQuantizer(QT_8bit, inner product)`` over the unit rows: one query and a batch
6. the memory bandwidth of this machine (a parallel read), so each variant's floor (bytes it must
   read / bandwidth) is printed beside its time

7. ``--part batch`` (also part of the full run): the batch of 100 in a fresh process, first call timed,
   wall / CPU / peak RSS, numba's cache warm and empty, against the torch route and gensim one by one,
   then both routes warm (``bench/_batch_cold.py``)

    python bench/compact.py                                  # the full run: ~27 minutes on 2 shared cores
    python bench/compact.py --rows 300000 --check 100        # quicker
    python bench/compact.py --part batch --rows 1000000      # the cold batch rows alone (int8 file only)
    python bench/compact.py --quick                          # 200,000 rows, batch rows only, 3 runs
The temp dir is deleted at the end (``--keep`` keeps it; ``--files DIR`` reruns on a kept one,
``--no-faiss`` leaves faiss out).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import _batch_cold  # noqa: E402
from _common import environment  # noqa: E402


def _maxrss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB


def generate(tmp: Path, rows: int, dim: int, only_int8: bool = False) -> None:
    """The three files (``only_int8``: the first), from a float32 memmap written chunk by chunk (deleted afterwards)."""
    import tokvec

    raw = np.lib.format.open_memmap(tmp / "raw.npy", mode="w+", dtype=np.float32, shape=(rows, dim))
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((max(1, rows // 50), dim), dtype=np.float32)
    for start in range(0, rows, 200_000):
        count = min(200_000, rows - start)
        raw[start : start + count] = centres[rng.integers(0, len(centres), count)]
        raw[start : start + count] += 0.6 * rng.standard_normal((count, dim), dtype=np.float32)
    raw.flush()
    v = tokvec.Vectors([f"w{i}" for i in range(rows)], raw, check_duplicates=False)
    tokvec.save(v, tmp / "int8.tokvec", dtype="int8")
    if not only_int8:
        tokvec.save(v, tmp / "f16plus.tokvec", dtype="float16", keep_float32=True)
        tokvec.save(v, tmp / "f16.tokvec", dtype="float16")
    del v, raw
    os.remove(tmp / "raw.npy")


def _answers(results) -> list:
    return [[(n[0], float(n[1])) for n in r] for r in results]


def role_gensim(tmp: Path, queries: list[str], timed: int) -> dict:
    from gensim.models import KeyedVectors

    import tokvec

    v = tokvec.load(tmp / "int8.tokvec")
    kv = KeyedVectors(v.dim, count=0, dtype=np.float32)
    kv.index_to_key = list(v.tokens)
    kv.key_to_index = {t: i for i, t in enumerate(kv.index_to_key)}
    kv.vectors = np.array(v.matrix)  # in memory, as load_word2vec_format leaves it
    del v
    kv.most_similar(queries[0])  # builds its normalised copy (the second ~3.6 GB)
    times, answers = [], []
    for i, q in enumerate(queries):
        start = time.perf_counter()
        answers.append(kv.most_similar(q, topn=10))
        if i < timed:
            times.append(time.perf_counter() - start)
    return {"single": float(np.median(times)), "answers": _answers(answers), "rss": _maxrss_gb()}


def role_single(tmp: Path, name: str, queries: list[str], timed: int) -> dict:
    import tokvec

    v = tokvec.load(tmp / f"{name}.tokvec")
    v.most_similar(queries[-1])  # kernels compiled / loaded from numba's cache, vocab index built
    times, answers = [], []
    for i, q in enumerate(queries):
        start = time.perf_counter()
        answers.append(v.most_similar(q, topn=10))
        if i < timed:
            times.append(time.perf_counter() - start)
    return {"single": float(np.median(times)), "answers": _answers(answers), "rss": _maxrss_gb()}


def role_batch(tmp: Path, queries: list[str], batch: int) -> dict:
    import tokvec

    v = tokvec.load(tmp / "int8.tokvec")
    v.most_similar(queries[-1])  # kernels loaded, vocab index built
    start = time.perf_counter()
    v.most_similar_batch(queries[-batch:], topn=10)  # the first batch loads the int8 kernel (numba's cache)
    first = time.perf_counter() - start
    start = time.perf_counter()
    answers = v.most_similar_batch(queries[:batch], topn=10)
    return {"batch": time.perf_counter() - start, "first": first, "answers": _answers(answers), "rss": _maxrss_gb()}


def role_faiss(tmp: Path, queries: list[str], batch: int, timed: int) -> dict:
    import faiss

    import tokvec

    v = tokvec.load(tmp / "int8.tokvec")
    index = faiss.IndexScalarQuantizer(v.dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    sample = np.asarray(v.matrix[: min(len(v), 200_000)], np.float32) * v.inv_norms[: min(len(v), 200_000), None]
    start = time.perf_counter()
    index.train(sample)
    for s in range(0, len(v), 200_000):
        index.add(np.asarray(v.matrix[s : s + 200_000], np.float32) * v.inv_norms[s : s + 200_000, None])
    build = time.perf_counter() - start
    unit = np.stack([v.vector(q, norm=True) for q in queries])
    index.search(unit[:1], 11)
    times = []
    for i in range(timed):
        t0 = time.perf_counter()
        index.search(unit[i : i + 1], 11)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    _, ids = index.search(unit[:batch], 11)
    batch_time = time.perf_counter() - t0
    _, ids = index.search(unit, 11)
    answers = [[v.token(int(i)) for i in row if i >= 0 and v.token(int(i)) != q][:10] for row, q in zip(ids, queries)]
    return {"single": float(np.median(times)), "batch": batch_time, "build": build, "answers": answers,
            "rss": _maxrss_gb()}


def role_bandwidth() -> dict:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as tokvec.search.bounded does for its kernels
    import numba

    @numba.njit(parallel=True, cache=False)
    def read(a):
        total = 0
        for i in numba.prange(a.shape[0]):
            total += a[i]
        return total

    a = np.ones(2**28, np.int32)  # 1 GiB
    read(a[:1000])
    best = min(_time(lambda: read(a)) for _ in range(5))
    return {"gbps": a.nbytes / best / 1e9}


def _time(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


ROLES = {"gensim": role_gensim, "single": role_single, "batch": role_batch, "faiss": role_faiss,
         "bandwidth": role_bandwidth}


def child(role: str, out: Path, **kwargs) -> dict:
    """Run ``role`` in a fresh process; its JSON result."""
    spec = json.dumps({"role": role, "out": str(out), "kwargs": {k: str(x) if isinstance(x, Path) else x
                                                              for k, x in kwargs.items()}})
    subprocess.run([sys.executable, __file__, "--child", spec], check=True)
    return json.loads(out.read_text())


def _run_child(spec: str) -> None:
    data = json.loads(spec)
    kwargs = {k: Path(x) if k == "tmp" else x for k, x in data["kwargs"].items()}
    Path(data["out"]).write_text(json.dumps(ROLES[data["role"]](**kwargs)))


def compare(ours: list, theirs: list, tol: float = 1e-5) -> tuple[int, float]:
    """(queries whose top-10 tokens equal gensim's in order with scores within ``tol``, max score difference)."""
    same, worst = 0, 0.0
    for a, b in zip(ours, theirs):
        diff = max((abs(x[1] - y[1]) for x, y in zip(a, b)), default=0.0)
        worst = max(worst, diff)
        same += [t for t, _ in a] == [t for t, _ in b] and diff <= tol
    return same, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--check", type=int, default=1000, help="queries compared with gensim")
    parser.add_argument("--timed", type=int, default=30, help="of those, single queries timed (median)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--tmp", default=None, help="where the temp dir goes")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--files", default=None,
                        help="a kept run's directory: reuse its files (neither made nor deleted)")
    parser.add_argument("--no-faiss", action="store_true", help="leave faiss SQ8 out (its 3M build and scans are slow)")
    parser.add_argument("--part", choices=("all", "batch"), default="all",
                        help="batch: only the batch in a fresh process (int8 file only)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per variant in --part batch (medians)")
    parser.add_argument("--quick", action="store_true", help="200,000 rows, --part batch, 3 runs")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.rows, args.part, args.runs, args.check = 200_000, "batch", 3, max(args.batch, 100)
    if args.child:
        return _run_child(args.child)
    if args.files:
        return report(Path(args.files), args)
    tmp = Path(tempfile.mkdtemp(prefix="tokvec-compact-", dir=args.tmp))
    try:
        report(tmp, args)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def report(tmp: Path, args) -> None:
    print(environment())
    start = time.perf_counter()
    if not args.files:
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                        f"import compact; compact.generate(__import__('pathlib').Path({str(tmp)!r}), {args.rows}, "
                        f"{args.dim}, {args.part == 'batch'})"], check=True)
    sizes = {p.stem: p.stat().st_size / 2**30 for p in tmp.glob("*.tokvec")}
    print(f"{'reused' if args.files else 'generated'} {args.rows:,} x {args.dim} "
          f"in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{k} {s:.2f} GiB" for k, s in sorted(sizes.items())))
    rng = np.random.default_rng(1)
    queries = [f"w{i}" for i in rng.choice(args.rows, size=args.check, replace=False)]
    cold = _batch_cold.measure(tmp / "int8.tokvec", queries[: args.batch], args.runs, tmp)
    if args.part == "batch":
        _batch_cold.report(cold, args.rows, args.dim, len(queries[: args.batch]))
        return
    g = child("gensim", tmp / "g.json", tmp=tmp, queries=queries, timed=args.timed)
    i8 = child("single", tmp / "i8.json", tmp=tmp, name="int8", queries=queries, timed=args.timed)
    b = child("batch", tmp / "b.json", tmp=tmp, queries=queries, batch=args.batch)
    few = queries[: max(args.timed, 1)]
    h16p = child("single", tmp / "h16p.json", tmp=tmp, name="f16plus", queries=few, timed=args.timed)
    h16 = child("single", tmp / "h16.json", tmp=tmp, name="f16", queries=few, timed=args.timed)
    fa = None if args.no_faiss else child("faiss", tmp / "fa.json", tmp=tmp, queries=queries, batch=args.batch,
                                           timed=args.timed)
    bw = child("bandwidth", tmp / "bw.json")["gbps"]
    n_bytes = args.rows * args.dim
    same_i8, worst_i8 = compare(i8["answers"], g["answers"])
    same_b, worst_b = compare(b["answers"], g["answers"][: args.batch])
    same_h, worst_h = compare(h16p["answers"], g["answers"][: len(few)])
    recall = fa and np.mean([len(set(a) & {t for t, _ in t10}) / 10 for a, t10 in zip(fa["answers"], g["answers"])])
    gensim_batch = g["single"] * args.batch
    rows = [
        ("gensim most_similar (float32, normalised copy)", g["single"], 1.0, 4 * n_bytes, g["rss"], "oracle"),
        ("tokvec int8 + float32 rescoring", i8["single"], g["single"] / i8["single"], n_bytes, i8["rss"],
         f"{same_i8}/{len(queries)} identical (max diff {worst_i8:.1e})"),
        ("tokvec float16 unit + float32 rescoring", h16p["single"], g["single"] / h16p["single"], 2 * n_bytes,
         h16p["rss"], f"{same_h}/{len(few)} identical (max diff {worst_h:.1e})"),
        ("tokvec float16 rows only", h16["single"], g["single"] / h16["single"], 2 * n_bytes, h16["rss"],
         "float32 search over the rounded values"),
    ] + ([] if fa is None else [
        ("faiss SQ8 inner product (exhaustive)", fa["single"], g["single"] / fa["single"], n_bytes, fa["rss"],
         f"recall@10 {recall:.3f} (build {fa['build']:.0f} s)")])
    print(f"\nmemory bandwidth (parallel read): {bw:.1f} GB/s\n")
    print("| one query | time | vs gensim | floor (bytes / bandwidth) | peak RSS | answers |")
    print("|---|---:|---:|---:|---:|---|")
    for name, t, ratio, nbytes, rss, note in rows:
        print(f"| {name} | {t * 1e3:.0f} ms | **{ratio:.2f}×** | {nbytes / bw / 1e6:.0f} ms | {rss:.2f} GB | {note} |")
    print(f"\n| {args.batch} queries | time | vs gensim one by one ({gensim_batch:.1f} s) | answers |")
    print("|---|---:|---:|---|")
    print(f"| tokvec most_similar_batch | {b['batch']:.2f} s | **{gensim_batch / b['batch']:.1f}×** | "
          f"{same_b}/{args.batch} identical (max diff {worst_b:.1e}) |")
    print(f"| (its first batch in the process, after a query) | {b['first']:.2f} s | "
          f"{gensim_batch / b['first']:.1f}× | |")
    if fa is not None:
        print(f"| faiss SQ8 batched | {fa['batch']:.2f} s | **{gensim_batch / fa['batch']:.1f}×** | approximate |")
    print()
    _batch_cold.report(cold, args.rows, args.dim, len(queries[: args.batch]))


if __name__ == "__main__":
    main()
