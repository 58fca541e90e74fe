"""Approximate search (faiss, ``tokvec.search.ann``) vs exact search vs gensim, measured in one run.

On the builtin GloVe (400,000 x 50) and on a synthetic clustered set (``--synthetic-rows`` x
``--synthetic-dim``, default 1,000,000 x 100; 0 skips it), times the same queries (random
tokens, seeded):

1. gensim ``most_similar``, one by one (the peer)
2. tokvec exact search: ``most_similar`` one by one, and ``most_similar_batch``
3. for each index kind: its build (with effort tuned to recall@10 >= 0.95 on held-out rows),
   then the same queries one by one and batched, with ``index=``

and reports recall@10 of every method against tokvec's exact answers (which are checked to
equal gensim's), and speed-ups against gensim and exact search.

The synthetic set is clustered (points scattered around n/50 random centres) because
nearest-neighbour search is only meaningful, and ANN only works, on data with neighbourhood
structure: on uniform random vectors every point's neighbours are nearly as far as any other
point, and every ANN method degrades towards a full scan. Nothing is written to disk.

4. ``--part cold`` (also part of the full run): ``tokvec similar WORD -v FILE --approximate`` from the
   command line, each a fresh process, on a clustered ``--cold-rows`` x ``--cold-dim`` (default
   1,000,000 x 300) ``.tokvec`` file, against the same command without ``--approximate`` (exact search)
   and the script a gensim user writes (``KeyedVectors.load(path, mmap="r")`` + ``most_similar``). The
   first ``--approximate`` call builds the IVF index and caches it (timed once); the timed ones memory-map
   it. Medians of ``--runs`` alternated runs, wall and CPU time (``bench/_cold.py``); files in a temp dir,
   deleted at the end.

    python bench/ann.py                          # about 5 minutes on 2 cores, plus the cold part
    python bench/ann.py --synthetic-rows 0 --kinds ivf,hnsw --part search
    python bench/ann.py --part cold --cold-rows 1000000 --runs 5
    python bench/ann.py --quick                  # the cold part on 200,000 x 300, 3 runs
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _cold import CPU, GENSIM_QUERY, child_env, fmt, load_average, medians, python, run_once  # noqa: E402
from _common import environment  # noqa: E402


def clustered(rows: int, dim: int, seed: int = 0) -> np.ndarray:
    """``rows`` points around ``rows / 50`` Gaussian centres (noise 0.6 of the centres' spread). Shape (rows, dim)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, rows // 50), dim), dtype=np.float32)
    out = np.empty((rows, dim), np.float32)
    step = 100_000
    for start in range(0, rows, step):
        count = min(step, rows - start)
        out[start : start + count] = centres[rng.integers(0, len(centres), count)]
        out[start : start + count] += 0.6 * rng.standard_normal((count, dim), dtype=np.float32)
    return out


def run(name: str, v, queries: list[str], kinds: list[str]) -> list[str]:
    """Time every method on ``queries``; return the markdown table (also printed)."""
    from gensim.models import KeyedVectors

    import tokvec.search.ann as ann

    kv = KeyedVectors(v.dim, count=len(v), dtype=np.float32)
    kv.add_vectors(v.tokens, np.asarray(v.matrix))
    kv.fill_norms()
    for w in queries[:3]:  # warm both
        kv.most_similar(w)
        v.most_similar(w)
    q = len(queries)
    rows = []  # (method, build seconds or None, seconds, recall)

    start = time.perf_counter()
    theirs = [kv.most_similar(w, topn=10) for w in queries]
    t_gensim = time.perf_counter() - start
    start = time.perf_counter()
    [v.most_similar(w, topn=10) for w in queries]
    t_exact_one = time.perf_counter() - start
    start = time.perf_counter()
    exact = v.most_similar_batch(queries, topn=10)
    t_exact = time.perf_counter() - start
    same = sum([t for t, *_ in a] == [t for t, *_ in b] for a, b in zip(exact, theirs))
    rows += [("gensim `most_similar`, one by one", None, t_gensim, 1.0),
             ("tokvec exact `most_similar`, one by one", None, t_exact_one, 1.0),
             ("tokvec exact `most_similar_batch`", None, t_exact, 1.0)]
    del kv, theirs
    gc.collect()

    notes = [f"exact answers identical to gensim's for {same}/{q} queries"]
    for kind in kinds:
        start = time.perf_counter()
        index = ann.build(v, kind)
        t_build = time.perf_counter() - start
        notes.append(f"{kind}: {index.describe()}; recall@10 at each effort tried: "
                     + ", ".join(f"{e}: {r:.3f}" for e, r in index.tuning.items()))
        start = time.perf_counter()
        [v.most_similar(w, topn=10, index=index) for w in queries]
        t_one = time.perf_counter() - start
        start = time.perf_counter()
        approx = v.most_similar_batch(queries, topn=10, index=index)
        t_batch = time.perf_counter() - start
        got = recall_at_10(exact, approx)
        rows += [(f"tokvec {kind} (effort {index.effort}), one by one", t_build, t_one, got),
                 (f"tokvec {kind} (effort {index.effort}), batched", None, t_batch, got)]
        del index, approx
        gc.collect()

    lines = [f"### {name}, {q:,} queries", "",
             "| method | build | per query | recall@10 | vs gensim | vs exact, one by one | vs exact, batched |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for method, build, seconds, rec in rows:
        built = "" if build is None else f"{build:.1f} s"
        lines.append(f"| {method} | {built} | {_ms(seconds / q)} | {rec:.3f} | {t_gensim / seconds:.1f}x | "
                     f"{t_exact_one / seconds:.1f}x | {t_exact / seconds:.2f}x |")
    text = "\n".join(lines + [""] + [f"- {n}" for n in notes])
    print(text + "\n", flush=True)
    return lines


def recall_at_10(exact: list, approx: list) -> float:
    """Mean share of each query's exact neighbours that the approximate answer contains."""
    return float(np.mean([len({t for t, *_ in e} & {t for t, *_ in a}) / len(e) for e, a in zip(exact, approx)]))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms" if seconds < 0.01 else f"{seconds * 1000:.1f} ms"


def cold_cli(rows: int, dim: int, runs: int, tmp: str | None) -> str:
    """Part 4: the command line, cold, approximate vs exact vs gensim. Returns the markdown (also printed)."""
    from gensim.models import KeyedVectors

    import tokvec

    workdir = Path(tempfile.mkdtemp(prefix="tokvec-ann-cold-", dir=tmp))
    try:
        env = child_env(workdir)
        matrix = clustered(rows, dim)
        tokens = [f"w{i}" for i in range(rows)]
        native, kv_path = workdir / "vectors.tokvec", workdir / "vectors.kv"
        tokvec.save(tokvec.Vectors(tokens, matrix, check_duplicates=False), native)
        kv = KeyedVectors(dim)
        kv.add_vectors(tokens, matrix)
        kv.save(str(kv_path))
        del kv, matrix
        gc.collect()
        (workdir / "gensim_query.py").write_text(GENSIM_QUERY)
        word = tokens[rows // 2]
        exact = python("-m", "tokvec", "similar", word, "-v", str(native))
        approx = [*exact, "--approximate"]
        built, out = run_once([*approx, "--json"], env)  # builds and caches the index
        index_size = next((workdir / "home" / "ann").glob("*.ann")).stat().st_size
        found = [r["token"] for r in json.loads(out)["results"]]
        truth = [r["token"] for r in json.loads(run_once([*exact, "--json"], env)[1])["results"]]
        gensim = python(str(workdir / "gensim_query.py"), str(kv_path), "similar", word)
        theirs = [line.split("\t")[1] for line in run_once(gensim, env)[1].splitlines()]
        t = medians({"approximate": approx, "exact": exact, "gensim": gensim}, env, runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    lines = [f"### `tokvec similar {word}` from the command line, {rows:,} x {dim}, median of {runs} "
             f"alternated fresh processes (wall / CPU; load average {load_average()})", "",
             f"first `--approximate` call (builds and caches the IVF index, {index_size / 2**30:.2f} "
             f"GiB): {built:.1f} s; its answer shares {len(set(found) & set(truth))}/{len(truth)} tokens with "
             f"exact search, which {'equals' if truth == theirs else 'differs from'} gensim's", "",
             "| command | wall / CPU | vs exact | vs gensim |", "|---|---:|---:|---:|"]
    for name, label in (("approximate", f"`tokvec similar {word} -v FILE --approximate` (index memory-mapped)"),
                        ("exact", f"`tokvec similar {word} -v FILE` (exact)"),
                        ("gensim", "gensim `load(mmap='r')` + `most_similar`")):
        lines.append(f"| {label} | {fmt(t[name])} / {fmt(CPU[name])} | {t['exact'] / t[name]:.2f}× | "
                     f"{t['gensim'] / t[name]:.1f}× |")
    text = "\n".join(lines)
    print(text + "\n", flush=True)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--kinds", default="ivf,hnsw,ivfpq", help="index kinds on GloVe (comma-separated)")
    parser.add_argument("--synthetic-rows", type=int, default=1_000_000, help="0 skips the synthetic set")
    parser.add_argument("--synthetic-dim", type=int, default=100)
    parser.add_argument("--synthetic-kinds", default="ivf,ivfpq", help="index kinds on the synthetic set "
                        "(hnsw takes minutes to build at 1M rows on 2 cores)")
    parser.add_argument("--part", choices=("all", "search", "cold"), default="all",
                        help="search: parts 1-3 only; cold: the command line only")
    parser.add_argument("--cold-rows", type=int, default=1_000_000)
    parser.add_argument("--cold-dim", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command in the cold part")
    parser.add_argument("--tmp", default=None, help="where the cold part's temp dir goes")
    parser.add_argument("--quick", action="store_true", help="the cold part alone on 200,000 x 300, 3 runs")
    args = parser.parse_args()
    if args.quick:
        args.part, args.cold_rows, args.runs = "cold", 200_000, 3

    import faiss

    import tokvec

    print(f"{environment()}, faiss {faiss.__version__} x{faiss.omp_get_max_threads()} threads\n", flush=True)
    if args.part != "search":
        cold_cli(args.cold_rows, args.cold_dim, args.runs, args.tmp)
    if args.part == "cold":
        return
    rng = np.random.default_rng(42)
    glove = tokvec.load("glove")
    words = [glove.token(int(i)) for i in rng.choice(len(glove), args.queries, replace=False)]
    run(f"GloVe 6B 50d, {len(glove):,} x {glove.dim}", glove, words, args.kinds.split(","))
    if args.synthetic_rows:
        n, dim = args.synthetic_rows, args.synthetic_dim
        matrix = clustered(n, dim)
        synthetic = tokvec.Vectors([f"w{i}" for i in range(n)], matrix, check_duplicates=False)
        words = [synthetic.token(int(i)) for i in rng.choice(n, args.queries, replace=False)]
        run(f"synthetic clustered, {n:,} x {dim}", synthetic, words, args.synthetic_kinds.split(","))


if __name__ == "__main__":
    main()
