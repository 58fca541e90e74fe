"""Approximate nearest-neighbour search with faiss, behind the same ``most_similar`` calls.

    >>> import tokvec, tokvec.search.ann as ann                                  # doctest: +SKIP
    >>> v = tokvec.load("glove")                                          # doctest: +SKIP
    >>> index = ann.build(v)                                              # doctest: +SKIP
    >>> index                                                             # doctest: +SKIP
    <Index ivf index over 400,000 x 50 (nlist 2,530, nprobe 128, recall@10 0.969 on sampled rows)>
    >>> v.most_similar(["king", "woman"], ["man"], topn=3, index=index)   # doctest: +SKIP
    >>> ann.save(index, "glove.ann"); index = ann.load("glove.ann", v)    # doctest: +SKIP

Design. An ``Index`` is an explicit object passed as ``index=`` to ``Vectors.most_similar``,
``most_similar_batch`` and ``similar_by_vector``, rather than an ``approximate=True`` flag:
building one takes seconds to minutes and has knobs (kind, ``effort``), so it is built (or
loaded) once where the cost is visible, saved, and reused; ``Vectors`` keeps no hidden index
cache and never imports faiss. The query side is unchanged: the query vector (mean of
unit-normalised positives minus negatives), the excluded query words and the scores all come
from ``vectors.py``. The faiss index, over the unit-normalised rows with inner product (=
cosine), only *proposes* candidates; they are rescored exactly from the matrix, so scores are
the same numbers exact search gives (PQ codes included) and only recall is approximate.

Kinds (defaults chosen from the vocabulary size n):

- ``"ivf"``: ``IndexIVFFlat``, ``nlist = 4 sqrt(n)`` (at most n / 39, faiss's minimum of
  training points per centroid), seeded k-means on a seeded sample of ``64 nlist`` rows
  (at least 9,984, at most n).
- ``"hnsw"``: ``IndexHNSWFlat``, M = 32 links per node; no training, slower to build (in
  parallel, so not bit-reproducible), usually the fastest to query at a given recall.
- ``"ivfpq"``: ``IndexIVFPQ``, the IVF lists hold 8-bit product-quantisation codes (about
  dim / 2 bytes per row, 8x less than float32 rows) for vocabularies past memory; 8x the
  candidates are rescored exactly. Needs at least 9,984 rows (39 x 256) to train the codebooks.

``effort`` (nprobe for IVF kinds, efSearch for HNSW) trades speed for recall. Unless given,
``build`` tunes it: the smallest power of two (IVF efforts stop at nlist) whose recall@10,
measured on 1,000 sampled rows (left out of the k-means sample when the vocabulary is large
enough, about 68,000 rows or more for ivf), reaches ``target_recall`` with two standard errors to spare
(so other queries reach it too). The rows are sampled uniformly, so mostly rare tokens, whose neighbourhoods
are the hardest; frequent words score higher. ``index.tuning`` keeps the recall at every effort tried.

Deliberately left out: ``restrict`` (the index covers every row: build one on ``v.limit(N)``),
3CosMul (its score is not a nearest-neighbour query), GPU indexes, adding rows to an index.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .._plumbing import container as st
from .._plumbing.files import cache_dir
from .._plumbing.optional import require
from ..errors import FormatError, InvalidArgumentError, TokvecWarning
from .exact import DEFAULT_CHUNK_BYTES, gather

Vectors = Any  # a tokvec.vectors.Vectors: this package sits below it and reads it through public attributes

Kind = Literal["ivf", "hnsw", "ivfpq"]
KINDS: tuple[str, ...] = ("ivf", "hnsw", "ivfpq")
FORMAT = "tokvec-ann"
VERSION = "1"

_HNSW_LINKS = 32
_TRAIN_PER_LIST = 64  # k-means sample: rows per IVF list (faiss warns below 39)
_TUNE_QUERIES = 1_000
_OVERSAMPLE = {"ivf": 1, "hnsw": 1, "ivfpq": 8}  # candidates fetched per result, before exact rescoring
_PQ_MIN_ROWS = 39 * 256
_PREAD_ROWS = 4_096  # candidate rows read one by one (os.pread) rather than through the memory map
_SAMPLE_ROWS = 1_024  # rows hashed into the checksum
_CHECKSUMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # vectors -> (their matrix, its checksum)


class Index:
    """A faiss index over the unit-normalised rows of one ``Vectors``; pass it as ``index=``.

    ``effort`` (nprobe for IVF kinds, efSearch for HNSW) may be changed at any time;
    ``tuning`` maps each effort measured at build to its recall@10 on the sampled tuning rows.
    ``built_for``, the vectors it was just built from, is trusted without computing their checksum.
    It implements ``search.ApproximateIndex``.
    """

    def __init__(self, kind: Kind, faiss_index: Any, rows: int, dim: int, checksum: str,
                 tuning: dict[int, float], built_for: Vectors | None = None):
        self.kind = kind
        self.faiss_index = faiss_index
        self.rows = rows
        self.dim = dim
        self.checksum = checksum
        self.tuning = dict(tuning)
        self.mapped: np.ndarray | None = None  # the file's bytes faiss reads in place (``load(mmap=True)``)
        self._verified: weakref.WeakSet[Vectors] = weakref.WeakSet()  # vectors whose checksum matched
        if built_for is not None:
            self._verified.add(built_for)

    @property
    def effort(self) -> int:
        """nprobe (IVF kinds) or efSearch (HNSW): higher is slower and finds more true neighbours."""
        return int(self.faiss_index.hnsw.efSearch if self.kind == "hnsw" else self.faiss_index.nprobe)

    @effort.setter
    def effort(self, value: int) -> None:
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise InvalidArgumentError(f"effort must be a positive integer, got {value!r}")
        if self.kind == "hnsw":
            self.faiss_index.hnsw.efSearch = int(value)
        else:
            self.faiss_index.nprobe = min(int(value), self.faiss_index.nlist)

    @property
    def recall(self) -> float | None:
        """recall@10 measured at build for the current effort, if that effort was measured."""
        return self.tuning.get(self.effort)

    def describe(self) -> str:
        """One line: kind, size, effort and its measured recall."""
        knob = "efSearch" if self.kind == "hnsw" else f"nlist {self.faiss_index.nlist:,}, nprobe"
        measured = "" if self.recall is None else f", recall@10 {self.recall:.3f} on sampled rows"
        return f"{self.kind} index over {self.rows:,} x {self.dim} ({knob} {self.effort}{measured})"

    def __repr__(self) -> str:
        return f"<Index {self.describe()}>"

    def check(self, v: Vectors) -> None:
        """Raise ``InvalidArgumentError`` unless this index was built for ``v`` (rows, dim, checksum)."""
        if v in self._verified:
            return
        if (len(v), v.dim) != (self.rows, self.dim) or checksum(v) != self.checksum:
            raise InvalidArgumentError(
                f"this {self.kind} index was built for other vectors ({self.rows:,} x {self.dim}, checksum "
                f"{self.checksum[:12]}), not {v!r} (checksum {checksum(v)[:12]}); build one for these "
                "with tokvec.search.ann.build(v)"
            )
        self._verified.add(v)

    def top_k(self, v: Vectors, queries: np.ndarray, k: int,
              exclude: Sequence[Sequence[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Approximate ``search.top_k``: the ``k`` best rows of ``v`` per unit query, best first.

        faiss proposes candidates; they are rescored exactly (``row · query / |row|``), ranked by
        score then lower id, and ``exclude[q]`` removed. Queries go in blocks so the candidate rows
        gathered for rescoring stay within ``DEFAULT_CHUNK_BYTES``. Shapes: queries (q, dim) -> ids
        (q, k) int64, scores (q, k) float32; a query with fewer than k candidates is padded with
        id -1, score -inf.
        """
        self.check(v)
        queries = np.ascontiguousarray(queries, dtype=np.float32)  # (q, dim)
        excluded = _padded(exclude, len(queries))  # (q, e), -2 = padding
        wanted = min(self.rows, (k + excluded.shape[1]) * _OVERSAMPLE[self.kind])
        step = max(1, DEFAULT_CHUNK_BYTES // (4 * wanted * self.dim))
        blocks = [self._rescored(v, queries[s : s + step], excluded[s : s + step], k, wanted)
                  for s in range(0, max(1, len(queries)), step)]
        return np.concatenate([ids for ids, _ in blocks]), np.concatenate([scores for _, scores in blocks])

    def _rescored(self, v: Vectors, queries: np.ndarray, excluded: np.ndarray, k: int,
                  wanted: int) -> tuple[np.ndarray, np.ndarray]:
        _, cand = self.faiss_index.search(queries, wanted)  # (q, c); -1 where none
        found = cand >= 0
        safe = np.where(found, cand, 0)
        rows = safe.ravel()
        picked = gather(v.matrix, rows) if len(rows) <= _PREAD_ROWS else v.matrix[rows]  # few: pread, maps no pages
        vecs = np.asarray(picked, dtype=np.float32).reshape(*cand.shape, self.dim)  # (q, c, dim)
        scores = np.einsum("qcd,qd->qc", vecs, queries) * v.inv_norms[safe]  # (q, c) exact cosines
        dropped = ~found | np.isnan(scores) | (cand[:, :, None] == excluded[:, None, :]).any(axis=2)
        scores[dropped] = -np.inf
        order = np.lexsort((cand, -scores), axis=1)[:, :k]  # by score, then lower id
        pick = (np.arange(len(cand))[:, None], order)
        ids, scores = cand[pick], scores[pick]
        ids[scores == -np.inf] = -1
        return ids.astype(np.int64), scores.astype(np.float32)


def build(
    v: Vectors,
    kind: Kind = "ivf",
    *,
    effort: int | None = None,
    target_recall: float = 0.95,
    nlist: int | None = None,
    seed: int = 0,
) -> Index:
    """An approximate index over ``v`` (see the module docstring for the kinds and defaults).

    ``effort=None`` tunes it to the smallest power of two reaching ``target_recall`` (recall@10 on
    1,000 sampled rows, less two standard errors; a ``TokvecWarning`` if even the largest falls
    short); a given ``effort`` is measured only. ``nlist`` overrides the number of IVF lists.
    Needs ``tokvec[ann]`` (faiss-cpu).

    >>> index = build(v, "hnsw")              # doctest: +SKIP
    >>> index.effort, round(index.recall, 3)  # doctest: +SKIP
    (64, 0.962)
    """
    faiss = _faiss()
    if kind not in KINDS:
        raise InvalidArgumentError(f"unknown index kind {kind!r}; use one of {', '.join(KINDS)}")
    if not 0 < target_recall <= 1:
        raise InvalidArgumentError(f"target_recall must be in (0, 1], got {target_recall}")
    n, dim = len(v), v.dim
    if n == 0:
        raise InvalidArgumentError("cannot build an index over 0 vectors")
    order = np.random.default_rng(seed).permutation(n)
    tune_rows = np.sort(order[-_TUNE_QUERIES:])  # held out from the k-means sample when n allows
    if kind == "hnsw":
        if nlist is not None:
            raise InvalidArgumentError("nlist sets the number of IVF lists; kind 'hnsw' has none, drop it")
        inner = faiss.IndexHNSWFlat(dim, _HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        efforts = [16 * 2**i for i in range(9)]  # 16 .. 4096
    else:
        lists = nlist if nlist is not None else max(1, min(round(4 * math.sqrt(n)), n // 39))
        if not isinstance(lists, (int, np.integer)) or not 1 <= lists <= n:
            raise InvalidArgumentError(f"nlist must be an integer in 1..{n:,} (the number of rows), got {lists!r}")
        quantizer = faiss.IndexFlatIP(dim)
        if kind == "ivf":
            inner = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
        else:
            if n < _PQ_MIN_ROWS:
                raise InvalidArgumentError(f"kind 'ivfpq' needs at least {_PQ_MIN_ROWS:,} rows to train its "
                                           f"codebooks, these vectors have {n:,}; use kind='ivf'")
            inner = faiss.IndexIVFPQ(quantizer, dim, lists, _pq_subvectors(dim), 8, faiss.METRIC_INNER_PRODUCT)
            inner.pq.cp.seed = seed
            inner.pq.cp.niter = inner.cp.niter  # 10, as the coarse k-means: faiss's 25 costs 2.5x for no recall here
        inner.cp.seed = seed
        train_count = min(n, max(_TRAIN_PER_LIST * lists, _PQ_MIN_ROWS))
        inner.train(_unit_rows(v, np.sort(order[:train_count])))
        efforts = sorted({min(2**i, lists) for i in range(lists.bit_length() + 1)})
    step = max(1, DEFAULT_CHUNK_BYTES // (4 * dim))
    for start in range(0, n, step):
        inner.add(_unit_rows(v, np.arange(start, min(start + step, n))))
    index = Index(kind, inner, n, dim, checksum(v), {}, built_for=v)
    _tune(v, index, tune_rows, [effort] if effort is not None else efforts, target_recall)
    return index


def recall(v: Vectors, index: Index, queries: Sequence[str], k: int = 10) -> float:
    """Mean recall@k of ``index`` against exact search: the share of each query's exact top ``k``
    (query words excluded, as in ``most_similar``) that the approximate search also returns.

    >>> recall(v, index, ["king", "frog", "paris"])   # doctest: +SKIP
    1.0
    """
    exact = v.most_similar_batch(list(queries), topn=k)
    approx = v.most_similar_batch(list(queries), topn=k, index=index)
    return float(_hits(exact, approx).mean())


def save(index: Index, path: str | Path) -> None:
    """Write ``index`` to ``path`` atomically: a safetensors file holding the serialised faiss index
    (U8 tensor ``faiss_index``) and metadata (kind, rows, dim, checksum, effort, tuning)."""
    data = _faiss().serialize_index(index.faiss_index)  # (bytes,) uint8
    meta = {"format": FORMAT, "version": VERSION, "kind": index.kind, "rows": str(index.rows),
            "dim": str(index.dim), "checksum": index.checksum, "effort": str(index.effort),
            "tuning": json.dumps({str(e): r for e, r in index.tuning.items()})}
    st.write(path, [st.Entry("faiss_index", np.dtype("u1"), (int(data.size),), [memoryview(data)])], meta)


def load(path: str | Path, v: Vectors, *, mmap: bool = False) -> Index:
    """Read an index written by ``save`` and check it belongs to ``v`` (rows, dim, checksum).

    ``mmap=True`` (what ``tokvec similar --approximate`` does): its big arrays (IVF lists, the HNSW graph
    and rows) stay in the file's pages, mapped, not read, so opening costs milliseconds whatever its size
    and only the pages a search touches are read (faiss >= 1.11, every kind; older faiss reads it all).
    Such an index is for searching only: faiss aborts the process if rows are added to it. The default
    reads a private copy.
    """
    faiss = _faiss()
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"no such index file: {path}; build one with tokvec.search.ann.build(v) and save it")
    try:
        header = st.read_header(path)
    except FormatError as exc:  # the container's advice names `tokvec convert`, which does not make indexes
        if " is truncated" not in str(exc):
            raise
        raise FormatError(f"{path} is truncated; delete it and rebuild the index") from None
    meta = header.metadata
    if meta.get("format") != FORMAT:
        raise FormatError(f"{path} is not a tokvec ANN index (metadata format={meta.get('format')!r}); "
                          "write one with tokvec.search.ann.save")
    if meta.get("version") != VERSION:
        raise FormatError(f"{path} is tokvec ANN index version {meta.get('version')!r}; this tokvec reads "
                          f"version {VERSION}. Rebuild it with tokvec.search.ann.build(v) or upgrade tokvec")
    try:
        _, end = (int(x) for x in header.tensors["faiss_index"]["data_offsets"])
        rows, dim, effort = int(meta["rows"]), int(meta["dim"]), int(meta["effort"])
        tuning = {int(e): float(r) for e, r in json.loads(meta["tuning"]).items()}
        kind = meta["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"{path}: malformed index header ({exc!r}); delete the file and rebuild it") from None
    if header.data_start + end > header.size:
        raise FormatError(f"{path} is truncated; delete it and rebuild the index")
    data = st.tensor(header, "faiss_index", mmap=mmap)
    index = Index(kind, _read_faiss(faiss, data), rows, dim, meta["checksum"], tuning)
    index.mapped = data if isinstance(data, np.memmap) and _zero_copy(faiss) else None  # faiss points into it
    index.effort = effort
    index.check(v)
    return index


def cache_path(v: Vectors, kind: Kind = "ivf") -> Path:
    """Where the CLI keeps the index of ``v``: ``$TOKVEC_HOME/ann/<checksum>-<kind>.ann``."""

    return cache_dir() / "ann" / f"{checksum(v)}-{kind}.ann"


def checksum(v: Vectors) -> str:
    """A hash of the shape and of 1,024 evenly spaced rows and their tokens (hex, 32 characters).

    Sampled so it costs the same on any vocabulary size (a full hash of a 3M x 300 matrix reads
    3.6 GB): it tells other vectors apart, not an edit to one row outside the sample. Remembered per
    ``Vectors`` while its matrix is the same array (as ``Index.check`` remembers the vectors it checked).

    >>> from tokvec import Vectors
    >>> v = Vectors(["cat", "dog"], np.eye(2, dtype=np.float32))
    >>> len(checksum(v)), checksum(v) == checksum(Vectors(["cat", "dog"], np.eye(2, dtype=np.float32) * 2))
    (32, False)
    """
    known = _CHECKSUMS.get(v)
    if known is not None and known[0] is v.matrix:  # asked again for the same vectors (the CLI: path, then load)
        return known[1]
    n = len(v)
    sample = np.unique(np.linspace(0, n - 1, num=min(n, _SAMPLE_ROWS)).astype(np.int64))
    digest = hashlib.blake2b(f"{n}x{v.dim}".encode(), digest_size=16)
    digest.update(np.ascontiguousarray(gather(v.matrix, sample), dtype="<f4").tobytes())  # pread: maps no pages
    digest.update("\n".join(v.token(int(i)) for i in sample).encode("utf-8", "surrogatepass"))
    _CHECKSUMS[v] = (v.matrix, digest.hexdigest())
    return digest.hexdigest()


def _zero_copy(faiss: Any) -> bool:
    return hasattr(faiss, "ZeroCopyIOReader")


def _read_faiss(faiss: Any, data: np.ndarray) -> Any:
    """The faiss index serialised in ``data`` (uint8). From a memory map, faiss's zero-copy reader makes
    its big arrays views of the mapped bytes (which the caller keeps alive); else they are copied."""
    if not isinstance(data, np.memmap) or not _zero_copy(faiss):
        return faiss.deserialize_index(np.asarray(data))
    return faiss.read_index(faiss.ZeroCopyIOReader(faiss.swig_ptr(data), data.size), 0)


def _faiss() -> Any:
    return require("faiss", "ann", "approximate search", package="faiss-cpu")


def _unit_rows(v: Vectors, ids: np.ndarray) -> np.ndarray:
    """Rows ``ids`` as unit-length float32 (zero and non-finite rows become zero). Shape (len(ids), dim)."""
    rows = np.asarray(v.matrix[ids], dtype=np.float32) * v.inv_norms[ids][:, None]
    rows[~np.isfinite(rows).all(axis=1)] = 0.0
    return np.ascontiguousarray(rows)


def _padded(exclude: Sequence[Sequence[int]] | None, count: int) -> np.ndarray:
    """``exclude`` as a (count, longest) int64 array, padded with -2 (no row, and not faiss's -1)."""
    width = max((len(ids) for ids in exclude), default=0) if exclude is not None else 0
    out = np.full((count, width), -2, np.int64)
    for q, ids in enumerate(exclude or ()):
        out[q, : len(ids)] = ids
    return out


def _pq_subvectors(dim: int) -> int:
    """The divisor of ``dim`` nearest dim / 2: PQ sub-vectors of about 2 dimensions, one byte each."""
    return min((m for m in range(1, dim + 1) if dim % m == 0), key=lambda m: (abs(m - dim / 2), m))


def _tune(v: Vectors, index: Index, rows: np.ndarray, efforts: list[int], target: float) -> None:
    """Measure recall@10 at each effort in turn; keep the first whose mean, less two standard errors
    (a margin for having sampled the queries), reaches ``target``."""
    tokens = [v.token(int(i)) for i in rows]
    exact = v.most_similar_batch(tokens, topn=10)
    for effort in efforts:
        index.effort = effort
        hits = _hits(exact, v.most_similar_batch(tokens, topn=10, index=index))  # (queries,)
        index.tuning[index.effort] = float(hits.mean())
        if hits.mean() - 2 * hits.std() / math.sqrt(len(hits)) >= target:
            return
    if len(efforts) > 1 and index.tuning[index.effort] < target:
        warnings.warn(f"the {index.kind} index reached recall@10 {index.tuning[index.effort]:.4f} at its largest "
                      f"effort ({index.effort}), below the target {target}; use kind='ivf' or 'hnsw', or a "
                      "lower target_recall", TokvecWarning, stacklevel=3)


def _hits(exact: list[list], approx: list[list]) -> np.ndarray:
    """Per query, the share of its exact neighbours the approximate search found (queries with none skipped)."""
    hits = [len({t for t, *_ in e} & {t for t, *_ in a}) / len(e) for e, a in zip(exact, approx) if e]
    return np.array(hits or [1.0])
