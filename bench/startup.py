"""Cold start from the command line, tokvec vs the script a gensim user writes, side by side in one run.

Every figure is the median of ``--runs`` fresh processes (alternated: tokvec, gensim, tokvec, ...; one
untimed warm-up each; see ``bench/_cold.py`` for the environment they share), as wall time / CPU time
(user + system: on a shared machine the wall time grows with the load, the CPU time much less). In a
temporary directory:

1. the builtin GloVe 6B 50d: converted once by ``tokvec`` (its first use, timed once) into
   ``$TOKVEC_HOME``, and saved by gensim as its own native file (``KeyedVectors.save``) of the same vectors;
   ``tokvec similar king`` and ``tokvec analogy man king woman`` against
   ``KeyedVectors.load(path, mmap="r")`` + ``most_similar`` printing the same rows;
2. ``tokvec --help``, ``import tokvec`` (and ``import tokvec; tokvec.load``) against the interpreter
   alone, ``import numpy`` and gensim's ``from gensim.models import KeyedVectors``;
3. a ``--rows`` x ``--dim`` (default 1,000,000 x 300) random native file of each tool, one query each
   (``--rows 0`` skips it).

Both tools' answers are checked to agree (same tokens) before anything is timed. Everything generated
is deleted at the end.

    python bench/startup.py --runs 7
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _cold import CPU, GENSIM_QUERY, child_env, fmt, load_average, medians, python, run_once  # noqa: E402
from _common import environment  # noqa: E402

TOKVEC = ("-m", "tokvec")


def _tokens_of_json(out: str) -> list[str]:
    return [r["token"] for r in json.loads(out)["results"]]


def _tokens_of_gensim(out: str) -> list[str]:
    return [line.split("\t")[1] for line in out.splitlines()]


def _check_agree(tokvec_argv: list[str], gensim_argv: list[str], env: dict[str, str]) -> None:
    ours = _tokens_of_json(run_once([*tokvec_argv, "--json"], env)[1])
    theirs = _tokens_of_gensim(run_once(gensim_argv, env)[1])
    if ours != theirs:
        raise SystemExit(f"answers differ: tokvec {ours} vs gensim {theirs}")


def _row(work: str, ours: str, peer: str, theirs: str | None, target: str, t: dict[str, float]) -> str:
    """A table row: wall medians (``t``) and CPU medians (``_cold.CPU``) of the commands named ``ours``/``theirs``."""
    ratio = f"**{t[theirs] / t[ours]:.1f}×** / {CPU[theirs] / CPU[ours]:.1f}×" if theirs else ""
    peer_times = f"{fmt(t[theirs])} / {fmt(CPU[theirs])}" if theirs else ""
    return f"| {work} | {fmt(t[ours])} / {fmt(CPU[ours])} | {peer} | {peer_times} | {ratio} | {target} |"


def glove_cases(workdir: Path, env: dict[str, str], runs: int) -> list[str]:
    """Section 1 and 2: the builtin GloVe, --help and imports. Returns the table's rows."""
    from gensim.models import KeyedVectors

    first, _ = run_once(python(*TOKVEC, "similar", "king"), env)  # converts the builtin into $TOKVEC_HOME
    print(f"first use (converting the builtin GloVe into a fresh $TOKVEC_HOME): {first:.2f} s", flush=True)
    cached = next((workdir / "home").glob("glove-*.tokvec"))
    import tokvec

    v = tokvec.load(cached)
    kv = KeyedVectors(v.dim)
    kv.add_vectors(v.tokens, np.asarray(v.matrix))
    kv_path = workdir / "glove.kv"
    kv.save(str(kv_path))
    del kv, v
    script = workdir / "gensim_query.py"
    script.write_text(GENSIM_QUERY)
    gensim = python(str(script), str(kv_path))
    queries = {"similar king": (["similar", "king"], ["similar", "king"]),
               "analogy man king woman": (["analogy", "man", "king", "woman"], ["analogy", "man", "king", "woman"])}
    for ours, theirs in queries.values():
        _check_agree(python(*TOKVEC, *ours), [*gensim, *theirs], env)
    commands = {}
    for name, (ours, theirs) in queries.items():
        commands[f"tokvec {name}"] = python(*TOKVEC, *ours)
        commands[f"gensim {name}"] = [*gensim, *theirs]
    commands |= {
        "tokvec --help": python(*TOKVEC, "--help"),
        "import tokvec": python("-c", "import tokvec"),
        "import tokvec; tokvec.load": python("-c", "import tokvec; tokvec.load"),
        "gensim import": python("-c", "from gensim.models import KeyedVectors"),
        "python -c pass": python("-c", "pass"),
        "import numpy": python("-c", "import numpy"),
    }
    t = medians(commands, env, runs)
    over = t["import tokvec; tokvec.load"] - t["import numpy"]
    return [
        _row("`tokvec similar king` (builtin GloVe)", "tokvec similar king", "gensim load(mmap='r') + most_similar",
             "gensim similar king", "≤ 0.5 s and ≥ 3×", t),
        _row("`tokvec analogy man king woman`", "tokvec analogy man king woman", "gensim load + most_similar",
             "gensim analogy man king woman", "", t),
        _row("`tokvec --help`", "tokvec --help", "", None, "≤ 0.3 s", t),
        _row("`import tokvec`", "import tokvec", "`from gensim.models import KeyedVectors`", "gensim import",
             "≤ 0.15 s over `import numpy`", t),
        _row("`import tokvec; tokvec.load` (NumPy + formats)", "import tokvec; tokvec.load", "", None,
             f"{fmt(over)} over `import numpy` ({fmt(t['import numpy'])})", t),
        _row("`python -c pass` (the interpreter alone)", "python -c pass", "", None, "", t),
    ]


def large_case(workdir: Path, env: dict[str, str], runs: int, rows: int, dim: int) -> list[str]:
    """Section 3: a random ``rows`` x ``dim`` native file of each tool, one query each."""
    from gensim.models import KeyedVectors

    import tokvec

    print(f"generating {rows:,} x {dim} random vectors ...", flush=True)
    rng = np.random.default_rng(0)
    matrix = np.empty((rows, dim), np.float32)
    for start in range(0, rows, 100_000):
        block = matrix[start:start + 100_000]
        block[...] = rng.standard_normal(block.shape, dtype=np.float32)
    tokens = [f"w{i}" for i in range(rows)]
    native = workdir / "large.tokvec"
    tokvec.save(tokvec.Vectors(tokens, matrix, check_duplicates=False), native)
    kv = KeyedVectors(dim)
    kv.add_vectors(tokens, matrix)
    kv_path = workdir / "large.kv"
    kv.save(str(kv_path))
    del kv, matrix
    word = tokens[rows // 2]
    ours = python(*TOKVEC, "similar", word, "-v", str(native))
    theirs = python(str(workdir / "gensim_query.py"), str(kv_path), "similar", word)
    _check_agree(ours, theirs, env)
    t = medians({"tokvec": ours, "gensim": theirs}, env, runs)
    return [_row(f"`tokvec similar {word} -v large.tokvec` ({rows:,} × {dim})", "tokvec",
                 "gensim load(mmap='r') + most_similar", "gensim", "≥ 5×", t)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed cold runs per command (median)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large file (0: skip it)")
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--tmp", default=None, help="directory for the generated files (default: system temp)")
    args = parser.parse_args()
    import gensim

    workdir = Path(tempfile.mkdtemp(prefix="tokvec-startup-", dir=args.tmp))
    try:
        env = child_env(workdir)
        print(f"{environment()}, gensim {gensim.__version__}; load average before: {load_average()}", flush=True)
        rows = glove_cases(workdir, env, args.runs)
        if args.rows:
            rows += large_case(workdir, env, max(3, args.runs // 2), args.rows, args.dim)
        print(f"load average after: {load_average()}\n")
        print(f"### Cold start, median of {args.runs} alternated runs (wall / CPU)\n")
        print("| command | tokvec | peer | peer time | speed-up | target |\n|---|---:|---|---:|---:|---|")
        print("\n".join(rows))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
