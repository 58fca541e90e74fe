"""Static sentence encoders on disk: model2vec folders and sentence-transformers ``StaticEmbedding`` folders.

A **model2vec folder** (``StaticModel.save_pretrained``) is ``config.json`` (``"model_type": "model2vec"``,
``normalize``, ``max_length``), ``model.safetensors`` (tensor ``embeddings``, row ``i`` = token id ``i``;
optionally ``weights`` per token id and ``mapping`` id -> row, written by vocabulary quantisation) and the
tokenizer's ``tokenizer.json``; model2vec also writes a ``modules.json`` so that ``SentenceTransformer(path)``
loads it. A **StaticEmbedding folder** (``SentenceTransformer(modules=[StaticEmbedding(...)]).save``) is
``modules.json`` naming a ``StaticEmbedding`` module (in the folder itself or ``0_StaticEmbedding/``, tensor
``embedding.weight``) and, optionally, a ``Normalize`` module after it.

``read`` folds ``mapping`` and ``weights`` into plain rows (``embeddings[mapping[i]] * weights[i]``, what
model2vec averages), so the result is an ordinary ``Vectors``: its tokens are the tokenizer's raw tokens, its
attached tokenizer encodes text (``v.encode``) and ``metadata`` keeps ``normalize`` and ``max_length``.
``write`` writes either layout from vectors whose rows are a tokenizer's ids (a distilled or loaded model)
or from word vectors (a word-level ``tokenizer.json`` is made, plus a zero row for the unknown word).
A folder is written beside its target and renamed into place: an interrupted write leaves no half folder.

Deliberately left out: vocabulary quantisation on write, model cards, and anything from the Hub.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._plumbing import container as st
from .._plumbing.files import atomic_write, temp_prefix
from ..encode import word_tokenizer
from ..errors import FormatError, InvalidArgumentError
from ..vectors import Vectors
from .hf import Tokenizer, _read_tensor, read_json, read_vocab

MODEL2VEC = "model2vec"
SENTENCE_TRANSFORMERS = "sentence-transformers"
FOLDER_FORMATS = (MODEL2VEC, SENTENCE_TRANSFORMERS)
STATIC_MODULE = "sentence_transformers.models.StaticEmbedding"
NORMALIZE_MODULE = "sentence_transformers.models.Normalize"


@dataclass(frozen=True)
class Layout:
    """What ``sniff`` found: which kind, where the weights and tokenizer are, and the encoder's settings."""

    kind: str  # MODEL2VEC or SENTENCE_TRANSFORMERS
    module_dir: Path  # holds model.safetensors and tokenizer.json
    normalize: bool
    max_length: int | None  # tokens per text (model2vec truncates; StaticEmbedding does not)
    config: dict


def _modules(folder: Path) -> list[dict]:
    path = folder / "modules.json"
    if not path.is_file():
        return []
    try:
        modules = json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError):
        raise FormatError(f"{path} is not valid JSON; the folder is damaged") from None
    return [m for m in modules if isinstance(m, dict)] if isinstance(modules, list) else []


def sniff(folder: Path) -> Layout | None:
    """The layout of a model2vec or StaticEmbedding folder, or None for any other directory."""
    modules = _modules(folder)
    normalize = any(str(m.get("type", "")).endswith("Normalize") for m in modules)
    config_path = folder / "config.json"
    config = read_json(config_path) if config_path.is_file() else {}
    weights = folder / "model.safetensors"
    model2vec_tensor = config_path.is_file() and weights.is_file() and "embeddings" in st.read_header(weights).tensors
    if config.get("model_type") == MODEL2VEC or model2vec_tensor:
        max_length = config.get("max_length", 512)
        return Layout(MODEL2VEC, folder, bool(config.get("normalize", False)),
                      int(max_length) if isinstance(max_length, int) else None, config)
    static = [m for m in modules if str(m.get("type", "")).endswith("StaticEmbedding")]
    if static:
        module_dir = (folder / str(static[0].get("path") or ".")).resolve()
        if folder.resolve() not in (module_dir, *module_dir.parents):
            raise FormatError(f"{folder}/modules.json points outside the folder ({module_dir}); refusing to read it")
        return Layout(SENTENCE_TRANSFORMERS, module_dir, normalize, None, config)
    return None


def _tensor(path: Path, header: st.Header, name: str) -> np.ndarray:
    kind = header.tensors[name].get("dtype")
    if kind in ("I8", "U8", "I32", "I64"):  # model2vec's int8 rows, and its id -> row mapping
        return np.asarray(st.tensor(header, name))
    return _read_tensor(path, header, name)


def read(folder: Path, layout: Layout) -> Vectors:
    """The folder's rows as ``Vectors`` (mapping and weights folded in) with its tokenizer attached."""
    path = layout.module_dir / "model.safetensors"
    if not path.is_file() or not (layout.module_dir / "tokenizer.json").is_file():
        raise FormatError(f"{layout.module_dir} lacks model.safetensors or tokenizer.json; a {layout.kind} folder "
                          "needs both: re-save the model")
    header = st.read_header(path)
    name = "embeddings" if layout.kind == MODEL2VEC else "embedding.weight"
    name = name if name in header.tensors else next((n for n in ("embeddings", "embedding.weight")
                                                      if n in header.tensors), name)
    if name not in header.tensors:
        raise FormatError(f"{path} has no tensor 'embeddings' or 'embedding.weight' (found: "
                          f"{', '.join(list(header.tensors)[:5]) or 'none'}); not a static model")
    matrix = _tensor(path, header, name).astype(np.float32)
    if matrix.ndim != 2:
        raise FormatError(f"{path}: tensor {name!r} has shape {matrix.shape}, expected (tokens, dim)")
    if "mapping" in header.tensors:
        mapping = _tensor(path, header, "mapping").astype(np.int64)
        if mapping.ndim != 1 or (mapping.size and (mapping.min() < 0 or mapping.max() >= len(matrix))):
            raise FormatError(f"{path}: tensor 'mapping' is not a list of row ids below {len(matrix):,}")
        matrix = matrix[mapping]
    if "weights" in header.tensors:
        weights = _tensor(path, header, "weights").astype(np.float32)
        if weights.shape != (len(matrix),):
            raise FormatError(f"{path}: tensor 'weights' has shape {weights.shape}, expected ({len(matrix)},)")
        matrix = matrix * weights[:, None]
    tokens, kind = read_vocab(layout.module_dir, rows=len(matrix))
    tokens += [f"<|unnamed row {i}|>" for i in range(len(tokens), len(matrix))]
    metadata = {"format": layout.kind, "normalize": str(layout.normalize).lower(),
                "max_length": str(layout.max_length).lower(), "tokenizer_kind": kind,
                "tokenizer_dir": str(layout.module_dir.resolve())}
    metadata.update({f"config.{k}": str(v) for k, v in layout.config.items() if isinstance(v, (str, int, float))})
    return Vectors(tokens, matrix, source=f"{layout.kind} folder {folder.name}", metadata=metadata,
                   tokenizer=Tokenizer(layout.module_dir, kind))


def _tokenizer_and_rows(v: Vectors) -> tuple[str, np.ndarray]:
    """``tokenizer.json`` text and the matrix whose row ``i`` is its token id ``i``."""
    directory = getattr(v.tokenizer, "model_dir", None)
    rows = np.asarray(v.matrix, dtype=np.float32 if v.dtype != np.float16 else np.float16)
    if directory is None:  # word vectors: a word-level tokenizer, and a zero row for its unknown word
        backend = word_tokenizer(v.tokens, True if v.lower else None)
        if backend.get_vocab_size() > len(v):
            rows = np.concatenate([rows, np.zeros((1, v.dim), rows.dtype)])
        return backend.to_str(), rows
    spec_path = Path(directory) / "tokenizer.json"
    if not spec_path.is_file():
        raise InvalidArgumentError(f"the tokenizer of these vectors ({directory}) has no tokenizer.json; a static "
                                   "model needs one")
    tokens, _ = read_vocab(Path(directory))
    if tokens != v.tokens[: len(tokens)] or len(v) < len(tokens):
        raise InvalidArgumentError("the rows of these vectors are not their tokenizer's ids (limited, selected or "
                                   "edited?); write the full set, as loaded or distilled")
    spec = read_json(spec_path)
    spec.update(padding=None, truncation=None, post_processor=None)  # the encoder adds no specials, never pads
    return json.dumps(spec, ensure_ascii=False), rows


def _write_json(path: Path, value: object) -> None:
    with atomic_write(path) as f:
        f.write(json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8"))


def _files(v: Vectors, directory: Path, kind: str, normalize: bool, max_length: int | None) -> None:
    spec, rows = _tokenizer_and_rows(v)
    with atomic_write(directory / "tokenizer.json") as f:
        f.write(spec.encode("utf-8"))
    name = "embeddings" if kind == MODEL2VEC else "embedding.weight"
    entry = st.Entry(name, rows.dtype, rows.shape, [np.ascontiguousarray(rows).tobytes()])
    st.write(directory / "model.safetensors", [entry], {"format": "pt"})
    modules = [{"idx": 0, "name": "0", "path": "." if kind == MODEL2VEC else "", "type": STATIC_MODULE}]
    if normalize:
        modules.append({"idx": 1, "name": "1", "path": "1_Normalize", "type": NORMALIZE_MODULE})
        (directory / "1_Normalize").mkdir()
    _write_json(directory / "modules.json", modules)
    if kind == MODEL2VEC:
        config = {"model_type": MODEL2VEC, "architectures": ["StaticModel"], "hidden_dim": v.dim,
                  "seq_length": 1000000, "normalize": normalize, "max_length": max_length,
                  "embedding_dtype": rows.dtype.name, "tokenizer_name": v.metadata.get("teacher", v.source),
                  **{k: v.metadata[k] for k in ("apply_pca", "sif_coefficient", "pooling") if k in v.metadata}}
        _write_json(directory / "config.json", config)
    else:
        _write_json(directory / "config_sentence_transformers.json",
                    {"model_type": "SentenceTransformer", "prompts": {}, "default_prompt_name": None,
                     "similarity_fn_name": "cosine"})


def write(v: Vectors, folder: str | os.PathLike[str], kind: str = MODEL2VEC, *, normalize: bool | None = None,
          max_length: int | None = 512) -> Path:
    """Write ``v`` as a model2vec (``kind="model2vec"``) or StaticEmbedding folder; returns the folder.

    ``normalize`` (unset: the vectors' ``metadata["normalize"]``, else true) is stored for the loaders.
    An existing folder is replaced only if it is itself a static model folder.
    """
    if kind not in FOLDER_FORMATS:
        raise InvalidArgumentError(f"unknown folder format {kind!r}; use {' or '.join(FOLDER_FORMATS)}")
    target = Path(folder)
    if target.exists() and not (target.is_dir() and (sniff(target) is not None or not any(target.iterdir()))):
        raise InvalidArgumentError(f"{target} exists and is not a static model folder; choose a new directory")
    if normalize is None:
        normalize = str(v.metadata.get("normalize", "true")).lower() == "true"
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=parent))
    try:
        _files(v, staging, kind, normalize, max_length)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=parent))
            os.replace(target, old / "old")
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging) if staging.exists() else None
    return target
