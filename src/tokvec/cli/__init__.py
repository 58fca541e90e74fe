"""The ``tokvec`` command line (typer + rich): which module holds each command, and the entry points.

Every command that reads vectors takes ``-v/--vectors PATH|NAME`` (default ``glove``) and, where it
prints results, ``--json``. Any ``TokvecError`` becomes one line on stderr and exit code 1; no
tracebacks for bad input.

Commands live in one module per group (``tokvec.cli.query``, ``.shell``, ``.convert``, ``.evaluate``, ``.plot``,
``.train``, ``.train_lm``, ``.transfer``, ``.watch``, ``.compare``, ``.static``, ``.serve``,
``.demo``); :data:`COMMANDS`
maps each command to its module and :func:`main` imports only the module of the command it runs (all of
them for an unknown command; none for ``--version``, ``--help`` or no command: the listing comes from
:data:`SUMMARIES`, each command's first help paragraph, which a test keeps equal to the commands'
own), so ``tokvec similar`` never imports torch or matplotlib and ``tokvec --help`` not even NumPy.
Before any of that, :func:`main` lets ``tokvec.cli._fast`` answer a plain query (``tokvec similar
king``) without importing typer at all; everything else goes to typer.
``tokvec.cli.app`` is the whole Typer app (every group imported), for testing and documentation.

Deliberately left out: the app frame and error policy (``tokvec.cli._app``), the output
(``tokvec.cli.render``) and the generated README reference (``tokvec.cli.reference``).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from . import _fast

COMMANDS: dict[str, str] = {
    "info": "tokvec.cli.query",
    "similar": "tokvec.cli.query",
    "analogy": "tokvec.cli.query",
    "similarity": "tokvec.cli.query",
    "distance": "tokvec.cli.query",
    "odd-one-out": "tokvec.cli.query",
    "lookup": "tokvec.cli.query",
    "tokens": "tokvec.cli.query",
    "shell": "tokvec.cli.shell",
    "convert": "tokvec.cli.convert",
    "import-model": "tokvec.cli.convert",
    "export-projector": "tokvec.cli.convert",
    "eval": "tokvec.cli.evaluate",
    "plot": "tokvec.cli.plot",
    "train": "tokvec.cli.train",
    "train-lm": "tokvec.cli.train_lm",
    "init-embeddings": "tokvec.cli.transfer",
    "watch": "tokvec.cli.watch",
    "compare": "tokvec.cli.compare",
    "distill": "tokvec.cli.static",
    "encode": "tokvec.cli.static",
    "serve": "tokvec.cli.serve",
    "demo": "tokvec.cli.demo",
}

# each command's first help paragraph, for `tokvec --help` without importing the groups
# (tests/test_cli_startup.py checks that the listing equals the one of the whole app)
SUMMARIES: dict[str, str] = {
    "info": "Size, dim, dtype, format, norms and sample tokens of a vector set.",
    "similar": "Nearest neighbours of WORDS (minus --neg words), query words excluded.",
    "analogy": "A is to B as C is to ?  (e.g. man king woman -> queen).",
    "similarity": "Cosine similarity of two words.",
    "distance": "Euclidean distance (norm of the difference) of two words, or --cosine distance.",
    "odd-one-out": "The word that fits least with the others.",
    "lookup": "Rows of the embedding matrix, by token or by id.",
    "tokens": "Tokenise TEXT with a transformer's tokenizer: tokens, ids, and their embedding rows.",
    "shell": "Load once, then answer each line: a word, king + woman - man, man : king :: woman, sim cat dog.",
    "convert": "Convert between formats (tokvec, fastText .bin/.vec, word2vec, GloVe, model2vec folders; gensim models "
               "in).",
    "import-model": "Extract a transformer's token-embedding matrix (BERT, GPT-2, LLaMA-style names) into a vector "
                    "file.",
    "export-projector": "Files for the TensorFlow Embedding Projector (projector.tensorflow.org or TensorBoard), no "
                        "TensorFlow needed.",
    "eval": "Similarity (Spearman/Pearson) and analogy (accuracy) benchmarks; no files = the shipped sets.",
    "plot": "Plot words: a projection (PCA/t-SNE/UMAP), --analogy arrows, a --heatmap or a --direction plot.",
    "train": "Train word2vec (skip-gram or CBOW, negative sampling), or fastText with --subwords; Ctrl-C saves a "
             "checkpoint.",
    "train-lm": "Train a tiny GPT and snapshot its token embeddings as they learn; Ctrl-C saves a checkpoint.",
    "init-embeddings": "Token embeddings for a tokenizer's vocabulary from word vectors (whole words, pieces, seeded "
                       "rest).",
    "watch": "Watch embeddings learn: neighbours, overlap with the final neighbourhoods and group coherence per "
             "snapshot.",
    "compare": "Compare two vector sets on their shared tokens: Procrustes alignment, overlap@k and the words that "
               "drifted most.",
    "distill": "Distil a transformer into a static sentence encoder: every token through it, PCA, frequency "
               "weights.",
    "encode": "Encode texts into sentence vectors with a static model (model2vec folder) or word vectors.",
    "serve": "A local web explorer: neighbours, analogies, compare sets, PCA/t-SNE/UMAP maps, with a JSON API at /api.",
    "demo": "A guided tour of token embeddings on real data (offline, under 30 s).",
}


def _command_of(argv: list[str]) -> str | None:
    """The command ``argv`` names (the first word that is not an option), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _frame() -> Any:
    """The typer frame ``tokvec.cli._app`` with the listing filled in, imported on first need (the fast
    path ``tokvec.cli._fast`` answers a plain query without it)."""
    frame = importlib.import_module("tokvec.cli._app")
    frame.SUMMARIES.update((name, SUMMARIES[name]) for name in COMMANDS if name in SUMMARIES)
    return frame


def load_commands(argv: list[str] | None = None) -> None:
    """Register the commands ``argv`` needs: its command's group, or every group (``[]``: every group)."""
    _frame()
    args = sys.argv[1:] if argv is None else argv
    command = _command_of(args)
    if args and command is None and ("--help" not in args or set(COMMANDS) <= set(SUMMARIES)):
        return  # the version and the listing need no command group
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command line on ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    answered = _fast.answer(args)  # a plain query: no typer at all
    if answered is not None:
        return answered
    frame = _frame()
    if args or set(COMMANDS) - set(SUMMARIES):
        load_commands(args)  # no arguments at all print the listing: no group needed
    return frame.invoke(argv)


def run() -> None:
    """Console-script entry point (``tokvec = "tokvec.cli:run"``)."""
    sys.exit(main())


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app: every group registered
        load_commands([])
        return _frame().app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "SUMMARIES", "app", "load_commands", "main", "run"]
