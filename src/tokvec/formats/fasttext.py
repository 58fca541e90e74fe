"""fastText's binary model (``.bin``): the words, their vectors and the character n-gram buckets.

The layout is fastText's own (``FastText::saveModel`` in ``src/fasttext.cc``): the magic number
793712314 and the file-format version (≤ 12) as int32; the 12 int32 ``Args`` fields (dim, ws, epoch,
minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate) and the double ``t``; the
``Dictionary`` (int32 size, nwords, nlabels; int64 ntokens, pruneidx_size; per entry the word's bytes,
a NUL, int64 count, int8 type; pruneidx_size pairs of int32); a bool ``quant``; the input matrix
(int64 rows = nwords + bucket, int64 dim, float32 rows); a bool ``qout``; the output matrix. Files
from fastText before the magic number (the *old layout*, e.g. gensim's ``lee_fasttext.bin``) start
directly with the ``Args`` and have no ``pruneidx_size`` and no ``quant``/``qout`` bools; they are
recognised by plausible ``Args`` values. All integers are little-endian (what fastText writes on
x86 and ARM).

Reading maps the file: the input matrix is a view of it (the word rows and the bucket rows, see
``tokvec.vocab.subwords``); only the vocabulary's composed vectors (what fastText's ``get_word_vector``
returns for each word) are computed into memory. Every size in the header is checked against the
file's length before anything is read or allocated. Supervised models (classifiers, ``__label__``
entries) are refused saying what they are, and so are quantized ``.ftz`` models (fastText quantizes
only supervised models; a quantized matrix in any other is refused, pointing to the ``.bin``/``.vec``). ``encoding=``
decodes words stored in another encoding (they are hashed in that encoding's bytes, as fastText does).

Writing produces a fastText-format ``.bin`` (version 12) that fastText and gensim's
``load_facebook_vectors`` read: the raw word rows, the buckets, and the output matrix: the trainer's
(``Subwords.output_rows``, so training can continue), else zeros (enough for vectors, not to resume
training). Vectors without subwords are written with ``bucket = 0``.

Deliberately left out: ``.ftz`` reading, supervised models, reading the output matrix, and big-endian files.
"""

from __future__ import annotations

import math
import mmap as _mmap
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._plumbing import budget as _budget
from .._plumbing.files import atomic_write, decompressor
from ..errors import FormatError
from ..vectors import Vectors
from ..vocab import Vocab
from ..vocab.subwords import Subwords
from ._common import read_buffer
from .base import Format

MAGIC = 793712314
VERSION = 12  # FASTTEXT_VERSION: the newest file format fastText writes (11 and 12 share the layout)
NAME = "fasttext-bin"
ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model", "bucket", "minn", "maxn",
             "lrUpdateRate", "t")
_ARGS = struct.Struct("<12id")
MODELS = {1: "cbow", 2: "skipgram", 3: "supervised"}
LOSSES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
_DEFAULTS = {"ws": 5, "epoch": 5, "minCount": 5, "neg": 5, "wordNgrams": 1, "loss": 2, "model": 2,
             "lrUpdateRate": 100, "t": 1e-4}
_MAX_DIM = 1 << 20
REBUILD = "the file is truncated or damaged; download or write it again"


@dataclass(frozen=True)
class Header:
    """What the first bytes say: ``layout`` (``new`` or ``old``), ``version`` and the ``Args`` fields."""

    layout: str
    version: int | None
    args: dict[str, float]
    end: int  # byte offset where the dictionary starts


def _args(raw: bytes, at: int) -> dict[str, float]:
    return dict(zip(ARG_NAMES, _ARGS.unpack_from(raw, at)))


def _plausible(a: dict[str, float]) -> bool:
    """Could these be an old-layout file's ``Args``? (every field in the range fastText can write)."""
    return (0 < a["dim"] <= _MAX_DIM and 0 < a["ws"] <= 10_000 and 0 < a["epoch"] <= 1_000_000
            and a["minCount"] >= 0 and a["neg"] >= 0 and 0 < a["wordNgrams"] <= 100 and a["loss"] in LOSSES
            and a["model"] in MODELS and a["bucket"] >= 0 and 0 <= a["minn"] <= 1000 and 0 <= a["maxn"] <= 1000
            and math.isfinite(a["t"]) and 0 <= a["t"] <= 1)


def sniff(path: Path, head: bytes) -> Header | None:
    """A ``Header`` if ``head`` starts with fastText's magic number (or, before it, plausible old ``Args``)."""
    if len(head) < 8 + _ARGS.size:
        return None
    magic, version = struct.unpack_from("<2i", head)
    if magic == MAGIC:
        return Header("new", version, _args(head, 8), 8 + _ARGS.size)
    old = _args(head, 0)
    return Header("old", None, old, _ARGS.size) if _plausible(old) else None


def _forced_header(path: Path, raw) -> Header:
    """The header when the caller named the format: a clear error if it is not fastText's."""
    header = sniff(path, bytes(raw[: 8 + _ARGS.size]))
    if header is None:
        magic = struct.unpack_from("<i", raw)[0] if len(raw) >= 4 else None
        raise FormatError(f"{path} is not a fastText .bin model: it does not start with fastText's magic number "
                          f"{MAGIC} (it starts with {magic}), nor with an old-layout header. Check the file, or "
                          "load it without format= to detect its format")
    return header


def _check_args(path: Path, header: Header) -> None:
    a = header.args
    if header.version is not None and not 0 < header.version <= VERSION:
        raise FormatError(f"{path}: fastText file-format version {header.version}; tokvec reads versions 1 to "
                          f"{VERSION} (fastText 0.9). Save it again with fastText 0.9, or upgrade tokvec")
    bad = [f"{k}={a[k]}" for k in ("dim", "bucket", "minn", "maxn") if a[k] < 0] + \
          ([f"dim={a['dim']}"] if not 0 < a["dim"] <= _MAX_DIM else []) + \
          ([f"minn={a['minn']} > maxn={a['maxn']}"] if a["maxn"] > 0 and a["minn"] > a["maxn"] else [])
    if bad:
        raise FormatError(f"{path}: the fastText header says {', '.join(dict.fromkeys(bad))}, which no fastText "
                          f"model has (dim 1..{_MAX_DIM:,}, bucket >= 0, 0 <= minn <= maxn); {REBUILD}")
    if a["model"] == 3:
        raise FormatError(f"{path} is a supervised fastText model (a text classifier; every .ftz is one), not word "
                          "vectors; tokvec reads the unsupervised models `fasttext skipgram` and `fasttext cbow` write")


class _Reader:
    """Bounds-checked little-endian reads from the mapped file; running past its end is a ``FormatError``."""

    def __init__(self, path: Path, raw, pos: int):
        self.path, self.raw, self.pos, self.size = path, raw, pos, len(raw)

    def need(self, nbytes: int, what: str) -> int:
        if nbytes < 0 or self.pos + nbytes > self.size:
            raise FormatError(f"{self.path}: {what} needs {nbytes:,} bytes from byte {self.pos:,}, but the file "
                              f"has {self.size:,}; {REBUILD}")
        start, self.pos = self.pos, self.pos + nbytes
        return start

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack_from(fmt, self.raw, self.need(struct.calcsize(fmt), what))


def _dictionary(r: _Reader, header: Header) -> tuple[list[bytes], np.ndarray, int]:
    """The words' raw bytes, their counts (int64) and ``nwords``, after checking the sizes."""
    size, nwords, nlabels, _ntokens = r.unpack("<3iq", "the dictionary header")
    prune = r.unpack("<q", "the dictionary header")[0] if header.layout == "new" else -1  # -1: not pruned
    if nlabels > 0:
        raise FormatError(f"{r.path} is a supervised fastText model ({nlabels:,} labels such as '__label__...'), "
                          "a text classifier, not word vectors; tokvec reads unsupervised (skipgram/cbow) models")
    if not 0 <= nwords == size or size * 10 > r.size - r.pos or prune < -1:
        raise FormatError(f"{r.path}: the dictionary says {size:,} entries, {nwords:,} words and {prune:,} pruned "
                          f"n-grams, which do not fit in its {r.size:,} bytes; {REBUILD}")
    words, counts, raw, pos = [], np.empty(size, np.int64), r.raw, r.pos
    for i in range(size):
        end = raw.find(b"\0", pos)
        if end < 0 or end + 10 > r.size:
            r.pos = pos
            r.need(r.size + 1, f"dictionary entry {i:,}")
        words.append(bytes(raw[pos:end]))
        counts[i] = struct.unpack_from("<q", raw, end + 1)[0]
        pos = end + 10
    r.pos = pos
    r.need(8 * max(prune, 0), "the pruned n-gram index")
    return words, counts, nwords


def _matrix(r: _Reader, header: Header, rows: int, dim: int, what: str) -> np.ndarray:
    """The float32 ``(rows, dim)`` matrix at the reader's position: a view of the file, sizes checked first."""
    if header.layout == "new" and r.unpack("<?", f"the {what} matrix")[0]:
        raise FormatError(f"{r.path} is a quantized fastText model (.ftz: product-quantized {what} matrix), which "
                          "tokvec does not read; use the model's unquantized .bin (or its .vec) instead")
    m, n = r.unpack("<2q", f"the {what} matrix header")
    if (rows is not None and m != rows) or n != dim:
        raise FormatError(f"{r.path}: the {what} matrix is {m:,} x {n:,}, but the header's dictionary and args "
                          f"need {rows if rows is not None else 'N'} x {dim}; {REBUILD}")
    start = r.need(m * n * 4, f"the {m:,} x {n:,} {what} matrix")
    return np.frombuffer(r.raw, dtype="<f4", count=m * n, offset=start).reshape(m, n)  # (m, dim)


def _open(path: Path):
    """The file's bytes: a read-only map of a plain file, or the decompressed bytes of a compressed one."""
    if decompressor(path) is not None:
        return read_buffer(path).tobytes()
    if os.path.getsize(path) == 0:
        return b""
    with open(path, "rb") as f:
        return _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)


def read(path: Path, header: Header | None = None, *, limit: int | None = None, mmap: bool = True,
         errors: str = "strict", encoding: str = "utf-8") -> Vectors:
    """Read a fastText ``.bin``: composed word vectors, with ``subwords`` for unknown words (see the module)."""
    raw = _open(path)
    header = header if header is not None else _forced_header(path, raw)
    _check_args(path, header)
    a = header.args
    r = _Reader(path, raw, header.end)
    words, counts, nwords = _dictionary(r, header)
    dim, bucket = int(a["dim"]), int(a["bucket"])
    inputs = _matrix(r, header, nwords + bucket, dim, "input")  # (nwords + bucket, dim)
    _matrix(r, header, None, dim, "output")  # checked only: a truncated file is refused
    n = nwords if limit is None else min(int(limit), nwords)
    _budget.check(n * dim * 4, f"{path}: the header's {n:,} x {dim} vectors")
    tokens = _decode(path, words[:n], encoding, errors)
    word_rows, buckets = inputs[:n], inputs[nwords:]
    if not mmap:
        word_rows, buckets = np.array(word_rows), np.array(buckets)
    subwords = Subwords(buckets, int(a["minn"]), int(a["maxn"]), encoding, word_rows) if bucket and a["maxn"] else None
    matrix = subwords.compose(words[:n], word_rows) if subwords is not None else np.array(word_rows)
    meta = {f"fasttext.{k}": str(v) for k, v in a.items()}
    meta.update({"fasttext.version": str(header.version or 0), "fasttext.encoding": encoding,
                 "fasttext.model_name": MODELS.get(int(a["model"]), "?")})
    result = Vectors(Vocab(tokens, counts[:n]), matrix, source=str(path), metadata=meta)
    if len(result) != n:
        raise FormatError(f"{path}: {n - len(result):,} words decode to the same text as another with "
                          f"errors={errors!r}; load it with the right encoding= instead")
    result.subwords = subwords
    return result


def _decode(path: Path, words: list[bytes], encoding: str, errors: str) -> list[str]:
    try:
        return [w.decode(encoding, errors) for w in words]
    except LookupError:
        raise FormatError(f"unknown encoding {encoding!r} or errors policy {errors!r} for {path}") from None
    except UnicodeDecodeError as exc:
        i = next(i for i, w in enumerate(words) if _fails(w, encoding))
        raise FormatError(f"{path}: word {i:,} ({words[i][:40]!r}) is not valid {encoding} ({exc.reason}). Pass "
                          f"encoding= the model's encoding (e.g. encoding='cp852'; CLI: --encoding), or "
                          "errors='replace'") from None


def _fails(word: bytes, encoding: str) -> bool:
    try:
        word.decode(encoding)
    except UnicodeDecodeError:
        return True
    return False


def write(vectors: Vectors, path: Path, *, dtype: str | None = None) -> None:
    """Write ``vectors`` as a fastText ``.bin`` (version 12) atomically; see the module docstring."""
    if dtype is not None and np.dtype(dtype) not in (np.float32, np.float16):
        raise FormatError(f"a fastText .bin stores float32 rows, not {dtype}; drop --dtype")
    rounding = np.float16 if dtype is not None and np.dtype(dtype) == np.float16 else np.float32  # float16: rounded
    sub, n, dim = vectors.subwords, len(vectors), vectors.dim
    encoding = sub.encoding if sub is not None else "utf-8"
    words = [_encoded(t, encoding, i) for i, t in enumerate(vectors.tokens)]
    if sub is None:
        own = vectors.matrix
    elif sub.word_rows is not None and len(sub.word_rows) == n:
        own = sub.word_rows
    else:
        own = sub.decompose(words, vectors.matrix)
    a = {k: v for k, v in _DEFAULTS.items()}
    for key in a:
        if f"fasttext.{key}" in vectors.metadata:
            a[key] = type(a[key])(float(vectors.metadata[f"fasttext.{key}"]))
    bucket = sub.bucket if sub is not None else 0
    a.update(dim=dim, bucket=bucket, minn=sub.minn if sub else 0, maxn=sub.maxn if sub else 0)
    counts = vectors.counts if vectors.counts is not None else np.ones(n, np.int64)
    with atomic_write(path) as out:
        out.write(struct.pack("<2i", MAGIC, VERSION) + _ARGS.pack(*(int(a[k]) for k in ARG_NAMES[:-1]), float(a["t"])))
        out.write(struct.pack("<3iqq", n, n, 0, int(np.sum(counts)), -1))  # -1: not pruned
        for word, count in zip(words, counts.tolist()):
            out.write(word + b"\0" + struct.pack("<qb", int(count), 0))
        out.write(struct.pack("<?2q", False, n + bucket, dim))
        for block in (own, sub.buckets if sub is not None else np.zeros((0, dim), np.float32)):
            for s in range(0, len(block), 1 << 16):  # written from the rows' own memory when already float32
                out.write(np.ascontiguousarray(np.asarray(block[s : s + (1 << 16)], dtype=rounding), dtype="<f4"))
        out.write(struct.pack("<?2q", False, n, dim))
        output = sub.output_rows if sub is not None and getattr(sub.output_rows, "shape", None) == (n, dim) else None
        for s in range(0, n, 1 << 16):  # the output layer: a trainer's rows, else zeros (vectors only)
            e = min(n, s + (1 << 16))
            out.write(np.ascontiguousarray(output[s:e], dtype="<f4") if output is not None
                      else bytes(4 * dim * (e - s)))


def _encoded(token: str, encoding: str, row: int) -> bytes:
    try:
        word = token.encode(encoding)
    except UnicodeEncodeError:
        raise FormatError(f"token {token!r} (row {row:,}) cannot be written in the model's encoding {encoding}; "
                          "save as .tokvec, which stores any token") from None
    if b"\0" in word:
        raise FormatError(f"token {token!r} (row {row:,}) contains a NUL byte, which a fastText .bin cannot "
                          "store; save as .tokvec, which stores any token")
    return word


FORMAT = Format(NAME, "fastText's binary model (.bin): word vectors plus character n-gram buckets", sniff, read,
                write, aliases=("fasttext-binary",), options=("encoding",))
