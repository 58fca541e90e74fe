"""Load and query speed, tokvec vs gensim 4.x, measured side by side in one run.

Makes a synthetic word2vec binary of GoogleNews shape (``--rows 3000000 --dim 300`` is the
real shape, about 3.6 GB; the default is smaller for a quick run) in a temporary directory,
then times:

1. loading the binary: ``tokvec.load`` vs gensim ``KeyedVectors.load_word2vec_format(binary=True)`` in a
   warm process; where a fresh process's load spends its time, against the read floor (the file's bytes at
   the parallel read rate) and the copy floor (those bytes copied into fresh memory); and ``tokvec similar``
   against a gensim script, each loading the binary in a fresh process and answering one query
2. opening the native file: ``.tokvec`` (mmap) vs gensim ``KeyedVectors.load(path, mmap='r')``,
   both alone and followed by a first query (which, for tokvec, decodes the vocabulary)
3. one ``most_similar`` (mean of 10 warm queries, best of 3 rounds, both in memory)
4. 100 queries: ``most_similar_batch`` vs gensim ``most_similar`` one by one

Results (tokens and scores) of the queries are checked to agree. Loads are the median of ``--rounds``
(alternating between the tools; a fresh process each for the command-line row), queries the best of
several runs, with files already in the page cache.
Everything generated is deleted at the end.

    python bench/load_query.py --rows 3000000 --dim 300
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _cold import CPU, child_env, medians, python  # noqa: E402
from _common import environment, print_table, read_through, timed  # noqa: E402

GENSIM_BINARY_QUERY = """\
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
for rank, (token, score) in enumerate(kv.most_similar(sys.argv[2], topn=10), 1):
    print(f"{rank}\\t{token}\\t{score:.4f}")
"""


def cold_binary(binary: Path, word: str, workdir: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds of a fresh process that loads the binary and answers one query: ``tokvec similar``
    against a gensim script (``load_word2vec_format`` + ``most_similar``), alternated; their answers agree."""
    script = workdir / "gensim_binary_query.py"
    script.write_text(GENSIM_BINARY_QUERY)
    env = child_env(workdir)
    ours, theirs = python("-m", "tokvec", "similar", word, "-v", str(binary)), python(str(script), str(binary), word)
    ours_json = subprocess.run([*ours, "--json"], env=env, capture_output=True, text=True, check=True).stdout
    gensim_out = subprocess.run(theirs, env=env, capture_output=True, text=True, check=True).stdout
    tokens = [[r["token"] for r in json.loads(ours_json)["results"]], [line.split("\t")[1] for line in
                                                                      gensim_out.splitlines()]]
    if tokens[0] != tokens[1]:
        raise SystemExit(f"the cold answers differ:\n{tokens[0]}\n{tokens[1]}")
    t = medians({"tokvec": ours, "gensim": theirs}, env, runs)
    print(f"cold load + one query ({runs} alternated fresh processes): tokvec {t['tokvec']:.2f} s wall / "
          f"{CPU['tokvec']:.2f} s CPU, gensim {t['gensim']:.2f} s / {CPU['gensim']:.2f} s", flush=True)
    return t["tokvec"], t["gensim"]


def make_word2vec_binary(path: Path, rows: int, dim: int, seed: int = 0) -> None:
    """Random vectors and varied tokens (lengths 1-20, some with underscores and non-ASCII)."""
    rng = np.random.default_rng(seed)
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)
    with open(path, "wb") as f:
        f.write(f"{rows} {dim}\n".encode())
        step = 50_000
        for start in range(0, rows, step):
            count = min(step, rows - start)
            vectors = rng.standard_normal((count, dim), dtype=np.float32) * 0.1
            lengths = rng.integers(1, 12, count)
            letters = alphabet[rng.integers(0, len(alphabet), (count, 12))]
            parts = []
            for r in range(count):
                token = letters[r, : lengths[r]].tobytes() + b"%d" % (start + r)  # unique
                if r % 997 == 0:
                    token += "é".encode()
                parts.append(token + b" " + vectors[r].tobytes() + b"\n")
            f.write(b"".join(parts))


PHASES = r"""
import json, sys, time
t = [time.perf_counter()]
import numpy as np
from tokvec.formats import _common, _scan, _scan_kernels, word2vec
from tokvec._plumbing import threads
from tokvec.search import exact
from tokvec.vocab import _index_kernels
t.append(time.perf_counter())
path = sys.argv[1]
buf = _common.read_buffer(path)
header = word2vec.sniff_binary(path, bytes(buf[:4096]))
n, dim = header.count, header.dim
_scan_kernels.compiled(), _index_kernels.compiled()  # llvmlite, machine code from tokvec's cache
t.append(time.perf_counter())
tok, vec = np.empty(n, np.int64), np.empty(n, np.int64)
offsets, packed = np.zeros(n + 1, np.int64), np.empty(n * 16 + 64, np.uint8)
found, end, status = _scan_kernels.scan(buf, header.length, 0, n, 4 * dim, tok, vec, packed, offsets, 1 << 20)
t.append(time.perf_counter())
out = np.empty((n, dim), np.float32)
_scan_kernels.gather(buf, vec, 4 * dim, out.reshape(-1).view(np.uint8))
t.append(time.perf_counter())
vocab = _common.packed_vocab(packed[:offsets[-1]], offsets, "strict", None)
vocab.duplicates()
t.append(time.perf_counter())
exact.row_norms(out)
t.append(time.perf_counter())
names = ["python + numpy + tokvec imports", "llvmlite + kernels (from the cache)", "scan: find records, pack tokens",
         "copy the vectors into fresh memory (threads)", "vocabulary + token index", "row norms (threads)"]
phases = dict(zip(names, np.diff(t).tolist()))
copy = []
for _ in range(3):  # the copy floor: the file's bytes into fresh memory, on the same threads
    start = time.perf_counter()
    fresh = np.empty(len(buf), np.uint8)
    edges = np.linspace(0, len(buf), threads.threads() + 1).astype(np.int64)
    list(threads.pool().map(lambda i: np.copyto(fresh[edges[i]:edges[i + 1]], buf[edges[i]:edges[i + 1]]),
                          range(len(edges) - 1)))
    copy.append(time.perf_counter() - start)
    del fresh
print(json.dumps({"phases": phases, "copy": min(copy)}))
"""


def floor_report(binary: Path, load_seconds: float) -> None:
    """Where a load's time goes against two floors: reading the file's bytes at the parallel read rate, and
    copying them into fresh memory (what any loader that owns its matrix does at least)."""
    from compact import role_bandwidth

    gbps = role_bandwidth()["gbps"]
    size = binary.stat().st_size
    floor = size / gbps / 1e9
    done = subprocess.run([sys.executable, "-c", PHASES, str(binary)], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    phases, copy = report["phases"], report["copy"]
    print(f"\nmemory bandwidth (parallel read) {gbps:.1f} GB/s: the floor of reading {size / 1e9:.2f} GB is "
          f"{floor * 1000:.0f} ms; copying the file into fresh memory on the same threads takes "
          f"{copy * 1000:.0f} ms (the copy floor). tokvec.load took {load_seconds * 1000:.0f} ms in a warm process: "
          f"{load_seconds / floor:.1f}x the read floor, {load_seconds / copy:.1f}x the copy floor. "
          "A fresh process, phase by phase:")
    for name, seconds in phases.items():
        print(f"  {name}: {seconds * 1000:.0f} ms")
    work = sum(list(phases.values())[2:])
    print(f"  the reading itself (scan + copy + index + norms): {work * 1000:.0f} ms = {work / floor:.1f}x the read "
          f"floor, {work / copy:.1f}x the copy floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300_000, help="tokens (GoogleNews: 3000000)")
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="alternating load rounds (median of)")
    parser.add_argument("--tmp", default=None, help="directory for the generated files (default: system temp)")
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    import tokvec

    workdir = Path(tempfile.mkdtemp(prefix="tokvec-bench-", dir=args.tmp))
    try:
        binary = workdir / "vectors.bin"
        print(f"generating {args.rows:,} x {args.dim} word2vec binary in {workdir} ...", flush=True)
        make_word2vec_binary(binary, args.rows, args.dim)
        print(f"  {binary.stat().st_size / 2**30:.2f} GiB; {environment()}", flush=True)
        tokvec.load(_tiny(workdir))  # compile (or load cached) kernels outside the timings

        read_through(binary)
        rows = []
        # alternate the two loaders (best of 2 each): fresh memory is slow to fault in on some VMs,
        # and alternating gives both the same conditions
        loads: dict[str, list[float]] = {"tokvec": [], "gensim": []}
        for _ in range(args.rounds):
            ours = kv = None
            gc.collect()
            t, ours = timed(lambda: tokvec.load(binary))
            loads["tokvec"].append(t)
            del ours
            gc.collect()
            t, kv = timed(lambda: KeyedVectors.load_word2vec_format(str(binary), binary=True))
            loads["gensim"].append(t)
        t_ours, t_gensim = (statistics.median(loads[name]) for name in ("tokvec", "gensim"))
        ours = tokvec.load(binary)
        assert ours.tokens[:5] == kv.index_to_key[:5] and np.array_equal(ours.matrix[-1], kv.vectors[-1])
        rows.append((f"load word2vec binary {args.rows:,} x {args.dim}", "gensim load_word2vec_format",
                     t_ours, t_gensim))
        floor_report(binary, t_ours)
        t_cold, t_gcold = cold_binary(binary, ours.token(len(ours) // 3), workdir, args.rounds)
        rows.append(("fresh process: load binary + one query (CLI)", "gensim script: load + most_similar", t_cold,
                     t_gcold))

        native = workdir / "vectors.tokvec"
        tokvec.save(ours, native)
        gensim_native = workdir / "vectors.kv"
        kv.save(str(gensim_native))
        probe = ours.token(len(ours) // 2)
        read_through(native)
        read_through(gensim_native.with_name(gensim_native.name + ".vectors.npy"))
        t_open, opened = timed(lambda: tokvec.load(native), repeat=5)
        t_gopen, _ = timed(lambda: KeyedVectors.load(str(gensim_native), mmap="r"), repeat=5)
        rows.append(("open native file (mmap)", "gensim KeyedVectors.load(mmap='r')", t_open, t_gopen))
        t_open_q, _ = timed(lambda: tokvec.load(native).most_similar(probe, topn=10), repeat=2)
        t_gopen_q, _ = timed(lambda: KeyedVectors.load(str(gensim_native), mmap="r").most_similar(probe, topn=10),
                             repeat=2)
        rows.append(("open native + first most_similar", "gensim load(mmap='r') + most_similar", t_open_q, t_gopen_q))
        del opened
        gc.collect()

        rng = np.random.default_rng(1)
        words = [ours.token(int(i)) for i in rng.integers(0, len(ours), args.queries)]
        kv.fill_norms()
        for w in words[:3]:  # warm both
            ours.most_similar(w)
            kv.most_similar(w)
        t_one, _ = timed(lambda: [ours.most_similar(w, topn=10) for w in words[:10]], repeat=3)
        t_gone, _ = timed(lambda: [kv.most_similar(w, topn=10) for w in words[:10]], repeat=3)
        rows.append(("one most_similar (mean of 10)", "gensim most_similar", t_one / 10, t_gone / 10))

        t_batch, batch = timed(lambda: ours.most_similar_batch(words, topn=10), repeat=2)
        t_loop, loop = timed(lambda: [kv.most_similar(w, topn=10) for w in words], repeat=2)
        rows.append((f"{args.queries} queries, batched", "gensim most_similar one by one", t_batch, t_loop))
        mismatches = sum([t for t, *_ in a] != [t for t, *_ in b] for a, b in zip(batch, loop))
        worst = max(abs(x[1] - y[1]) for a, b in zip(batch, loop) for x, y in zip(a, b))
        print()
        print_table(f"tokvec vs gensim {__import__('gensim').__version__}, {args.rows:,} x {args.dim}", rows)
        print(f"\nquery agreement: {len(words) - mismatches}/{len(words)} identical token lists, "
              f"max score difference {worst:.2e}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _tiny(workdir: Path) -> Path:
    path = workdir / "tiny.bin"
    make_word2vec_binary(path, 10, 4)
    return path


if __name__ == "__main__":
    main()
