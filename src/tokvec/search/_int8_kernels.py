"""numba kernels of ``tokvec.search.int8_batch``: int8 x int8 sums of a batch of queries, fused with the selection.

A query group is 16 queries, one 32-bit lane each of a 512-bit vector: ``Int32x16`` is a numba type whose
LLVM value is ``<16 x i32>``, so a group's running sums stay in registers. ``_dot4(acc, quads, word)`` adds,
in every lane, four products of the lane's query bytes (unsigned: codes + 128) and the same four row bytes
(signed, the 32-bit ``word`` read from the row): with ``vnni`` it is one AVX-512 VNNI instruction
(``vpdpbusd``), else the same sums in portable LLVM vector code. Integer sums are exact in any order, so
both flavours give the same numbers as ``int8_batch.sums_reference``, their NumPy twin
(``int8_batch.select_reference`` is the selection's).

Each query group scans the rows eight at a time (``ROWS``): per four dims, one vector of query bytes and
eight ``_dot4`` on the eight rows' words. Then, per row, the 16 lanes' upper bounds are compared with
their thresholds in one vector pass; the rare lane that passes updates its query's heap and candidates
exactly as ``_compact_kernels.select`` does. Groups run in parallel: each owns its queries' heaps.

Module level so numba's on-disk cache works across processes; imported only when an int8 batch first runs.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import binding, ir
from numba import types
from numba.core import cgutils, config
from numba.extending import intrinsic, models, register_model

LANES = 16  # queries per group: 32-bit lanes of a 512-bit vector
ROWS = 8  # rows per tile: eight accumulators in registers


def _has_vnni() -> bool:
    """Whether numba compiles for a CPU with AVX-512 VNNI (``NUMBA_CPU_NAME``/``NUMBA_CPU_FEATURES`` respected)."""
    if config.CPU_FEATURES is not None:
        features = set(config.CPU_FEATURES.split(","))
    elif config.CPU_NAME is not None:  # a named target (often "generic", for a portable cache): assume none
        return False
    else:
        features = set(binding.get_host_cpu_features().flatten().split(","))
    return {"+avx512f", "+avx512bw", "+avx512vnni"} <= features


VNNI = _has_vnni()
_VEC = ir.VectorType(ir.IntType(32), LANES)
_BYTES = ir.VectorType(ir.IntType(8), 4 * LANES)
_WIDE = ir.VectorType(ir.IntType(32), 4 * LANES)


class Int32x16(types.Type):
    """Sixteen int32 lanes held in one vector register."""

    def __init__(self):
        super().__init__(name="Int32x16")


int32x16 = Int32x16()


@register_model(Int32x16)
class _Int32x16Model(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, _VEC)


@intrinsic
def _zero(typingctx):
    def codegen(context, builder, sig, args):
        return ir.Constant(_VEC, None)

    return int32x16(), codegen


@intrinsic
def _load(typingctx, array, index):
    """Sixteen int32 from the C-contiguous int32 ``array`` at flat element ``index``."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        pointer = builder.gep(builder.bitcast(data, ir.IntType(32).as_pointer()), [args[1]])
        return builder.load(builder.bitcast(pointer, _VEC.as_pointer()), align=4)

    return int32x16(array, index), codegen


@intrinsic
def _store(typingctx, array, index, vector):
    """Write ``vector`` to the C-contiguous int32 ``array`` at flat element ``index``."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        pointer = builder.gep(builder.bitcast(data, ir.IntType(32).as_pointer()), [args[1]])
        builder.store(args[2], builder.bitcast(pointer, _VEC.as_pointer()), align=4)
        return context.get_dummy_value()

    return types.void(array, index, vector), codegen


@intrinsic
def _word(typingctx, array, offset):
    """The four bytes of the C-contiguous int8 ``array`` at flat byte ``offset``, as one int32 (unaligned)."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        pointer = builder.gep(builder.bitcast(data, ir.IntType(8).as_pointer()), [args[1]])
        return builder.load(builder.bitcast(pointer, ir.IntType(32).as_pointer()), align=1)

    return types.int32(array, offset), codegen


@intrinsic
def _dot4(typingctx, acc, quads, word, vnni):
    """``acc`` plus, per lane, the four products of ``quads``' unsigned bytes and ``word``'s signed bytes."""
    if not isinstance(vnni, types.BooleanLiteral):
        return None
    native = vnni.literal_value

    def codegen(context, builder, sig, args):
        acc, quads, word = args[0], args[1], args[2]
        splat = builder.insert_element(ir.Constant(_VEC, ir.Undefined), word, ir.Constant(ir.IntType(32), 0))
        splat = builder.shuffle_vector(splat, ir.Constant(_VEC, ir.Undefined), ir.Constant(_VEC, None))
        if native:  # vpdpbusd: unsigned bytes of the 2nd operand times signed bytes of the 3rd, in 4s
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(_VEC, [_VEC] * 3),
                                                "llvm.x86.avx512.vpdpbusd.512")
            return builder.call(fn, [acc, quads, splat])
        unsigned = builder.zext(builder.bitcast(quads, _BYTES), _WIDE)
        signed = builder.sext(builder.bitcast(splat, _BYTES), _WIDE)
        products = builder.mul(unsigned, signed)
        for t in range(4):  # lane i gets products 4i .. 4i + 3
            pick = ir.Constant(_VEC, [ir.Constant(ir.IntType(32), 4 * i + t) for i in range(LANES)])
            acc = builder.add(acc, builder.shuffle_vector(products, ir.Constant(_WIDE, ir.Undefined), pick))
        return acc

    return int32x16(acc, quads, word, vnni), codegen


@intrinsic
def _passing(typingctx, acc, shift, rscale, error, lanes):
    """Bit l set where lane l's upper bound reaches its threshold: ``float32(acc - shift) * rscale * scale``
    plus ``norm * error + slack`` ``>= threshold``, with (scale, norm, slack, threshold) the rows of
    ``lanes`` (4, 16) float32; the same float32 operations, in the same order, as ``_compact_kernels.select``."""

    def codegen(context, builder, sig, args):
        acc, shift, rscale, error, lanes = args
        floats = ir.VectorType(ir.FloatType(), LANES)
        data = context.make_array(sig.args[4])(context, builder, lanes).data
        scale, norm, slack, threshold = (
            builder.load(builder.bitcast(builder.gep(data, [ir.Constant(ir.IntType(64), LANES * k)]),
                                         floats.as_pointer()), align=4) for k in range(4))

        def splat(value, kind):
            one = builder.insert_element(ir.Constant(kind, ir.Undefined), value, ir.Constant(ir.IntType(32), 0))
            return builder.shuffle_vector(one, ir.Constant(kind, ir.Undefined), ir.Constant(_VEC, None))

        score = builder.sitofp(builder.sub(acc, splat(shift, _VEC)), floats)
        score = builder.fmul(builder.fmul(score, splat(rscale, floats)), scale)
        upper = builder.fadd(score, builder.fadd(builder.fmul(norm, splat(error, floats)), slack))
        bits = builder.bitcast(builder.fcmp_ordered(">=", upper, threshold), ir.IntType(LANES))
        return builder.zext(bits, ir.IntType(32))

    return types.int32(acc, shift, rscale, error, lanes), codegen


@numba.njit(cache=True, nogil=True)
def _tail_word(rows, offset, count):
    """The last ``count`` (< 4) bytes of a row as a word, zero above: never reads past the row."""
    word = 0
    for t in range(count):
        word |= np.int64(np.uint8(rows[offset + t])) << (8 * t)
    return np.int32(word)


@numba.njit(cache=True, nogil=True)
def _sift_down(heap, value):
    """Replace the root of the min-heap ``heap`` with ``value`` and restore the heap order."""
    size = heap.shape[0]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= value:
            break
        heap[pos] = heap[child]
        pos = child
    heap[pos] = value


@numba.njit(cache=True, nogil=True)
def _take(sums, pending, first, first_q, lanes, rowsums, rscales, errors, state, heaps, cand_rows, cand_upper,
          counts):
    """Rows ``first + r`` for each bit r of ``pending`` (their sums in ``sums[r]``), in order: each lane whose
    upper bound reaches its threshold is a candidate, and its lower bound enters the query's heap
    (``state``: scale, norm, slack and threshold per lane)."""
    for r in range(ROWS):
        if not (pending >> r) & 1:
            continue
        i = first + r
        shift, rscale, error = np.int32(128 * rowsums[i]), rscales[i], errors[i]
        for lane in range(lanes):
            score = np.float32(np.int32(sums[r, lane] - shift)) * rscale * state[0, lane]
            bound = state[1, lane] * error + state[2, lane]
            if score + bound >= state[3, lane]:
                q = first_q + lane
                cand_rows[q, counts[q]] = i
                cand_upper[q, counts[q]] = score + bound
                counts[q] += 1
                if score - bound > state[3, lane]:
                    _sift_down(heaps[q], score - bound)
                    state[3, lane] = heaps[q, 0]


@numba.njit(cache=True, nogil=True)
def _group(rows, quads, rowsums, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows, cand_upper,
           counts, group, vnni):
    """One query group over every row, eight rows at a time: their sums in registers, one vector compare
    per row with the thresholds, and ``_take`` for the rare rows where some lane passes.

    A long kernel: the eight accumulators are spelled out so that they stay in registers."""
    n, dim = rows.shape
    flat = rows.reshape(-1)
    full, tail = dim // 4, dim % 4
    first_q = group * LANES
    lanes = min(LANES, heaps.shape[0] - first_q)
    state = np.zeros((4, LANES), np.float32)  # scale, norm, slack, threshold per lane
    state[3] = np.inf  # unused lanes never pass
    for lane in range(lanes):
        q = first_q + lane
        counts[q] = 0
        state[0, lane], state[1, lane], state[2, lane], state[3, lane] = qscales[q], qnorms[q], slacks[q], heaps[q, 0]
    sums = np.empty((ROWS, LANES), np.int32)
    flat_sums = sums.reshape(-1)
    for first in range(0, n, ROWS):
        count = min(ROWS, n - first)
        a0, a1, a2, a3, a4, a5, a6, a7 = _zero(), _zero(), _zero(), _zero(), _zero(), _zero(), _zero(), _zero()
        at = first * dim
        if count == ROWS:
            for g in range(full):
                q = _load(quads, g * LANES)
                a0 = _dot4(a0, q, _word(flat, at), vnni)
                a1 = _dot4(a1, q, _word(flat, at + dim), vnni)
                a2 = _dot4(a2, q, _word(flat, at + 2 * dim), vnni)
                a3 = _dot4(a3, q, _word(flat, at + 3 * dim), vnni)
                a4 = _dot4(a4, q, _word(flat, at + 4 * dim), vnni)
                a5 = _dot4(a5, q, _word(flat, at + 5 * dim), vnni)
                a6 = _dot4(a6, q, _word(flat, at + 6 * dim), vnni)
                a7 = _dot4(a7, q, _word(flat, at + 7 * dim), vnni)
                at += 4
            if tail:
                q = _load(quads, full * LANES)
                a0 = _dot4(a0, q, _tail_word(flat, at, tail), vnni)
                a1 = _dot4(a1, q, _tail_word(flat, at + dim, tail), vnni)
                a2 = _dot4(a2, q, _tail_word(flat, at + 2 * dim, tail), vnni)
                a3 = _dot4(a3, q, _tail_word(flat, at + 3 * dim, tail), vnni)
                a4 = _dot4(a4, q, _tail_word(flat, at + 4 * dim, tail), vnni)
                a5 = _dot4(a5, q, _tail_word(flat, at + 5 * dim, tail), vnni)
                a6 = _dot4(a6, q, _tail_word(flat, at + 6 * dim, tail), vnni)
                a7 = _dot4(a7, q, _tail_word(flat, at + 7 * dim, tail), vnni)
        else:  # the last rows, one at a time into a0
            for r in range(count):
                a0 = _zero()
                for g in range(full):
                    a0 = _dot4(a0, _load(quads, g * LANES), _word(flat, at + 4 * g), vnni)
                if tail:
                    a0 = _dot4(a0, _load(quads, full * LANES), _tail_word(flat, at + 4 * full, tail), vnni)
                _store(flat_sums, r * LANES, a0)
                at += dim
            _take(sums, (1 << count) - 1, first, first_q, lanes, rowsums, rscales, errors, state, heaps,
                  cand_rows, cand_upper, counts)
            continue
        pending = 0
        for r, acc in enumerate((a0, a1, a2, a3, a4, a5, a6, a7)):
            i = first + r
            if _passing(acc, np.int32(128 * rowsums[i]), rscales[i], errors[i], state):  # rarely
                _store(flat_sums, r * LANES, acc)
                pending |= 1 << r
        if pending:
            _take(sums, pending, first, first_q, lanes, rowsums, rscales, errors, state, heaps, cand_rows,
                  cand_upper, counts)


@numba.njit(cache=True, nogil=True, parallel=True)
def row_sums(rows, out):
    """``out[i] = sum(rows[i])`` of int8 rows, as int32."""
    for i in numba.prange(rows.shape[0]):
        total = np.int32(0)
        for j in range(rows.shape[1]):
            total += np.int32(rows[i, j])
        out[i] = total


@numba.njit(cache=True, nogil=True, parallel=True)
def select_vnni(rows, quads, rowsums, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows, cand_upper,
                counts):
    """The fused sums and selection over one chunk of rows, with AVX-512 VNNI; query groups in parallel.

    rows (n, dim) int8; quads (groups, ceil(dim / 4) * 16) int32 from ``int8_batch.pack``; rowsums (n,)
    int32; rscales, errors (n,) float32; qscales, qnorms, slacks (m,) float32; heaps (m, keep) float32,
    kept across chunks; cand_rows (m, n) int32 and cand_upper (m, n) float32 get ``counts[q]`` candidates
    of query q. Row i's score for query q is ``float32(sums[q, i]) * rscales[i] * qscales[q]``, its bound
    ``qnorms[q] * errors[i] + slacks[q]``: the rules of ``_compact_kernels.select``.
    """
    for group in numba.prange(quads.shape[0]):
        _group(rows, quads[group], rowsums, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows,
               cand_upper, counts, group, True)


@numba.njit(cache=True, nogil=True, parallel=True)
def select_portable(rows, quads, rowsums, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows,
                    cand_upper, counts):
    """``select_vnni`` for any CPU: the same sums in portable vector code (slower, same numbers)."""
    for group in numba.prange(quads.shape[0]):
        _group(rows, quads[group], rowsums, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows,
               cand_upper, counts, group, False)
