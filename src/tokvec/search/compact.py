"""Compact scan copies of a matrix: int8 unit rows (per-row scale and error) and float16 unit rows.

A scan copy answers "roughly how similar is every row to this unit query?" from a quarter (int8)
or half (float16) of the bytes, with a per-row guarantee: approximate score
``scales[i] * (rows[i] . q)`` is within ``|q| * errors[i]`` of the exact cosine (plus float32
rounding, which ``tokvec.search.bounded`` adds). ``tokvec.search.bounded`` turns that into exact answers: scan the
copy, keep the rows whose upper bound reaches the k-th best lower bound, rescore those few from the
exact rows. ``docs/format.md`` (features ``int8`` and ``float16``) is how a ``.tokvec`` file stores
them; ``astype`` is how ``Vectors.astype`` makes them.

Quantisation (chunk by chunk, in float64): the unit row is ``u_i = row_i * inv_norms[i]`` (exactly
what the float32 search multiplies by), int8 ``scale = max|u_i| / 127``, ``codes = round(u_i /
scale)``; ``errors[i] = |u_i - û_i|`` rounded *up* to float32. A row holding NaN/inf (or whose norm
overflows) gets codes 0 and an infinite error: it is always rescored, so it ranks exactly as the
float32 search ranks it.

Deliberately left out: the search itself (``tokvec.search.bounded``) and files (``tokvec.formats.native``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from . import exact as search

KINDS = ("int8", "float16")
DTYPES = ("float32", "float16", "int8")
CHECK_ROWS = 64
RECALL_QUERIES = 200


@dataclass(frozen=True)
class Compact:
    """A scan copy: ``rows`` (n, dim) int8 codes or float16 values, ``scales`` and ``errors`` (n,) float32.

    ``kind`` is ``"int8"`` or ``"float16"`` (unit rows, as stored in a file), or ``"rows"`` (the
    matrix itself when it is float16 or int8: ``scales`` are then its inverse norms, errors 0).
    """

    kind: str
    rows: np.ndarray
    scales: np.ndarray
    errors: np.ndarray

    def head(self, n: int) -> Compact:
        """The first ``n`` rows (views)."""
        return Compact(self.kind, self.rows[:n], self.scales[:n], self.errors[:n])

    def take(self, ids: np.ndarray) -> Compact:
        """The given rows, in that order (copies)."""
        return Compact(self.kind, np.asarray(self.rows[ids]), self.scales[ids], self.errors[ids])

    @property
    def nbytes(self) -> int:
        """Bytes a scan reads."""
        return int(self.rows.shape[0]) * int(self.rows.shape[1]) * self.rows.dtype.itemsize


def round_up(exact: np.ndarray) -> np.ndarray:
    """float64 values as float32, never below them (an error bound must stay a bound)."""
    out = exact.astype(np.float32)
    low = out.astype(np.float64) < exact
    out[low] = np.nextafter(out[low], np.float32(np.inf))
    return out


def _unit_chunk(matrix: np.ndarray, inv_norms: np.ndarray, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows ``[start, end)`` in float64 and a mask of rows that cannot be bounded (NaN/inf, overflow)."""
    raw = np.asarray(matrix[start:end], dtype=np.float32)  # (rows, dim)
    inv = np.asarray(inv_norms[start:end], dtype=np.float64)
    bad = ~np.isfinite(raw).all(axis=1) | ((inv == 0) & (raw != 0).any(axis=1))
    with np.errstate(invalid="ignore"):
        unit = raw.astype(np.float64) * inv[:, None]
    unit[bad] = 0.0
    return unit, bad


def quantize(matrix: np.ndarray, inv_norms: np.ndarray, kind: str,
             chunk_bytes: int = search.DEFAULT_CHUNK_BYTES) -> Compact:
    """The ``kind`` (``"int8"`` or ``"float16"``) scan copy of ``matrix``, built chunk by chunk.

    >>> m = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    >>> c = quantize(m, search.inverse_norms(search.row_norms(m)), "int8")
    >>> c.rows.tolist(), c.scales.tolist()[1], bool(c.errors[0] < 1e-2)
    ([[95, 127], [0, 0]], 0.0, True)
    """
    if kind not in KINDS:
        raise InvalidArgumentError(f"a scan copy is one of {', '.join(KINDS)}, not {kind!r}")
    n, dim = matrix.shape
    rows = np.empty((n, dim), np.int8 if kind == "int8" else np.float16)
    scales = np.ones(n, np.float32)
    errors = np.empty(n, np.float32)
    step = max(1, chunk_bytes // (8 * max(1, dim)))
    for start in range(0, n, step):
        end = min(start + step, n)
        unit, bad = _unit_chunk(matrix, inv_norms, start, end)
        if kind == "int8":
            scale = (np.abs(unit).max(axis=1, initial=0.0) / 127.0).astype(np.float32)
            wide = scale.astype(np.float64)[:, None]
            codes = np.clip(np.rint(np.divide(unit, wide, out=np.zeros_like(unit), where=wide > 0)), -127, 127)
            rows[start:end] = codes
            scales[start:end] = scale
            approx = wide * codes
        else:
            rows[start:end] = unit
            approx = rows[start:end].astype(np.float64)
        err = round_up(np.sqrt(np.einsum("ij,ij->i", unit - approx, unit - approx)))
        err[bad] = np.inf
        errors[start:end] = err
    return Compact(kind, rows, scales, errors)


def of_rows(matrix: np.ndarray, inv_norms: np.ndarray, norms: np.ndarray) -> Compact:
    """A float16 or int8 matrix as its own scan copy: scores ``inv_norms[i] * rows[i] . q``, no error
    except for rows whose norm is not finite (always rescored)."""
    errors = np.where(np.isfinite(norms), np.float32(0), np.float32(np.inf)).astype(np.float32)
    return Compact("rows", matrix, np.asarray(inv_norms, np.float32), errors)


def check(exact: np.ndarray, copy: np.ndarray) -> str:
    """Hex CRC-32 over 64 evenly spaced rows: each exact row's little-endian bytes, then the copy's row
    (read with ``search.gather``: checking a mapped file maps none of its pages)."""
    n = exact.shape[0]
    ids = np.array(sorted({k * n // CHECK_ROWS for k in range(CHECK_ROWS)} if n else set()), np.int64)
    exact_rows, copy_rows = search.gather(exact, ids), search.gather(copy, ids)
    crc = 0
    for j in range(len(ids)):
        crc = zlib.crc32(np.ascontiguousarray(exact_rows[j]).astype(exact.dtype.newbyteorder("<")).tobytes(), crc)
        crc = zlib.crc32(np.ascontiguousarray(copy_rows[j]).astype(copy.dtype.newbyteorder("<")).tobytes(), crc)
    return f"{crc:08x}"


def astype(v: Any, dtype: str | np.dtype, keep_float32: bool | None = None) -> Any:
    """``Vectors.astype``: float32, float16 (rows rounded; with ``keep_float32``: float32 rows plus a
    float16 scan copy) or int8 (float32 rows plus an int8 scan copy; ``keep_float32=False``: the
    int8 codes alone, approximate, with ``int8.recall@10`` measured into the metadata)."""
    name = dtype_name(dtype)
    keep = (name == "int8") if keep_float32 is None else bool(keep_float32)
    if codes_only(v) and (name != "int8" or keep):
        check_scale(v, f"{name} rows")
    if name == "float32" or keep:
        base = v if v.dtype == np.float32 else v._derive(v.vocab, _converted(v, np.dtype(np.float32)), None)
        if name == "float32":
            return base if base.compact is None else base._derive(base.vocab, base.matrix, base._norms)
        return base._derive(base.vocab, base.matrix, base._norms, quantize(base.matrix, base.inv_norms, name))
    if name == "float16":
        return v if v.dtype == np.float16 and v.compact is None else \
            v._derive(v.vocab, _converted(v, np.dtype(np.float16)), None)
    return _int8_only(v)


def codes_only(v: Any) -> bool:
    """True for an int8-only ``Vectors``: its matrix holds int8 codes and its float rows were not kept."""
    return v.matrix.dtype == np.int8


def check_scale(v: Any, asked: str = "its rows") -> None:
    """Refuse, in one line, to show or convert values of an int8-only ``Vectors`` (they would be codes).

    Its codes keep each row's direction (``scales``) but not its length, so cosines are answered
    (approximately) and values in the vectors' own scale are not: ``asked`` says what was asked for.
    """
    if codes_only(v):
        raise InvalidArgumentError(
            f"these vectors hold int8 codes only (their float rows were not kept), so {asked} cannot be given in "
            "their own scale; cosines still work (similarity, neighbours); to keep values, make the int8 file "
            "from the original vectors with their float32 rows (tokvec convert --dtype int8 keeps them unless "
            "--no-keep-float32; in Python, astype('int8'))")


def dtype_name(dtype: str | np.dtype) -> str:
    """``dtype`` as one of ``DTYPES`` (a name or a NumPy dtype), else a one-line ``InvalidArgumentError``."""
    name = str(dtype)
    if name not in DTYPES:
        try:
            name = str(np.dtype(dtype))
        except TypeError:  # a name NumPy does not know either ("int4")
            pass
    if name not in DTYPES:
        raise InvalidArgumentError(f"dtype must be float32, float16 or int8, got {str(dtype)!r}")
    return name


def approximation(v: Any) -> str | None:
    """How approximate the answers from ``v`` are, when it holds int8 codes only; None when they are exact."""
    if not codes_only(v):
        return None
    recall = v.metadata.get("int8.recall@10")
    measured = f" (recall@10 {float(recall):.3f} against the float32 rows, measured when it was written)" \
        if recall else ""
    return f"cosines and neighbours are approximate{measured}"


def approximation_note(v: Any) -> str | None:
    """What to tell a user about answers from ``v``: a note when they are approximate (int8 codes only)."""
    approximate = approximation(v)
    return None if approximate is None else f"int8 codes only: {approximate}"


def _converted(v: Any, dtype: np.dtype) -> np.ndarray:
    matrix, bad = search.convert(v.matrix, dtype)
    if bad is not None:
        raise InvalidArgumentError(
            f"the vector of {v.token(bad)!r} (row {bad:,}) has values beyond {dtype}'s range "
            f"(+-{float(np.finfo(dtype).max):g}); converting would turn them into infinity. "
            "Keep float32, or rescale first"
        )
    return matrix


def _int8_only(v: Any) -> Any:
    """The int8 codes as the matrix (cosines between their directions: approximate), recall measured."""
    exact = v if v.dtype == np.float32 else v._derive(v.vocab, _converted(v, np.dtype(np.float32)), None)
    copy = exact.compact if exact.compact is not None and exact.compact.kind == "int8" else \
        quantize(exact.matrix, exact.inv_norms, "int8")
    approx = exact._derive(exact.vocab, copy.rows, None, copy)
    approx.metadata = {**exact.metadata, "int8.recall@10": f"{recall_at_10(exact, approx):.4f}"}
    return approx


def recall_at_10(exact: Any, approx: Any, queries: int = RECALL_QUERIES, seed: int = 0) -> float:
    """Mean share of the exact top-10 that ``approx`` also returns, over a seeded sample of rows as queries."""
    n = len(exact)
    if n < 2:
        return 1.0
    rows = np.sort(np.random.default_rng(seed).choice(n, size=min(queries, n), replace=False))
    truth = exact.most_similar_batch([exact.token(int(i)) for i in rows], topn=10)
    found = approx.most_similar_batch([exact.token(int(i)) for i in rows], topn=10)
    shares = [len({t.row for t in a} & {f.row for f in b}) / max(1, len(a)) for a, b in zip(truth, found)]
    return float(np.mean(shares))
