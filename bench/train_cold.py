"""Training end to end from the command line, tokvec vs gensim, side by side in one run: fixed costs apart.

Each run is a fresh process, timed from outside (wall time, and CPU time of the process and its threads):

- tokvec: ``tokvec train CORPUS -o OUT --json`` (word2vec binary, or a fastText ``.bin`` with ``--subwords``);
  its JSON splits the run into set-up (start-up is the rest: the interpreter and imports), reading and
  encoding the corpus with the starting weights and the kernels, training, and writing;
- gensim: a script that builds the vocabulary, trains and saves the model (``Word2Vec``/``FastText``
  ``.save``: a pickle and ``.npy`` arrays), timing the same phases.

Both use bench/train.py's settings (dim 100, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs, the same
threads); runs alternate tokvec / gensim, seed by seed; the table gives medians over ``--seeds`` seeds, and
quality (WS-353, SimLex-999, Google analogies restricted to 30,000 words, by gensim's own evaluation) is
computed afterwards from the written files, as mean and spread over the seeds. Outputs go to a temp dir that
is deleted at the end.

    python bench/train_cold.py CORPUS [--models cbow skipgram] [--seeds 3] [--threads 2]
    python bench/train_cold.py CORPUS --subwords 3-6 --buckets 2000000 --models skipgram
Without CORPUS, ``bench/make_corpus.py`` builds the WordNet/GCIDE corpus (``--words``, default 5.4 million).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _cold import run_once  # noqa: E402
from _common import environment  # noqa: E402
from train import PARAMS, quality  # noqa: E402

GENSIM_SCRIPT = r"""
import json, logging, sys, time
start = time.perf_counter()
from gensim.models import FastText, Word2Vec
from gensim.models.word2vec import LineSentence
corpus, out, model, threads, epochs, seed, sub = sys.argv[1:8]
p = json.loads(sys.argv[8])
kind = dict(vector_size=p["dim"], window=p["window"], negative=p["negative"], min_count=p["min_count"],
            sample=p["sample"], workers=int(threads), sg=1 if model == "skipgram" else 0, epochs=int(epochs),
            seed=int(seed))
if sub != "-":
    minn, maxn, bucket = (int(x) for x in sub.split(","))
    m = FastText(min_n=minn, max_n=maxn, bucket=bucket, **kind)
else:
    m = Word2Vec(**kind)
imported = time.perf_counter()
m.build_vocab(LineSentence(corpus))
built = time.perf_counter()
m.train(LineSentence(corpus), total_examples=m.corpus_count, epochs=m.epochs)
trained = time.perf_counter()
m.save(out)
print(json.dumps({"startup": imported - start, "setup": built - imported, "train": trained - built,
                  "write": time.perf_counter() - trained}))
"""


def child(cmd: list[str]) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds, the JSON it printed) of one fresh process."""
    cpu: list[float] = []
    wall, out = run_once(cmd, {**os.environ, "TQDM_DISABLE": "1"}, cpu)
    return wall, cpu[0], json.loads(out)


def run_tokvec(corpus: Path, out: Path, model: str, args, seed: int) -> dict:
    cmd = [str(Path(sys.executable).with_name("tokvec")), "train", str(corpus), "-o", str(out), "--model", model,
           "--threads", str(args.threads), "--epochs", str(args.epochs), "--seed", str(seed), "--json",
           "--dim", str(PARAMS["dim"]), "--window", str(PARAMS["window"]), "--negative", str(PARAMS["negative"]),
           "--min-count", str(PARAMS["min_count"]), "--sample", str(PARAMS["sample"])]
    if args.subwords:
        cmd += ["--subwords", args.subwords, "--buckets", str(args.buckets)]
    wall, cpu, info = child(cmd)
    phases = {"setup": info["setup_seconds"], "train": info["seconds"], "write": info["write_seconds"]}
    return {"wall": wall, "cpu": cpu, "startup": wall - sum(phases.values()), **phases}


def run_gensim(corpus: Path, out: Path, model: str, args, seed: int) -> dict:
    sub = "-" if not args.subwords else ",".join([*args.subwords.split("-"), str(args.buckets)])
    wall, cpu, info = child([sys.executable, "-c", GENSIM_SCRIPT, str(corpus), str(out), model, str(args.threads),
                             str(args.epochs), str(seed), sub, json.dumps(PARAMS)])
    return {"wall": wall, "cpu": cpu, **info}


def scores(path: Path, tool: str, subwords: bool) -> dict:
    from gensim.models import FastText, KeyedVectors, Word2Vec

    if tool == "gensim":
        kv = (FastText if subwords else Word2Vec).load(str(path)).wv
    elif subwords:
        from gensim.models.fasttext import load_facebook_vectors

        kv = load_facebook_vectors(str(path))
    else:
        kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
    return quality(kv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3, help="runs per tool: seeds 1..N, alternated")
    parser.add_argument("--models", nargs="+", default=["cbow", "skipgram"], choices=["skipgram", "cbow"])
    parser.add_argument("--subwords", metavar="MIN-MAX", help="the fastText trainers, e.g. 3-6")
    parser.add_argument("--buckets", type=int, default=2_000_000, help="n-gram buckets with --subwords")
    parser.add_argument("--words", type=int, default=5_400_000, help="corpus size when it is built here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tokvec-train-cold-"))
    try:
        corpus = args.corpus
        if corpus is None:
            from make_corpus import make_corpus

            corpus, _ = make_corpus(tmp / "corpus.txt", args.words)
        with open(corpus, encoding="utf-8", errors="replace") as f:
            words = sum(len(line.split()) for line in f)
        sub = f"; fastText {args.subwords}, {args.buckets:,} buckets" if args.subwords else ""
        print(f"corpus {corpus}: {words:,} words; threads {args.threads}; epochs {args.epochs}; "
              f"seeds 1..{args.seeds}{sub}; {environment()}", flush=True)
        table = ["| model | tool | wall s | CPU s | start-up s | corpus + set-up s | training s | writing s | "
                 "WS-353 ρ | SimLex ρ | analogy acc |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for model in args.models:
            runs: dict[str, list[dict]] = {"gensim": [], "tokvec": []}
            for seed in range(1, args.seeds + 1):
                for tool, run in (("tokvec", run_tokvec), ("gensim", run_gensim)):
                    out = tmp / f"{tool}-{model}-{seed}{'.model' if tool == 'gensim' else '.bin'}"
                    result = run(corpus, out, model, args, seed)
                    result.update(scores(out, tool, bool(args.subwords)))
                    for leftover in tmp.glob(out.name + "*"):  # outputs are big with 2M buckets
                        leftover.unlink()
                    runs[tool].append(result)
                    print(f"  {model} seed {seed} {tool}: " + ", ".join(f"{k} {v:.3f}" for k, v in result.items()),
                          flush=True)
            med = {tool: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for tool, rs in runs.items()}
            spread = {tool: {k: (max(r[k] for r in rs) - min(r[k] for r in rs)) / 2 for k in ("wordsim353", "simlex999",
                                                                                              "analogy")}
                      for tool, rs in runs.items()}
            for tool in ("gensim", "tokvec"):
                m, s = med[tool], spread[tool]
                table.append(f"| {model} | {tool} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['startup']:.2f} | "
                             f"{m['setup']:.2f} | {m['train']:.2f} | {m['write']:.2f} | "
                             + " | ".join(f"{m[k]:.3f} ± {s[k]:.3f}" for k in ("wordsim353", "simlex999", "analogy"))
                             + " |")
            ratio = med["gensim"]["wall"] / med["tokvec"]["wall"]
            table.append(f"| {model} | **gensim / tokvec** | **{ratio:.2f}x** | "
                         f"{med['gensim']['cpu'] / med['tokvec']['cpu']:.2f}x | | | "
                         f"{med['gensim']['train'] / med['tokvec']['train']:.2f}x | | | | |")
        print("\nmedians over seeds (quality: median ± half the range over seeds)\n")
        print("\n".join(table))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
