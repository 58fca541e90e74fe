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

    python bench/ann.py                          # about 5 minutes on 2 cores
    python bench/ann.py --synthetic-rows 0 --kinds ivf,hnsw
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--kinds", default="ivf,hnsw,ivfpq", help="index kinds on GloVe (comma-separated)")
    parser.add_argument("--synthetic-rows", type=int, default=1_000_000, help="0 skips the synthetic set")
    parser.add_argument("--synthetic-dim", type=int, default=100)
    parser.add_argument("--synthetic-kinds", default="ivf,ivfpq", help="index kinds on the synthetic set "
                        "(hnsw takes minutes to build at 1M rows on 2 cores)")
    args = parser.parse_args()

    import faiss

    import tokvec

    print(f"{environment()}, faiss {faiss.__version__} x{faiss.omp_get_max_threads()} threads\n", flush=True)
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
