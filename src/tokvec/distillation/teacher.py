"""The teacher of a distillation: a sentence-transformers or Hugging Face encoder directory, or ``minilm``.

``find_teacher(spec)`` checks what distilling needs before anything heavy is imported: model weights
(``*.safetensors`` or ``pytorch_model*.bin``), the fast tokenizer (``tokenizer.json``, whose ids the static
model keeps) and how the teacher pools its tokens into a sentence vector: sentence-transformers'
``modules.json`` -> ``1_Pooling/config.json`` (``mean``, ``cls``, ``max``, ``lasttoken``); a plain Hugging
Face encoder pools by the mean, as model2vec assumes. ``special_ids(backend)`` finds the ids the teacher
puts around one text (``[CLS] ... [SEP]``, ``<s> ... </s>``, nothing for GPT-2), so each vocabulary token goes
through the teacher exactly as a one-token sentence would. ``max_length`` is how many tokens of a text the teacher
reads (sentence-transformers' ``max_seq_length``, else the model's ``max_position_embeddings``, at most 512).

Deliberately left out: downloading a teacher (name a directory, or the builtin ``minilm``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._plumbing.packaged import minilm_dir
from ..errors import FormatError

Pooling = Literal["mean", "cls", "max", "lasttoken"]
POOLINGS: tuple[str, ...] = ("mean", "cls", "max", "lasttoken")
BUILTIN_TEACHERS = {"minilm": minilm_dir}


@dataclass(frozen=True)
class Teacher:
    """A teacher directory that has weights and a fast tokenizer, and how it pools."""

    directory: Path
    pooling: Pooling
    name: str
    max_length: int = 512  # tokens of one text the teacher reads, specials included


def _pooling(directory: Path) -> Pooling:
    """The pooling sentence-transformers' Pooling module names (``mean`` without one)."""
    modules_path = directory / "modules.json"
    if not modules_path.is_file():
        return "mean"
    try:
        modules = json.loads(modules_path.read_text(encoding="utf-8"))
        pooling = next((m for m in modules if str(m.get("type", "")).endswith("Pooling")), None)
        if pooling is None:
            return "mean"
        config = json.loads((directory / str(pooling.get("path", "1_Pooling")) / "config.json").read_text("utf-8"))
    except (OSError, ValueError, AttributeError, TypeError):
        raise FormatError(f"{directory}: modules.json or its Pooling config.json is not readable; the teacher "
                          "directory is damaged") from None
    for mode in ("cls", "max", "lasttoken", "mean"):
        if config.get(f"pooling_mode_{mode}_token") or config.get(f"pooling_mode_{mode}_tokens") or \
                config.get(f"pooling_mode_{mode}"):
            return mode  # type: ignore[return-value]
    return "mean"


def _max_length(directory: Path) -> int:
    """sentence-transformers' ``max_seq_length``, else ``max_position_embeddings``; at most 512."""
    for name, key in (("sentence_bert_config.json", "max_seq_length"), ("config.json", "max_position_embeddings")):
        try:
            value = json.loads((directory / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value > 2:
            return min(value, 512)
    return 512


def find_teacher(spec: str | os.PathLike[str]) -> Teacher:
    """The teacher ``spec`` names (a directory, or ``minilm``), checked; one clear ``FormatError`` if unusable."""
    text = str(spec)
    directory = Path(spec)
    if not directory.exists() and text in BUILTIN_TEACHERS:
        directory = BUILTIN_TEACHERS[text]()
    if not directory.is_dir():
        raise FormatError(f"teacher {text!r} is not a directory; give a sentence-transformers or Hugging Face "
                          f"model directory, or the builtin {', '.join(BUILTIN_TEACHERS)}")
    weights = list(directory.glob("*.safetensors")) + list(directory.glob("pytorch_model*.bin"))
    if not weights:
        raise FormatError(f"teacher {directory} holds no model weights (model.safetensors or pytorch_model.bin); "
                          "point at a full model directory, not a tokenizer or a static model")
    if not (directory / "tokenizer.json").is_file():
        raise FormatError(f"teacher {directory} has no tokenizer.json; distilling needs the fast tokenizer "
                          "(save it with AutoTokenizer.from_pretrained(...).save_pretrained(dir))")
    if not (directory / "config.json").is_file():
        raise FormatError(f"teacher {directory} has no config.json; it is not a Hugging Face model directory")
    name = text if text in BUILTIN_TEACHERS else directory.name
    return Teacher(directory, _pooling(directory), name, _max_length(directory))


def special_ids(backend: Any) -> tuple[list[int], list[int]]:
    """The ids the teacher's post-processor puts before and after one text (``[CLS]``, ``[SEP]``).

    >>> import tokenizers
    >>> t = tokenizers.Tokenizer(tokenizers.models.WordLevel({"[CLS]": 0, "[SEP]": 1, "a": 2}, unk_token="a"))
    >>> t.post_processor = tokenizers.processors.TemplateProcessing(
    ...     single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 0), ("[SEP]", 1)])
    >>> special_ids(t)
    ([0], [1])
    """
    backend.no_truncation()
    backend.no_padding()
    plain = backend.encode("a", add_special_tokens=False).ids
    full = backend.encode("a", add_special_tokens=True).ids
    for start in range(len(full) - len(plain) + 1):
        if full[start:start + len(plain)] == plain:
            return full[:start], full[start + len(plain):]
    return [], []
