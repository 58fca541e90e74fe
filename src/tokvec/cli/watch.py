"""The ``watch`` command: how a tiny GPT's token embeddings organised, read from its snapshots.

Per snapshot the validation loss, overlap@k with the final neighbourhoods and the coherence of word
groups; each chosen word's neighbours at the start, middle and end; optionally a plot.

Deliberately left out: the measurements and the plot (``tokvec.watch``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import watch as watching
from . import render
from ._app import JsonOpt, command


@command()
def watch(
    directory: Annotated[Path, typer.Argument(
        metavar="DIR", help="Snapshot directory of a training run (step-NNNNNNN.tokvec files).")],
    word: Annotated[list[str] | None, typer.Option(
        "--word", "-w", metavar="WORD",
        help="Token whose neighbours to follow (repeatable; default: three monday he red water king).")] = None,
    k: Annotated[int, typer.Option("-k", "--neighbours", "--neighbors", min=1,
                                   help="Neighbours per word, and the k of overlap@k.")] = 5,
    probe: Annotated[int, typer.Option(min=2, help="Probe set: the N most frequent non-special tokens.")] = 500,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="OUT",
                                                help="Also draw the plot: .png, .svg or .pdf.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Watch embeddings learn: neighbours, overlap with the final neighbourhoods and group coherence per snapshot."""
    report = watching.watch(directory, word or watching.DEFAULT_WORDS, k=k, probe=probe)
    if output is not None:
        watching.plot_watch(report, output)
    if as_json:
        render.emit_json({**report.to_json(), "plot": None if output is None else str(output)})
        return
    steps = report.snapshots
    render.line(f"{len(steps)} snapshots in {report.directory}, steps {steps[0].step:,} to {steps[-1].step:,}")
    tables = [("per snapshot", watching.summary_table(report), "right")]
    if report.words:
        tables.append((f"{k} nearest tokens (cosine)", watching.neighbour_table(report), "left"))
    for title, (header, rows), justify in tables:
        columns = [(column, {"justify": justify, "style": "bold" if c == 0 else None,  # numbers: whole headers
                             "min_width": len(column) if justify == "right" else None})
                   for c, column in enumerate(header)]
        render.table(title, columns, rows, simple=True)  # wide: no rules
    render.notes(watching.report_notes(report))
    if output is not None:
        render.line(f"wrote {output}")
