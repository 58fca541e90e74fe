"""The ``plot`` command: a projection (PCA, t-SNE, UMAP), analogy arrows, a heatmap or a direction plot.

One of four plots per call, to ``OUT.png`` (matplotlib) or ``OUT.html`` (interactive); words the
vectors lack are an error unless ``--skip-missing`` (then a warning on stderr).

Deliberately left out: the drawing (``tokvec.plot``) and the TensorFlow projector export
(``tokvec export-projector``, in ``tokvec.cli.convert``).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Annotated

import typer

from .. import plot as plots
from ..errors import TokvecError, TokvecWarning
from ..plot.projection import METHODS
from . import render
from ._app import JsonOpt, VectorsOpt, choices, command, load_vectors


@command()
def plot(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUT",
                                         help="OUT.png (matplotlib) or OUT.html (interactive).")],
    words: Annotated[list[str] | None, typer.Argument(metavar="WORD", help="Words to plot.")] = None,
    method: Annotated[str, choices("--method", METHODS, "Projection.")] = "pca",
    neighbours: Annotated[int | None, typer.Option(
        "--neighbours", "--neighbors", "-k", min=0,
        help="Add each word's K nearest neighbours, coloured by word (--analogy: 3 by default).")] = None,
    top: Annotated[int, typer.Option(min=0, help="Add the N most frequent tokens.")] = 0,
    analogy: Annotated[tuple[str, str, str] | None, typer.Option(
        metavar="A B C", help="Arrows A→B and C→D, D = tokvec's answer to 'A is to B as C is to ?'.")] = None,
    heatmap: Annotated[bool, typer.Option("--heatmap", help="Cosine-similarity heatmap of WORDS.")] = False,
    direction: Annotated[tuple[str, str, str, str] | None, typer.Option(
        metavar="A1 B1 A2 B2", help="Place WORDS at x = cosine with A1→B1, y = cosine with A2→B2.")] = None,
    skip_missing: Annotated[bool, typer.Option("--skip-missing", help="Leave out unknown words (with a warning).")]
    = False,
    three_d: Annotated[bool, typer.Option("--3d", help="3-D projection (HTML only).")] = False,
    seed: Annotated[int, typer.Option(help="Random seed of t-SNE and UMAP.")] = 0,
    unseeded: Annotated[bool, typer.Option("--unseeded", help="No seed: UMAP uses all cores (faster, not "
                                                                 "reproducible).")] = False,
    title: Annotated[str | None, typer.Option(help="Plot title instead of the generated one.")] = None,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Plot words: a projection (PCA/t-SNE/UMAP), --analogy arrows, a --heatmap or a --direction plot."""
    words = words or []
    modes = [name for name, on in (("--analogy", analogy), ("--heatmap", heatmap), ("--direction", direction)) if on]
    if len(modes) > 1:
        raise TokvecError(f"{' and '.join(modes)} are different plots; choose one")
    if modes and (method != "pca" or three_d):
        raise TokvecError(f"{modes[0]} plots are 2-D and need no --method or --3d; drop them")
    if not modes and not words and not top:
        raise TokvecError("give WORDS to plot, or --top N for the most frequent tokens")
    v = load_vectors(vectors)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TokvecWarning)
        common = dict(skip_missing=skip_missing, title=title, out=output)
        if analogy:
            plots.analogy(v, *analogy, neighbours=3 if neighbours is None else neighbours, words=words, **common)
            kind = "analogy"
        elif heatmap:
            plots.heatmap(v, words, **common)
            kind = "heatmap"
        elif direction:
            plots.directions(v, words, x=direction[:2], y=direction[2:], **common)
            kind = "direction"
        else:
            plots.projection(v, words, neighbours=neighbours or 0, top=top, method=method,  # type: ignore[arg-type]
                             dim=3 if three_d else 2, seed=None if unseeded else seed, **common)
            kind = "projection"
    notes = [str(w.message) for w in caught if issubclass(w.category, TokvecWarning)]
    asked = dict.fromkeys([*words, *(analogy or ()), *(direction or ())])
    built = [note for note in (v.explain(w) for w in asked if v.from_ngrams(w)) if note]  # fastText subwords
    seconds = time.perf_counter() - start
    if as_json:
        render.emit_json({"output": str(output), "kind": kind, "method": method if kind == "projection" else None,
                          "warnings": notes, "notes": built, "seconds": round(seconds, 3)})
        return
    render.warnings(notes)
    render.notes(built)
    render.line(f"wrote {output} ({kind}) in {seconds:.2f} s")

