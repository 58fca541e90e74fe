"""The kernel of ``tokvec.encode.mean``, in LLVM IR compiled with llvmlite: each text's mean row, normalised.

Why not numba: a fresh ``tokvec encode`` spent 0.45 s importing numba and loading this one cached kernel,
more than encoding a few thousand texts takes. The kernel allocates nothing and raises nothing, so it is
built as an LLVM function (``tokvec._plumbing.llvm``, machine code cached) and run through ctypes on the
threads of ``_plumbing.threads``, texts split between them.

``mean(matrix, dim, rows, offsets, normalize, out, t0, t1)``: for texts ``t0 .. t1 - 1``, ``out[i]`` (zeroed
float32) gets the rows ``matrix[rows[offsets[i]:offsets[i + 1]]]`` added one after the other (16 dims at
a time, each dim in row order, as NumPy's ``mean(axis=0)`` adds them), divided by their count; when
``normalize``, then divided by its norm + 1e-32 (model2vec's rule; the squares are summed 16 lanes at a
time). ``mean.mean_rows_reference`` is the NumPy twin: the means equal it bit for bit, the normalised
vectors to float32 rounding.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from llvmlite import ir

from .._plumbing.llvm import F32, I64, Loop, address, compile_module, const, pointer, splat
from .._plumbing.threads import run, threads

LANES = 16
_VEC = ir.VectorType(F32, LANES)
_F32P, _I64P = F32.as_pointer(), I64.as_pointer()
MEAN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                        ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
MIN_ROWS = 4096  # token rows below which a call runs on one thread


def _each_dim(b: ir.IRBuilder, dim: Any, name: str, vector, scalar) -> None:
    """``vector(j)`` for dims ``j, j + 16, ...`` while 16 remain, then ``scalar(j)`` for the rest."""
    wide = Loop(b, const(0), dim, LANES, f"{name}.wide")
    vector(wide.value)
    wide.close()
    rest = Loop(b, b.load(wide.counter), dim, 1, f"{name}.rest")
    scalar(rest.value)
    rest.close()


def _divide(b: ir.IRBuilder, acc: Any, dim: Any, value: Any, name: str) -> None:
    """``acc[j] /= value`` for every dim (float32)."""
    lanes = splat(b, value, _VEC)

    def vector(j: Any) -> None:
        target = pointer(b, acc, j, _VEC)
        b.store(b.fdiv(b.load(target, align=4), lanes), target, align=4)

    def scalar(j: Any) -> None:
        target = b.gep(acc, [j])
        b.store(b.fdiv(b.load(target), value), target)

    _each_dim(b, dim, name, vector, scalar)


def _mean(module: ir.Module) -> None:
    args = [_F32P, I64, _I64P, _I64P, I64, _F32P, I64, I64]
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), args), "mean")
    matrix, dim, rows, offsets, normalize, out, t0, t1 = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    lanes, total = b.alloca(_VEC, name="lanes"), b.alloca(F32, name="total")
    sqrt = ir.Function(module, ir.FunctionType(F32, [F32]), "llvm.sqrt.f32")
    texts = Loop(b, t0, t1, 1, "text")
    acc = b.gep(out, [b.mul(texts.value, dim)])
    start = b.load(b.gep(offsets, [texts.value]))
    stop = b.load(b.gep(offsets, [b.add(texts.value, const(1))]))
    each = Loop(b, start, stop, 1, "row")
    row = b.gep(matrix, [b.mul(b.load(b.gep(rows, [each.value])), dim)])

    def add_vector(j: Any) -> None:
        target = pointer(b, acc, j, _VEC)
        b.store(b.fadd(b.load(target, align=4), b.load(pointer(b, row, j, _VEC), align=4)), target, align=4)

    def add_scalar(j: Any) -> None:
        target = b.gep(acc, [j])
        b.store(b.fadd(b.load(target), b.load(b.gep(row, [j]))), target)

    _each_dim(b, dim, "add", add_vector, add_scalar)
    each.close()
    with b.if_then(b.icmp_signed(">", stop, start)):
        _divide(b, acc, dim, b.sitofp(b.sub(stop, start), F32), "mean")
    with b.if_then(b.icmp_signed("!=", normalize, const(0))):
        b.store(ir.Constant(_VEC, None), lanes)
        b.store(ir.Constant(F32, 0.0), total)

        def square_vector(j: Any) -> None:
            x = b.load(pointer(b, acc, j, _VEC), align=4)
            b.store(b.fadd(b.load(lanes), b.fmul(x, x)), lanes)

        def square_scalar(j: Any) -> None:
            x = b.load(b.gep(acc, [j]))
            b.store(b.fadd(b.load(total), b.fmul(x, x)), total)

        _each_dim(b, dim, "square", square_vector, square_scalar)
        summed = b.load(total)
        for lane in range(LANES):
            summed = b.fadd(summed, b.extract_element(b.load(lanes), ir.Constant(ir.IntType(32), lane)))
        _divide(b, acc, dim, b.fadd(b.call(sqrt, [summed]), ir.Constant(F32, float(np.float32(1e-32)))), "norm")
    texts.close()
    b.ret_void()


@cache
def compiled() -> Any:
    """The kernel as a ctypes function (``MEAN``)."""
    module = ir.Module(name="text_mean")
    _mean(module)
    (mean_address,) = compile_module(module, ["mean"])
    return MEAN(mean_address)


def mean_rows(matrix: np.ndarray, rows: np.ndarray, offsets: np.ndarray, normalize: bool, out: np.ndarray,
              count: int | None = None) -> None:
    """Fill ``out`` (zeroed float32 ``(len(offsets) - 1, dim)``) on up to ``count`` threads (see the module)."""
    n, dim = out.shape
    if matrix.ndim != 2 or matrix.shape[1] != dim or len(offsets) != n + 1:
        raise ValueError(f"mean_rows: shapes {matrix.shape} {offsets.shape} {out.shape} do not fit")
    if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= len(matrix)):
        raise ValueError(f"mean_rows: a row outside the matrix's {len(matrix)}")
    if n and (int(offsets[0]) != 0 or int(offsets[-1]) > len(rows) or bool((np.diff(offsets) < 0).any())):
        raise ValueError("mean_rows: offsets must rise from 0 to at most len(rows)")
    args = (address(matrix, np.float32, "matrix"), dim, address(rows, np.int64, "rows"),
            address(offsets, np.int64, "offsets"), int(bool(normalize)), address(out, np.float32, "out"))
    kernel = compiled()
    parts = max(1, min(count or threads(), n, len(rows) // MIN_ROWS))
    edges = np.searchsorted(offsets, np.linspace(0, offsets[-1] if n else 0, parts + 1)[1:-1])  # equal rows each
    bounds = np.unique(np.concatenate([[0], edges, [n]])).astype(np.int64)
    run(lambda lo, hi: kernel(*args, lo, hi), [(int(lo), int(hi)) for lo, hi in zip(bounds[:-1], bounds[1:])], count)
