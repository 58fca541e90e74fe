"""Benchmark evaluation speed, tokvec vs gensim 4.x, side by side in one run, with identical results.

On the builtin GloVe 6B 50d (400,000 x 50) times:

1. the Google analogy set (``questions-words.txt``, 19,544 questions), 3CosAdd, vocabulary restricted
   to the 30,000 most frequent tokens, case-insensitive: ``tokvec.evaluate.evaluate_analogies`` vs
   gensim ``KeyedVectors.evaluate_word_analogies`` (same protocol: gensim's defaults but restrict_vocab);
2. WordSim-353 + SimLex-999: ``evaluate_similarity`` vs ``evaluate_word_pairs``.

Both tools are warm (norms computed, tokvec's numba kernels loaded from cache) and run alternately,
best of ``--rounds``. The script checks that the per-section correct/answered counts and the
correlations agree, and fails loudly if they do not.

    python bench/evaluate.py                   # restrict 30,000, 2 rounds
    python bench/evaluate.py --restrict 300000 # gensim's default vocabulary (gensim takes minutes)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from _common import environment, print_table, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--restrict", type=int, default=30_000, help="vocabulary = the first N tokens")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (best of)")
    parser.add_argument("--vectors", default="glove", help="vector file or builtin name")
    args = parser.parse_args()

    import gensim

    import tokvec
    import tokvec.evaluate as ev
    from oracles import gensim_kv

    v = tokvec.load(args.vectors)
    kv = gensim_kv(v)
    questions = str(ev.resolve("questions-words"))
    print(f"{v}; {environment()}", flush=True)

    # warm both: norms, decoded tokens, numba kernels (loaded from numba's cache, or compiled once)
    kv.fill_norms()
    ev.evaluate_analogies(v, questions, restrict=1000)
    kv.evaluate_word_analogies(questions, restrict_vocab=100)

    t_ours = t_gensim = float("inf")
    ours = theirs = None
    for _ in range(args.rounds):
        t, ours = timed(lambda: ev.evaluate_analogies(v, questions, restrict=args.restrict))
        t_ours = min(t_ours, t)
        t, theirs = timed(lambda: kv.evaluate_word_analogies(questions, restrict_vocab=args.restrict))
        t_gensim = min(t_gensim, t)
    _, sections = theirs
    gensim_counts = [(s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections]
    our_counts = [(s.name, s.correct, s.total) for s in ours.sections] + [("Total accuracy", ours.correct, ours.total)]
    if our_counts != gensim_counts:
        raise SystemExit(f"results differ!\n tokvec {our_counts}\n gensim {gensim_counts}")
    rows = [(f"Google analogies (19,544), 3CosAdd, restrict {args.restrict:,}", "gensim evaluate_word_analogies",
             t_ours, t_gensim)]

    pair_sets = [str(ev.resolve(name)) for name in ev.BUILTIN_SIMILARITY]
    t_sim, sims = timed(lambda: [ev.evaluate_similarity(v, p, restrict=args.restrict) for p in pair_sets], repeat=3)
    t_gsim, gsims = timed(lambda: [kv.evaluate_word_pairs(p, restrict_vocab=args.restrict) for p in pair_sets],
                          repeat=3)
    for ours_sim, (pearson, spearman, oov) in zip(sims, gsims):
        if (abs(ours_sim.spearman - spearman[0]) > 1e-6 or abs(ours_sim.pearson - pearson[0]) > 1e-6
                or abs(ours_sim.oov_ratio - oov) > 1e-9):
            raise SystemExit(f"similarity differs on {ours_sim.name}: {ours_sim} vs {spearman}, {oov}")
    rows.append(("WordSim-353 + SimLex-999 correlations", "gensim evaluate_word_pairs", t_sim, t_gsim))

    print()
    print_table(f"tokvec vs gensim {gensim.__version__}: evaluation on {len(v):,} x {v.dim}", rows)
    total = len(gensim_counts)
    print(f"\nanalogies, both tools: {ours.correct:,} correct of {ours.total:,} answered "
          f"(accuracy {ours.accuracy:.4f}), {ours.skipped:,} skipped as out of vocabulary; "
          f"all {total - 1} sections and the total identical")
    print("similarity: " + "; ".join(
        f"{s.name} Spearman {s.spearman:.4f} (gensim {g[1][0]:.4f}), "
        f"{s.pairs_used} pairs used, {s.pairs_skipped} skipped"
        for s, g in zip(sims, gsims)))


if __name__ == "__main__":
    main()
