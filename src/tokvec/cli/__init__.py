"""The ``tokvec`` command line (typer + rich).

Every command that reads vectors takes ``-v/--vectors PATH|NAME`` (default ``glove``) and,
where it prints results, ``--json``. Any ``TokvecError`` becomes one line on stderr and exit
code 1; no tracebacks for bad input.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from .. import __version__
from ..errors import TokvecError
from ..formats import FORMATS, load, save
from ..vectors import Neighbour, Vectors

if TYPE_CHECKING:
    from ..ann import Index

app = typer.Typer(
    name="tokvec",
    help="Token embeddings made concrete: load, query, convert, import transformer token matrices. "
    "Vectors default to the builtin GloVe 6B 50d.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

VectorsOpt = Annotated[str, typer.Option("--vectors", "-v", help="Vector file path or builtin name (glove).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
TopnOpt = Annotated[int, typer.Option("--topn", "-n", min=1, help="How many results.")]
RestrictOpt = Annotated[
    int | None, typer.Option("--restrict", min=1, help="Search only the first N (most frequent) tokens.")
]


def _load(name: str) -> Vectors:
    return load(name)


def _emit_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _neighbour_table(title: str, results: list[Neighbour]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("token", style="bold")
    table.add_column("score", justify="right")
    for i, (token, score, _) in enumerate(results, 1):
        table.add_row(str(i), token, f"{score:.4f}")
    return table


def _results_json(results: list[Neighbour]) -> list[dict]:
    return [{"token": n.token, "score": n.score, "row": n.row} for n in results]


def _notes(v: Vectors, words: list[str]) -> list[str]:
    """Lines saying how words that are not single tokens were queried."""
    return [note for note in (v.explain(w) for w in words) if note]


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        console.print(f"[dim]note: {note}[/dim]", highlight=False)


def _shown(v: Vectors, results: list[Neighbour]) -> list[Neighbour]:
    return [Neighbour(v.display(n.token), n.score, n.row) for n in results]


@app.command()
def info(
    vectors: Annotated[str | None, typer.Argument(help="Vector file path or builtin name.")] = None,
    vectors_opt: Annotated[str | None, typer.Option("--vectors", "-v", help="Same as the argument.")] = None,
    sample: Annotated[int, typer.Option(help="How many leading tokens to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Size, dim, dtype, format, norms and sample tokens of a vector set."""
    name = vectors or vectors_opt or "glove"
    start = time.perf_counter()
    v = _load(name)
    opened = time.perf_counter() - start
    norms = v.norms
    data = {
        "name": name,
        "source": v.source,
        "format": v.metadata.get("loaded_format", ""),
        "tokens": len(v),
        "dim": v.dim,
        "dtype": str(v.dtype),
        "memory_mapped": isinstance(v.matrix, np.memmap),
        "matrix_bytes": int(v.matrix.nbytes),
        "has_counts": v.counts is not None,
        "norms": {"min": float(norms.min()), "mean": float(norms.mean()), "max": float(norms.max())}
        if len(v) else None,
        "sample_tokens": [v.token(i) for i in range(min(sample, len(v)))],
        "open_seconds": round(opened, 4),
    }
    if as_json:
        _emit_json(data)
        return
    table = Table(show_header=False, title=f"{name}", title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key in ("source", "format", "tokens", "dim", "dtype", "memory_mapped", "matrix_bytes", "has_counts"):
        value = data[key]
        table.add_row(key, f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value))
    if data["norms"]:
        n = data["norms"]
        table.add_row("norms", f"min {n['min']:.3f}  mean {n['mean']:.3f}  max {n['max']:.3f}")
    table.add_row("first tokens", " ".join(data["sample_tokens"]))
    table.add_row("opened in", f"{opened * 1000:.1f} ms")
    console.print(table)


@app.command()
def similar(
    words: Annotated[list[str], typer.Argument(help="Positive words (their mean is the query).")],
    neg: Annotated[list[str] | None, typer.Option("--neg", help="Negative word (repeatable).")] = None,
    topn: TopnOpt = 10,
    restrict: RestrictOpt = None,
    method: Annotated[str, typer.Option(help="cosadd (mean of unit vectors) or cosmul (3CosMul).")] = "cosadd",
    approximate: Annotated[bool, typer.Option(
        "--approximate", help="Search a faiss IVF index (extra: ann) instead of every row; the index is "
        "built on first use (recall@10 >= 0.95) and cached in $TOKVEC_HOME/ann.")] = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Nearest neighbours of WORDS (minus --neg words), query words excluded."""
    v = _load(vectors)
    negative = neg or []
    notes = []
    if method == "cosmul":
        if approximate:
            raise TokvecError("--approximate works with --method cosadd only (3CosMul is not a nearest-neighbour "
                              "query); drop one of them")
        results = v.most_similar_cosmul(positive=words, negative=negative, topn=topn, restrict=restrict)
    elif method == "cosadd":
        index = _ann_index(v, notes) if approximate else None
        results = v.most_similar(positive=words, negative=negative, topn=topn, restrict=restrict, index=index)
    else:
        raise TokvecError(f"unknown --method {method!r}; use cosadd or cosmul")
    notes += _notes(v, words + negative)
    if as_json:
        _emit_json({"positive": words, "negative": negative, "method": method, "results": _results_json(results),
                    "notes": notes})
        return
    _print_notes(notes)
    title = " + ".join(words) + "".join(f" - {w}" for w in negative)
    console.print(_neighbour_table(f"most similar to {title}", _shown(v, results)))


def _ann_index(v: Vectors, notes: list[str]) -> Index:
    """The cached approximate index of ``v``, built and saved on first use; says which in ``notes``."""
    from .. import ann

    path = ann.cache_path(v)
    if path.exists():
        index = ann.load(path, v)
        notes.append(f"approximate: {index.describe()}, cached at {path}")
        return index
    Console(stderr=True).print(f"[dim]building an approximate index for {len(v):,} vectors (once)...[/dim]")
    start = time.perf_counter()
    index = ann.build(v)
    ann.save(index, path)
    notes.append(f"approximate: built an {index.describe()} in {time.perf_counter() - start:.1f} s, cached at {path}")
    return index


@app.command()
def analogy(
    a: Annotated[str, typer.Argument(help="A, in 'A is to B as C is to ?'")],
    b: Annotated[str, typer.Argument(help="B")],
    c: Annotated[str, typer.Argument(help="C")],
    topn: TopnOpt = 5,
    restrict: RestrictOpt = None,
    method: Annotated[str, typer.Option(help="cosadd (3CosAdd) or cosmul (3CosMul).")] = "cosadd",
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """A is to B as C is to ?  (e.g. man king woman -> queen)."""
    v = _load(vectors)
    if method not in ("cosadd", "cosmul"):
        raise TokvecError(f"unknown --method {method!r}; use cosadd or cosmul")
    results = v.analogy(a, b, c, topn=topn, method=method, restrict=restrict)  # type: ignore[arg-type]
    notes = _notes(v, [a, b, c])
    if as_json:
        _emit_json({"a": a, "b": b, "c": c, "method": method, "results": _results_json(results), "notes": notes})
        return
    _print_notes(notes)
    console.print(_neighbour_table(f"{a} : {b} :: {c} : ?   ({b} - {a} + {c}, {method})", _shown(v, results)))


@app.command()
def similarity(
    word1: str, word2: str, vectors: VectorsOpt = "glove", as_json: JsonOpt = False
) -> None:
    """Cosine similarity of two words."""
    v = _load(vectors)
    value = v.similarity(word1, word2)
    if as_json:
        _emit_json({"word1": word1, "word2": word2, "similarity": value})
    else:
        console.print(f"cosine similarity({word1}, {word2}) = [bold]{value:.4f}[/bold]")


@app.command()
def distance(
    word1: str,
    word2: str,
    cosine: Annotated[bool, typer.Option("--cosine", help="Cosine distance (1 - similarity) instead.")] = False,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Euclidean distance (norm of the difference) of two words, or --cosine distance."""
    v = _load(vectors)
    value = v.cosine_distance(word1, word2) if cosine else v.distance(word1, word2)
    kind = "cosine" if cosine else "euclidean"
    if as_json:
        _emit_json({"word1": word1, "word2": word2, "kind": kind, "distance": value})
    else:
        label = "1 - cos" if cosine else "||a - b||"
        console.print(f"{kind} distance({word1}, {word2}) = {label} = [bold]{value:.4f}[/bold]")


@app.command("odd-one-out")
def odd_one_out(
    words: Annotated[list[str], typer.Argument(help="At least two words.")],
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """The word that fits least with the others."""
    v = _load(vectors)
    odd = v.odd_one_out(words)
    if as_json:
        _emit_json({"words": words, "odd_one_out": odd})
    else:
        console.print(f"odd one out of {' '.join(words)}: [bold]{odd}[/bold]")


@app.command()
def lookup(
    keys: Annotated[list[str], typer.Argument(help="Tokens, or row ids with --ids.")],
    ids: Annotated[bool, typer.Option("--ids", help="Treat the arguments as row ids.")] = False,
    values: Annotated[int, typer.Option(help="How many leading values to print per row (0 = all).")] = 8,
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Rows of the embedding matrix, by token or by id."""
    v = _load(vectors)
    if ids:
        try:
            rows = [int(k) for k in keys]
        except ValueError:
            raise TokvecError(f"--ids needs integers, got {' '.join(keys)}") from None
    else:
        rows = [v.index(k) for k in keys]
    matrix = v[np.array(rows, dtype=np.int64)]
    if as_json:
        _emit_json([{"id": r, "token": v.token(r), "vector": matrix[i].tolist()} for i, r in enumerate(rows)])
        return
    shown = v.dim if values <= 0 else min(values, v.dim)
    table = Table(title=f"rows of the {len(v):,} x {v.dim} matrix", title_justify="left")
    table.add_column("id", justify="right")
    table.add_column("token", style="bold")
    table.add_column(f"vector[:{shown}]" if shown < v.dim else "vector")
    for i, r in enumerate(rows):
        text = " ".join(f"{x:+.3f}" for x in matrix[i, :shown]) + (" ..." if shown < v.dim else "")
        table.add_row(str(r), v.token(r), text)
    console.print(table)


@app.command()
def convert(
    source: Annotated[str, typer.Argument(help="Input file or builtin name (format is sniffed).")],
    output: Annotated[Path, typer.Argument(help="Output file; format from --format or the extension.")],
    to: Annotated[str | None, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = None,
    dtype: Annotated[str | None, typer.Option(help="float32 or float16.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="Keep only the first N tokens.")] = None,
    errors: Annotated[str, typer.Option(help="UTF-8 policy for tokens: strict, replace, ignore.")] = "strict",
    nonfinite: Annotated[str, typer.Option(help="Rows with NaN/inf: error, drop, keep.")] = "error",
    as_json: JsonOpt = False,
) -> None:
    """Convert between formats (tokvec, word2vec binary/text, fastText .vec, GloVe)."""
    start = time.perf_counter()
    v = load(source, limit=limit, errors=errors, nonfinite=nonfinite)  # type: ignore[arg-type]
    written = save(v, output, format=to, dtype=dtype)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    if as_json:
        _emit_json({"output": str(written), "tokens": len(v), "dim": v.dim, "seconds": round(seconds, 3)})
    else:
        console.print(f"wrote {written} ({len(v):,} x {v.dim}) in {seconds:.2f} s")


@app.command()
def demo(
    section: Annotated[int | None, typer.Option("--section", "-s", min=1, max=7,
                                                help="Run one section: 1 one-hot, 2 pretrained, 3 layer, "
                                                     "4 one-hot cost, 5 transformer, 6 positions, "
                                                     "7 training.")] = None,
) -> None:
    """A guided tour of token embeddings on real data (offline, under 30 s)."""
    from .. import demo as tour

    tour.run(section, console)


@app.command()
def serve(
    vectors: VectorsOpt = "glove",
    host: Annotated[str, typer.Option(help="Interface to bind; keep 127.0.0.1 unless you mean to expose it.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port).")] = 8000,
) -> None:
    """A local web explorer: neighbours, analogies, autocomplete and a 2-D map, with a JSON API at /api."""
    try:
        import uvicorn

        from ..serve.app import create_app
    except ImportError:
        raise TokvecError("tokvec serve needs the optional packages fastapi and uvicorn. "
                          "Install them with: pip install 'tokvec[serve]'") from None
    v = _load(vectors)
    if host not in ("127.0.0.1", "localhost", "::1"):
        Console(stderr=True).print(f"[yellow]warning: binding {host} exposes the explorer to your network; "
                                   "it has no authentication[/yellow]")
    config = uvicorn.Config(create_app(v, name=vectors), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    console.print(f"tokvec explorer for {vectors} ({len(v):,} x {v.dim}) on http://{host}:{port}/  (Ctrl-C stops)")
    server.run()


@app.command("import-model")
def import_model(
    model_dir: Annotated[Path, typer.Argument(help="Hugging Face model directory (weights + tokenizer files).")],
    output: Annotated[Path, typer.Argument(help="Output file, usually .tokvec.")],
    dtype: Annotated[str | None, typer.Option(help="float32 or float16.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Extract a transformer's token-embedding matrix (BERT, GPT-2, LLaMA-style names) into a vector file."""
    from ..formats import hf

    start = time.perf_counter()
    v = hf.load_model_dir(model_dir)
    written = save(v, output, dtype=dtype)  # type: ignore[arg-type]
    info = {"output": str(written), "tensor": v.metadata["tensor"], "tokens": len(v), "dim": v.dim,
            "tokenizer": v.metadata["tokenizer_kind"], "position_tensor": v.metadata["position_tensor"] or None,
            "seconds": round(time.perf_counter() - start, 3)}
    if as_json:
        _emit_json(info)
    else:
        console.print(f"wrote {written}: {info['tensor']} ({len(v):,} x {v.dim}, {info['tokenizer']} tokens) "
                      f"in {info['seconds']:.2f} s")


@app.command()
def tokens(
    text: Annotated[str, typer.Argument(help="Text to split into the model's tokens.")],
    model: Annotated[str, typer.Option("--model", "-m", "--vectors", "-v",
                                       help="Transformer vectors: builtin name (minilm), model dir or .tokvec.")] = "minilm",
    values: Annotated[int, typer.Option(help="How many leading values of each row to print.")] = 6,
    as_json: JsonOpt = False,
) -> None:
    """Tokenise TEXT with a transformer's tokenizer: tokens, ids, and their embedding rows."""
    v = _load(model)
    if v.tokenizer is None:
        raise TokvecError(f"{model!r} has no tokenizer (it is a word-vector file); use a transformer such as "
                          "minilm or a Hugging Face model directory")
    ids, raw = v.tokenizer.encode(text)
    rows = v[np.array(ids, dtype=np.int64)] if ids else np.zeros((0, v.dim), np.float32)
    if as_json:
        _emit_json([{"id": i, "token": t, "readable": v.display(t), "vector": rows[k].tolist()}
                    for k, (i, t) in enumerate(zip(ids, raw))])
        return
    table = Table(title=f"{len(ids)} tokens of {text!r} ({len(v):,} x {v.dim} token matrix)", title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("token", style="bold")
    table.add_column("id", justify="right")
    table.add_column(f"row[:{min(values, v.dim)}]")
    for k, (i, t) in enumerate(zip(ids, raw)):
        shown = v.display(t)
        label = t if shown == t else f"{shown!r} ({t})"
        table.add_row(str(k), label, str(i), " ".join(f"{x:+.3f}" for x in rows[k, :values]) + " ...")
    console.print(table)



@app.command("eval")
def evaluate(
    similarity_sets: Annotated[list[str] | None, typer.Option(
        "--similarity", help="Word-pair file or shipped set (wordsim353, simlex999); repeatable.")] = None,
    analogies: Annotated[str | None, typer.Option(
        "--analogies", help="Analogy file (questions-words.txt format) or the shipped 'questions-words'.")] = None,
    restrict: Annotated[int, typer.Option(
        "--restrict", min=0, help="Vocabulary = the first N (most frequent) tokens (gensim's default); 0 = all.")] = 300_000,
    case_insensitive: Annotated[bool, typer.Option(
        "--case-insensitive/--case-sensitive", help="Upper-case words and tokens before matching (gensim's default).")] = True,
    method: Annotated[str, typer.Option(help="Analogy objective: cosadd (3CosAdd) or cosmul (3CosMul).")] = "cosadd",
    vectors: VectorsOpt = "glove",
    show_oov: Annotated[bool, typer.Option("--show-oov", help="List the skipped pairs and out-of-vocabulary words.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Similarity (Spearman/Pearson) and analogy (accuracy) benchmarks; no files = the shipped sets."""
    from .. import evaluate as ev  # imported here: the other commands do not need it

    if method not in ev.METHOD_NAMES:
        raise TokvecError(f"unknown --method {method!r}; use cosadd or cosmul")
    if not similarity_sets and not analogies:
        similarity_sets, analogies = list(ev.BUILTIN_SIMILARITY), ev.BUILTIN_ANALOGIES
    v = _load(vectors)
    restrict_to = restrict or None  # 0 = the whole vocabulary
    sim_results = [
        ev.evaluate_similarity(v, path, restrict=restrict_to, case_insensitive=case_insensitive)
        for path in similarity_sets or []
    ]
    analogy_result, seconds = None, 0.0
    if analogies:
        start = time.perf_counter()
        analogy_result = ev.evaluate_analogies(
            v, analogies, method=method, restrict=restrict_to, case_insensitive=case_insensitive)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
    if as_json:
        _emit_json({
            "vectors": vectors,
            "similarity": [r.to_dict(oov=show_oov) for r in sim_results],
            "analogies": None if analogy_result is None else
            {**analogy_result.to_dict(oov=show_oov), "seconds": round(seconds, 3)},
        })
        return
    if sim_results:
        table = Table(title=f"word similarity: {vectors}", title_justify="left")
        for column in ("set", "pairs used", "skipped (OOV)", "Spearman ρ", "Pearson r"):
            table.add_column(column, justify="left" if column == "set" else "right")
        for r in sim_results:
            table.add_row(r.name, f"{r.pairs_used:,}", f"{r.pairs_skipped:,} ({r.oov_ratio:.1f}%)",
                          f"{r.spearman:.4f}", f"{r.pearson:.4f}")
        console.print(table)
        console.print(f"[dim]protocol: {sim_results[0].protocol}[/dim]")
        if show_oov:
            for r in sim_results:
                pairs = ", ".join(f"{a}-{b}" for a, b in r.oov_pairs) or "none"
                console.print(f"{r.name} skipped pairs: {pairs}", highlight=False)
    if analogy_result is not None:
        a = analogy_result
        table = Table(title=f"analogies: {a.name}, {a.method}, {vectors}", title_justify="left")
        for column in ("section", "correct", "answered", "skipped (OOV)", "accuracy"):
            table.add_column(column, justify="left" if column == "section" else "right")
        for sec in a.sections:
            table.add_row(sec.name, f"{sec.correct:,}", f"{sec.total:,}", f"{sec.skipped:,}",
                          f"{sec.accuracy:.1%}" if sec.total else "-")
        table.add_row("Total accuracy", f"{a.correct:,}", f"{a.total:,}", f"{a.skipped:,}", f"{a.accuracy:.1%}",
                      style="bold", end_section=True)
        console.print(table)
        console.print(f"[dim]protocol: {a.protocol}[/dim]")
        console.print(f"[dim]answered {a.total:,} questions in {seconds:.2f} s[/dim]")
        if show_oov:
            console.print(f"{a.name} out-of-vocabulary words ({len(a.oov_words)}): {' '.join(a.oov_words) or 'none'}",
                          highlight=False)



@app.command()
def plot(
    output: Annotated[Path, typer.Option("--output", "-o", help="OUT.png (matplotlib) or OUT.html (interactive).")],
    words: Annotated[list[str] | None, typer.Argument(help="Words to plot.")] = None,
    method: Annotated[str, typer.Option(help="Projection: pca, tsne or umap.")] = "pca",
    neighbours: Annotated[int | None, typer.Option(
        "--neighbours", "--neighbors", "-k", min=0,
        help="Add each word's K nearest neighbours, coloured by word (--analogy: 3 by default).")] = None,
    top: Annotated[int, typer.Option(min=0, help="Add the N most frequent tokens.")] = 0,
    analogy: Annotated[tuple[str, str, str] | None, typer.Option(
        help="A B C: arrows A→B and C→D, D = tokvec's answer to 'A is to B as C is to ?'.")] = None,
    heatmap: Annotated[bool, typer.Option("--heatmap", help="Cosine-similarity heatmap of WORDS.")] = False,
    direction: Annotated[tuple[str, str, str, str] | None, typer.Option(
        help="A1 B1 A2 B2: place WORDS at x = cosine with A1→B1, y = cosine with A2→B2.")] = None,
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
    import warnings

    from .. import plot as plots
    from ..errors import TokvecWarning

    words = words or []
    modes = [name for name, on in (("--analogy", analogy), ("--heatmap", heatmap), ("--direction", direction)) if on]
    if len(modes) > 1:
        raise TokvecError(f"{' and '.join(modes)} are different plots; choose one")
    if method not in ("pca", "tsne", "umap"):
        raise TokvecError(f"unknown --method {method!r}; use pca, tsne or umap")
    if modes and (method != "pca" or three_d):
        raise TokvecError(f"{modes[0]} plots are 2-D and need no --method or --3d; drop them")
    v = _load(vectors)
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
            if not words and not top:
                raise TokvecError("give WORDS to plot, or --top N for the most frequent tokens")
            plots.projection(v, words, neighbours=neighbours or 0, top=top, method=method,  # type: ignore[arg-type]
                             dim=3 if three_d else 2, seed=None if unseeded else seed, **common)
            kind = "projection"
    notes = [str(w.message) for w in caught if issubclass(w.category, TokvecWarning)]
    seconds = time.perf_counter() - start
    if as_json:
        _emit_json({"output": str(output), "kind": kind, "method": method if kind == "projection" else None,
                    "warnings": notes, "seconds": round(seconds, 3)})
        return
    err = Console(stderr=True)
    for note in notes:
        err.print(f"[yellow]warning:[/yellow] {note}", highlight=False, soft_wrap=True)
    console.print(f"wrote {output} ({kind}) in {seconds:.2f} s", highlight=False)


@app.command("export-projector")
def export_projector(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write vectors.tsv, metadata.tsv and configs into.")],
    limit: Annotated[int, typer.Option(min=0, help="Export the first N (most frequent) tokens; 0 = all.")] = 10_000,
    tokens: Annotated[str, typer.Option(help="Tokens holding tabs/newlines: escape (as \\t, \\n) or error.")]
    = "escape",
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Files for the TensorFlow Embedding Projector (projector.tensorflow.org or TensorBoard), no TensorFlow needed."""
    from ..formats.projector import export_projector as export

    v = _load(vectors)
    start = time.perf_counter()
    files = export(v, out_dir, limit=limit or None, tokens=tokens)  # type: ignore[arg-type]
    info = {"directory": str(files.directory), "rows": files.rows, "dim": files.dim, "escaped_tokens": files.escaped,
            "files": [str(p) for p in (files.vectors, files.metadata, files.config_pbtxt, files.config_json)],
            "seconds": round(time.perf_counter() - start, 3)}
    if as_json:
        _emit_json(info)
        return
    written = ", ".join(Path(p).name for p in info["files"])
    console.print(f"wrote {files.rows:,} x {files.dim} to {files.directory}/ ({written}) in {info['seconds']:.2f} s",
                  highlight=False)
    if files.escaped:
        console.print(f"[dim]note: {files.escaped} token(s) held a tab, newline or backslash and were escaped[/dim]")
    console.print(f"[dim]open https://projector.tensorflow.org and Load the two .tsv files, or run "
                  f"`tensorboard --logdir {files.directory}`[/dim]", highlight=False)



@app.command()
def train(
    corpus: Annotated[list[Path], typer.Argument(help="Text files: one sentence per line, whitespace-separated tokens.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output vectors (.tokvec with counts, .bin, .txt, ...).")],
    model: Annotated[str, typer.Option(help="skipgram or cbow.")] = "cbow",
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
    checkpoint_every: Annotated[float | None, typer.Option(help="Write a checkpoint every MIN minutes.")] = None,
    checkpoint: Annotated[Path | None, typer.Option(help="Checkpoint file (default: OUTPUT.ckpt.npz).")] = None,
    resume: Annotated[Path | None, typer.Option(help="Continue from a checkpoint (its settings are used).")] = None,
    to: Annotated[str | None, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = None,
    errors: Annotated[str, typer.Option(help="Non-UTF-8 bytes: replace (and count) or strict (error).")] = "replace",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Train word2vec (skip-gram or CBOW, negative sampling) on text files; Ctrl-C saves a checkpoint."""
    from ..formats import format_name
    from ..train.word2vec import Word2VecConfig
    from ..train.word2vec import train as train_word2vec

    if to is not None:
        format_name(to)
    elif not any(s in (".tokvec", ".bin", ".vec", ".txt") for s in output.suffixes):
        raise TokvecError(f"cannot tell which format to write from the name {output.name!r}; use .tokvec, .bin, "
                          f".vec or .txt, or pass --format one of {', '.join(FORMATS)}")
    config = None if resume is not None else Word2VecConfig(
        model=model, dim=dim, window=window, negative=negative, min_count=min_count,  # type: ignore[arg-type]
        max_vocab=max_vocab, epochs=epochs, sample=sample, alpha=alpha, min_alpha=min(0.0001, alpha),
        threads=threads, seed=seed)
    ckpt = checkpoint if checkpoint is not None else output.with_name(output.name + ".ckpt.npz")
    result = train_word2vec([str(p) for p in corpus], config, checkpoint=ckpt, checkpoint_every=checkpoint_every,
                            resume=resume, progress=not quiet and not as_json, errors=errors)  # type: ignore[arg-type]
    written = save(result.vectors, output, format=to)  # type: ignore[arg-type]
    info = {"output": str(written), "tokens": len(result.vectors), "dim": result.vectors.dim,
            "model": result.config.model, "epoch_loss": result.epoch_loss,
            "words_per_second": round(result.words_per_second), "effective_words": result.effective_words,
            "seconds": round(result.seconds, 3), "replaced_bytes": result.replaced_bytes}
    if as_json:
        _emit_json(info)
        return
    table = Table(title=f"{result.config.model} loss", title_justify="left")
    table.add_column("epoch", justify="right")
    table.add_column("mean loss", justify="right")
    for e, loss in enumerate(result.epoch_loss, 1):
        table.add_row(str(e), f"{loss:.4f}")
    console.print(table)
    if result.replaced_bytes:
        console.print(f"[yellow]note: {result.replaced_bytes:,} non-UTF-8 bytes were replaced by U+FFFD "
                      "(--errors strict rejects them)[/yellow]")
    console.print(f"wrote {written} ({len(result.vectors):,} x {result.vectors.dim}); "
                  f"{result.words_per_second:,.0f} words/s over {result.seconds:.1f} s")


LM_SETTINGS = ("snapshot_every", "steps", "batch_size", "context", "dim", "layers", "heads", "vocab_size", "positions",
               "tie", "dropout", "lr", "warmup", "eval_every", "val_fraction", "checkpoint_every", "tokenizer", "seed")


@app.command("train-lm")
def train_lm(
    ctx: typer.Context,
    corpus: Annotated[list[Path], typer.Argument(help="Text files: one sentence or document per line.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Run directory: checkpoint.pt, tokenizer.json, "
                                         "embeddings.tokvec.")],
    snapshots: Annotated[Path | None, typer.Option(help="Snapshot directory (default: OUTPUT/snapshots).")] = None,
    snapshot_every: Annotated[int, typer.Option(help="Save the token embeddings every N steps.")] = 250,
    steps: Annotated[int, typer.Option(help="Optimiser steps.")] = 2000,
    batch_size: Annotated[int, typer.Option(help="Windows per process per step.")] = 32,
    context: Annotated[int, typer.Option(help="Window length in tokens.")] = 64,
    dim: Annotated[int, typer.Option(help="Embedding (model) width.")] = 128,
    layers: Annotated[int, typer.Option(help="Transformer blocks.")] = 4,
    heads: Annotated[int, typer.Option(help="Attention heads (must divide --dim).")] = 4,
    vocab_size: Annotated[int, typer.Option(help="BPE vocabulary to train on the corpus.")] = 4096,
    positions: Annotated[str, typer.Option(help="learned or sinusoidal position embeddings.")] = "learned",
    tie: Annotated[bool, typer.Option("--tie/--no-tie", help="Share the token matrix with the output head.")] = True,
    dropout: Annotated[float, typer.Option(help="Dropout probability.")] = 0.0,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW; warm-up, then cosine decay to "
                                                    "lr/10).")] = 3e-3,
    warmup: Annotated[int, typer.Option(help="Warm-up steps.")] = 100,
    eval_every: Annotated[int, typer.Option(help="Measure validation loss every N steps.")] = 250,
    val_fraction: Annotated[float, typer.Option(help="Fraction of lines held out for validation.")] = 0.05,
    checkpoint_every: Annotated[int, typer.Option(help="Write OUTPUT/checkpoint.pt every N steps.")] = 1000,
    tokenizer: Annotated[str | None, typer.Option(help="Use this tokenizer.json / model dir / 'minilm' instead "
                                                  "of training a BPE.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (weights, split, batches).")] = 1,
    threads: Annotated[int | None, typer.Option(min=1, help="torch CPU threads (default: cores / processes).")] = None,
    resume: Annotated[Path | None, typer.Option(help="Continue from a checkpoint with its own settings (other "
                                                "training options are refused).")] = None,
    sample: Annotated[str, typer.Option(help="Prompt for a short generated sample at the end ('' for none).")] = "the",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Train a tiny GPT and snapshot its token embeddings as they learn; Ctrl-C saves a checkpoint.

    Runs unchanged under `torchrun --nproc_per_node=N -m tokvec train-lm ...` (DDP; rank 0 writes).
    """
    from ..train.lm import LMConfig
    from ..train.lm import train_lm as run_training

    # by name: typer's context may carry its own copy of click's ParameterSource enum
    changed = [name for name in LM_SETTINGS if getattr(ctx.get_parameter_source(name), "name", "") != "DEFAULT"]
    if resume is not None and changed:
        options = ", ".join("--" + name.replace("_", "-") for name in changed)
        raise TokvecError(f"--resume continues with the checkpoint's own settings; drop {options} (to train "
                          "differently, start a new run)")
    config = None if resume is not None else LMConfig(
        vocab_size=vocab_size, context=context, dim=dim, layers=layers, heads=heads,
        positions=positions, tie=tie, dropout=dropout, batch_size=batch_size, steps=steps,  # type: ignore[arg-type]
        lr=lr, min_lr=lr / 10, warmup=min(warmup, steps), val_fraction=val_fraction, eval_every=eval_every,
        snapshot_every=snapshot_every, checkpoint_every=checkpoint_every, seed=seed)
    result = run_training([str(p) for p in corpus], config, out_dir=output, snapshots=snapshots, tokenizer=tokenizer,
                          resume=resume, threads=threads, progress=not quiet and not as_json)
    if result.rank != 0:
        return
    info = result.summary()
    text = ""
    if sample:
        from ..train.lm.data import end_token_id

        prompt = result.tokenizer.encode(sample, add_special_tokens=False).ids or [end_token_id(result.tokenizer)]
        text = result.tokenizer.decode(prompt + result.model.generate(prompt, 30, seed=result.config.seed))
        info["sample"] = text
    if as_json:
        _emit_json(info)
        return
    for note in result.notes:
        console.print(f"[yellow]note: {note}[/yellow]")
    table = Table(title="tiny GPT: loss per token (nats)", title_justify="left")
    for column in ("step", "tokens seen", "train loss", "val loss"):
        table.add_column(column, justify="right")
    for h in result.history:
        table.add_row(str(h["step"]), f"{h['tokens_seen']:,}",
                      "" if math.isnan(h["train_loss"]) else f"{h['train_loss']:.3f}",
                      "" if h.get("val_loss") is None else f"{h['val_loss']:.3f}")
    console.print(table)
    console.print(f"{result.parameters:,} parameters, {len(result.vectors):,} tokens; {result.world_size} process(es), "
                  f"{result.tokens_per_second:,.0f} tokens/s over {result.seconds:.1f} s")
    if result.ranks_identical is not None:
        console.print(f"ranks hold identical weights: {result.ranks_identical}")
    if text:
        console.print(f"sample: {text}", highlight=False, markup=False)
    if result.snapshots:
        console.print(f"{len(result.snapshots)} snapshots in {result.snapshots[-1].parent}; "
                      f"watch them: tokvec watch {result.snapshots[-1].parent}", highlight=False)


@app.command()
def watch(
    directory: Annotated[Path, typer.Argument(help="Snapshot directory of a training run (step-NNNNNNN.tokvec files).")],
    word: Annotated[list[str] | None, typer.Option(
        "--word", "-w", help="Token whose neighbours to follow (repeatable; default: three monday he red water king).")]
    = None,
    k: Annotated[int, typer.Option("-k", "--neighbours", "--neighbors", min=1,
                                   help="Neighbours per word, and the k of overlap@k.")] = 5,
    probe: Annotated[int, typer.Option(min=2, help="Probe set: the N most frequent non-special tokens.")] = 500,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also draw the plot: .png, .svg or .pdf.")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Watch embeddings learn: neighbours, overlap with the final neighbourhoods and group coherence per snapshot."""
    from .. import watch as watching

    report = watching.watch(directory, word or watching.DEFAULT_WORDS, k=k, probe=probe)
    if output is not None:
        watching.plot_watch(report, output)
    if as_json:
        _emit_json({**report.to_json(), "plot": None if output is None else str(output)})
        return
    steps = report.snapshots
    console.print(f"{len(steps)} snapshots in {report.directory}, steps {steps[0].step:,} to {steps[-1].step:,}",
                  highlight=False)
    tables = [("per snapshot", watching.summary_table(report), "right")]
    if report.words:
        tables.append((f"{k} nearest tokens (cosine)", watching.neighbour_table(report), "left"))
    for title, (header, rows), justify in tables:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)  # wide: no rules
        for c, column in enumerate(header):
            table.add_column(column, justify=justify, style="bold" if c == 0 else None,
                             min_width=len(column) if justify == "right" else None)  # numbers: whole headers
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for note in watching.report_notes(report):
        console.print(f"[dim]note: {note}[/dim]", highlight=False)
    if output is not None:
        console.print(f"wrote {output}", highlight=False)


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"tokvec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Token embeddings made concrete: load, query, convert."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning tokvec errors into one line and exit code 1."""
    err = Console(stderr=True)
    try:
        app(args=argv, prog_name="tokvec")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except TokvecError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return 0



def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
