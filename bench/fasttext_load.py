"""Opening a fastText ``.bin`` model: tokvec vs gensim's ``load_facebook_vectors``, and unknown-word vectors.

A synthetic fastText model (``--words`` x ``--dim``, ``--bucket`` n-gram buckets, minn 3, maxn 6;
random letter words with Zipf counts, a few with non-ASCII letters) is written with tokvec's fastText
writer into a temp dir (the layout fastText 0.9 writes, version 12: gensim and fastText read it). Then,
from a warm page cache and warm kernel caches, each in its own process (so each peak RSS is its own; the
times exclude importing the library):

1. gensim ``load_facebook_vectors(path)`` (it reads both matrices into memory and recomputes every
   vocabulary word's n-gram vector in Python/Cython), then ``get_vector`` of ``--queries`` unknown words
2. tokvec ``load(path)`` of the ``.bin`` (maps the file, parses the dictionary, composes the vocabulary
   vectors with the compiled kernel), then ``vector`` of the same unknown words (one call each) and
   ``subwords.vectors`` (one batch)
3. tokvec ``load`` of the ``.tokvec`` written by ``tokvec convert`` (memory-mapped: nothing composed)

Both sides' vectors are compared (vocabulary and unknown words, max abs difference).

    python bench/fasttext_load.py                                   # 200,000 x 100, 500,000 buckets
    python bench/fasttext_load.py --words 20000 --bucket 50000      # quick
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_model(path: Path, words: int, dim: int, bucket: int, seed: int = 0) -> None:
    import tokvec
    from tokvec.vocab.subwords import Subwords

    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzéöžш"))
    seen: dict[str, None] = {"</s>": None}
    while len(seen) < words:
        for length in rng.integers(2, 13, size=words):
            seen.setdefault("".join(rng.choice(letters[: 26 if rng.random() < 0.95 else 30], length)), None)
    tokens = list(seen)[:words]
    raw = rng.uniform(-0.1, 0.1, (words, dim)).astype(np.float32)
    sub = Subwords(rng.uniform(-0.1, 0.1, (bucket, dim)).astype(np.float32), 3, 6, word_rows=raw)
    counts = np.maximum(1, (1e7 / np.arange(1, words + 1))).astype(np.int64)
    v = tokvec.Vectors(tokens, sub.compose([t.encode() for t in tokens], raw), counts=counts)
    v.subwords = sub
    tokvec.save(v, path, format="fasttext-bin")


def unknown_words(n: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), rng.integers(4, 14))) + "qx" for _ in range(n)]


def side(which: str, path: str, queries: int) -> dict:
    words = unknown_words(queries)
    if which == "gensim":
        from gensim.models.fasttext import load_facebook_vectors

        start = time.perf_counter()
        kv = load_facebook_vectors(path)
        loaded = time.perf_counter() - start
        t = time.perf_counter()
        oov = np.stack([kv.get_vector(w) for w in words])
        result = {"load_s": loaded, "oov_one_by_one_s": time.perf_counter() - t}
        vocab = kv.vectors[1:1000]  # row 0 is </s>: gensim adds n-grams to it, fastText does not
    else:
        import tokvec

        start = time.perf_counter()
        v = tokvec.load(path)
        loaded = time.perf_counter() - start
        t = time.perf_counter()
        oov = np.stack([v.vector(w) for w in words])
        result = {"load_s": loaded, "oov_one_by_one_s": time.perf_counter() - t}
        t = time.perf_counter()
        batch = v.subwords.vectors(words)
        result["oov_batch_s"] = time.perf_counter() - t
        assert np.array_equal(batch, oov)
        vocab = np.asarray(v.matrix[1:1000])
    result["peak_rss_mib"] = peak_rss_mib()
    np.save(f"{path}.{which}.oov.npy", oov)
    np.save(f"{path}.{which}.vocab.npy", vocab)
    return result


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not inherit the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_side(which: str, path: Path, queries: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--side", which, "--path", str(path), "--queries", str(queries)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--bucket", type=int, default=500_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--side", choices=("gensim", "tokvec"))
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.side:
        print(json.dumps(side(args.side, args.path, args.queries)))
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from _common import environment, read_through

    with tempfile.TemporaryDirectory(prefix="tokvec-fasttext-bench-") as tmp:
        path = Path(tmp) / "model.bin"
        t = time.perf_counter()
        make_model(path, args.words, args.dim, args.bucket)
        print(f"model: {args.words:,} words x {args.dim}, {args.bucket:,} buckets, "
              f"{os.path.getsize(path) / 2**20:,.0f} MiB (written in {time.perf_counter() - t:.1f} s)")
        native = Path(tmp) / "model.tokvec"
        subprocess.run([sys.executable, "-m", "tokvec", "convert", str(path), str(native)], check=True,
                       capture_output=True)
        run_side("tokvec", path, 10)  # compiles the numba kernels into the on-disk cache (both array kinds)
        run_side("tokvec", native, 10)
        read_through(path)
        results = {"gensim load_facebook_vectors (.bin)": run_side("gensim", path, args.queries)}
        read_through(path)
        results["tokvec load (.bin)"] = run_side("tokvec", path, args.queries)
        read_through(native)
        results["tokvec load (.tokvec, converted)"] = run_side("tokvec", native, args.queries)
        g_oov, t_oov = np.load(f"{path}.gensim.oov.npy"), np.load(f"{path}.tokvec.oov.npy")
        g_voc, t_voc = np.load(f"{path}.gensim.vocab.npy"), np.load(f"{path}.tokvec.vocab.npy")
    print(f"{'':38} {'load s':>8} {'1 OOV word ms':>14} {'peak RSS MiB':>13}")
    for name, r in results.items():
        print(f"{name:38} {r['load_s']:8.2f} {1000 * r['oov_one_by_one_s'] / args.queries:14.3f} "
              f"{r['peak_rss_mib']:13.0f}")
    base = results["gensim load_facebook_vectors (.bin)"]["load_s"]
    for name, r in list(results.items())[1:]:
        print(f"  {name}: {base / r['load_s']:.1f}x faster to open than gensim")
    print(f"tokvec batch of {args.queries:,} unknown words: "
          f"{results['tokvec load (.bin)']['oov_batch_s'] * 1000:.1f} ms")
    print(f"max |tokvec - gensim|: vocabulary {np.abs(g_voc - t_voc).max():.2e}, unknown words "
          f"{np.abs(g_oov - t_oov).max():.2e}")
    print(environment())


if __name__ == "__main__":
    main()
