"""Whole-vocabulary answers from the command line: every GloVe neighbour of a word, tokvec vs gensim.

``tokvec similar king --topn 1000000000`` clamps to the vocabulary and prints all 399,999 neighbours
(past 1,000 rows as plain aligned columns, not rich's table); ``--json`` prints them as JSON. The peer
is the script a gensim user writes for the same listing: ``KeyedVectors.load(path, mmap="r")``, then
``most_similar(word, topn=len(kv))`` printed one row per line. Each is a cold process from the command
line with its stdout read through a pipe; medians of ``--runs`` alternated runs after one warm-up each
(see ``bench/_cold.py``). Everything generated (the converted GloVe, gensim's copy) is deleted at the end.

    python bench/whole_vocab.py --runs 3
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
from _cold import CPU, child_env, fmt, load_average, medians, python, run_once  # noqa: E402

GENSIM_ALL = '''\
import sys
from gensim.models import KeyedVectors

kv = KeyedVectors.load(sys.argv[1], mmap="r")
rows = kv.most_similar(sys.argv[2], topn=len(kv))
sys.stdout.write("".join(f"{rank}\\t{token}\\t{score:+.4f}\\n" for rank, (token, score) in enumerate(rows, 1)))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed cold runs per command (median)")
    parser.add_argument("--word", default="king")
    args = parser.parse_args()
    from gensim.models import KeyedVectors

    import tokvec

    workdir = Path(tempfile.mkdtemp(prefix="tokvec-whole-"))
    try:
        env = child_env(workdir)
        print(f"load average before: {load_average()}", flush=True)
        table = python("-m", "tokvec", "similar", args.word, "--topn", "1000000000")
        run_once(table, env)  # converts the builtin GloVe into $TOKVEC_HOME
        v = tokvec.load(next((workdir / "home").glob("glove-*.tokvec")))
        kv = KeyedVectors(v.dim)
        kv.add_vectors(v.tokens, np.asarray(v.matrix))
        kv.save(str(workdir / "glove.kv"))
        del kv
        (workdir / "gensim_all.py").write_text(GENSIM_ALL)
        gensim = python(str(workdir / "gensim_all.py"), str(workdir / "glove.kv"), args.word)
        as_json = [*table, "--json"]

        ours = [r["token"] for r in json.loads(run_once(as_json, env)[1])["results"]]
        theirs = [line.split("\t")[1] for line in run_once(gensim, env)[1].splitlines()]
        shown = run_once(table, env)[1].splitlines()
        same = sum(a == b for a, b in zip(ours, theirs))
        print(f"{len(ours):,} neighbours from tokvec, {len(theirs):,} from gensim, {same:,} in the same place; "
              f"the table has {len(shown):,} lines", flush=True)
        if len(ours) != len(v) - 1 or ours[:1000] != theirs[:1000]:
            raise SystemExit("tokvec and gensim disagree on the listing")

        t = medians({"table": table, "json": as_json, "gensim": gensim}, env, args.runs)
        print(f"load average after: {load_average()}\n")
        print(f"### Every neighbour of {args.word!r} ({len(ours):,} rows), cold process, median of {args.runs}\n")
        print("| command (wall / CPU) | tokvec | gensim script | speed-up |\n|---|---:|---:|---:|")
        for name, label in (("table", f"`tokvec similar {args.word} --topn 1000000000`"), ("json", "... `--json`")):
            print(f"| {label} | {fmt(t[name])} / {fmt(CPU[name])} | {fmt(t['gensim'])} / {fmt(CPU['gensim'])} "
                  f"| **{t['gensim'] / t[name]:.1f}×** / {CPU['gensim'] / CPU[name]:.1f}× |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
