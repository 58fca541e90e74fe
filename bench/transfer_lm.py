"""Steps to a validation loss: the tiny GPT with token embeddings from GloVe against random ones, same seed.

One BPE tokenizer is trained on the corpus (as ``train-lm`` does), ``init_embeddings`` builds its token
matrix from GloVe 6B 50d (the CLI's ``tokvec init-embeddings``), and two runs train the same model
(same seed, batches, schedule; ``--dim 50`` to match GloVe) that differ only in the token embeddings:
random N(0, 0.02), or GloVe's rows scaled to that spread (``train-lm --init-embeddings``). For each
validation-loss level, the first evaluation step at which each run reaches it.

Usage: ``python bench/transfer_lm.py [CORPUS] [--steps 300] [--vocab-size 2048]`` (default corpus: the
WordNet glosses that ship with tokvec). Prints markdown; writes only to a temp dir.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import tokvec
from tokvec.train.lm import LMConfig, train_lm
from tokvec.train.lm.data import read_lines, train_tokenizer
from tokvec.transfer import init_embeddings

CORPUS = Path(tokvec.__file__).parent / "data" / "wordnet-glosses.txt.gz"


def first_step(history: list[dict], level: float) -> int | None:
    return next((int(h["step"]) for h in history if h.get("val_loss") is not None and h["val_loss"] <= level), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(CORPUS))
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--vocab-size", type=int, default=2048)
    parser.add_argument("--eval-every", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lines, _ = read_lines(args.corpus)
        tokenizer = Path(tmp) / "tokenizer.json"
        train_tokenizer(lines, args.vocab_size).save(str(tokenizer))
        rows, report = init_embeddings(str(tokenizer), tokvec.load("glove"), seed=0)
        tokvec.save(rows, Path(tmp) / "init.tokvec")
        print(f"tokenizer: {len(rows):,} BPE tokens trained on {args.corpus}; init-embeddings: {report}\n")
        config = dict(dim=50, heads=2, layers=2, context=32, batch_size=16, steps=args.steps, warmup=20,
                      eval_every=args.eval_every, eval_batches=8, snapshot_every=10**6, checkpoint_every=10**6, seed=1)
        runs = {}
        for name, init in (("random", None), ("GloVe", str(Path(tmp) / "init.tokvec"))):
            start = time.perf_counter()
            result = train_lm(args.corpus, LMConfig(**config, init_embeddings=init), tokenizer=str(tokenizer),
                              threads=args.threads, progress=False)
            runs[name] = result.history
            print(f"{name}: final val loss {result.val_loss:.3f} after {args.steps} steps "
                  f"({time.perf_counter() - start:.0f} s)")
    final = runs["random"][-1]["val_loss"]
    start_loss = runs["random"][0]["val_loss"]
    levels = [round(final + (start_loss - final) * f, 2) for f in (0.5, 0.25, 0.1, 0.0)]
    print("\n| val loss <= | steps, random init | steps, GloVe init | fewer steps |\n|---|---|---|---|")
    for level in levels:
        r, g = first_step(runs["random"], level), first_step(runs["GloVe"], level)
        saved = f"{r - g} ({(r - g) / r:.0%})" if r and g is not None else "-"
        print(f"| {level:.2f} | {r if r is not None else '-'} | {g if g is not None else '-'} | {saved} |")
    print("\n| step | val loss, random | val loss, GloVe |\n|---|---|---|")
    for a, b in zip(runs["random"], runs["GloVe"]):
        if a.get("val_loss") is not None and (a["step"] % (5 * args.eval_every) == 0 or a["step"] == args.steps):
            print(f"| {int(a['step'])} | {a['val_loss']:.3f} | {b['val_loss']:.3f} |")


if __name__ == "__main__":
    main()
