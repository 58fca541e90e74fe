"""The ``shell`` command: load the vectors once, then answer each line of standard input.

A line is a word, ``king + woman - man``, ``man : king :: woman``, ``sim cat dog``, ``dist cat dog`` or
``odd a b c`` (``tokvec.cli.queryline``). At a terminal it prompts; in a pipe it reads every line, and with
``--json`` writes one JSON object per line asked (``{"input": ..., "kind": ..., ...}``, or
``{"input": ..., "error": ...}``), flushed as it goes. A line that cannot be answered is one error line
and the next line is read; in a pipe the exit code is then 1.

Deliberately left out: the line grammar (``tokvec.cli.queryline``) and the queries (``tokvec.vectors``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import typer

from ..errors import TokvecError
from ..vectors import Vectors
from . import queryline, render
from ._app import JsonOpt, LowerOpt, RestrictOpt, TopnOpt, VectorsOpt, command, load_vectors
from .answers import clamped as _clamped
from .answers import notes_for as _notes
from .answers import shown as _shown

PROMPT = "tokvec> "


@command()
def shell(
    topn: TopnOpt = 10,
    restrict: RestrictOpt = None,
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Load once, then answer each line: a word, king + woman - man, man : king :: woman, sim cat dog."""
    start = time.perf_counter()
    v = load_vectors(vectors, lower)
    interactive = sys.stdin.isatty()
    if interactive:
        render.status(f"{vectors}: {len(v):,} x {v.dim}, loaded in {time.perf_counter() - start:.2f} s. "
                      f"Type {queryline.HELP}; Ctrl-D quits.")
    failed = 0
    for text in _lines(interactive):
        try:
            parsed = queryline.parse(text)
            if parsed is None:
                continue
            payload = _answer(v, parsed, topn, restrict)
        except TokvecError as exc:
            failed += 1
            render.emit_json_line({"input": text, "error": str(exc)}) if as_json else render.error(str(exc))
            continue
        if as_json:
            results = {"results": render.neighbours_json(payload["results"])} if "results" in payload else {}
            render.emit_json_line({"input": text, **payload, **results})
        else:
            _show(v, parsed, payload)
        sys.stdout.flush()
    if failed and not interactive:
        raise typer.Exit(1)


def _lines(interactive: bool) -> Iterator[str]:
    """Lines of standard input; at a terminal, read after a prompt until Ctrl-D, ``quit`` or ``exit``."""
    if not interactive:
        for text in sys.stdin:
            yield text.rstrip("\n")
        return
    while True:
        try:
            text = input(PROMPT)
        except EOFError:
            return
        if text.strip() in ("quit", "exit"):
            return
        yield text


def _answer(v: Vectors, line: queryline.Line, topn: int, restrict: int | None) -> dict:
    """The answer to one line, as the JSON object ``--json`` prints (``results`` as Neighbour lists)."""
    notes: list[str] = []
    words = list(line.words)
    if line.kind == "similar":
        results = v.most_similar(words, list(line.negative), topn=_clamped(v, topn, notes), restrict=restrict)
        answer: dict = {"positive": words, "negative": list(line.negative), "results": results}
    elif line.kind == "analogy":
        results = v.analogy(*words, topn=_clamped(v, topn, notes), restrict=restrict)
        answer = {"a": words[0], "b": words[1], "c": words[2], "results": results}
    elif line.kind == "similarity":
        answer = {"word1": words[0], "word2": words[1], "similarity": v.similarity(*words)}
    elif line.kind == "distance":
        answer = {"word1": words[0], "word2": words[1], "distance": v.distance(*words)}
    else:
        answer = {"words": words, "odd_one_out": v.odd_one_out(words)}
    notes += _notes(v, words + list(line.negative))
    return {"kind": line.kind, **answer, "notes": notes}


def _show(v: Vectors, line: queryline.Line, payload: dict) -> None:
    render.notes(payload["notes"])
    words = payload.get("words", [])
    if line.kind == "similar":
        title = " + ".join(payload["positive"]) + "".join(f" - {w}" for w in payload["negative"])
        render.neighbours(f"most similar to {title}", _shown(v, payload["results"]))
    elif line.kind == "analogy":
        a, b, c = payload["a"], payload["b"], payload["c"]
        render.neighbours(f"{a} : {b} :: {c} : ?   ({b} - {a} + {c})", _shown(v, payload["results"]))
    elif line.kind == "similarity":
        render.line(f"cosine similarity({payload['word1']}, {payload['word2']}) = ",
                    (f"{payload['similarity']:.4f}", "bold"))
    elif line.kind == "distance":
        render.line(f"euclidean distance({payload['word1']}, {payload['word2']}) = ",
                    (f"{payload['distance']:.4f}", "bold"))
    else:
        render.line(f"odd one out of {' '.join(words)}: ", (payload["odd_one_out"], "bold"))
