"""The ``compare`` command: two vector sets on their shared tokens (alignment, overlap@k, drift).

Deliberately left out: the measurements (``tokvec.analysis.compare``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..analysis import compare as comparison
from . import render
from ._app import JsonOpt, command, load_vectors


@command()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First vector file path or builtin name.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Second vector file path or builtin name.")],
    words: Annotated[list[str] | None, typer.Option(
        "--words", "-w", metavar="WORD", help="A token whose neighbours to show in both sets (repeatable).")] = None,
    k: Annotated[int, typer.Option("-k", "--neighbours", "--neighbors", min=1, max=1_000,
                                   help="Neighbours per token, and the k of overlap@k.")] = 10,
    probe: Annotated[int, typer.Option(min=2, max=comparison.MAX_PROBE,
                                       help="Compare the N most frequent shared tokens of A.")] = 2_000,
    top: Annotated[int, typer.Option(min=0, max=10_000, help="Show the N tokens that drifted most.")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Compare two vector sets on their shared tokens: Procrustes alignment, overlap@k and the words that drifted most.
    """
    result = comparison.compare(load_vectors(a), load_vectors(b), k=k, probe=probe, words=words or (), top=top)
    if as_json:
        render.emit_json(result.to_json())
        return
    render.key_values(f"{a} vs {b}", [
        ("tokens", f"{result.tokens_a:,} / {result.tokens_b:,} ({result.shared:,} shared)"),
        ("compared", f"{result.probe_size:,} most frequent shared tokens of A"),
        (f"overlap@{k}", f"{result.overlap:.3f} (1 = the same neighbourhoods)"),
        ("aligned cosine",
         f"{result.aligned_cosine:.3f} after an orthogonal rotation (residual {result.residual:.3f})"),
    ])
    columns = [("token", render.TOKEN), ("overlap", render.RIGHT), ("cosine", render.RIGHT),
               (f"neighbours in {a}", {}), (f"neighbours in {b}", {})]
    for title, rows in ((f"asked-for words (k={k})", result.words), ("drifted most", result.drift)):
        if rows:
            render.table(title, columns, ([d.token, f"{d.overlap:.2f}", f"{d.aligned_cosine:.2f}",
                                           " ".join(render.visible(t) for t in d.neighbours_a[:6]),
                                           " ".join(render.visible(t) for t in d.neighbours_b[:6])] for d in rows))
    if result.missing_words:
        render.notes([f"not in both sets: {', '.join(result.missing_words)}"])
