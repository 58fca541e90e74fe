"""Commands that query one vector set: info, similar, analogy, similarity, distance, odd-one-out, lookup, tokens.

Each loads ``-v/--vectors`` (default ``glove``), asks ``Vectors`` one question and prints the answer
through ``tokvec.cli.render`` (``--json`` for machine-readable output). Words that are not single
tokens (a transformer vocabulary) are queried as ``Vectors`` does and a note says how. The answers of
similar, analogy, similarity, distance and odd-one-out live in ``tokvec.cli.answers`` (these commands
declare their options; ``tokvec.cli._fast`` answers their plain invocations without typer).

Deliberately left out: the search itself (``tokvec.vectors``, ``tokvec.search``, ``tokvec.search.ann``) and
whole-benchmark evaluation (``tokvec.cli.evaluate``).
"""

from __future__ import annotations

import time
from typing import Annotated

import numpy as np
import typer

from ..errors import TokvecError
from ..printable import clip
from ..search import compact
from ..search.exact import METHODS
from ..vectors import Vectors
from . import answers, render
from ._app import JsonOpt, LowerOpt, RestrictOpt, TopnOpt, VectorsOpt, choices, command, load_vectors

MethodOpt = Annotated[str, choices("--method", METHODS, "cosadd (mean of unit vectors, 3CosAdd) or cosmul (3CosMul).")]


@command()
def info(
    vectors: Annotated[str | None, typer.Argument(metavar="PATH|NAME", help="Vector file path or builtin name.")]
    = None,
    vectors_opt: Annotated[str | None, typer.Option("--vectors", "-v", metavar="PATH|NAME",
                                                    help="Same as the argument.")] = None,
    sample: Annotated[int, typer.Option(help="How many leading tokens to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Size, dim, dtype, format, norms and sample tokens of a vector set."""
    name = vectors or vectors_opt or "glove"
    start = time.perf_counter()
    v = load_vectors(name)
    opened = time.perf_counter() - start
    codes_only = compact.codes_only(v)
    norms = None if codes_only else v.norms  # an int8-only file's codes have no scale to report
    data = {
        "name": name,
        "source": v.source,
        "format": v.metadata.get("loaded_format", ""),
        "tokens": len(v),
        "dim": v.dim,
        "dtype": str(v.dtype),
        "scan_copy": None if v.compact is None or codes_only else v.compact.kind,
        "codes_only": codes_only,
        "memory_mapped": isinstance(v.matrix, np.memmap),
        "matrix_bytes": int(v.matrix.nbytes),
        "has_counts": v.counts is not None,
        "norms": {"min": float(norms.min()), "mean": float(norms.mean()), "max": float(norms.max())}
        if len(v) and norms is not None else None,
        "sample_tokens": [v.token(i) for i in range(min(sample, len(v)))],
        "open_seconds": round(opened, 4),
        "subwords": None if v.subwords is None else {"minn": v.subwords.minn, "maxn": v.subwords.maxn,
                                                     "bucket": v.subwords.bucket},
    }
    if as_json:
        render.emit_json(data)
        return
    rows = [(key, f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value))
            for key, value in ((k, data[k]) for k in ("source", "format", "tokens", "dim", "dtype", "memory_mapped",
                                                      "matrix_bytes", "has_counts"))]
    rows[4] = ("dtype", _storage(v, data))
    if data["norms"]:
        n = data["norms"]
        rows.append(("norms", f"min {n['min']:.3f}  mean {n['mean']:.3f}  max {n['max']:.3f}"))
    if v.subwords is not None:
        rows.append(("subwords", f"{v.subwords.minn}-{v.subwords.maxn} character n-grams, {v.subwords.bucket:,} "
                                 "buckets: unknown words get vectors (fastText)"))
    rows += [("first tokens", " ".join(clip(t, render.TOKEN_WIDTH) for t in data["sample_tokens"])),
             ("opened in", f"{opened * 1000:.1f} ms")]
    render.key_values(name, rows)


@command()
def similar(
    words: Annotated[list[str], typer.Argument(metavar="WORD", help="Positive words (their mean is the query).")],
    neg: Annotated[list[str] | None, typer.Option("--neg", metavar="WORD", help="Negative word (repeatable).")]
    = None,
    topn: TopnOpt = 10,
    restrict: RestrictOpt = None,
    method: MethodOpt = "cosadd",
    approximate: Annotated[bool, typer.Option(
        "--approximate", help="Search a faiss IVF index (extra: ann) instead of every row; the index is "
        "built on first use (recall@10 >= 0.95) and cached in $TOKVEC_HOME/ann.")] = False,
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Nearest neighbours of WORDS (minus --neg words), query words excluded."""
    answers.similar(words, neg, topn, restrict, method, approximate, lower, vectors, as_json)


@command()
def analogy(
    a: Annotated[str, typer.Argument(help="A, in 'A is to B as C is to ?'")],
    b: Annotated[str, typer.Argument(help="B")],
    c: Annotated[str, typer.Argument(help="C")],
    topn: TopnOpt = 5,
    restrict: RestrictOpt = None,
    method: MethodOpt = "cosadd",
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """A is to B as C is to ?  (e.g. man king woman -> queen)."""
    answers.analogy(a, b, c, topn, restrict, method, lower, vectors, as_json)


@command()
def similarity(word1: str, word2: str, lower: LowerOpt = False, vectors: VectorsOpt = "glove",
               as_json: JsonOpt = False) -> None:
    """Cosine similarity of two words."""
    answers.similarity(word1, word2, lower, vectors, as_json)


@command()
def distance(
    word1: str,
    word2: str,
    cosine: Annotated[bool, typer.Option("--cosine", help="Cosine distance (1 - similarity) instead.")] = False,
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Euclidean distance (norm of the difference) of two words, or --cosine distance."""
    answers.distance(word1, word2, cosine, lower, vectors, as_json)


@command("odd-one-out")
def odd_one_out(
    words: Annotated[list[str], typer.Argument(metavar="WORD", help="At least two words.")],
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """The word that fits least with the others."""
    answers.odd_one_out(words, lower, vectors, as_json)


@command()
def lookup(
    keys: Annotated[list[str], typer.Argument(metavar="KEY", help="Tokens, or row ids with --ids.")],
    ids: Annotated[bool, typer.Option("--ids", help="Treat the arguments as row ids.")] = False,
    values: Annotated[int, typer.Option(help="How many leading values to print per row (0 = all).")] = 8,
    lower: LowerOpt = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Rows of the embedding matrix, by token or by id.

    A word that is not one token (a transformer vocabulary) shows the mean of its pieces, with a note."""
    v = load_vectors(vectors, lower)
    if ids:
        try:
            numbers = [int(k) for k in keys]
        except ValueError:
            raise TokvecError(f"--ids needs integers, got {render.shorten(' '.join(keys), 200)}") from None
        entries = [_row_entry(v, v.vocab.row(n)) for n in numbers]
    else:
        entries = [_word_entry(v, k) for k in keys]
    if as_json:
        render.emit_json([{"id": r, "token": t, "vector": vec.tolist(), **({} if r is not None else {"pieces": p})}
                          for r, t, vec, p in entries])
        return
    render.notes([] if ids else answers.notes_for(v, keys))
    shown = v.dim if values <= 0 else min(values, v.dim)
    render.table(f"rows of the {len(v):,} x {v.dim} matrix",
                 [("id", render.RIGHT), ("token", render.TOKEN),
                  (f"vector[:{shown}]" if shown < v.dim else "vector", render.NUMBERS)],
                 (["-" if r is None else str(r), t, " ".join(f"{x:+.3f}" for x in vec[:shown])]
                  for r, t, vec, _ in entries))


def _storage(v: Vectors, data: dict) -> str:
    """How the rows are stored, as ``info`` says it: the dtype, a scan copy beside it, or codes only."""
    if data["codes_only"]:
        return f"int8 codes only: {compact.approximation(v)}; values not kept"
    if data["scan_copy"]:
        return f"{data['dtype']} + {data['scan_copy']} scan copy (searches scan it, then rescore exactly)"
    return data["dtype"]


Entry = tuple[int | None, str, np.ndarray, list[str]]
"""One row shown by ``lookup``: id (None for the mean of pieces), token or word, vector, pieces."""


def _row_entry(v: Vectors, row: int) -> Entry:
    return row, v.token(row), v[row], [v.token(row)]


def _word_entry(v: Vectors, word: str) -> Entry:
    rows = v.word_rows(word)
    if len(rows) == 1:
        return _row_entry(v, rows[0])
    return None, word, v.vector(word), [v.token(r) for r in rows]


@command()
def tokens(
    text: Annotated[str, typer.Argument(help="Text to split into the model's tokens.")],
    model: Annotated[str, typer.Option("--model", "-m", "--vectors", "-v", metavar="PATH|NAME",
                                       help="Transformer vectors: builtin name (minilm), model dir or .tokvec.")]
    = "minilm",
    values: Annotated[int, typer.Option(help="How many leading values of each row to print.")] = 6,
    as_json: JsonOpt = False,
) -> None:
    """Tokenise TEXT with a transformer's tokenizer: tokens, ids, and their embedding rows."""
    v = load_vectors(model)
    if v.tokenizer is None:
        raise TokvecError(f"{model!r} has no tokenizer (it is a word-vector file); use a transformer such as "
                          "minilm or a Hugging Face model directory")
    ids, raw = v.tokenizer.encode(text)
    rows = v[np.array(ids, dtype=np.int64)] if ids else np.zeros((0, v.dim), np.float32)
    if as_json:
        render.emit_json([{"id": i, "token": t, "readable": v.display(t), "vector": rows[k].tolist()}
                          for k, (i, t) in enumerate(zip(ids, raw))])
        return

    def label(t: str) -> str:
        shown = v.display(t)
        return t if shown == t else f"{shown!r} ({t})"

    render.table(f"{len(ids)} tokens of {text!r} ({len(v):,} x {v.dim} token matrix)",
                 [("#", render.DIM_RIGHT), ("token", render.TOKEN), ("id", render.RIGHT),
                  (f"row[:{min(values, v.dim)}]", render.NUMBERS)],
                 ([str(k), label(t), str(i), " ".join(f"{x:+.3f}" for x in rows[k, :values])]
                  for k, (i, t) in enumerate(zip(ids, raw))))
