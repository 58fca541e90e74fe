"""SIF sentence vectors against plain means on the Lee (2005) document-similarity set that gensim ships.

Data (offline, in gensim's test data): ``lee.cor``, the 50 news documents of Lee, Pincombe & Welsh
(2005), and ``similarities0-1.txt``, the mean human similarity rating of each pair (upper triangle
of a 50 x 50 matrix). Word frequencies for SIF's ``p(w)`` come from ``lee_background.cor`` (300 other
documents of the same news source, 60k words; ``tokvec.build_vocab``), or, as a second variant,
from GloVe's own frequency rank by Zipf's law (``count ~ 1 / rank``).

Protocol: read as Latin-1 (the files' encoding), lower-case, tokens = runs of letters, digits and apostrophes;
each document becomes one vector (GloVe 6B 50d); the score of a pair is the cosine of its two vectors; the
result is Pearson's r (and Spearman's rho) between scores and human ratings over the 1,225 pairs i < j.

Usage: ``python bench/sif_lee.py``. Prints a markdown table.
"""

from __future__ import annotations

import re
from pathlib import Path

import gensim
import numpy as np
from scipy.stats import pearsonr, spearmanr

import tokvec

DATA = Path(gensim.__file__).parent / "test" / "test_data"
_TOKEN = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1)


def main() -> None:
    v = tokvec.load("glove")
    docs = [words(line) for line in (DATA / "lee.cor").read_text(encoding="latin-1").splitlines() if line.strip()]
    human = np.loadtxt(DATA / "similarities0-1.txt")
    upper = np.triu_indices(len(docs), k=1)
    background = tokvec.build_vocab([words(line) for line in (DATA / "lee_background.cor").read_text(
        encoding="latin-1").splitlines()], specials=[])
    zipf = {t: 1.0 / (i + 1) for i, t in enumerate(v.limit(400_000).tokens)}
    methods = {
        "mean of rows": np.stack([v.mean_vector(d, pre_normalise=False) for d in docs]),
        "mean of unit rows (gensim get_mean_vector)": np.stack([v.mean_vector(d) for d in docs]),
        "SIF weights only, p(w) from lee_background": v.sif_vectors(docs, background, components=0),
        "SIF (a=1e-3, 1st PC removed), p(w) from lee_background": v.sif_vectors(docs, background),
        "SIF (a=1e-3, 1st PC removed), p(w) from GloVe rank (Zipf)": v.sif_vectors(docs, zipf),
    }
    print(f"{len(docs)} documents, {len(upper[0]):,} rated pairs; GloVe 6B 50d; background counts: "
          f"{int(background.counts.sum()):,} words\n")
    print("| document vectors | Pearson r | Spearman rho |\n|---|---|---|")
    for name, x in methods.items():
        scores = (unit_rows(x) @ unit_rows(x).T)[upper]
        r, rho = pearsonr(scores, human[upper])[0], spearmanr(scores, human[upper])[0]
        print(f"| {name} | {r:.3f} | {rho:.3f} |")


if __name__ == "__main__":
    main()
