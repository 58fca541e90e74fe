"""Prefetch hints for numba kernels: ask the CPU to start loading memory into cache before it is read.

A kernel that knows which memory it will need next (the training kernels: the next position's output
rows; the word2vec binary scan: the records ahead) issues a prefetch while it still computes with what
it has, which overlaps the memory latency with that work. It is only a hint (LLVM's ``llvm.prefetch``):
it never faults, even past the end of an array, and changes no value, so a kernel's NumPy twin does
nothing in its place and the twin tests are unaffected.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit import numba

LINE_FLOATS = 16  # float32 values per 64-byte cache line


@intrinsic
def _prefetch_at(typingctx, matrix, row, col):
    """Prefetch the cache line holding ``matrix[row, col]`` (read, keep in all levels)."""
    if not isinstance(matrix, types.Array) or matrix.ndim != 2:
        return None
    sig = types.void(matrix, row, col)

    def codegen(context, builder, signature, args):
        kind = signature.args[0]
        array = context.make_array(kind)(context, builder, args[0])
        r = context.cast(builder, args[1], signature.args[1], types.intp)
        c = context.cast(builder, args[2], signature.args[2], types.intp)
        pointer = cgutils.get_item_pointer(context, builder, kind, array, [r, c], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        hint = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                                              "llvm.prefetch.p0i8")
        builder.call(hint, [builder.bitcast(pointer, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3),
                            ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, nogil=True, inline="always")
def prefetch_row(matrix, row):
    """Prefetch every cache line of ``matrix[row]`` (a float32 row, aligned or not)."""
    dim = matrix.shape[1]
    for c in range(0, dim, LINE_FLOATS):
        _prefetch_at(matrix, row, c)
    if dim:
        _prefetch_at(matrix, row, dim - 1)


@numba.njit(cache=True, nogil=True, inline="always")
def prefetch_byte(buffer, at):
    """Prefetch the cache line holding byte ``at`` of the 1-D array ``buffer``."""
    _prefetch_at(buffer.reshape(1, buffer.shape[0]), 0, at)
