"""Time tokvec's word2vec trainer against gensim ``Word2Vec`` on the same corpus, and compare quality.

Usage: ``python bench/train.py [CORPUS] [--threads 2] [--epochs 5] [--seeds 1] [--models skipgram cbow]``
(without CORPUS, ``bench/make_corpus.py`` builds the WordNet/GCIDE corpus in a temp dir).

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


def _mean(runs: list[dict]) -> dict:
    """Per-key mean over runs (lists, e.g. the loss per epoch, element-wise)."""
    import numpy as np

    return {k: (np.mean([r[k] for r in runs], axis=0).tolist() if isinstance(runs[0][k], list)
                else float(np.mean([r[k] for r in runs]))) for k in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=1, help="average over seeds 1..N")
    parser.add_argument("--models", nargs="+", default=["skipgram", "cbow"], choices=["skipgram", "cbow"])
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
    lines = ["| model | tool | effective words/s | train s | total s | WS-353 ρ | SimLex ρ | analogy acc |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for model in args.models:
        theirs = _mean([run_gensim(corpus, model, args.threads, args.epochs, s) for s in range(1, args.seeds + 1)])
        ours = _mean([run_tokvec(corpus, model, args.threads, args.epochs, s) for s in range(1, args.seeds + 1)])
        for name, r in (("gensim", theirs), ("tokvec", ours)):
            lines.append(f"| {model} | {name} | {r['wps']:,.0f} | {r['train_s']:.1f} | {r['total_s']:.1f} | "
                         f"{r['wordsim353']:.3f} | {r['simlex999']:.3f} | {r['analogy']:.3f} |")
        ratio = ours["wps"] / theirs["wps"]
        lines.append(f"| {model} | **tokvec / gensim** | **{ratio:.2f}x** | | "
                     f"**{theirs['total_s'] / ours['total_s']:.2f}x** | "
                     f"{ours['wordsim353'] - theirs['wordsim353']:+.3f} | {ours['simlex999'] - theirs['simlex999']:+.3f} "
                     f"| {ours['analogy'] - theirs['analogy']:+.3f} |")
        ok_quality = all(ours[k] >= theirs[k] - 0.01 for k in ("wordsim353", "simlex999", "analogy"))
        verdicts.append(f"{model}: speed {ratio:.2f}x ({'met' if ratio >= 2 else 'NOT met'}: target 2x); quality "
                        f"{'within 0.01 or better: met' if ok_quality else 'NOT within 0.01'}; tokvec loss per epoch "
                        + ", ".join(f"{x:.3f}" for x in ours["loss"]))
        print("\n".join(lines[-3:]), flush=True)
    print("\n" + "\n".join(lines))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
