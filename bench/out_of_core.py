"""A word2vec run whose encoded corpus is larger than the memory the process may use.

Writes a synthetic Zipfian corpus to a temporary directory (deleted afterwards), then runs
``tokvec train`` from the command line in a memory cgroup whose limit is below the size of the
encoded corpus (int32 ids + int64 sentence starts). Without swap, a process that held the corpus in
RAM would be killed; tokvec memory-maps it (``--corpus-ram``) and finishes. Prints the limit, the
encoded size, the peak resident memory, the wall time and the training words/s.

Needs a writable memory cgroup (v1 ``memory.limit_in_bytes`` or v2 ``memory.max``, e.g. as root in
a container); without one it still runs and reports the peak resident memory, unenforced.

    python bench/out_of_core.py [--tokens 200_000_000] [--limit-mib 400] [--corpus-ram 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SENTENCE = 20


def write_corpus(path: Path, tokens: int, vocab: int, seed: int = 0) -> None:
    """``tokens`` Zipf-distributed words (``w0`` most frequent) in lines of ``SENTENCE`` words."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocab + 1)
    cdf = np.cumsum(weights / weights.sum())
    words = np.array([f"w{i}" for i in range(vocab)], dtype=object)
    step = SENTENCE * 500_000
    with open(path, "w", encoding="utf-8") as f:
        for start in range(0, tokens, step):
            n = min(step, tokens - start) // SENTENCE * SENTENCE
            ids = np.minimum(np.searchsorted(cdf, rng.random(n)), vocab - 1).reshape(-1, SENTENCE)
            f.write("\n".join(" ".join(row) for row in words[ids]))
            f.write("\n")


def memory_cgroup(limit: int) -> Path | None:
    """A new child memory cgroup with ``limit`` bytes (no swap), or None if none can be made here."""
    try:
        line = next(ln for ln in Path("/proc/self/cgroup").read_text().splitlines()
                    if ":memory:" in ln or ln.startswith("0::"))
    except (OSError, StopIteration):
        return None
    relative = line.split(":", 2)[2].lstrip("/")
    v1 = ":memory:" in line
    base = Path("/sys/fs/cgroup/memory" if v1 else "/sys/fs/cgroup") / relative
    group = base / f"tokvec-bench-{os.getpid()}"
    try:
        group.mkdir()
        if v1:
            (group / "memory.limit_in_bytes").write_text(str(limit))
            swap = group / "memory.memsw.limit_in_bytes"
            if swap.exists():
                swap.write_text(str(limit))
        else:
            (group / "memory.max").write_text(str(limit))
            (group / "memory.swap.max").write_text("0")
    except OSError:
        if group.exists():
            group.rmdir()
        return None
    return group


def peak(group: Path) -> int | None:
    for name in ("memory.max_usage_in_bytes", "memory.peak"):
        if (group / name).exists():
            return int((group / name).read_text())
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=200_000_000)
    parser.add_argument("--vocab", type=int, default=50_000)
    parser.add_argument("--limit-mib", type=int, default=400)
    parser.add_argument("--corpus-ram", type=float, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tokvec-ooc-"))
    group = None
    try:
        corpus = tmp / "corpus.txt"
        t0 = time.perf_counter()
        write_corpus(corpus, args.tokens, args.vocab)
        print(f"corpus: {args.tokens:,} tokens, {corpus.stat().st_size / 2**20:,.0f} MiB of text "
              f"(written in {time.perf_counter() - t0:.0f} s)")
        encoded = args.tokens * 4 + (args.tokens // SENTENCE + 1) * 8
        limit = args.limit_mib * 2**20
        group = memory_cgroup(limit)
        command = [sys.executable, "-m", "tokvec", "train", str(corpus), "-o", str(tmp / "out.tokvec"),
                   "--epochs", "1", "--dim", "50", "--min-count", "5", "--threads", str(args.threads),
                   "--corpus-ram", str(args.corpus_ram), "--corpus-dir", str(tmp), "--json"]
        enter = f"echo $$ > {group / 'cgroup.procs'} && exec " if group else "exec "
        t0 = time.perf_counter()
        run = subprocess.run(["sh", "-c", enter + shlex.join(command)], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        if run.returncode != 0:
            sys.exit(f"tokvec train failed (exit {run.returncode}; a cgroup OOM kill is -9/137):\n{run.stderr[-2000:]}")
        result = json.loads(run.stdout)
        print(f"encoded corpus: {encoded / 2**20:,.0f} MiB (int32 ids + int64 sentence starts)")
        print(f"memory limit:   {args.limit_mib:,} MiB " + ("(cgroup, no swap)" if group else
                                                          "(NOT enforced: no writable memory cgroup here)"))
        if group:
            print(f"cgroup peak:    {peak(group) / 2**20:,.0f} MiB (resident + page cache)")
        print(f"peak RSS:       {rss / 2**20:,.0f} MiB")
        print(f"wall time:      {wall:.1f} s from the command line; training {result['words_per_second']:,} words/s "
              f"({result['seconds']:.1f} s); loss {result['epoch_loss'][0]:.3f}")
        print(f"ratio:          encoded corpus / memory limit = {encoded / limit:.2f}")
    finally:
        if group is not None:
            group.rmdir()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
