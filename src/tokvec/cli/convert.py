"""Commands that write vector files: convert, import-model, export-projector.

``convert`` reads any readable format (sniffed; gensim's saved models too) and writes any writable one,
``import-model`` pulls a Hugging Face model's token-embedding matrix (and tokenizer) into a vector file, and
``export-projector`` writes the TSV files of the TensorFlow Embedding Projector.

Deliberately left out: the formats themselves (``tokvec.formats``); choices of format, dtype and
policies are checked there, so their messages are the library's.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..formats import WRITABLE, hf, load, save
from ..formats.projector import export_projector as export
from ..formats.static import FOLDER_FORMATS
from . import render
from ._app import DTYPES, JsonOpt, VectorsOpt, choices, command, literal_values, load_vectors

FormatOpt = Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT",
                                               help=f"Output format: {', '.join(WRITABLE + FOLDER_FORMATS)} "
                                               "(default: from the extension; .bin is fastText's .bin when the "
                                               "vectors have subwords, else word2vec binary; model2vec and "
                                               "sentence-transformers write folders).")]
DtypeOpt = Annotated[str | None, choices("--dtype", DTYPES, (
    "Store the values as this type. int8 (.tokvec only) adds int8 rows that searches scan before "
    "rescoring exactly from the float32 rows; float16 rounds the rows (half the size)."))]
KeepOpt = Annotated[bool | None, typer.Option(
    "--keep-float32/--no-keep-float32", show_default=False,
    help=("With --dtype int8/float16 (.tokvec): keep the float32 rows for exact answers (default for "
          "int8) or drop them (default for float16; int8 alone is 4x smaller but approximate, its "
          "recall@10 is measured and stored)."))]


@command()
def convert(
    source: Annotated[str, typer.Argument(metavar="IN", help=(
        "Input file or builtin name (format is sniffed; gensim's .save() files are read without running "
        "their pickle)."))],
    output: Annotated[Path, typer.Argument(metavar="OUT", help="Output file; format from --format or the extension.")],
    to: FormatOpt = None,
    dtype: DtypeOpt = None,
    keep_float32: KeepOpt = None,
    limit: Annotated[int | None, typer.Option(min=0, help="Keep only the first N tokens.")] = None,
    errors: Annotated[str, choices("--errors", literal_values(load, "errors"), "UTF-8 policy for tokens.")]
    = "strict",
    nonfinite: Annotated[str, choices("--nonfinite", literal_values(load, "nonfinite"),
                                      "Rows with NaN/inf: refuse, drop them or keep them.")] = "error",
    encoding: Annotated[str | None, typer.Option(
        help="fastText .bin only: the byte encoding of its words (e.g. cp852; default UTF-8).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Convert between formats (tokvec, fastText .bin/.vec, word2vec, GloVe, model2vec folders; gensim models in)."""
    start = time.perf_counter()
    v = load(source, limit=limit, errors=errors, nonfinite=nonfinite, encoding=encoding)  # type: ignore[arg-type]
    written = save(v, output, format=to, dtype=dtype, keep_float32=keep_float32)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    recall = load(written).metadata.get("int8.recall@10") if dtype == "int8" and keep_float32 is False else None
    if as_json:
        render.emit_json({"output": str(written), "tokens": len(v), "dim": v.dim, "seconds": round(seconds, 3),
                          "approximate": recall is not None, "recall_at_10": None if recall is None else float(recall)})
        return
    render.line(f"wrote {written} ({len(v):,} x {v.dim}) in {seconds:.2f} s")
    if recall is not None:
        render.notes([f"int8 rows only: answers are approximate (recall@10 {float(recall):.3f} against the "
                      "float32 rows, measured on 200 queries and stored in the file)"])


@command("import-model")
def import_model(
    model_dir: Annotated[Path, typer.Argument(metavar="DIR",
                                              help="Hugging Face model directory (weights + tokenizer files).")],
    output: Annotated[Path, typer.Argument(metavar="OUT", help="Output file, usually .tokvec.")],
    dtype: DtypeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extract a transformer's token-embedding matrix (BERT, GPT-2, LLaMA-style names) into a vector file."""
    start = time.perf_counter()
    v = hf.load_model_dir(model_dir)
    written = save(v, output, dtype=dtype)  # type: ignore[arg-type]
    info = {"output": str(written), "tensor": v.metadata["tensor"], "tokens": len(v), "dim": v.dim,
            "tokenizer": v.metadata["tokenizer_kind"], "position_tensor": v.metadata["position_tensor"] or None,
            "seconds": round(time.perf_counter() - start, 3)}
    if as_json:
        render.emit_json(info)
    else:
        render.line(f"wrote {written}: {info['tensor']} ({len(v):,} x {v.dim}, {info['tokenizer']} tokens) "
                    f"in {info['seconds']:.2f} s")


@command("export-projector")
def export_projector(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR",
                                            help="Directory to write vectors.tsv, metadata.tsv and configs into.")],
    limit: Annotated[int, typer.Option(min=0, help="Export the first N (most frequent) tokens; 0 = all.")] = 10_000,
    tokens: Annotated[str, choices("--tokens", literal_values(export, "tokens"),
                                   "Tokens holding tabs/newlines: escape (as \\t, \\n) or error.")]
    = "escape",
    vectors: VectorsOpt = "glove",
    as_json: JsonOpt = False,
) -> None:
    """Files for the TensorFlow Embedding Projector (projector.tensorflow.org or TensorBoard), no TensorFlow needed."""
    v = load_vectors(vectors)
    start = time.perf_counter()
    files = export(v, out_dir, limit=limit or None, tokens=tokens)  # type: ignore[arg-type]
    info = {"directory": str(files.directory), "rows": files.rows, "dim": files.dim, "escaped_tokens": files.escaped,
            "files": [str(p) for p in (files.vectors, files.metadata, files.config_pbtxt, files.config_json)],
            "seconds": round(time.perf_counter() - start, 3)}
    if as_json:
        render.emit_json(info)
        return
    written = ", ".join(Path(p).name for p in info["files"])
    render.line(f"wrote {files.rows:,} x {files.dim} to {files.directory}/ ({written}) in {info['seconds']:.2f} s")
    if files.escaped:
        render.notes([f"{files.escaped} token(s) held a tab, newline or backslash and were escaped"])
    render.line(("open https://projector.tensorflow.org and Load the two .tsv files, or run "
                 f"`tensorboard --logdir {files.directory}`", "dim"))
