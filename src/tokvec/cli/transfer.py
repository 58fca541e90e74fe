"""The ``init-embeddings`` command: a tokenizer's token matrix from word vectors, for ``train-lm``.

Deliberately left out: the construction itself (``tokvec.transfer.for_tokenizer``) and training with
it (``tokvec train-lm --init-embeddings``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..formats import save
from ..transfer.for_tokenizer import init_embeddings as build
from . import render
from ._app import JsonOpt, command, load_vectors


@command("init-embeddings")
def init_embeddings(
    tokenizer: Annotated[str, typer.Argument(metavar="TOKENIZER",
                                             help="tokenizer.json, a model directory holding one, or 'minilm'.")],
    vectors: Annotated[str, typer.Argument(metavar="VECTORS", help="Word vectors: a file or builtin name (glove).")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUT",
                                         help="Output vector file (.tokvec): one row per tokenizer id.")],
    seed: Annotated[int, typer.Option(min=0, help="Seed of the random rows (tokens nothing else covers).")] = 0,
    lower: Annotated[bool, typer.Option("--lower/--no-lower",
                                        help="Try a token's lower-case word when its own is missing.")] = True,
    words: Annotated[int, typer.Option(min=1, help="Word pieces: search the first N (most frequent) words.")]
    = 50_000,
    max_words: Annotated[int, typer.Option(min=1, help="Word pieces: average at most N words containing them.")]
    = 100,
    as_json: JsonOpt = False,
) -> None:
    """Token embeddings for a tokenizer's vocabulary from word vectors (whole words, pieces, seeded rest).

    Each whole-word token takes its word's vector, a word piece (##ing) the mean of the words that
    contain it, special tokens and the rest seeded random rows ([PAD] zero). Train from them with
    `tokvec train-lm CORPUS --tokenizer TOKENIZER --init-embeddings OUT --dim DIM`.
    """
    start = time.perf_counter()
    v, report = build(tokenizer, load_vectors(vectors), seed=seed, lower=lower, words=words, max_words=max_words)
    written = save(v, output)
    if as_json:
        render.emit_json({"output": str(written), "tokens": len(v), "dim": v.dim, **report.as_dict(),
                          "seconds": round(time.perf_counter() - start, 3)})
        return
    render.line(f"wrote {written} ({len(v):,} x {v.dim}) in {time.perf_counter() - start:.2f} s")
    render.line(str(report))
