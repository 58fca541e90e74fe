"""The evaluation command end to end, tokvec vs gensim, each a fresh process, side by side in one run.

- tokvec: ``tokvec eval --restrict N`` on the builtin GloVe 6B 50d (400,000 x 50): WordSim-353 and SimLex-999
  correlations and the Google analogies (19,544 questions, 3CosAdd), output written to a file;
- gensim: a script that opens the same vectors (saved once as a gensim ``KeyedVectors`` in a temp dir,
  memory-mapped as ours are) and runs ``evaluate_word_pairs`` on both sets and ``evaluate_word_analogies``
  with ``restrict_vocab=N``, writing its results to a file.

Both children run in ``_cold.child_env``: bytecode cached (as an installed package has it), tokvec's caches
(the converted GloVe, the compiled kernels) in the temp dir, warmed by one untimed run of each. Runs
alternate tokvec / gensim; the table gives the median wall and CPU seconds (of the process and its threads)
over ``--runs``. The answers are checked to agree (correct / answered per analogy section, Spearman).

    python bench/evaluate_cold.py [--restrict 30000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from _cold import child_env, run_once  # noqa: E402
from _common import environment  # noqa: E402

GENSIM_SCRIPT = r"""
import json, sys
from gensim.models import KeyedVectors
kv_path, data, restrict, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
kv = KeyedVectors.load(kv_path, mmap="r")
pairs = {name: kv.evaluate_word_pairs(f"{data}/{name}", restrict_vocab=restrict)[1][0]
         for name in ("wordsim353.tsv", "simlex999.txt")}
score, sections = kv.evaluate_word_analogies(f"{data}/questions-words.txt", restrict_vocab=restrict)
with open(out, "w") as f:
    json.dump({"pairs": pairs, "sections": [[s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"])]
                                            for s in sections]}, f)
"""


def clocked(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process."""
    cpu: list[float] = []
    wall, _ = run_once(cmd, env, cpu)
    return wall, cpu[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--restrict", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import tokvec
    import tokvec.evaluate as ev
    from oracles import gensim_kv

    tmp = Path(tempfile.mkdtemp(prefix="tokvec-eval-cold-"))
    try:
        kv_path = tmp / "glove.kv"
        gensim_kv(tokvec.load("glove")).save(str(kv_path))
        data = ev.resolve("questions-words").parent
        ours_out, theirs_out = tmp / "tokvec.json", tmp / "gensim.json"
        tokvec_cmd = ["sh", "-c", f'"{Path(sys.executable).with_name("tokvec")}" eval --restrict {args.restrict} '
                                  f'--json > "{ours_out}"']
        gensim_cmd = [sys.executable, "-c", GENSIM_SCRIPT, str(kv_path), str(data), str(args.restrict), str(theirs_out)]
        print(f"GloVe 6B 50d, restrict {args.restrict:,}; {environment()}", flush=True)
        env = child_env(tmp)  # bytecode cached for both, tokvec's caches in the temp dir
        clocked(tokvec_cmd, env)  # the kernel, bytecode and page caches warm for both
        clocked(gensim_cmd, env)
        times: dict[str, list[tuple[float, float]]] = {"tokvec": [], "gensim": []}
        for run in range(args.runs):
            for name, cmd in (("tokvec", tokvec_cmd), ("gensim", gensim_cmd)):
                times[name].append(clocked(cmd, env))
                print(f"  run {run + 1} {name}: {times[name][-1][0]:.2f} s wall, {times[name][-1][1]:.2f} s CPU",
                      flush=True)
        check(json.loads(ours_out.read_text()), json.loads(theirs_out.read_text()))
        med = {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
               for name, t in times.items()}
        print(f"\n| work (cold process, end to end) | tokvec wall / CPU | gensim wall / CPU | speed-up |\n"
              f"|---|---:|---:|---:|\n"
              f"| `tokvec eval --restrict {args.restrict}` (2 similarity sets + Google analogies) | "
              f"{med['tokvec'][0]:.2f} s / {med['tokvec'][1]:.2f} s | {med['gensim'][0]:.2f} s / "
              f"{med['gensim'][1]:.2f} s | **{med['gensim'][0] / med['tokvec'][0]:.1f}x** |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(ours: dict, theirs: dict) -> None:
    """The same correct / answered counts per section, and the same Spearman (1e-6)."""
    analogies = ours["analogies"]
    got = [[s["name"], s["correct"], s["total"]] for s in analogies["sections"]]
    got.append(["Total accuracy", analogies["correct"], analogies["total"]])
    if got != theirs["sections"]:
        raise SystemExit(f"analogy results differ:\n tokvec {got}\n gensim {theirs['sections']}")
    spearman = {r["name"]: r["spearman"] for r in ours["similarity"]}
    for name, value in theirs["pairs"].items():
        if abs(spearman[Path(name).stem] - value) > 1e-6:
            raise SystemExit(f"{name}: Spearman {spearman[Path(name).stem]} (tokvec) vs {value} (gensim)")
    print("answers agree: every analogy section's correct / answered, and both Spearman correlations")


if __name__ == "__main__":
    main()
