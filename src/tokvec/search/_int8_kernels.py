"""The kernels of ``tokvec.search.int8_batch``, written in LLVM IR and compiled with llvmlite (numba's own compiler).

Why not numba: importing numba and loading a cached kernel costs about 0.65 s before the first batch runs,
more than the batch itself (1,000,000 x 300 rows, 100 queries: about 0.3 s on two cores). The kernel needs
nothing numba adds (no arrays allocated, no parallel loops, no exceptions), so it is built here as one LLVM
function per ``dim`` and compiled in about 0.1 s by ``tokvec._plumbing.llvm`` (a millisecond from its
cache), run on ``_plumbing.threads``.

``pending`` scans rows ``[first, last)`` of an int8 matrix for one query group (16 queries: the 32-bit
lanes of a 512-bit vector). Per row: the 16 integer sums of the row's codes times each query's unsigned
bytes (codes + 128, four dims to a lane: ``int8_batch.pack``), eight rows at a time in registers, four
dims per step: ``vpdpbusd`` (AVX-512 VNNI, 64 multiply-adds) where the CPU has it, else the same sums in
portable vector code. Then one vector compare: ``float32(sums - 128 rowsum) * rscale * scale`` plus
``norm * error + slack`` against each lane's threshold, with exactly the float32 operations, in the same
order, of ``int8_batch.pending_reference``, its NumPy twin (which tests check it against). A row where
some lane reaches its threshold is written out (its index and its 16 sums); nearly no row is.
``row_sums`` gives the per-row sums of the codes (the shift by 128 comes off with them).

Deliberately left out: an on-disk cache of the machine code (compiling takes about 0.1 s), the thresholds'
updates (``int8_batch``) and the rescoring (``tokvec.search.bounded``).
"""

from __future__ import annotations

import ctypes
import threading
from functools import cache
from typing import Any

from llvmlite import ir

from .._plumbing.llvm import (
    AVAILABLE,
    F32,
    I8,
    I16,
    I32,
    I64,
    Loop,
    compile_module,
    const,
    features,
    splat,
)

LANES = 16  # queries per group: 32-bit lanes of a 512-bit vector
ROWS = 8  # rows per tile: eight accumulators in registers
_VEC, _FVEC = ir.VectorType(I32, LANES), ir.VectorType(F32, LANES)
_BYTES, _WIDE = ir.VectorType(I8, 4 * LANES), ir.VectorType(I32, 4 * LANES)
_P = ctypes.c_void_p
PENDING = ctypes.CFUNCTYPE(ctypes.c_int64, _P, ctypes.c_int64, ctypes.c_int64, _P, _P, _P, _P, _P, _P, _P)
"""``pending(rows, first, last, quads, rowsums, rscales, errors, lanes, out_rows, out_sums) -> count``:
rows (n, dim) int8, C order; quads (ceil(dim / 4) * 16,) int32, one group's; rowsums (n,) int32;
rscales, errors (n,) float32; lanes (4, 16) float32: scale, norm, slack, threshold per lane; out_rows
(last - first,) int32 gets the ``count`` rows returned (as ``row - first``), out_sums (last - first, 16)
int32 their sums (the 128 shift not taken off)."""
ROW_SUMS = ctypes.CFUNCTYPE(None, _P, ctypes.c_int64, ctypes.c_int64, _P)
"""``row_sums(rows, first, last, out)``: ``out[i - first] = sum(rows[i])`` for rows [first, last), int32."""


VNNI = AVAILABLE and {"+avx512f", "+avx512bw", "+avx512vnni"} <= set(features().split(","))


class _Pass:
    """Builds ``pending`` for one ``dim``: the IR of each step, read top to bottom in ``build``."""

    def __init__(self, module: ir.Module, dim: int, vnni: bool):
        self.dim, self.full, self.tail, self.vnni = dim, dim // 4, dim % 4, vnni
        args = [I8.as_pointer(), I64, I64, I32.as_pointer(), I32.as_pointer(), F32.as_pointer(),
                F32.as_pointer(), F32.as_pointer(), I32.as_pointer(), I32.as_pointer()]
        self.fn = ir.Function(module, ir.FunctionType(I64, args), "pending")
        self.dpbusd = ir.Function(module, ir.FunctionType(_VEC, [_VEC] * 3), "llvm.x86.avx512.vpdpbusd.512") \
            if vnni else None
        (self.rows, self.first, self.last, self.quads, self.rowsums, self.rscales, self.errors, self.lanes,
         self.out_rows, self.out_sums) = self.fn.args
        self.b = ir.IRBuilder(self.fn.append_basic_block("entry"))

    def dot4(self, acc: Any, quads: Any, word: Any) -> Any:
        """``acc`` plus, per lane, four products of the lane's unsigned bytes and ``word``'s signed bytes."""
        b, word4 = self.b, splat(self.b, word, _VEC)
        if self.vnni:
            return b.call(self.dpbusd, [acc, quads, word4])
        products = b.mul(b.zext(b.bitcast(quads, _BYTES), _WIDE), b.sext(b.bitcast(word4, _BYTES), _WIDE))
        for t in range(4):  # lane i gets products 4i .. 4i + 3
            pick = ir.Constant(_VEC, [ir.Constant(I32, 4 * i + t) for i in range(LANES)])
            acc = b.add(acc, b.shuffle_vector(products, ir.Constant(_WIDE, ir.Undefined), pick))
        return acc

    def quad(self, word: Any) -> Any:
        """The group's 16 lanes of query bytes for dims ``4 word .. 4 word + 3``."""
        pointer = self.b.gep(self.quads, [self.b.mul(word, const(LANES))])
        return self.b.load(self.b.bitcast(pointer, _VEC.as_pointer()), align=4)

    def word(self, row: Any, word: Any) -> Any:
        """Bytes ``4 word .. 4 word + 3`` of ``row`` as one int32; the last, short word (``dim % 4`` bytes,
        zero above) is assembled byte by byte, so nothing past the row is read."""
        b, at = self.b, self.b.mul(row, const(self.dim))
        if word is not None:
            pointer = b.gep(self.rows, [b.add(at, b.mul(word, const(4)))])
            return b.load(b.bitcast(pointer, I32.as_pointer()), align=1)
        value = ir.Constant(I32, 0)
        for t in range(self.tail):
            byte = b.load(b.gep(self.rows, [b.add(at, const(4 * self.full + t))]))
            value = b.or_(value, b.shl(b.zext(byte, I32), ir.Constant(I32, 8 * t)))
        return value

    def sums(self, accs: list[Any], first: Any) -> None:
        """The sums of rows ``first .. first + len(accs) - 1`` into the allocas ``accs``."""
        b = self.b
        for acc in accs:
            b.store(ir.Constant(_VEC, None), acc)
        words = Loop(b, const(0), const(self.full), 1, "word")
        quads = self.quad(words.value)
        for r, acc in enumerate(accs):
            b.store(self.dot4(b.load(acc), quads, self.word(b.add(first, const(r)), words.value)), acc)
        words.close()
        if self.tail:
            quads = self.quad(const(self.full))
            for r, acc in enumerate(accs):
                b.store(self.dot4(b.load(acc), quads, self.word(b.add(first, const(r)), None)), acc)

    def select(self, acc: Any, row: Any, count: Any) -> None:
        """Write ``row`` and its sums out if some lane's upper bound reaches its threshold."""
        b = self.b
        lane = [b.load(b.bitcast(b.gep(self.lanes, [const(LANES * k)]), _FVEC.as_pointer()), align=4)
                for k in range(4)]  # scale, norm, slack, threshold
        shift = b.mul(b.load(b.gep(self.rowsums, [row])), ir.Constant(I32, 128))
        score = b.sitofp(b.sub(acc, splat(b, shift, _VEC)), _FVEC)
        score = b.fmul(b.fmul(score, splat(b, b.load(b.gep(self.rscales, [row])), _FVEC)), lane[0])
        bound = b.fadd(b.fmul(lane[1], splat(b, b.load(b.gep(self.errors, [row])), _FVEC)), lane[2])
        reached = b.fcmp_ordered(">=", b.fadd(score, bound), lane[3])
        with b.if_then(b.icmp_unsigned("!=", b.bitcast(reached, I16), ir.Constant(I16, 0)), likely=False):
            n = b.load(count)
            b.store(b.trunc(b.sub(row, self.first), I32), b.gep(self.out_rows, [n]))
            b.store(acc, b.bitcast(b.gep(self.out_sums, [b.mul(n, const(LANES))]), _VEC.as_pointer()), align=4)
            b.store(b.add(n, const(1)), count)

    def build(self) -> None:
        b = self.b
        count = b.alloca(I64, name="count")
        b.store(const(0), count)
        accs = [b.alloca(_VEC, name=f"acc{r}") for r in range(ROWS)]
        tiles = Loop(b, self.first, self.last, ROWS, "tile")  # eight rows at a time
        self.sums(accs, tiles.value)
        for r, acc in enumerate(accs):
            self.select(b.load(acc), b.add(tiles.value, const(r)), count)
        tiles.close()
        rest = Loop(b, b.load(tiles.counter), self.last, 1, "rest")  # then one at a time
        self.sums(accs[:1], rest.value)
        self.select(b.load(accs[0]), rest.value, count)
        rest.close()
        b.ret(b.load(count))


def _row_sums(module: ir.Module, dim: int) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [I8.as_pointer(), I64, I64, I32.as_pointer()]),
                     "row_sums")
    rows, first, last, out = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    total = b.alloca(I32, name="total")
    each = Loop(b, first, last, 1, "row")
    b.store(ir.Constant(I32, 0), total)
    at = b.mul(each.value, const(dim))
    cols = Loop(b, const(0), const(dim), 1, "col")
    byte = b.load(b.gep(rows, [b.add(at, cols.value)]))
    b.store(b.add(b.load(total), b.sext(byte, I32)), total)
    cols.close()
    b.store(b.load(total), b.gep(out, [b.sub(each.value, first)]))
    each.close()
    b.ret_void()


@cache
def compiled(dim: int, vnni: bool = VNNI) -> tuple[Any, Any]:
    """``(pending, row_sums)`` for rows of ``dim`` int8 codes, as ctypes functions (see ``PENDING``, ``ROW_SUMS``);
    ``vnni`` asks for the AVX-512 VNNI instruction (only where the CPU has it) instead of portable code."""
    module = ir.Module(name=f"int8_batch_{dim}")
    _Pass(module, dim, vnni).build()
    _row_sums(module, dim)
    pending, row_sums = compile_module(module, ["pending", "row_sums"])
    return PENDING(pending), ROW_SUMS(row_sums)


LOCAL = threading.local()  # each pool thread's output buffers (``int8_batch``)
