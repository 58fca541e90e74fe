"""A plain PyTorch text classifier on Pang & Lee movie-review polarity: GloVe-initialised vs random,
frozen vs fine-tuned.

Data (offline, gensim's test data): ``pang_lee_polarity.cor`` (Windows-1252 text), 200 review sentences
(100 positive, 100 negative) of Pang & Lee's sentence polarity set. Model: token embeddings (50-d) -> mean over the
sentence's tokens -> dropout -> linear layer to 2 classes, trained with Adam (lr 1e-2, weight decay
1e-4, 40 full-batch epochs). The vocabulary is built from the training fold only (``tokvec.build_vocab``,
``<pad>`` and ``<unk>``; test words outside it are ``<unk>``); the embedding layer is ``v.to_torch(vocab,
padding_idx="<pad>")`` for GloVe 6B 50d, or rows drawn with GloVe's per-dimension mean and spread for the
random baseline; "frozen" trains only the linear layer. Accuracy: stratified 5-fold cross-validation,
repeated with 4 seeds (20 test folds of 40 sentences; mean and standard deviation over folds).

Usage: ``python bench/classifier.py``. Prints a markdown table; about two minutes of CPU time (2 threads).
"""

from __future__ import annotations

import re
from pathlib import Path

import gensim
import numpy as np
import torch

import tokvec
from tokvec.transfer.matrix import row_statistics

DATA = Path(gensim.__file__).parent / "test" / "test_data" / "pang_lee_polarity.cor"
_TOKEN = re.compile(r"[a-z0-9']+")


def read() -> tuple[list[list[str]], np.ndarray]:
    texts, labels = [], []
    for line in DATA.read_text(encoding="cp1252", errors="replace").splitlines():
        label, _, text = line.partition(" ")
        texts.append(_TOKEN.findall(text.lower()))
        labels.append(1 if label == "__label__pos" else 0)
    return texts, np.array(labels)


def batch(texts: list[list[str]], vocab: tokvec.Vocab) -> torch.Tensor:
    unk, longest = vocab.index("<unk>"), max(len(t) for t in texts)
    ids = np.zeros((len(texts), longest), dtype=np.int64)  # (N, T), 0 = <pad>
    for i, text in enumerate(texts):
        ids[i, :len(text)] = [vocab.get(w, unk) for w in text]
    return torch.from_numpy(ids)


class MeanClassifier(torch.nn.Module):
    def __init__(self, embedding: torch.nn.Embedding):
        super().__init__()
        self.embedding, self.drop = embedding, torch.nn.Dropout(0.3)
        self.out = torch.nn.Linear(embedding.embedding_dim, 2)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != self.embedding.padding_idx).float().unsqueeze(-1)  # (N, T, 1)
        pooled = (self.embedding(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)  # (N, T, C) -> (N, C)
        return self.out(self.drop(pooled))  # (N, 2)


def accuracy(v: tokvec.Vectors, texts, labels, train, test, init: str, freeze: bool, seed: int) -> float:
    torch.manual_seed(seed)
    vocab = tokvec.build_vocab([texts[i] for i in train])
    if init == "GloVe":
        embedding = v.to_torch(vocab.tokens, freeze=freeze, padding_idx="<pad>", seed=seed)
    else:
        mean, std = row_statistics(v.matrix)
        rows = np.random.default_rng(seed).standard_normal((len(vocab), v.dim)).astype(np.float32) * std + mean
        rows[0] = 0.0
        embedding = torch.nn.Embedding.from_pretrained(torch.from_numpy(rows), freeze=freeze, padding_idx=0)
    model = MeanClassifier(embedding)
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-2, weight_decay=1e-4)
    x, y = batch([texts[i] for i in train], vocab), torch.from_numpy(labels[train])
    for _ in range(40):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimiser.step()
    model.eval()
    with torch.no_grad():
        predicted = model(batch([texts[i] for i in test], vocab)).argmax(1).numpy()
    return float((predicted == labels[test]).mean())


def folds(labels: np.ndarray, k: int, seed: int):
    rng = np.random.default_rng(seed)
    parts = [np.array_split(rng.permutation(np.flatnonzero(labels == c)), k) for c in (0, 1)]
    for f in range(k):
        test = np.concatenate([parts[0][f], parts[1][f]])
        yield np.setdiff1d(np.arange(len(labels)), test), test


def main() -> None:
    torch.set_num_threads(2)
    v = tokvec.load("glove")
    texts, labels = read()
    print(f"{len(texts)} sentences ({labels.sum()} positive); GloVe 6B 50d; 5-fold CV x 4 seeds\n")
    print("| token embeddings | trained | accuracy (mean ± sd over 20 folds) |\n|---|---|---|")
    for init in ("random", "GloVe"):
        for freeze in (True, False):
            scores = [accuracy(v, texts, labels, train, test, init, freeze, seed)
                      for seed in range(4) for train, test in folds(labels, 5, seed)]
            print(f"| {init} | {'frozen' if freeze else 'fine-tuned'} | {np.mean(scores):.3f} ± {np.std(scores):.3f} |")


if __name__ == "__main__":
    main()
