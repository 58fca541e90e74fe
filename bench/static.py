"""Static sentence encoders, side by side in one run: tokvec vs model2vec vs the teacher (all-MiniLM-L6-v2).

Speed (medians of ``--runs`` alternated runs, wall and CPU seconds; CPU counts every thread of the process):
- encode: sentences/s of ``v.encode`` and of model2vec's ``StaticModel.encode`` on the same folder and texts
  (WordNet glosses, ``--texts`` of them), and of the teacher (sentence-transformers, ``--teacher-texts``);
- distill: ``tokvec.distill("minilm", dim)`` vs ``model2vec.distill.distill(minilm, pca_dims=dim)``; and, timed
  once, ``tokvec.distill("minilm", dim, corpus=...)`` (distilling plus the fitting step, see below).

Quality (protocol): the shipped WordNet glosses (``tokvec/data/wordnet-glosses.txt.gz``) carry no headwords, so
the retrieval task is **gloss halves**: 2,000 glosses of at least 8 words (the first ones in file order), each
split at its middle word; the first half is the query, the 2,000 second halves the candidates; recall@10 =
share of queries whose own second half is among the 10 most cosine-similar. **Agreement with the teacher**:
Spearman correlation between the student's and the teacher's cosine similarities over all pairs of 500 glosses.
Word similarity: WordSim-353 and SimLex-999 (shipped), each word encoded as a one-word text, Spearman with the
human scores. Analogies: the Google set's 19,544 questions, closed vocabulary (its 905 distinct words, lower-cased,
each encoded as a one-word text; 3CosAdd among them, a, b and c left out), accuracy.
Polarity: gensim's 200 Pang & Lee sentences, logistic regression on the vectors, 5-fold accuracy.

Fitting corpus (the "tokvec distill + fit" row): the glosses from index 3,000 of the file to its end (20,856
glosses; ``--fit-texts`` takes the first N of them). The evaluation texts all lie before it (retrieval: the
first 2,000 glosses of 8+ words, indices 0-2,710; agreement: indices 0-499), and no fitting gloss equals an
evaluation gloss or half (the file holds each gloss once). Fitting holds out 10 % of its texts to pick the
epoch; it never sees the evaluation texts. Fitted with ``FitConfig()``'s defaults (10 epochs, seed 0).

    python bench/static.py [--dim 256] [--runs 3] [--texts 20000] [--fit-texts 20856] [--no-distill] [--no-fit]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import environment  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TQDM_DISABLE", "1")

import tokvec  # noqa: E402
from tokvec.formats.registry import minilm_dir  # noqa: E402

GLOSSES = Path(tokvec.__file__).parent / "data" / "wordnet-glosses.txt.gz"
FIT_START = 3_000  # the fitting corpus: glosses[FIT_START:], after every evaluation text


def clocked(func):
    """(wall seconds, CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def alternated(named: dict, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of each callable, the callables alternated run by run."""
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name in named}
    for _ in range(runs):
        for name, func in named.items():
            wall, cpu, _ = clocked(func)
            seen[name].append((wall, cpu))
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in seen.items()}


def recall_at_10(encode, pairs: list[tuple[str, str]]) -> float:
    queries = encode([q for q, _ in pairs])
    answers = encode([a for _, a in pairs])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True) + 1e-12
    answers /= np.linalg.norm(answers, axis=1, keepdims=True) + 1e-12
    scores = queries @ answers.T  # (Q, A)
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    return float(np.mean([i in row for i, row in enumerate(top)]))


def agreement(encode, teacher_sims: np.ndarray, texts: list[str]) -> float:
    x = encode(texts)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    upper = np.triu_indices(len(texts), 1)
    a, b = (x @ x.T)[upper], teacher_sims[upper]
    ranks = [np.argsort(np.argsort(v)) for v in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def word_similarity(encode, name: str) -> float:
    """Spearman of cos(encode(w1), encode(w2)) with the human scores (each word encoded as a one-word text)."""
    from tokvec.evaluate.datasets import read_word_pairs, resolve

    pairs = read_word_pairs(resolve(name)).pairs
    a, b = encode([p[0] for p in pairs]), encode([p[1] for p in pairs])
    cos = np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)
    ranks = [np.argsort(np.argsort(v)) for v in (cos, np.array([p[2] for p in pairs]))]
    return float(np.corrcoef(*ranks)[0, 1])


def analogies(encode) -> float:
    """Google analogies, closed vocabulary: every distinct word of the set (lower-cased) encoded as a one-word text;
    each question answered by 3CosAdd among those words other than a, b, c; accuracy over all questions."""
    from tokvec.evaluate.datasets import read_analogies, resolve

    questions = [tuple(w.lower() for w in q) for section in read_analogies(resolve("questions-words"))
                 for q in section.questions]
    words = sorted({w for q in questions for w in q})
    row = {w: i for i, w in enumerate(words)}
    unit = np.asarray(encode(words), dtype=np.float64)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True) + 1e-12
    ids = np.array([[row[w] for w in q] for q in questions])  # (Q, 4)
    correct = 0
    for lo in range(0, len(ids), 2048):
        q = ids[lo:lo + 2048]
        scores = (unit[q[:, 1]] + unit[q[:, 2]] - unit[q[:, 0]]) @ unit.T  # (B, words)
        np.put_along_axis(scores, q[:, :3], -np.inf, axis=1)
        correct += int((scores.argmax(axis=1) == q[:, 3]).sum())
    return correct / len(ids)


def polarity(encode) -> float:
    """Pang & Lee (gensim's 200 sentences): logistic regression on the sentence vectors, 5-fold CV accuracy."""
    import gensim
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    data = Path(gensim.__file__).parent / "test" / "test_data" / "pang_lee_polarity.cor"
    lines = [line.partition(" ") for line in data.read_text(encoding="cp1252", errors="replace").splitlines()]
    x, y = encode([text for _, _, text in lines]), np.array([label == "__label__pos" for label, _, _ in lines])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    return float(cross_val_score(LogisticRegression(max_iter=2000), x, y, cv=folds).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--teacher-texts", type=int, default=1_000)
    parser.add_argument("--no-distill", action="store_true", help="Skip timing distillation (distil once).")
    parser.add_argument("--fit-texts", type=int, default=None, help="Fit on the first N glosses after index 3,000.")
    parser.add_argument("--no-fit", action="store_true", help="Skip the distill + fit row.")
    args = parser.parse_args()
    print(f"# {environment()}; load average before: {os.getloadavg()}")
    from model2vec import StaticModel
    from model2vec.distill import distill as m2v_distill
    from sentence_transformers import SentenceTransformer

    teacher = str(minilm_dir())
    students = {}
    if not args.no_distill:
        def ours():
            students["tokvec"] = tokvec.distill("minilm", args.dim)

        def theirs():
            students["model2vec"] = m2v_distill(teacher, pca_dims=args.dim, quantize_to="float32")

        times = alternated({"tokvec distill": ours, "model2vec distill": theirs}, args.runs)
        (tw, tc), (mw, mc) = times["tokvec distill"], times["model2vec distill"]
        print(f"distill minilm -> {args.dim}: tokvec {tw:.1f} s wall ({tc:.1f} s CPU), model2vec {mw:.1f} s wall "
              f"({mc:.1f} s CPU); model2vec / tokvec = {mw / tw:.2f}x")
    else:
        students = {"tokvec": tokvec.distill("minilm", args.dim),
                    "model2vec": m2v_distill(teacher, pca_dims=args.dim, quantize_to="float32")}
    with gzip.open(GLOSSES, "rt", encoding="utf-8") as f:
        glosses = f.read().splitlines()
    if not args.no_fit:
        corpus = glosses[FIT_START:][: args.fit_texts]
        wall, cpu, fitted = clocked(lambda: tokvec.distill("minilm", args.dim, corpus=corpus))
        meta = fitted.metadata
        print(f"distill + fit minilm -> {args.dim} on {len(corpus):,} glosses: {wall:.1f} s wall ({cpu:.1f} s CPU); "
              f"validation loss (1 - cos, {meta['fit_validation_texts']} held-out texts) {meta['fit_loss_before']} -> "
              f"{meta['fit_loss_after']} (epoch {meta['fit_best_epoch']} of {meta['fit_epochs']})")
        fitted_folder = Path(tempfile.mkdtemp()) / "tokvec-fitted"
        students["tokvec + fit"] = tokvec.load(tokvec.save(fitted, fitted_folder, format="model2vec"))
    folder = Path(tempfile.mkdtemp()) / "tokvec-static"
    tokvec.save(students["tokvec"], folder, format="model2vec")
    ours, theirs = tokvec.load(folder), StaticModel.from_pretrained(folder)
    texts = (glosses * (args.texts // len(glosses) + 1))[: args.texts]
    ours.encode(texts[:100]), theirs.encode(texts[:100])
    st_model = SentenceTransformer(teacher, device="cpu")
    few = texts[: args.teacher_texts]
    speed = alternated({"tokvec": lambda: ours.encode(texts), "model2vec": lambda: theirs.encode(texts),
                        "teacher": lambda: st_model.encode(few, batch_size=64)}, args.runs)
    rates = {name: (len(few) if name == "teacher" else len(texts)) / wall for name, (wall, _) in speed.items()}
    for name, (wall, cpu) in speed.items():
        print(f"encode {name:>9}: {rates[name]:>10,.0f} sentences/s ({wall:.3f} s wall, {cpu:.3f} s CPU)")
    print(f"tokvec / model2vec = {rates['tokvec'] / rates['model2vec']:.2f}x; "
          f"tokvec / teacher = {rates['tokvec'] / rates['teacher']:.0f}x")
    long = [g.split() for g in glosses if g.count(" ") >= 7][:2000]
    pairs = [(" ".join(w[: len(w) // 2]), " ".join(w[len(w) // 2:])) for w in long]
    sample = glosses[:500]
    t = st_model.encode(sample, batch_size=64)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    teacher_sims = t @ t.T
    encoders = {"teacher": lambda x: st_model.encode(x, batch_size=64), "tokvec": ours.encode,
                "model2vec": lambda x: students["model2vec"].encode(x)}
    if "tokvec + fit" in students:
        encoders["tokvec + fit"] = students["tokvec + fit"].encode
    teacher_recall = None
    for name, encode in encoders.items():
        r = recall_at_10(encode, pairs)
        teacher_recall = teacher_recall or r
        a = agreement(encode, teacher_sims, sample) if name != "teacher" else 1.0
        ws, sl, pl = word_similarity(encode, "wordsim353"), word_similarity(encode, "simlex999"), polarity(encode)
        an = analogies(encode)
        print(f"quality {name:>12}: gloss-halves recall@10 {r:.3f} ({r / teacher_recall:.0%} of the teacher's); "
              f"agreement with the teacher (Spearman) {a:.3f}; WordSim-353 {ws:.3f}, SimLex-999 {sl:.3f} "
              f"(Spearman); Google analogies (closed vocabulary) {an:.3f}; Pang & Lee polarity accuracy {pl:.3f}")
    print(f"# load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
