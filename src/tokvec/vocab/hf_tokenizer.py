"""Hugging Face tokenizers: load one (a ``tokenizer.json``, a model directory, or the builtin ``minilm``)
and read its vocabulary in id order.

Deliberately left out: training a tokenizer (``tokvec.train.lm.data``) and reading a model's weights
(``tokvec.formats.hf``, whose ``Tokenizer`` splits words for ``Vectors``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .._plumbing.optional import require
from .._plumbing.packaged import minilm_dir
from ..errors import TokvecError


def tokenizers_module():
    """The ``tokenizers`` package (extra ``hf``), or a one-line error saying how to install it."""
    return require("tokenizers", "hf", "Hugging Face tokenizers")


def load_tokenizer(source: str | os.PathLike):
    """A ``tokenizers.Tokenizer`` from a ``tokenizer.json``, a directory holding one, or ``minilm``."""
    tk = tokenizers_module()
    if str(source) == "minilm":
        source = minilm_dir()
    path = Path(source)
    if path.is_dir():
        path = path / "tokenizer.json"
    if not path.is_file():
        raise TokvecError(f"no tokenizer at {path}; give a tokenizer.json, a model directory holding one, or "
                          "'minilm' (or leave --tokenizer out to train a BPE on the corpus)")
    try:
        tokenizer = tk.Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for malformed JSON
        raise TokvecError(f"{path} is not a Hugging Face tokenizer.json ({_first_line(exc)})") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def tokenizer_from_json(text: str):
    """The tokenizer saved in a checkpoint (``Tokenizer.to_str()``)."""
    try:
        tokenizer = tokenizers_module().Tokenizer.from_str(text)
    except Exception as exc:
        raise TokvecError(f"the saved tokenizer cannot be read ({_first_line(exc)})") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def vocabulary(tokenizer) -> list[str]:
    """Token strings by id (special tokens included)."""
    by_id = {i: t for t, i in tokenizer.get_vocab(with_added_tokens=True).items()}
    return [by_id.get(i, f"<|unnamed row {i}|>") for i in range(max(by_id) + 1)]
