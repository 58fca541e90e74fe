"""The ``train`` command: word2vec (skip-gram or CBOW, negative sampling) on text files, or fastText with
``--subwords MIN-MAX`` (character n-grams hashed into ``--buckets`` rows, ``tokvec.train.fasttext``).

Prints the loss per epoch and writes the vectors in the format the output name asks for (``.tokvec``
keeps the counts and the subwords; with subwords, ``.bin`` is a fastText ``.bin``); Ctrl-C writes a
checkpoint that ``--resume`` continues from.

Deliberately left out: the training (``tokvec.train.word2vec``) and the tiny GPT
(``tokvec.cli.train_lm``, which needs torch; this module does not).
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import TokvecError
from ..formats import WRITABLE, format_name, save
from ..train.fasttext import FastTextConfig, trained_with_subwords
from ..train.fasttext import train as train_fasttext
from ..train.options import TrainOptions
from ..train.word2vec import Word2VecConfig
from ..train.word2vec import train as train_word2vec
from . import render
from ._app import JsonOpt, choices, command, literal_values, refuse_with_resume

CONFIG_FIELDS = frozenset(f.name for f in dataclasses.fields(Word2VecConfig))
SUFFIXES = (".tokvec", ".bin", ".vec", ".txt")


@command()
def train(
    ctx: typer.Context,
    corpus: Annotated[list[Path], typer.Argument(
        metavar="CORPUS", help="Text files: one sentence per line, whitespace-separated tokens.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUT",
                                         help="Output vectors (.tokvec with counts, .bin, .txt, ...; "
                                              "with --subwords, .bin is a fastText .bin).")],
    model: Annotated[str, choices("--model", literal_values(Word2VecConfig, "model"), "Architecture.")] = "cbow",
    dim: Annotated[int, typer.Option(help="Vector size.")] = 100,
    window: Annotated[int, typer.Option(help="Context words on each side (randomly shrunk per word).")] = 5,
    negative: Annotated[int, typer.Option(help="Noise words per update.")] = 5,
    min_count: Annotated[int, typer.Option(help="Drop tokens rarer than this.")] = 5,
    max_vocab: Annotated[int | None, typer.Option(help="Keep at most the N most frequent tokens.")] = None,
    epochs: Annotated[int, typer.Option(help="Passes over the corpus.")] = 5,
    sample: Annotated[float, typer.Option(help="Subsampling threshold for frequent words (0: off).")] = 1e-3,
    alpha: Annotated[float, typer.Option(help="Initial learning rate (decays linearly to 0.0001).")] = 0.025,
    threads: Annotated[int, typer.Option(help="Worker threads (1: bit-reproducible).")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    subwords: Annotated[str | None, typer.Option(
        metavar="MIN-MAX", help="fastText: character n-grams of MIN..MAX characters, e.g. 3-6.")] = None,
    buckets: Annotated[int | None, typer.Option(metavar="N",
                                                help="fastText: n-gram hash buckets (default 2000000).")] = None,
    checkpoint_every: Annotated[float | None, typer.Option(metavar="MIN",
                                                           help="Write a checkpoint every MIN minutes.")] = None,
    checkpoint: Annotated[Path | None, typer.Option(help="Checkpoint file (default: OUTPUT.ckpt.npz).")] = None,
    resume: Annotated[Path | None, typer.Option(metavar="CKPT",
                                                help="Continue from a checkpoint (its settings are used).")] = None,
    to: Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT",
                                           help=f"Output format: {', '.join(WRITABLE)} "
                                                "(default: from the extension).")] = None,
    errors: Annotated[str, choices("--errors", literal_values(TrainOptions, "errors"),
                                   "Non-UTF-8 bytes: replace (and count) or strict (error).")] = "replace",
    corpus_ram: Annotated[float, typer.Option(metavar="MIB", help="Keep the encoded corpus in RAM up to MIB MiB; "
                                              "beyond, it is memory-mapped from a file in --corpus-dir.")] = 256,
    corpus_dir: Annotated[Path | None, typer.Option(
        metavar="DIR", help="Where a corpus larger than --corpus-ram is memory-mapped (default: the temporary "
                            "directory, $TMPDIR).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Train word2vec (skip-gram or CBOW, negative sampling), or fastText with --subwords; Ctrl-C saves a checkpoint."""
    if to is not None:
        format_name(to)
    elif not any(s in SUFFIXES for s in output.suffixes):
        raise TokvecError(f"cannot tell which format to write from the name {output.name!r}; use .tokvec, .bin, "
                          f".vec or .txt, or pass --format one of {', '.join(WRITABLE)}")
    settings = {name: value for name, value in ctx.params.items() if name in CONFIG_FIELDS}
    if resume is not None:
        refuse_with_resume(ctx, [*settings, "alpha", "subwords", "buckets"])
    with_subwords = subwords is not None or (resume is not None and trained_with_subwords(resume))
    if buckets is not None and not with_subwords:
        raise TokvecError("--buckets is for fastText training; add --subwords MIN-MAX (e.g. --subwords 3-6)")
    config = None if resume is not None else _config(settings, alpha, subwords, buckets)
    if config is not None and not as_json:
        render.notes(_size_notes(config))
    ckpt = checkpoint if checkpoint is not None else output.with_name(output.name + ".ckpt.npz")
    trainer = train_fasttext if with_subwords else train_word2vec
    result = trainer([str(p) for p in corpus], config, checkpoint=ckpt, checkpoint_every=checkpoint_every,  # type: ignore[arg-type]
                     resume=resume, progress=not quiet and not as_json, errors=errors,  # type: ignore[arg-type]
                     corpus_memory_mb=corpus_ram, corpus_dir=corpus_dir)
    if to is None and with_subwords and output.suffix == ".bin":
        to = "fasttext-bin"
    began = time.perf_counter()
    written = save(result.vectors, output, format=to)  # type: ignore[arg-type]
    _report(result, written, time.perf_counter() - began, as_json)


def _report(result: Any, written: Any, writing: float, as_json: bool) -> None:
    """What a finished run prints: JSON, or the loss table, notes and the summary line."""
    advice = _corpus_notes(result)
    if as_json:
        render.emit_json({"output": str(written), "tokens": len(result.vectors), "dim": result.vectors.dim,
                          "notes": advice,
                          "model": result.config.model, "epoch_loss": result.epoch_loss,
                          "words_per_second": round(result.words_per_second), "effective_words": result.effective_words,
                          "seconds": round(result.seconds, 3), "setup_seconds": round(result.setup_seconds, 3),
                          "write_seconds": round(writing, 3), "replaced_bytes": result.replaced_bytes})
        return
    render.table(f"{result.config.model} loss", [("epoch", render.RIGHT), ("mean loss", render.RIGHT)],
                 ([str(e), f"{loss:.4f}"] for e, loss in enumerate(result.epoch_loss, 1)))
    if result.replaced_bytes:
        render.line((f"note: {result.replaced_bytes:,} non-UTF-8 bytes were replaced by U+FFFD "
                     "(--errors strict rejects them)", "yellow"))
    render.line(f"wrote {written} ({len(result.vectors):,} x {result.vectors.dim}); "
                f"{result.words_per_second:,.0f} words/s over {result.seconds:.1f} s of training "
                f"(+ {result.setup_seconds:.1f} s reading the corpus and setting up, {writing:.1f} s writing)")
    render.notes(advice, "yellow")


SMALL_CORPUS = 1_000_000  # words: below this, 5 CBOW epochs left the shipped glosses' neighbours mostly noise
LARGE_TABLE = 256 * 2**20  # bytes of n-gram buckets worth a word before training starts


def _corpus_notes(result: Any) -> list[str]:
    """What a newcomer should know after training: a small corpus with settings that learn little from it."""
    counts = result.vectors.counts
    words = int(counts.sum()) if counts is not None else 0
    config = result.config
    if words and words < SMALL_CORPUS and config.model == "cbow" and config.epochs <= 5:
        return [f"{words:,} words is a small corpus for CBOW with {config.epochs} epochs (its neighbours are "
                "mostly noise at this size); skip-gram with more epochs learns far more from it: --model skipgram "
                "--epochs 20"]
    return []


def _size_notes(config: Any) -> list[str]:
    """Before training: how large the fastText n-gram table will make the output, when that is large."""
    bucket = getattr(config, "bucket", 0)
    size = bucket * config.dim * 4
    if size < LARGE_TABLE:
        return []
    return [f"the output holds the n-gram table: {bucket:,} buckets x {config.dim} dims = {size / 2**20:,.0f} MiB; "
            "a corpus of a few million words needs far fewer (--buckets 200000)"]


def _config(settings: dict, alpha: float, subwords: str | None, buckets: int | None) -> Word2VecConfig:
    """word2vec's settings, or fastText's when ``--subwords MIN-MAX`` is given."""
    if subwords is None:
        return Word2VecConfig(**settings, min_alpha=min(0.0001, alpha))
    match = re.fullmatch(r"\s*(\d{1,9})\s*-\s*(\d{1,9})\s*", subwords)
    if match is None:
        raise TokvecError(f"--subwords takes MIN-MAX character n-gram lengths, e.g. 3-6; got {subwords!r}")
    minn, maxn = int(match[1]), int(match[2])
    return FastTextConfig(**settings, min_alpha=min(0.0001, alpha), minn=minn, maxn=maxn,
                          bucket=2_000_000 if buckets is None else buckets)
