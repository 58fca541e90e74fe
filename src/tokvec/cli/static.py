"""Commands for static sentence encoders: distill (a transformer -> a model2vec folder) and encode (texts -> vectors).

``distill`` runs ``tokvec.distill`` (with ``--corpus``, the fitting step too) and writes a model2vec folder (which
sentence-transformers loads too);
``encode`` streams a text file or a Parquet column through ``v.encode`` into ``.npy`` or Parquet, with a
progress line on stderr.

Deliberately left out: the work itself (``tokvec.distillation``, ``tokvec.encode.stream``); every bad input is
a ``TokvecError`` there, one line here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..distillation import DistillConfig, FitConfig, read_vocabulary
from ..distillation import distill as run_distill
from ..distillation.steps import WEIGHTINGS
from ..encode import DEFAULT_BATCH, EncodeOptions
from ..encode.stream import encode_file
from ..errors import TokvecError
from ..formats import save
from ..formats.static import FOLDER_FORMATS
from . import render
from ._app import JsonOpt, VectorsOpt, choices, command, load_vectors, one_of


class _Progress:
    """A progress line on stderr at most every two seconds."""

    def __init__(self, what: str, quiet: bool):
        self.what, self.quiet = what, quiet
        self.start = self.last = time.perf_counter()

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.perf_counter()
        if self.quiet or now - self.last < 2.0:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        of = f" of {total:,}" if total else ""
        render.status(f"{self.what}: {done:,}{of} ({rate:,.0f}/s)")


class _Stages:
    """Distillation's stages (tokens, texts, epochs), each with its own progress line and rate."""

    def __init__(self, quiet: bool):
        self.quiet, self.current = quiet, _Progress("tokens", quiet)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.current.what:
            self.current = _Progress(stage, self.quiet)
        if stage == "epochs" and not self.quiet:
            render.status(f"fitting: epoch {done} of {total}")
            return
        self.current(done, total)


@command()
def distill(
    teacher: Annotated[str, typer.Argument(metavar="TEACHER", help=(
        "A sentence-transformers or Hugging Face encoder directory (weights + tokenizer.json), or minilm."))],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="The model2vec folder to write.")],
    dim: Annotated[int, typer.Option(min=1, help="PCA dimensions (at most the teacher's).")] = 256,
    vocab: Annotated[Path | None, typer.Option("--vocab", metavar="FILE", help=(
        "Words to add, one a line (a count after a word allows --weighting sif).")) ] = None,
    weighting: Annotated[str, choices("--weighting", WEIGHTINGS,
                                      "Frequency weights: Zipf by rank, SIF from --vocab counts, or none.")] = "zipf",
    corpus: Annotated[Path | None, typer.Option("--corpus", metavar="FILE", help=(
        "Texts, one a line (.gz/.bz2/.xz too): fit the rows to the teacher's vectors of them.")) ] = None,
    epochs: Annotated[int | None, typer.Option(min=1, show_default=False, help=(
        f"Fitting passes over --corpus (default {FitConfig.epochs}).")) ] = None,
    seed: Annotated[int | None, typer.Option(show_default=False, help=(
        f"Fitting: seed of the validation split and the order (default {FitConfig.seed}).")) ] = None,
    to: Annotated[str, typer.Option("--format", "-f", metavar=one_of(FOLDER_FORMATS),
                                    help="Folder layout to write.")] = "model2vec",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Distil a transformer into a static sentence encoder: every token through it, PCA, frequency weights.

    With --corpus, the rows are then fitted to the teacher's vectors of its texts (slower, closer to the teacher).
    """
    start = time.perf_counter()
    words, counts = read_vocabulary(vocab) if vocab is not None else (None, None)
    config = DistillConfig(dim=dim, weighting=weighting)  # type: ignore[arg-type]
    fit = None
    if corpus is not None:
        fit = FitConfig(epochs=epochs or FitConfig.epochs, seed=FitConfig.seed if seed is None else seed)
    elif epochs is not None or seed is not None:
        raise TokvecError("--epochs and --seed set the fitting step; give --corpus FILE too")
    v = run_distill(teacher, dim, words, counts=counts, corpus=corpus, fit=fit, config=config,
                    progress=_Stages(quiet))
    written = save(v, output, format=to)
    meta = v.metadata
    info = {"output": str(written), "teacher": meta["teacher"], "tokens": len(v), "dim": v.dim,
            "pooling": meta["pooling"], "weighting": weighting, "seconds": round(time.perf_counter() - start, 2)}
    if corpus is not None:
        info["fit"] = {"texts": int(meta["fit_texts"]), "validation_texts": int(meta["fit_validation_texts"]),
                       "loss_before": float(meta["fit_loss_before"]), "loss_after": float(meta["fit_loss_after"]),
                       "best_epoch": int(meta["fit_best_epoch"]), "epochs": int(meta["fit_epochs"])}
    if as_json:
        render.emit_json(info)
        return
    fitted = ""
    if corpus is not None:
        fit = info["fit"]
        fitted = (f"; fitted on {fit['texts']:,} texts, validation loss {fit['loss_before']:.3f} -> "
                  f"{fit['loss_after']:.3f} (epoch {fit['best_epoch']} of {fit['epochs']})")
    render.line(f"wrote {written} ({len(v):,} tokens x {v.dim}, {info['pooling']} pooling, {weighting} "
                f"weights{fitted}) in {info['seconds']:.1f} s")


@command()
def encode(
    source: Annotated[Path, typer.Argument(metavar="INPUT", help=(
        "A text file (one text a line; .gz/.bz2/.xz read too) or a .parquet file with a text column."))],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUT",
                                         help="OUT.npy (float32 rows) or OUT.parquet (input columns + embedding).")],
    column: Annotated[str, typer.Option(help="Parquet input: the column holding the texts.")] = "text",
    normalize: Annotated[bool | None, typer.Option("--normalize/--no-normalize", show_default=False, help=(
        "Unit-length vectors (default: as the model says; word vectors: no)."))] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Texts per batch (memory holds one batch).")] = DEFAULT_BATCH,
    threads: Annotated[int | None, typer.Option(min=1, help="Threads for the mean kernel (default: all).")] = None,
    vectors: VectorsOpt = "glove",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Encode texts into sentence vectors with a static model (model2vec folder) or word vectors."""
    v = load_vectors(vectors)
    options = EncodeOptions(normalize=normalize, batch_size=batch_size, threads=threads)
    done = encode_file(v, source, output, column=column, options=options, progress=_Progress("texts", quiet))
    info = {"output": str(done.output), "texts": done.texts, "dim": done.dim, "seconds": round(done.seconds, 3),
            "texts_per_second": round(done.texts / max(done.seconds, 1e-9))}
    if as_json:
        render.emit_json(info)
    else:
        render.line(f"wrote {done.output} ({done.texts:,} x {done.dim}) in {done.seconds:.2f} s "
                    f"({info['texts_per_second']:,} texts/s)")
