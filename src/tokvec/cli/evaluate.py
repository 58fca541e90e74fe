"""The ``eval`` command: word-similarity (Spearman/Pearson) and analogy (accuracy) benchmarks.

With no files it runs the shipped sets (WordSim-353, SimLex-999, questions-words) under gensim's
protocol (first 300,000 tokens, case-insensitive), states the protocol under each table, and can list
what was skipped (``--show-oov``).

Deliberately left out: the scoring itself (``tokvec.evaluate``).
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from .. import evaluate as ev
from ..search.exact import METHODS
from . import render
from ._app import JsonOpt, VectorsOpt, choices, command, load_vectors


@command("eval")
def evaluate(
    similarity_sets: Annotated[list[str] | None, typer.Option(
        "--similarity", metavar="FILE|NAME", help="Word-pair file or shipped set (wordsim353, simlex999); "
        "repeatable.")] = None,
    analogies: Annotated[str | None, typer.Option(
        "--analogies", metavar="FILE|NAME",
        help="Analogy file (questions-words.txt format) or the shipped 'questions-words'.")] = None,
    restrict: Annotated[int, typer.Option(
        "--restrict", min=0, help="Vocabulary = the first N (most frequent) tokens (gensim's default); 0 = all.")]
    = 300_000,
    case_insensitive: Annotated[bool, typer.Option(
        "--case-insensitive/--case-sensitive", help="Upper-case words and tokens before matching (gensim's "
        "default).")] = True,
    method: Annotated[str, choices("--method", METHODS, "Analogy objective: cosadd (3CosAdd) or cosmul (3CosMul).")]
    = "cosadd",
    vectors: VectorsOpt = "glove",
    show_oov: Annotated[bool, typer.Option("--show-oov", help="List the skipped pairs and out-of-vocabulary words.")]
    = False,
    oov: Annotated[str, choices("--oov", ("skip", "subwords"), "Pairs and analogy questions with an "
                                "out-of-vocabulary word: skip them (gensim's protocol) or build the word from its "
                                "character n-grams (fastText vectors; an analogy's answer must still be in the "
                                "vocabulary). Those are also reported on their own.")] = "skip",
    as_json: JsonOpt = False,
) -> None:
    """Similarity (Spearman/Pearson) and analogy (accuracy) benchmarks; no files = the shipped sets."""
    if not similarity_sets and not analogies:
        similarity_sets, analogies = list(ev.BUILTIN_SIMILARITY), ev.BUILTIN_ANALOGIES
    v = load_vectors(vectors)
    restrict_to = restrict or None  # 0 = the whole vocabulary
    sim_results = [ev.evaluate_similarity(v, path, restrict=restrict_to, case_insensitive=case_insensitive,
                                          oov=oov)  # type: ignore[arg-type]
                   for path in similarity_sets or []]
    analogy_result, seconds = None, 0.0
    if analogies:
        start = time.perf_counter()
        analogy_result = ev.evaluate_analogies(
            v, analogies, method=method, restrict=restrict_to, case_insensitive=case_insensitive,  # type: ignore[arg-type]
            oov=oov)
        seconds = time.perf_counter() - start
    if as_json:
        render.emit_json({
            "vectors": vectors,
            "similarity": [r.to_dict(oov=show_oov) for r in sim_results],
            "analogies": None if analogy_result is None else
            {**analogy_result.to_dict(oov=show_oov), "seconds": round(seconds, 3)},
        })
        return
    if sim_results:
        _similarity_tables(vectors, sim_results, show_oov)
    if analogy_result is not None:
        _analogy_table(vectors, analogy_result, seconds, show_oov)


def _columns(first: str, *rest: str) -> list[str | tuple[str, dict]]:
    return [first, *((name, render.RIGHT) for name in rest)]


def _similarity_tables(vectors: str, results: list[ev.SimilarityResult], show_oov: bool) -> None:
    render.table(f"word similarity: {vectors}",
                 _columns("set", "pairs used", "skipped (OOV)", "Spearman ρ", "Pearson r"),
                 ([r.name, f"{r.pairs_used:,}", f"{r.pairs_skipped:,} ({r.oov_ratio:.1f}%)", f"{r.spearman:.4f}",
                   f"{r.pearson:.4f}"] for r in results))
    render.line((f"protocol: {results[0].protocol}", "dim"))
    for r in results if results[0].oov == "subwords" else ():
        alone = f"Spearman ρ on them alone {r.subword_spearman:.4f}" if r.subword_spearman is not None else \
            "too few to correlate alone"
        render.line(f"{r.name}: {len(r.subword_pairs):,} of the {r.pairs_used:,} pairs have a word built from its "
                    f"character n-grams (--oov subwords); {alone}")
        if show_oov:
            render.line(f"{r.name} pairs from n-grams: {', '.join(f'{a}-{b}' for a, b in r.subword_pairs) or 'none'}")
    if show_oov:
        for r in results:
            render.line(f"{r.name} skipped pairs: {', '.join(f'{a}-{b}' for a, b in r.oov_pairs) or 'none'}")


def _analogy_table(vectors: str, a: ev.AnalogyResult, seconds: float, show_oov: bool) -> None:
    render.table(f"analogies: {a.name}, {a.method}, {vectors}",
                 _columns("section", "correct", "answered", "skipped (OOV)", "accuracy"),
                 ([sec.name, f"{sec.correct:,}", f"{sec.total:,}", f"{sec.skipped:,}",
                   f"{sec.accuracy:.1%}" if sec.total else "-"] for sec in a.sections),
                 end_rows=[["Total accuracy", f"{a.correct:,}", f"{a.total:,}", f"{a.skipped:,}", f"{a.accuracy:.1%}"]])
    render.line((f"protocol: {a.protocol}", "dim"))
    render.line((f"answered {a.total:,} questions in {seconds:.2f} s", "dim"))
    if a.protocol.oov == "subwords":
        render.line(f"{a.name}: {a.subword_questions:,} of the {a.total:,} questions have a, b or c built from its "
                    f"character n-grams (--oov subwords); {a.subword_correct:,} of them correct")
    if show_oov:
        render.line(f"{a.name} out-of-vocabulary words ({len(a.oov_words)}): {' '.join(a.oov_words) or 'none'}")
