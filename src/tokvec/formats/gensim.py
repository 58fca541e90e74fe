"""gensim's saved models (``KeyedVectors.save``, ``Word2Vec.save``, ``FastText.save``), read without running them.

gensim saves an object as a pickle, with its large arrays (and, for fastText, always the n-gram matrix)
beside it as ``FILE.ATTR.npy`` (``FILE.wv.ATTR.npy`` for a model's vectors; ``.npz`` when FILE ends in
``.gz``/``.bz2``). gensim's own ``load`` unpickles it, which runs whatever the file names. Here the
pickle is read by ``formats._pickled``: only gensim's KeyedVectors, Word2Vec and FastText classes (and
their gensim 3 parts: ``Vocab``, ``Word2VecVocab``, ...) are rebuilt, as plain records of their state,
with numpy arrays; gensim is never imported. Anything else is refused with ``UnsafeFileError`` and
nothing runs. The ``.npy`` files are memory-mapped (``mmap=True``, gensim's ``mmap='r'``). The pickle
is read by Python's pure-Python unpickler (safer, slower: 3.2 s for a 1,000,000-word KeyedVectors on the
2-core development machine); ``tokvec convert`` once to ``.tokvec`` and later loads take milliseconds.

What is kept: the keys in gensim's order (``index_to_key``; gensim 3's ``index2word``), the vectors
exactly as gensim holds them, the counts (``expandos['count']``; gensim 3's ``Vocab`` objects), and for
fastText the n-gram buckets (``min_n``, ``max_n``, ``bucket``), so unknown words get vectors. gensim does
not save a fastText model's word vectors: it recomposes them on load (``adjust_vectors``: the word's row,
then each n-gram row added in float32, divided by their number), and so does ``compose``, so they are
identical to gensim's. Unknown words follow fastText (``tokvec.vocab.subwords``); gensim's own differ in
the last bit (it divides where fastText multiplies by the inverse) and, for ``min_n=1``, by the lone
``<`` and ``>`` that gensim also hashes.

Deliberately left out: writing gensim's format (save as ``.tokvec``, ``.bin`` or word2vec text), Doc2Vec
and other models, fastText models from gensim before 3.8 (non-standard hashing; gensim 4 refuses them too).
"""

from __future__ import annotations

import io
import mmap as _mmap
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._plumbing import budget as _budget
from .._plumbing.files import decompressor
from ..errors import FormatError
from ..vectors import Vectors
from ..vocab import Vocab
from ..vocab.subwords import Subwords, hash_packed, pack
from . import _pickled
from ._common import read_buffer
from .base import Format

NAME = "gensim"
_KV = "gensim.models.keyedvectors."
KEYED = {_KV + "KeyedVectors", _KV + "Word2VecKeyedVectors", _KV + "EuclideanKeyedVectors"}
FASTTEXT_KEYED = {_KV + "FastTextKeyedVectors", "gensim.models.fasttext.FastTextKeyedVectors"}
MODELS = {"gensim.models.word2vec.Word2Vec", "gensim.models.fasttext.FastText"}
PARTS = {_KV + "Vocab", "gensim.models.word2vec.Word2VecVocab", "gensim.models.word2vec.Word2VecTrainables",
         "gensim.models.fasttext.FastTextVocab", "gensim.models.fasttext.FastTextTrainables"}
CLASSES: dict[tuple[str, str], Any] = {
    **{tuple(kind.rsplit(".", 1)): _pickled.record_class(kind) for kind in KEYED | FASTTEXT_KEYED | MODELS | PARTS},
    ("gensim.utils", "call_on_class_only"): _pickled.Ignored,  # a method slot gensim 1-4 models pickle
}
_AGAIN = "save it again with gensim"


@dataclass(frozen=True)
class Header:
    """A pickle's first bytes: its protocol."""

    protocol: int


def sniff(path: Path, head: bytes) -> Header | None:
    """A ``Header`` if ``head`` starts like a pickle of protocol 2 to 5 (what every gensim version writes)."""
    return Header(head[1]) if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5 else None


def _refuse(path: str, name: str) -> FormatError:
    if name.startswith("gensim."):  # gensim's, but not vectors tokvec reads: say what it is (nothing ran)
        return FormatError(f"{path} holds a {name}; tokvec reads gensim's KeyedVectors, Word2Vec and FastText saves "
                           "(nothing was run). Load it with gensim and save its word vectors: model.wv.save(PATH)")
    return _pickled.refused(path, name)


def _source(path: Path) -> Any:
    """The pickle's bytes as a file: a read-only map of a plain file, the decompressed bytes of a .gz/.bz2/.xz."""
    if decompressor(path) is not None:
        return io.BytesIO(read_buffer(path).tobytes())
    if os.path.getsize(path) == 0:
        return io.BytesIO(b"")
    with open(path, "rb") as f:
        return _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)


def read(path: Path, header: Header | None = None, *, limit: int | None = None, mmap: bool = True,
         errors: str = "strict") -> Vectors:
    """Read a gensim ``.save()`` file (and its ``.npy`` files) as ``Vectors``; see the module docstring."""
    source = _source(path)
    try:
        root = _pickled.load(source, str(path), CLASSES, _refuse)
    finally:
        source.close()
    kv, model = _parts(root, path)
    arrays = _Arrays(path, f"{path}.wv" if model is not None else str(path), kv.state,
                     str(path).endswith((".gz", ".bz2")), mmap)
    tokens = _tokens(kv.state, path)
    n = len(tokens) if limit is None else min(int(limit), len(tokens))
    counts = _counts(kv.state, len(tokens), path)
    subwords = None
    if kv.kind in FASTTEXT_KEYED:
        subwords, matrix = _fasttext(kv.state, model.state if model is not None else {}, arrays, tokens[:n], path)
    else:
        matrix = arrays.get(("vectors", "syn0"), len(tokens))
        matrix = matrix[:n] if matrix is not None else arrays.missing("vectors")
    meta = {"gensim.class": (model or kv).kind, **_training_args(model)}
    result = Vectors(Vocab(tokens[:n], None if counts is None else counts[:n]), matrix, source=str(path), metadata=meta)
    result.subwords = subwords
    return result


def _parts(root: Any, path: Path) -> tuple[_pickled.Record, _pickled.Record | None]:
    """(the keyed vectors, the model holding them or None), each a record with a dict state."""
    model = None
    if isinstance(root, _pickled.Record) and root.kind in MODELS:
        model = _checked(root, path)
        root = model.state.get("wv")
        if not (isinstance(root, _pickled.Record) and root.kind in KEYED | FASTTEXT_KEYED):
            raise FormatError(f"{path}: this {model.kind} has no word vectors (wv) of a known kind; {_AGAIN}")
    if not (isinstance(root, _pickled.Record) and root.kind in KEYED | FASTTEXT_KEYED):
        what = root.kind if isinstance(root, _pickled.Record) else type(root).__name__
        raise FormatError(f"{path} is a pickle of a {what}, not gensim vectors; tokvec reads the files gensim's "
                          "KeyedVectors.save, Word2Vec.save and FastText.save write")
    return _checked(root, path), model


def _checked(record: _pickled.Record, path: Path) -> _pickled.Record:
    if not isinstance(record.state, dict):
        raise FormatError(f"{path}: the pickled {record.kind} has no attribute dictionary; {_AGAIN}")
    return record


class _Arrays:
    """The arrays of one pickled object's state: in the pickle, or in the ``.npy`` files beside it."""

    def __init__(self, path: Path, prefix: str, state: dict, compressed: bool, mmap: bool):
        self.path, self.prefix, self.state, self.mmap = path, prefix, state, mmap
        self.suffix = "npz" if compressed else "npy"
        separate = state.get("__numpys", [])
        self.separate = set(separate) if isinstance(separate, list) else set()

    def get(self, names: tuple[str, ...], rows: int | None = None, dim: int | None = None) -> np.ndarray | None:
        """The first of ``names`` (gensim 4's name, then gensim 3's) that is set, checked as ``(rows+, dim)``."""
        for name in names:
            value = self._value(name)
            if value is not None:
                return self._check(value, name, rows, dim)
        return None

    def missing(self, name: str) -> np.ndarray:
        raise FormatError(f"{self.path}: the pickled vectors have no {name} array; {_AGAIN}")

    def _value(self, name: str) -> np.ndarray | None:
        if name in self.separate:
            return self._side_file(Path(f"{self.prefix}.{name}.{self.suffix}"), name)
        value = self.state.get(name)
        value = value.array if isinstance(value, _pickled.PickledArray) else value
        if value is not None and not isinstance(value, np.ndarray):
            raise FormatError(f"{self.path}: {name} is a {type(value).__name__}, not an array; {_AGAIN}")
        return value

    def _check(self, value: np.ndarray, name: str, rows: int | None, dim: int | None) -> np.ndarray:
        if value.ndim != 2 or value.dtype.kind != "f" or (rows is not None and value.shape[0] < rows) \
                or (dim is not None and value.shape[1] != dim):
            want = f"({'N' if rows is None else f'{rows:,}+'}, {'dim' if dim is None else dim})"
            raise FormatError(f"{self.path}: {name} is a {value.dtype} array of shape {value.shape}, where {want} "
                              f"float rows are needed; {_AGAIN}")
        return value

    def _side_file(self, file: Path, name: str) -> np.ndarray:
        """A ``.npy`` file memory-mapped (or copied, ``mmap=False``), or the ``val`` of a ``.npz``; never pickles."""
        try:
            if self.suffix == "npz":
                return _npz_value(file)
            array = np.load(file, mmap_mode="r", allow_pickle=False)  # a header beyond the file fails to map
            if not self.mmap:
                _budget.check(array.nbytes, f"{file}: {name}")
                array = np.array(array)
            return array
        except FileNotFoundError:
            raise FormatError(f"{self.path}: its {name} array was saved beside it as {file.name}, which is missing; "
                              "keep the .npy files gensim wrote next to the model") from None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            raise FormatError(f"{file}: not a readable numpy array file ({type(exc).__name__}: "
                              f"{str(exc)[:100]}); {_AGAIN}") from None


def _npz_value(file: Path) -> np.ndarray:
    """The array ``val`` of gensim's compressed ``.npz``: its header checked against its size before reading."""
    with zipfile.ZipFile(file) as z, z.open("val.npy") as member:
        version = np.lib.format.read_magic(member)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
            np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(member)
        size = int(np.prod(shape, dtype=object)) * dtype.itemsize
        _budget.check(size, f"{file}: val.npy")
        data = member.read(size + 1)
    if dtype.hasobject or len(data) != size:
        raise ValueError(f"val.npy holds {len(data):,} bytes for a {dtype} array of shape {shape}")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


def _tokens(state: dict, path: Path) -> list[str]:
    keys = next((state[k] for k in ("index_to_key", "index2word", "index2entity") if state.get(k) is not None), None)
    if not isinstance(keys, list):
        raise FormatError(f"{path}: the pickled vectors have no list of keys (index_to_key); {_AGAIN}")
    bad = next((i for i, k in enumerate(keys) if not isinstance(k, str)), None)
    if bad is not None:
        raise FormatError(f"{path}: key {bad:,} is a {type(keys[bad]).__name__}, not a word; tokvec reads vectors "
                          "keyed by words (str)")
    return keys


def _counts(state: dict, n: int, path: Path) -> np.ndarray | None:
    """One count per key: gensim 4's ``expandos['count']``, or gensim 3's ``Vocab`` objects; None if absent."""
    expandos = state.get("expandos")
    found = expandos.get("count") if isinstance(expandos, dict) else None
    found = found.array if isinstance(found, _pickled.PickledArray) else found
    if isinstance(found, np.ndarray):
        if found.ndim != 1 or found.dtype.kind not in "iu" or len(found) < n:
            raise FormatError(f"{path}: expandos['count'] is a {found.dtype} array of shape {found.shape}, not "
                              f"{n:,} integer counts; {_AGAIN}")
        return found[:n].astype(np.int64)
    vocab = state.get("vocab")
    if not isinstance(vocab, dict) or not vocab:
        return None
    counts = np.zeros(n, np.int64)
    for entry in vocab.values():
        entry = entry.state if isinstance(entry, _pickled.Record) else None
        index, count = (entry.get("index"), entry.get("count")) if isinstance(entry, dict) else (None, None)
        if not (isinstance(index, (int, np.integer)) and 0 <= index < n and isinstance(count, (int, np.integer))):
            raise FormatError(f"{path}: a gensim 3 vocabulary entry without a valid index and count; {_AGAIN}")
        counts[index] = count
    return counts


def _fasttext(state: dict, model: dict, arrays: _Arrays, tokens: list[str],
              path: Path) -> tuple[Subwords | None, np.ndarray]:
    """The n-gram buckets and the word vectors as gensim composes them (``compose``)."""
    if state.get("compatible_hash") is not True:
        raise FormatError(f"{path} is a fastText model from gensim before 3.8, whose n-gram hashing differs from "
                          "fastText's (gensim 4 refuses it too); load it in gensim 3.8.3 and save it again")
    settings = {k: state.get(k, model.get(k)) for k in ("bucket", "min_n", "max_n")}
    if not all(isinstance(v, (int, np.integer)) and 0 <= v < 1 << 31 for v in settings.values()):
        raise FormatError(f"{path}: fastText settings {settings} are not sizes; {_AGAIN}")
    bucket, minn, maxn = (int(settings[k]) for k in ("bucket", "min_n", "max_n"))
    own = arrays.get(("vectors_vocab", "syn0_vocab"), len(tokens))
    own = own if own is not None else arrays.missing("vectors_vocab")
    if bucket == 0 or maxn == 0:  # no n-grams: gensim's vectors are the words' own rows
        return None, own[: len(tokens)]
    grams = arrays.get(("vectors_ngrams", "syn0_ngrams"), None, own.shape[1])
    grams = _unpacked(grams, state.get("hash2index"), bucket, path) if grams is not None \
        else arrays.missing("vectors_ngrams")
    subwords = Subwords(grams, minn, maxn, "utf-8", own[: len(tokens)])
    stored = arrays.get(("vectors", "syn0"), len(tokens), own.shape[1])  # gensim 3 saved them; gensim 4 does not
    if stored is not None:
        return subwords, stored[: len(tokens)]
    _budget.check(len(tokens) * own.shape[1] * 4, f"{path}: {len(tokens):,} x {own.shape[1]} word vectors")
    return subwords, compose(subwords, tokens)


def _unpacked(grams: np.ndarray, hash2index: Any, bucket: int, path: Path) -> np.ndarray:
    """``(bucket, dim)`` n-gram rows; gensim 3.8 kept only the n-grams it saw, with ``hash2index`` saying which
    (an n-gram it never saw is a zero row here)."""
    if len(grams) == bucket:
        return grams
    pairs = list(hash2index.items()) if isinstance(hash2index, dict) else []
    if len(grams) > bucket or not pairs or not all(
            isinstance(h, int) and isinstance(i, int) and 0 <= h < bucket and 0 <= i < len(grams) for h, i in pairs):
        raise FormatError(f"{path}: {len(grams):,} n-gram rows for {bucket:,} buckets and no valid hash2index; "
                          f"{_AGAIN}")
    _budget.check(bucket * grams.shape[1] * 4, f"{path}: {bucket:,} n-gram buckets")
    full = np.zeros((bucket, grams.shape[1]), np.float32)
    hashes, rows = np.array(pairs, dtype=np.int64).T
    full[hashes] = grams[rows]
    return full


def compose(subwords: Subwords, tokens: list[str]) -> np.ndarray:
    """gensim's ``adjust_vectors``: each word's own row, its n-gram rows added one by one in float32, divided
    by their number. float32 ``(len(tokens), dim)``.

    >>> buckets = np.tile(np.float32([4, 1]), (4, 1))   # every n-gram row is (4, 1)
    >>> s = Subwords(buckets, 3, 3, word_rows=np.float32([[1, 4]]))
    >>> s.ngrams("ab"), compose(s, ["ab"]).tolist()    # ((1, 4) + (4, 1) + (4, 1)) / 3
    (['<ab', 'ab>'], [[3.0, 2.0]])
    """
    starts, ids = hash_packed(*pack([subwords.encode(t) for t in tokens]), subwords.minn, subwords.maxn,
                              subwords.bucket)
    out = np.array(subwords.word_rows[: len(tokens)], dtype=np.float32)  # (n, dim)
    per_word, first = np.diff(starts), starts[:-1]
    for k in range(int(per_word.max(initial=0))):  # the k-th n-gram of every word that has one
        has = np.flatnonzero(per_word > k)
        out[has] += np.asarray(subwords.buckets[ids[first[has] + k]], dtype=np.float32)
    out /= (per_word + 1).astype(np.float32)[:, None]
    return out


def _training_args(model: _pickled.Record | None) -> dict[str, str]:
    """A FastText model's training settings under fastText's names (``fasttext.ws``), for a ``.bin`` written
    from it; {} for anything else."""
    if model is None or model.kind != "gensim.models.fasttext.FastText":
        return {}
    s = model.state
    args = {"ws": s.get("window"), "epoch": s.get("epochs"), "minCount": s.get("min_count"),
            "neg": s.get("negative"), "t": s.get("sample"),
            "model": None if s.get("sg") is None else 2 if s.get("sg") else 1,
            "loss": None if s.get("hs") is None else 1 if s.get("hs") else 2}
    return {f"fasttext.{k}": str(v) for k, v in args.items()
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)}


FORMAT = Format(NAME, "gensim's saved models (KeyedVectors/Word2Vec/FastText .save(): a pickle and .npy files), "
                "read without running the pickle", sniff, read, None, extensions=(".model", ".kv"),
                aliases=("gensim-model",))
