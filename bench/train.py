"""Time tokvec's word2vec trainer against gensim ``Word2Vec`` on the same corpus, and compare quality.

Usage: ``python bench/train.py [CORPUS] [--threads 2] [--epochs 5] [--seeds 1] [--models skipgram cbow]``
(without CORPUS, ``bench/make_corpus.py`` builds the WordNet/GCIDE corpus in a temp dir).
``--subwords 3-6 --buckets 200000`` compares the fastText trainers instead (``tokvec.train.fasttext`` vs
gensim ``FastText`` with the same min_n/max_n/bucket) and adds a rare-word check: the WS-353 and SimLex-999
pairs with a word that occurs in the corpus but fewer than min_count times, so neither model has a row
for it and both build it from its n-grams (Spearman over those pairs, cosine of the two vectors).

Both train with the same parameters (dim 100, window 5, negative 5, min_count 5, sample 1e-3,
5 epochs, same threads). Speed is words/s counted the way gensim reports them: *effective* words,
i.e. in-vocabulary words kept by subsampling (gensim's ``train`` return value; tokvec's
``TrainResult.effective_words``), over the training time (gensim: ``Word2Vec.train``, which streams
the corpus each epoch; tokvec: the kernels over the pre-encoded corpus). End-to-end time (vocabulary
+ encoding + training) is printed too. Quality is measured with gensim's own ``evaluate_word_pairs``
(WordSim-353, SimLex-999: Spearman) and ``evaluate_word_analogies`` (Google analogies, the 30,000
most frequent words) on both models; tokvec's vectors are wrapped in a gensim ``KeyedVectors``.
With ``--seeds N`` every figure is the mean over seeds 1..N (one seed's WS-353 moves by ~0.01).
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import environment  # noqa: E402

PARAMS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3)


def quality(kv) -> dict[str, float]:
    from gensim.test.utils import datapath

    return {
        "wordsim353": kv.evaluate_word_pairs(datapath("wordsim353.tsv"))[1].statistic,
        "simlex999": kv.evaluate_word_pairs(datapath("simlex999.txt"))[1].statistic,
        "analogy": kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30000)[0],
    }


def run_gensim(corpus: Path, model: str, threads: int, epochs: int, seed: int) -> dict:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    start = time.perf_counter()
    w2v = Word2Vec(vector_size=PARAMS["dim"], window=PARAMS["window"], negative=PARAMS["negative"],
                   min_count=PARAMS["min_count"], sample=PARAMS["sample"], workers=threads,
                   sg=1 if model == "skipgram" else 0, epochs=epochs, seed=seed)
    w2v.build_vocab(LineSentence(str(corpus)))
    trained = time.perf_counter()
    effective, _raw = w2v.train(LineSentence(str(corpus)), total_examples=w2v.corpus_count, epochs=epochs)
    end = time.perf_counter()
    return {"wps": effective / (end - trained), "train_s": end - trained, "total_s": end - start,
            "words": effective, **quality(w2v.wv)}


def run_tokvec(corpus: Path, model: str, threads: int, epochs: int, seed: int) -> dict:
    from gensim.models import KeyedVectors

    from tokvec.train import Word2VecConfig, train

    config = Word2VecConfig(model=model, dim=PARAMS["dim"], window=PARAMS["window"], negative=PARAMS["negative"],
                            min_count=PARAMS["min_count"], sample=PARAMS["sample"], epochs=epochs,
                            threads=threads, seed=seed)
    train([["warm", "up"]] * 10, Word2VecConfig(model=model, min_count=1, threads=threads), progress=False)
    start = time.perf_counter()
    result = train(str(corpus), config, progress=False)
    end = time.perf_counter()
    kv = KeyedVectors(result.vectors.dim)
    kv.add_vectors(result.vectors.tokens, result.vectors.matrix)
    return {"wps": result.words_per_second, "train_s": result.seconds, "total_s": end - start,
            "words": result.effective_words, "loss": result.epoch_loss, **quality(kv)}


def rare_pairs(corpus: Path) -> list[tuple[str, str, float]]:
    """WS-353/SimLex-999 pairs (lowercased, as the corpus is) with a word seen 1..min_count-1 times in ``corpus``."""
    from collections import Counter

    from gensim.test.utils import datapath

    counts: Counter[str] = Counter()
    with open(corpus, encoding="utf-8", errors="replace") as f:
        for line in f:
            counts.update(line.split())
    rare = {w for w, c in counts.items() if c < PARAMS["min_count"]}
    pairs = []
    for name in ("wordsim353.tsv", "simlex999.txt"):
        with open(datapath(name), encoding="utf-8") as f:
            for line in f:
                parts = line.lower().split("\t")
                if line.startswith("#") or len(parts) < 3:
                    continue
                a, b, score = parts[0], parts[1], float(parts[2])
                if (a in rare or b in rare) and (a in counts and b in counts):
                    pairs.append((a, b, score))
    return pairs


def rare_score(vector, pairs) -> float:
    """Spearman between human scores and the cosine of ``vector(a)``, ``vector(b)`` over ``pairs``."""
    import numpy as np
    from scipy.stats import spearmanr

    def cos(a, b):
        x, y = vector(a), vector(b)
        return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) or 1.0))

    return (float(spearmanr([p[2] for p in pairs], [cos(a, b) for a, b, _ in pairs]).statistic)
            if pairs else float("nan"))


def run_gensim_fasttext(corpus: Path, model: str, threads: int, epochs: int, seed: int, sub: tuple, pairs) -> dict:
    from gensim.models import FastText
    from gensim.models.word2vec import LineSentence

    start = time.perf_counter()
    ft = FastText(vector_size=PARAMS["dim"], window=PARAMS["window"], negative=PARAMS["negative"],
                  min_count=PARAMS["min_count"], sample=PARAMS["sample"], workers=threads,
                  sg=1 if model == "skipgram" else 0, epochs=epochs, seed=seed, min_n=sub[0], max_n=sub[1],
                  bucket=sub[2])
    ft.build_vocab(LineSentence(str(corpus)))
    trained = time.perf_counter()
    effective, _raw = ft.train(LineSentence(str(corpus)), total_examples=ft.corpus_count, epochs=epochs)
    end = time.perf_counter()
    return {"wps": effective / (end - trained), "train_s": end - trained, "total_s": end - start,
            "words": effective, **quality(ft.wv), "rare": rare_score(ft.wv.get_vector, pairs)}


def run_tokvec_fasttext(corpus: Path, model: str, threads: int, epochs: int, seed: int, sub: tuple, pairs) -> dict:
    from gensim.models import KeyedVectors

    from tokvec.train.fasttext import FastTextConfig, train

    config = FastTextConfig(model=model, dim=PARAMS["dim"], window=PARAMS["window"], negative=PARAMS["negative"],
                            min_count=PARAMS["min_count"], sample=PARAMS["sample"], epochs=epochs,
                            threads=threads, seed=seed, minn=sub[0], maxn=sub[1], bucket=sub[2])
    train([["warm", "up"]] * 10, FastTextConfig(model=model, min_count=1, threads=threads, bucket=10, sample=0),
          progress=False)
    start = time.perf_counter()
    result = train(str(corpus), config, progress=False)
    end = time.perf_counter()
    kv = KeyedVectors(result.vectors.dim)
    kv.add_vectors(result.vectors.tokens, result.vectors.matrix)
    return {"wps": result.words_per_second, "train_s": result.seconds, "total_s": end - start,
            "words": result.effective_words, "loss": result.epoch_loss, **quality(kv),
            "rare": rare_score(result.vectors.vector, pairs)}


def _mean(runs: list[dict]) -> dict:
    """Per-key mean over runs (lists, e.g. the loss per epoch, element-wise)."""
    import numpy as np

    out = {k: (np.mean([r[k] for r in runs], axis=0).tolist() if isinstance(runs[0][k], list)
               else float(np.mean([r[k] for r in runs]))) for k in runs[0]}
    out.update({f"{k}_sd": float(np.std([r[k] for r in runs], ddof=1)) if len(runs) > 1 else 0.0
                for k in runs[0] if not isinstance(runs[0][k], list)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=1, help="average over seeds 1..N")
    parser.add_argument("--models", nargs="+", default=["skipgram", "cbow"], choices=["skipgram", "cbow"])
    parser.add_argument("--subwords", metavar="MIN-MAX", help="compare the fastText trainers, e.g. 3-6")
    parser.add_argument("--buckets", type=int, default=200_000, help="n-gram buckets with --subwords")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.WARNING)
    corpus = args.corpus
    if corpus is None:
        from make_corpus import make_corpus

        corpus, _ = make_corpus()
    with open(corpus, encoding="utf-8", errors="replace") as f:
        words = sum(len(line.split()) for line in f)
    print(f"corpus {corpus}: {words:,} words; threads {args.threads}; epochs {args.epochs}; "
          f"mean of seeds 1..{args.seeds}; {environment()}")
    runs, keys, rare = (run_gensim, run_tokvec), ("wordsim353", "simlex999", "analogy"), ""
    if args.subwords:
        minn, maxn = (int(x) for x in args.subwords.split("-"))
        pairs = rare_pairs(corpus)
        sub = (minn, maxn, args.buckets)
        runs = tuple(functools.partial(f, sub=sub, pairs=pairs) for f in (run_gensim_fasttext, run_tokvec_fasttext))
        keys, rare = (*keys, "rare"), f" rare-word ρ ({len(pairs)} pairs) |"
        print(f"fastText subwords {minn}-{maxn}, {args.buckets:,} buckets; rare-word pairs: {len(pairs)}")
    lines = ["| model | tool | effective words/s | train s | total s | WS-353 ρ | SimLex ρ | analogy acc |" + rare,
             "|---|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if rare else "")]
    verdicts = []
    for model in args.models:
        theirs = _mean([runs[0](corpus, model, args.threads, args.epochs, s) for s in range(1, args.seeds + 1)])
        ours = _mean([runs[1](corpus, model, args.threads, args.epochs, s) for s in range(1, args.seeds + 1)])
        for name, r in (("gensim", theirs), ("tokvec", ours)):
            lines.append(f"| {model} | {name} | {r['wps']:,.0f} | {r['train_s']:.1f} | {r['total_s']:.1f} | "
                         + " | ".join(f"{r[k]:.3f}" for k in keys) + " |")
        ratio = ours["wps"] / theirs["wps"]
        lines.append(f"| {model} | **tokvec / gensim** | **{ratio:.2f}x** | | "
                     f"**{theirs['total_s'] / ours['total_s']:.2f}x** | "
                     + " | ".join(f"{ours[k] - theirs[k]:+.3f}" for k in keys) + " |")
        # seed noise: the larger seed-to-seed standard deviation of the two tools (0.01 at least, or with one seed)
        noise = {k: max(0.01, 2 * max(ours[f"{k}_sd"], theirs[f"{k}_sd"])) for k in keys}
        ok_quality = all(ours[k] >= theirs[k] - noise[k] for k in keys)
        verdicts.append(f"{model}: speed {ratio:.2f}x ({'met' if ratio >= 2 else 'NOT met'}: target 2x); quality "
                        f"{'within seed noise or better: met' if ok_quality else 'NOT within seed noise'} (2 sd: "
                        + ", ".join(f"{k} {noise[k]:.3f}" for k in keys) + "); tokvec loss per epoch "
                        + ", ".join(f"{x:.3f}" for x in ours["loss"]))
        print("\n".join(lines[-3:]), flush=True)
    print("\n" + "\n".join(lines))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
