"""Batches of queries over an int8 scan copy: the queries quantised too, exact int8 x int8 sums, bounds.

For unit queries q and an int8 copy (``tokvec.search.compact``: codes ``c_i``, scale ``s_i``, error
``e_i``) each query is quantised like a row (per-query scale ``t``, codes ``d``, error ``eq = |q - t d|``);
the integer sums ``d . c_i`` are exact, and the score ``t s_i (d . c_i)`` is within
``(|q| + eq) e_i + eq + slack`` of the exact float32 cosine (``|q . u - t d . û| <= |q| |u - û| + eq |û|``,
``|û| <= 1 + e_i``). ``tokvec.search.bounded`` turns those bounds into exact answers (select, rescore).

The sums come from ``_int8_kernels``: queries in groups of 16 (``pack``: each query's codes plus 128 as
unsigned bytes, four dims to a 32-bit lane), each group scanning the rows with AVX-512 VNNI
(``vpdpbusd``: 64 multiply-adds in one instruction) where the CPU has it, else portable vector code, and
selecting candidates as it goes, so no (queries, rows) matrix is ever stored. The shift by 128 comes back
off with each row's sum: ``d . c = (d + 128) . c - 128 sum(c)``. numba, already a dependency, loads the
cached kernels in a fraction of the second torch takes to import. Without VNNI the portable kernel is
several times slower than a float32 GEMM, so ``tokvec.search.bounded`` uses torch's int8 GEMM there
(``torch_sums``) when torch is already imported, else the GEMM.

Twins: ``sums_reference`` (int64 NumPy products) and ``select_reference``; tests check the kernels
against both exactly. Deliberately left out: the chunk loop and the rescoring (``tokvec.search.bounded``).
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from .._plumbing.optional import require
from . import compact

LANES = 16  # queries per group (``_int8_kernels.LANES``)
MAX_DIM = 1000  # dim * 127**2 < 2**24: an int32 sum converts to float32 exactly


def kernels():
    """The numba kernels module (numba is imported here, when an int8 batch first runs)."""
    # OpenMP threads that spin between kernels cost a whole time slice (~8 ms) per launch on a busy
    # machine; sleeping ones wake in microseconds. Only a default: read when numba first loads OpenMP.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from . import _int8_kernels as k

    return k


def vnni() -> bool:
    """Whether numba compiles for a CPU with AVX-512 VNNI (``NUMBA_CPU_NAME``/``NUMBA_CPU_FEATURES`` respected)."""
    return kernels().VNNI


def route() -> str | None:
    """How a batch gets its int8 sums here: ``"vnni"`` (the fused kernel), ``"torch"`` (no VNNI, torch
    already imported: its int8 GEMM, faster there than the portable kernel) or None (a float32 GEMM)."""
    if vnni():
        return "vnni"
    return "torch" if "torch" in sys.modules else None


def select_kernel(native: bool | None = None):
    """``_int8_kernels.select_vnni`` where the CPU has VNNI (or ``native``), else ``select_portable``."""
    k = kernels()
    return k.select_vnni if (vnni() if native is None else native) else k.select_portable


def ready(copy: compact.Compact | None, queries: np.ndarray) -> bool:
    """Whether a batch can run on int8 sums: an int8 unit copy and finite, non-zero queries."""
    return (copy is not None and copy.kind == "int8" and queries.shape[1] <= MAX_DIM
            and bool(np.isfinite(queries).all()) and bool(np.abs(queries).max(axis=1).min() > 0))


def quantize_queries(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query: int8 codes (m, dim), scale (m,) float32 and error ``|q - scale * codes|`` rounded up."""
    wide = queries.astype(np.float64)
    scales = (np.abs(wide).max(axis=1) / 127.0).astype(np.float32)
    codes = np.clip(np.rint(wide / scales.astype(np.float64)[:, None]), -127, 127)
    residual = wide - scales.astype(np.float64)[:, None] * codes
    return codes.astype(np.int8), scales, compact.round_up(np.sqrt(np.einsum("ij,ij->i", residual, residual)))


def pack(codes: np.ndarray) -> np.ndarray:
    """Query codes (m, dim) int8 as the kernels read them: (groups, ceil(dim / 4) * 16) int32.

    Lane l of group g, word w holds bytes ``codes[16 g + l, 4 w : 4 w + 4] + 128`` (unsigned), zero past
    ``dim`` and for the lanes past ``m``.

    >>> pack(np.array([[1, -1, 0, 127, 5]], np.int8)).view(np.uint8).reshape(1, 2, 16, 4)[0, :, 0].tolist()
    [[129, 127, 128, 255], [133, 0, 0, 0]]
    """
    m, dim = codes.shape
    groups, words = -(-m // LANES), -(-dim // 4)
    shifted = np.zeros((groups * LANES, words * 4), np.uint8)
    shifted[:m, :dim] = codes.astype(np.int16) + 128
    quads = shifted.reshape(groups, LANES, words, 4).transpose(0, 2, 1, 3)  # (groups, words, lanes, 4)
    return np.ascontiguousarray(quads).view(np.int32).reshape(groups, words * LANES)


def torch_sums(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``codes @ rows.T`` exactly, (m, rows) int32, by torch's int8 GEMM: the sums on a CPU without VNNI,
    where torch is already imported (twin: ``sums_reference``)."""
    torch = require("torch", "torch", "int8 batched search")
    with warnings.catch_warnings():  # a read-only memory map: torch only reads it
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        right = torch.from_numpy(np.ascontiguousarray(rows))
    return torch._int_mm(torch.from_numpy(np.ascontiguousarray(codes)), right.T).numpy()


def sums_reference(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """NumPy twin of the kernels' sums: ``codes @ rows.T`` in int64, as int32 (m, rows)."""
    return (codes.astype(np.int64) @ rows.astype(np.int64).T).astype(np.int32)


def select_reference(sums: np.ndarray, rscales: np.ndarray, qscales: np.ndarray, errors: np.ndarray,
                     qnorms: np.ndarray, slacks: np.ndarray,
                     heaps: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Plain twin of the kernels' selection: per query (candidate rows, their upper bounds); updates ``heaps``.

    Score ``float32(sums[q, r]) * rscales[r] * qscales[q]``, bound ``qnorms[q] * errors[r] + slacks[q]``;
    a row whose upper bound reaches the heap's root is a candidate, its lower bound enters the heap if above it.
    """
    out = []
    for q in range(sums.shape[0]):
        rows, uppers = [], []
        for r in range(sums.shape[1]):
            score = np.float32(sums[q, r]) * rscales[r] * qscales[q]
            bound = qnorms[q] * errors[r] + slacks[q]
            if score + bound >= heaps[q].min():
                rows.append(r)
                uppers.append(score + bound)
                if score - bound > heaps[q].min():
                    heaps[q, np.argmin(heaps[q])] = score - bound
        out.append((np.array(rows, np.int64), np.array(uppers, np.float32)))
    return out
