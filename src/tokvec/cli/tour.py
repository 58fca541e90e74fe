"""``tokvec demo``: a guided walk through token embeddings, on real data, offline, in seconds.

Seven sections, each runnable alone (``tokvec demo --section 4``):

1. why not one-hot: one-hot vectors make every pair of words equally unrelated
2. pretrained vectors: king - man + woman, similarities and distances (GloVe 6B 50d)
3. the embedding layer: ``Embedding(6, 3)`` seeded 123, next to torch's numbers when installed
4. one-hot x Linear computes the same rows, at a cost: measured at GPT-2 scale (50,257 x 768)
5. a real transformer's token matrix: MiniLM's 30,522 WordPiece tokens x 384
6. positions: token + position embeddings as a GPT's input layer, and the sinusoidal table
7. embeddings are learned: word2vec skip-gram trained here on 300,000 words of WordNet glosses
   (shipped with tokvec), neighbours before and after; where the tiny GPT (``tokvec train-lm``) goes on

Deliberately left out: plots (``tokvec plot``), and training the tiny GPT, which takes minutes, not
seconds, to show its embeddings organise (``tokvec train-lm``, ``tokvec watch``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from importlib import resources

import numpy as np
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .._plumbing.optional import require
from ..errors import MissingDependencyError
from ..formats import load
from ..layers import Embedding, TokenAndPositionEmbedding, lookup_cost, sinusoidal_table
from ..layers import one_hot as make_one_hot
from ..printable import visible
from ..train import Word2VecConfig, train
from ..train.word2vec import initial_weights
from ..vectors import Vectors

SECTIONS: dict[int, tuple[str, str]] = {
    1: ("Why not one-hot?", "one_hot"),
    2: ("Pretrained vectors: meaning as geometry", "pretrained"),
    3: ("The embedding layer is a lookup table", "layer"),
    4: ("One-hot x Linear = lookup, at a price", "onehot_cost"),
    5: ("A real transformer's token matrix", "transformer"),
    6: ("Where is each token? Positional embeddings", "positions"),
    7: ("Embeddings are learned: word2vec trained here", "learned"),
}
DEMO_CORPUS = "wordnet-glosses.txt.gz"


def _say(console: Console, *pieces: str | tuple[str, str]) -> None:
    """Print one line of plain strings and ``(string, style)`` pairs: never parsed as markup or emoji
    codes, whatever the console, every character visible."""
    console.print(Text.assemble(*(visible(p) if isinstance(p, str) else (visible(p[0]), p[1]) for p in pieces)))


def _vec(values: np.ndarray, n: int = 6) -> str:
    return "[" + ", ".join(f"{x:+.4f}" for x in values[:n]) + (", ...]" if len(values) > n else "]")


def one_hot(console: Console) -> None:
    words = ["cat", "kitten", "dog", "car"]
    ids = list(range(len(words)))
    vectors = make_one_hot(ids, len(words))
    _say(console, "One-hot: each word gets its own axis. For a 4-word vocabulary:")
    for w, row in zip(words, vectors):
        _say(console, f"  {w:<7} {row.astype(int).tolist()}")
    glove = load("glove")
    table = Table(title="cosine similarity", title_justify="left")
    table.add_column("pair")
    table.add_column("one-hot", justify="right")
    table.add_column("GloVe 50d", justify="right")
    for a, b in [("cat", "kitten"), ("cat", "dog"), ("cat", "car")]:
        oh = float(vectors[words.index(a)] @ vectors[words.index(b)])
        table.add_row(f"{a} / {b}", f"{oh:.2f}", f"{glove.similarity(a, b):.3f}")
    console.print(table)
    _say(console, "One-hot vectors are orthogonal: every pair scores 0, so they carry no meaning, and they are "
                  f"as long as the vocabulary ({len(glove):,} for GloVe). Dense embeddings put related words close.")


def pretrained(console: Console) -> None:
    v = load("glove")
    _say(console, f"GloVe 6B: {len(v):,} tokens x {v.dim} dimensions, memory-mapped.")
    _say(console, f"v['king'] = {_vec(v['king'])}  ({v.dim} values)")
    answer = v.analogy("man", "king", "woman", topn=3)
    _say(console, "king - man + woman = ", (answer[0].token, "bold green"),
         f" (cosine {answer[0].score:.3f}); next: " + ", ".join(f"{t} ({s:.3f})" for t, s in answer[1:]))
    other = v.analogy("france", "paris", "italy", topn=1)[0]
    _say(console, "paris - france + italy = ", (other.token, "bold"))
    table = Table(title="similarity and distance of pairs", title_justify="left")
    table.add_column("pair")
    table.add_column("cosine similarity", justify="right")
    table.add_column("distance ||a - b||", justify="right")
    for a, b in [("cat", "kitten"), ("cat", "dog"), ("cat", "car"), ("king", "queen"), ("king", "cabbage")]:
        table.add_row(f"{a} / {b}", f"{v.similarity(a, b):.3f}", f"{v.distance(a, b):.3f}")
    console.print(table)
    _say(console, "odd one out of breakfast, cereal, dinner, lunch: ",
         (v.odd_one_out(["breakfast", "cereal", "dinner", "lunch"]), "bold"))


def layer(console: Console) -> None:
    emb = Embedding(6, 3, seed=123)
    ids = [2, 3, 5, 1]
    _say(console, "Embedding(6, 3, seed=123): a 6 x 3 weight matrix drawn from N(0, 1) "
                  "(the same numbers torch.manual_seed(123); torch.nn.Embedding(6, 3) draws).")
    console.print(Text(np.array2string(emb.weight, precision=4, suppress_small=True)))
    _say(console, f"lookup of ids {ids} picks rows {ids}:")
    out = emb(ids)
    console.print(Text(np.array2string(out, precision=4, suppress_small=True)))
    try:
        torch = require("torch", "torch", "comparing with torch.nn.Embedding")
    except MissingDependencyError:
        _say(console, ("(install tokvec[torch] to see torch's numbers next to these)", "dim"))
        return
    torch.manual_seed(123)
    reference = torch.nn.Embedding(6, 3)
    with torch.no_grad():
        theirs = reference(torch.tensor(ids)).numpy()
    same = np.array_equal(out.round(4), theirs.round(4))
    _say(console, "torch.nn.Embedding(6, 3) after torch.manual_seed(123), same ids: ",
         ("identical", "green") if same else ("different", "red"),
         f" to 4 decimals (max difference {np.abs(out - theirs).max():.1e})")


def onehot_cost(console: Console) -> None:
    small = lookup_cost(6, 3, 4)
    _say(console, f"For 4 ids in a 6 x 3 table, one-hot x Linear does {small.onehot_flops} multiply-adds "
                  "(each output value is a 6-term dot product with five zeros); a lookup copies 4 rows.")
    cost = lookup_cost(50_257, 768, 256, measure=True, repeat=2)
    table = Table(title="GPT-2 token table 50,257 x 768, 256 ids (measured here)", title_justify="left")
    table.add_column("")
    table.add_column("lookup", justify="right")
    table.add_column("one-hot x Linear", justify="right")
    table.add_row("FLOPs", "0", f"{cost.onehot_flops:,}")
    table.add_row("bytes touched", f"{cost.lookup_bytes:,}", f"{cost.onehot_bytes:,}")
    table.add_row("time", f"{cost.lookup_seconds * 1e3:.3f} ms", f"{cost.onehot_seconds * 1e3:.1f} ms")
    console.print(table)
    _say(console, "Same rows, exactly; the lookup is ", (f"{cost.speedup:,.0f}x", "bold"),
         " faster. That is why frameworks implement nn.Embedding as indexing, not as a matrix product.")


def transformer(console: Console) -> None:
    try:
        v = load("minilm")
    except Exception as exc:  # the model package is optional
        _say(console, (f"skipped: {exc}", "yellow"))
        return
    _say(console, f"all-MiniLM-L6-v2's input layer: {len(v):,} WordPiece tokens x {v.dim} "
                  f"(tensor {v.metadata.get('tensor')}). Token ids index its rows like any table.")
    for word in ("king", "paris", "happy"):
        near = v.most_similar(word, topn=5)
        _say(console, f"  {word:<6} id {v.index(word):>5}: " + ", ".join(f"{t} ({s:.2f})" for t, s in near))
    if v.tokenizer is not None:
        try:
            ids, pieces = v.tokenizer.encode("Embeddings turn tokens into vectors")
            _say(console, f"'Embeddings turn tokens into vectors' -> {pieces} -> ids {ids}")
            note = v.explain("embeddings")
            if note:
                _say(console, (note, "dim"))
        except Exception as exc:
            _say(console, (f"(tokenizing needs tokvec[hf]: {exc})", "dim"))


def positions(console: Console) -> None:
    layer = TokenAndPositionEmbedding(vocab_size=6, context_length=4, dim=3, seed=123)
    ids = np.array([[2, 3, 5, 1], [1, 1, 4, 0]])
    out = layer(ids)
    _say(console, "A GPT adds a position vector to each token vector. Batch of ids (2, 4):")
    _say(console, f"{ids.tolist()} -> input embeddings of shape {out.shape} (batch, seq, dim)")
    _say(console, "Token 1 appears at positions 3, 0 and 1; its input vectors differ because positions differ:")
    for b, t in [(0, 3), (1, 0), (1, 1)]:
        _say(console, f"  batch {b}, position {t}: {_vec(out[b, t], 3)}")
    _say(console, "Sinusoidal table (Attention Is All You Need), 4 positions x 6 dims:")
    console.print(Text(np.array2string(sinusoidal_table(4, 6), precision=4, suppress_small=True)))


def learned(console: Console) -> None:
    corpus = resources.files("tokvec") / "data" / DEMO_CORPUS
    config = Word2VecConfig(model="skipgram", dim=50, epochs=5, min_count=3, threads=os.cpu_count() or 2, seed=1)
    _say(console, "An embedding matrix starts random and is trained. word2vec skip-gram (dim 50, window 5, "
                  "5 negative samples, 5 epochs) on 300,003 words of WordNet glosses:")
    with resources.as_file(corpus) as path:
        result = train(path, config, progress=False)
    v = result.vectors
    before = Vectors(v.tokens, initial_weights(len(v), config.dim, config.seed)[0], check_duplicates=False)
    _say(console, f"{len(v):,} words kept; {result.words_per_second:,.0f} words/s; mean loss per epoch "
                  + " -> ".join(f"{x:.3f}" for x in result.epoch_loss))
    table = Table(title="5 nearest words: at random initialisation, and after training", title_justify="left")
    for column in ("word", "random init", "trained"):
        table.add_column(column)
    for word in ("three", "he", "red", "water", "king"):
        table.add_row(word, *(Text(visible(", ".join(n.token for n in w.most_similar(word, topn=5))))
                              for w in (before, v)))
    console.print(table)
    _say(console, "A language model learns its token matrix the same way, as a side effect of predicting the "
                  "next token: `tokvec train-lm CORPUS -o RUN` snapshots it as it trains and `tokvec watch "
                  "RUN/snapshots` shows number words, pronouns and colours gathering (a few minutes on CPU).")


def run(section: int | None = None, console: Console | None = None) -> float:
    """Run the demo (one section or all); returns the seconds it took."""
    console = console or Console(markup=False, emoji=False, highlight=False)
    start = time.perf_counter()
    chosen = [section] if section else sorted(SECTIONS)
    for number in chosen:
        title, func_name = SECTIONS[number]
        console.print(Panel.fit(Text(f"{number}. {title}", style="bold")))
        func: Callable[[Console], None] = globals()[func_name]
        func(console)
        console.print()
    seconds = time.perf_counter() - start
    _say(console, (f"demo finished in {seconds:.1f} s", "dim"))
    return seconds
