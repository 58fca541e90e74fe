"""The answers of the common query commands (similar, analogy, similarity, distance, odd-one-out), frame-free.

Each function takes a command's options as plain values (the names and defaults of its ``--help``),
loads ``-v/--vectors``, asks ``Vectors`` one question and prints the answer through
``tokvec.cli.render``. Two callers share them, so both print the same bytes: the typer commands of
``tokvec.cli.query`` and the hand-written fast path ``tokvec.cli._fast``, which answers a plain
``tokvec similar king`` without importing typer. Words that are not single tokens (a transformer
vocabulary) are queried as ``Vectors`` does and a note says how.

Deliberately left out: parsing the command line (typer, or ``_fast``), the other commands (``query``).
"""

from __future__ import annotations

import time

from ..errors import TokvecError
from ..formats import load
from ..search import ann, compact
from ..search.exact import Neighbour
from ..vectors import Vectors
from . import render


def load_vectors(name: str, lower: bool = False) -> Vectors:
    """The vectors a command works on: a path or a builtin name (``lower``: the ``--lower`` fallback)."""
    return load(name, lower=lower)


def notes_for(v: Vectors, words: list[str]) -> list[str]:
    """Lines saying how words that are not tokens were queried (lower-case form, mean of pieces), and
    that the answers are approximate when the file holds int8 codes only."""
    notes = [note for note in dict.fromkeys(v.explain(w) for w in words) if note]
    approximate = compact.approximation_note(v)
    return notes + [approximate] if approximate else notes


def clamped(v: Vectors, topn: int, notes: list[str]) -> int:
    """``topn``, or the vocabulary size when it is larger (with a note)."""
    if topn <= len(v):
        return topn
    notes.append(f"--topn {topn:,} is more than the {len(v):,} tokens; showing every one")
    return len(v)


def shown(v: Vectors, results: list[Neighbour]) -> list[Neighbour]:
    """Results with tokens as a person reads them (``Ġking`` -> `` king``); word vectors: as they are."""
    return results if v.tokenizer is None else [n._replace(token=v.display(n.token)) for n in results]


def similar(words: list[str], neg: list[str] | None = None, topn: int = 10, restrict: int | None = None,
            method: str = "cosadd", approximate: bool = False, lower: bool = False, vectors: str = "glove",
            as_json: bool = False) -> None:
    """``tokvec similar``: nearest neighbours of ``words`` minus ``neg``, query words excluded."""
    v = load_vectors(vectors, lower)
    negative = neg or []
    notes: list[str] = []
    topn = clamped(v, topn, notes)
    if method == "cosmul":
        if approximate:
            raise TokvecError("--approximate works with --method cosadd only (3CosMul is not a nearest-neighbour "
                              "query); drop one of them")
        results = v.most_similar_cosmul(positive=words, negative=negative, topn=topn, restrict=restrict)
    else:
        index = _ann_index(v, notes) if approximate else None
        results = v.most_similar(positive=words, negative=negative, topn=topn, restrict=restrict, index=index)
    notes += notes_for(v, words + negative)
    if as_json:
        render.emit_json({"positive": words, "negative": negative, "method": method,
                          "results": render.neighbours_json(results), "notes": notes})
        return
    render.notes(notes)
    title = " + ".join(words) + "".join(f" - {w}" for w in negative)
    render.neighbours(f"most similar to {title}", shown(v, results))


def _ann_index(v: Vectors, notes: list[str]) -> ann.Index:
    """The cached approximate index of ``v``, built and saved on first use; says which in ``notes``."""
    path = ann.cache_path(v)
    if path.exists():
        index = ann.load(path, v, mmap=True)  # only searched: faiss reads the lists it probes, in place
        notes.append(f"approximate: {index.describe()}, cached at {path}")
        return index
    render.status(f"building an approximate index for {len(v):,} vectors (once)...")
    start = time.perf_counter()
    index = ann.build(v)
    ann.save(index, path)
    notes.append(f"approximate: built an {index.describe()} in {time.perf_counter() - start:.1f} s, cached at {path}")
    return index


def analogy(a: str, b: str, c: str, topn: int = 5, restrict: int | None = None, method: str = "cosadd",
            lower: bool = False, vectors: str = "glove", as_json: bool = False) -> None:
    """``tokvec analogy``: A is to B as C is to ?"""
    v = load_vectors(vectors, lower)
    notes: list[str] = []
    topn = clamped(v, topn, notes)
    results = v.analogy(a, b, c, topn=topn, method=method, restrict=restrict)  # type: ignore[arg-type]
    notes += notes_for(v, [a, b, c])
    if as_json:
        render.emit_json({"a": a, "b": b, "c": c, "method": method, "results": render.neighbours_json(results),
                          "notes": notes})
        return
    render.notes(notes)
    render.neighbours(f"{a} : {b} :: {c} : ?   ({b} - {a} + {c}, {method})", shown(v, results))


def similarity(word1: str, word2: str, lower: bool = False, vectors: str = "glove", as_json: bool = False) -> None:
    """``tokvec similarity``: cosine similarity of two words."""
    v = load_vectors(vectors, lower)
    value = v.similarity(word1, word2)
    notes = notes_for(v, [word1, word2])
    if as_json:
        render.emit_json({"word1": word1, "word2": word2, "similarity": value, "notes": notes})
    else:
        render.notes(notes)
        render.line(f"cosine similarity({word1}, {word2}) = ", (f"{value:.4f}", "bold"))


def distance(word1: str, word2: str, cosine: bool = False, lower: bool = False, vectors: str = "glove",
             as_json: bool = False) -> None:
    """``tokvec distance``: Euclidean distance of two words, or cosine distance."""
    v = load_vectors(vectors, lower)
    value = v.cosine_distance(word1, word2) if cosine else v.distance(word1, word2)
    kind = "cosine" if cosine else "euclidean"
    notes = notes_for(v, [word1, word2])
    if as_json:
        render.emit_json({"word1": word1, "word2": word2, "kind": kind, "distance": value, "notes": notes})
    else:
        render.notes(notes)
        label = "1 - cos" if cosine else "||a - b||"
        render.line(f"{kind} distance({word1}, {word2}) = {label} = ", (f"{value:.4f}", "bold"))


def odd_one_out(words: list[str], lower: bool = False, vectors: str = "glove", as_json: bool = False) -> None:
    """``tokvec odd-one-out``: the word that fits least with the others."""
    v = load_vectors(vectors, lower)
    odd = v.odd_one_out(words)
    notes = notes_for(v, words)
    if as_json:
        render.emit_json({"words": words, "odd_one_out": odd, "notes": notes})
    else:
        render.notes(notes)
        render.line(f"odd one out of {' '.join(words)}: ", (odd, "bold"))
