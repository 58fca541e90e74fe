"""Token-embedding matrices of Hugging Face models, queried like word vectors.

``load_model_dir(path)`` reads a model directory (``model.safetensors``, sharded safetensors with
an index, or a PyTorch ``.bin`` when torch is installed), finds the token-embedding tensor by the
names real models use (``wte``, ``embeddings.word_embeddings``, ``embed_tokens``, ``shared``,
``tok_embeddings``, ``embed_in``, ``word_embeddings``), reads the token strings from
``tokenizer.json``, ``vocab.txt`` or ``vocab.json``, and returns ``Vectors`` whose rows are the
model's token ids. F32, F16 and BF16 weights are read without torch.

Tokens are kept in their raw form (``Ġking`` for GPT-2's byte-level BPE, ``▁king`` for
SentencePiece, ``##ing`` for WordPiece), so ids and strings match the model exactly; a
``Tokenizer`` is attached that shows them readably (``Ġking`` -> `` king``), accepts the readable
form back, and splits a word that is not one token into pieces (tokenizing text needs the
``tokenizers`` package: ``pip install 'tokvec[hf]'``).

Deliberately left out: running the model (contextual embeddings), and downloading anything.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from .._plumbing import container as st
from .._plumbing.optional import require
from ..errors import FormatError
from ..vectors import Vectors

# suffixes of token-embedding tensor names, most specific first
TOKEN_TENSORS = (
    "wte.weight",  # GPT-2
    "embeddings.word_embeddings.weight",  # BERT, RoBERTa, MiniLM
    "embed_tokens.weight",  # LLaMA, Mistral, OPT, BART
    "tok_embeddings.weight",  # original LLaMA checkpoints
    "embed_in.weight",  # GPT-NeoX, Pythia
    "word_embeddings.weight",  # BLOOM
    "shared.weight",  # T5
)
POSITION_TENSORS = ("wpe.weight", "embeddings.position_embeddings.weight", "embed_positions.weight")
FLOAT_DTYPES = ("F32", "F16", "BF16", "F64")  # safetensors dtypes read as float32


# -- weights -------------------------------------------------------------------------------------
def _weight_files(model_dir: Path) -> list[Path]:
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        index = model_dir / index_name
        if index.exists():
            weight_map = read_json(index).get("weight_map")
            if not isinstance(weight_map, dict) or not all(isinstance(f, str) for f in weight_map.values()):
                raise FormatError(f"{index} has no \"weight_map\" object of tensor name -> file name; the index is "
                                  "damaged: re-download the model")
            files = [model_dir / name for name in dict.fromkeys(weight_map.values())]
            outside = [f for f in files if f.resolve().parent != model_dir.resolve()]
            if outside:
                raise FormatError(f"{index} names {outside[0].name!r} outside the model directory; refusing to read it")
            return files
    found = sorted(model_dir.glob("*.safetensors")) or sorted(model_dir.glob("pytorch_model*.bin"))
    if not found:
        raise FormatError(
            f"{model_dir} holds no model weights (model.safetensors, *.safetensors or pytorch_model.bin); "
            "point at a Hugging Face model directory"
        )
    return found


def _tensor_names(files: list[Path]) -> dict[str, tuple[Path, st.Header | None]]:
    """Where each tensor is: its file and, for safetensors, the file's parsed header (None: torch)."""
    names: dict[str, tuple[Path, st.Header | None]] = {}
    for file in files:
        if file.suffix == ".safetensors":
            header = st.read_header(file)
            for name in header.tensors:
                names[name] = (file, header)
        else:
            for name in _torch_state(file):
                names[name] = (file, None)
    return names


def _pick(names: dict, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        matches = sorted(n for n in names if n == suffix or n.endswith("." + suffix))
        if matches:
            return min(matches, key=len)
    return None


def _shape(names: dict, name: str) -> tuple[int, ...] | None:
    header = names[name][1]
    return None if header is None else tuple(header.tensors[name]["shape"])


def _read_tensor(file: Path, header: st.Header | None, name: str) -> np.ndarray:
    if header is None:  # PyTorch pickle, via torch
        return _torch_state(file)[name].detach().float().numpy()
    dtype = header.tensors[name].get("dtype")
    if dtype not in FLOAT_DTYPES:
        raise FormatError(f"{file}: tensor {name!r} has dtype {dtype}, which tokvec cannot read "
                          f"(supported: {', '.join(FLOAT_DTYPES)})")
    raw = st.tensor(header, name)
    if dtype == "BF16":  # bfloat16 is the top half of a float32
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return np.asarray(raw, dtype=np.float32)


_TORCH_CACHE: dict[Path, dict] = {}


def _torch_state(file: Path) -> dict:
    if file not in _TORCH_CACHE:
        torch = require("torch", "torch", f"reading PyTorch weights ({file.name})")
        try:  # weights_only: nothing in the file is executed; never retried without it
            state = torch.load(file, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many kinds (UnpicklingError, RuntimeError, EOFError) for such files
            first = (str(exc).strip().splitlines() or [""])[0][:120]
            raise FormatError(f"{file} is not a readable PyTorch weights file ({type(exc).__name__}: {first}); "
                              "tokvec loads only tensors from it (weights_only). Re-download it, or use the "
                              "model's model.safetensors") from None
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise FormatError(f"{file} holds no state dict of tensors; give the model's pytorch_model.bin")
        _TORCH_CACHE[file] = state
    return _TORCH_CACHE[file]


def position_table(model_dir: str | Path) -> np.ndarray | None:
    """The learned position-embedding table ``(context_length, dim)`` if the model has one."""
    names = _tensor_names(_weight_files(Path(model_dir)))
    name = _pick(names, POSITION_TENSORS)
    return None if name is None else _read_tensor(*names[name], name)


# -- tokenizer -----------------------------------------------------------------------------------
def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from bytes to printable characters (byte-level BPE)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


class Tokenizer:
    """A model's vocabulary rules: readable display, raw forms, and (with ``tokenizers``) encoding."""

    def __init__(self, model_dir: Path, kind: str):
        self.model_dir = Path(model_dir)
        self.kind = kind  # "wordpiece", "byte-bpe", "sentencepiece" or "plain"
        self._byte_decoder = {c: b for b, c in _bytes_to_unicode().items()} if kind == "byte-bpe" else None

    @classmethod
    def from_dir(cls, model_dir: str | Path) -> Tokenizer:
        model_dir = Path(model_dir)
        _, kind = read_vocab(model_dir)
        return cls(model_dir, kind)

    def display(self, token: str) -> str:
        """Readable form: ``Ġking`` -> `` king``, ``▁king`` -> `` king``; WordPiece stays as is."""
        if self._byte_decoder is not None:
            try:
                return bytes(self._byte_decoder[c] for c in token).decode("utf-8")
            except (KeyError, UnicodeDecodeError):
                return token
        if self.kind == "sentencepiece":
            return token.replace("▁", " ")
        return token

    def raw_forms(self, word: str) -> list[str]:
        """Raw spellings a readable ``word`` may have in this vocabulary."""
        forms = [word]
        if self.kind == "byte-bpe":
            encoder = _bytes_to_unicode()
            forms.append("".join(encoder[b] for b in word.encode("utf-8")))
            if not word.startswith(" "):
                forms.append("".join(encoder[b] for b in (" " + word).encode("utf-8")))
        elif self.kind == "sentencepiece":
            forms.append(word.replace(" ", "▁"))
            if not word.startswith(" "):
                forms.append("▁" + word)
        elif self.kind == "wordpiece":
            forms.append(word.lower())
        return list(dict.fromkeys(forms))

    @cached_property
    def _backend(self):
        path = self.model_dir / "tokenizer.json"
        if not path.exists():
            raise FormatError(f"{self.model_dir} has no tokenizer.json, so text cannot be split into tokens; "
                              "query single tokens instead")
        tokenizers = require("tokenizers", "hf", "splitting text into model tokens")
        backend = tokenizers.Tokenizer.from_file(str(path))
        backend.no_padding()  # some tokenizer.json files pad every encoding to a fixed length
        backend.no_truncation()
        return backend

    @property
    def backend(self):
        """The model's ``tokenizers.Tokenizer`` (no padding, no truncation); ``tokvec.encode`` copies it."""
        return self._backend

    def encode(self, text: str) -> tuple[list[int], list[str]]:
        """Token ids and raw token strings of ``text`` (no special tokens added)."""
        encoding = self._backend.encode(text, add_special_tokens=False)
        return list(encoding.ids), list(encoding.tokens)


def tokenizer_kind(spec: dict) -> str:
    """``wordpiece``, ``byte-bpe``, ``sentencepiece`` or ``plain``, from a parsed tokenizer.json.

    A BPE whose continuation pieces carry WordPiece's ``##`` (as ``tokvec train-lm`` trains) reads
    like WordPiece and counts as one.

    >>> tokenizer_kind({"model": {"type": "BPE", "continuing_subword_prefix": "##"}})
    'wordpiece'
    """
    model = spec.get("model", {})
    text = json.dumps({k: spec.get(k) for k in ("pre_tokenizer", "decoder")})
    if model.get("type") == "WordPiece":
        return "wordpiece"
    if "ByteLevel" in text:
        return "byte-bpe"
    if "Metaspace" in text or "▁" in text or model.get("type") == "Unigram":
        return "sentencepiece"
    if model.get("continuing_subword_prefix") == "##":
        return "wordpiece"
    return "plain"


def read_json(path: Path) -> dict:
    """A JSON object from ``path``; anything else (garbage, bad UTF-8, an array) is a ``FormatError``."""
    try:
        value = json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, huge numbers
        raise FormatError(f"{path} is not valid JSON ({str(exc)[:100] or 'nested too deeply'}); the file is damaged: "
                          "re-download the model") from None
    if not isinstance(value, dict):
        raise FormatError(f"{path} holds a JSON {type(value).__name__}, not an object; the file is damaged: "
                          "re-download the model")
    return value


def _ids(path: Path, pairs) -> dict[int, str]:
    """``{id: token}`` from ``(token, id)`` pairs; ids must be non-negative integers, tokens strings."""
    by_id = {}
    for token, i in pairs:
        if not isinstance(token, str) or not isinstance(i, int) or isinstance(i, bool) or i < 0:
            raise FormatError(f"{path}: the entry {token!r}: {i!r} is not a token string and a non-negative integer "
                              "id; the file is damaged: re-download the model")
        by_id[i] = token
    return by_id


def _tokenizer_ids(path: Path, spec: dict) -> dict[int, str]:
    """``{id: token}`` of a parsed tokenizer.json: its model's vocab (a dict, or Unigram's list) and added tokens."""
    model = spec.get("model", {})
    vocab = model.get("vocab", {}) if isinstance(model, dict) else None
    added = spec.get("added_tokens") or []
    if isinstance(vocab, list):  # Unigram: [[token, score], ...]
        pairs = [(e[0] if isinstance(e, list) and e else e, i) for i, e in enumerate(vocab)]
    elif isinstance(vocab, dict):
        pairs = list(vocab.items())
    else:
        raise FormatError(f"{path}: model.vocab is neither an object nor a list; the file is damaged")
    if not isinstance(added, list) or not all(isinstance(a, dict) for a in added):
        raise FormatError(f"{path}: added_tokens is not a list of objects; the file is damaged")
    return _ids(path, pairs + [(a.get("content"), a.get("id")) for a in added])


def read_vocab(model_dir: Path, rows: int | None = None) -> tuple[list[str], str]:
    """Raw token strings by id, and the tokenizer kind, from tokenizer.json / vocab.txt / vocab.json.

    Ids must be below ``rows`` (the embedding matrix's row count) when it is given; without it an id
    far beyond the number of tokens is refused, so a damaged file cannot make a huge list.
    """
    tokenizer_json = model_dir / "tokenizer.json"
    by_id: dict[int, str] = {}
    kind = "plain"
    if tokenizer_json.exists():
        spec = read_json(tokenizer_json)
        by_id = _tokenizer_ids(tokenizer_json, spec)
        kind = tokenizer_kind(spec)
    elif (model_dir / "vocab.txt").exists():
        lines = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        by_id = dict(enumerate(lines))
        kind = "wordpiece"
    elif (model_dir / "vocab.json").exists():
        by_id = _ids(model_dir / "vocab.json", read_json(model_dir / "vocab.json").items())
        kind = "byte-bpe" if (model_dir / "merges.txt").exists() else "plain"
    else:
        raise FormatError(f"{model_dir} has no tokenizer.json, vocab.txt or vocab.json, so rows cannot be "
                          "named; add the tokenizer files of the model")
    size = max(by_id) + 1 if by_id else 0
    if size > rows if rows is not None else size > 2 * len(by_id) + 2**20:  # refuse before building the list
        raise FormatError(f"{model_dir}: the tokenizer has {size:,} tokens (ids up to {size - 1:,}) but "
                          + (f"the embedding matrix has only {rows:,} rows; the tokenizer does not belong to these "
                             "weights" if rows is not None else f"names only {len(by_id):,}; it is damaged"))
    tokens = [by_id.get(i, f"<|unnamed row {i}|>") for i in range(size)]
    return tokens, kind


# -- the importer --------------------------------------------------------------------------------
def load_model_dir(model_dir: str | Path) -> Vectors:
    """The token-embedding matrix of a Hugging Face model directory as ``Vectors``.

    Row ``i`` is token id ``i``; rows past the tokenizer's size (padding some models add) are named
    ``<|unnamed row i|>``. The attached ``tokenizer`` displays, resolves and splits tokens.

    >>> v = load_model_dir("path/to/bert-base-uncased")          # doctest: +SKIP
    >>> v.most_similar("king", topn=3)                            # doctest: +SKIP
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise FormatError(f"{model_dir} is not a directory; give a Hugging Face model directory")
    names = _tensor_names(_weight_files(model_dir))
    name = _pick(names, TOKEN_TENSORS)
    if name is None:
        two_d = [n for n in names if _shape(names, n) is None or len(_shape(names, n)) == 2][:8]
        raise FormatError(
            f"{model_dir}: no token-embedding tensor found (looked for names ending in "
            f"{', '.join(TOKEN_TENSORS)}); 2-D tensors present: {', '.join(two_d) or 'none'}"
        )
    matrix = _read_tensor(*names[name], name)
    if matrix.ndim != 2:
        raise FormatError(f"{model_dir}: tensor {name!r} has shape {matrix.shape}, expected (vocab, dim)")
    tokens, kind = read_vocab(model_dir, rows=matrix.shape[0])
    tokens += [f"<|unnamed row {i}|>" for i in range(len(tokens), matrix.shape[0])]
    config = {}
    if (model_dir / "config.json").exists():
        config = read_json(model_dir / "config.json")
    position = _pick(names, POSITION_TENSORS)
    metadata = {
        "model_type": str(config.get("model_type", "")),
        "tensor": name,
        "position_tensor": position or "",
        "tokenizer_kind": kind,
        "tokenizer_dir": str(model_dir.resolve()),
    }
    return Vectors(tokens, matrix, source=f"{name} of {model_dir.name}", metadata=metadata,
                   tokenizer=Tokenizer(model_dir, kind))


def attach_tokenizer(vectors: Vectors) -> Vectors:
    """Re-attach the tokenizer recorded in a ``.tokvec`` file's metadata, if its directory still exists."""
    directory = vectors.metadata.get("tokenizer_dir")
    if directory and Path(directory).is_dir() and vectors.tokenizer is None:
        vectors.tokenizer = Tokenizer(Path(directory), vectors.metadata.get("tokenizer_kind", "plain"))
    return vectors
