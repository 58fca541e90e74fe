"""The kernels of ``tokvec.vocab.subwords``, in LLVM IR compiled with llvmlite: n-gram hashes and word vectors.

Why not numba: a fresh ``tokvec similar WORD -v model.bin`` (fastText) spent about 0.3 s importing numba and
loading these kernels from its cache, more than the rest of the query on a small model. They allocate
nothing and raise nothing, so they are built as LLVM functions (``tokvec._plumbing.llvm``, machine code
cached) and called through ctypes.

``data``/``offsets`` hold the packed bytes of ``<word>`` strings (word ``w`` is ``data[offsets[w]:offsets[w+1]]``).
An n-gram starts at each byte that does not continue a UTF-8 character (``10xxxxxx``) and takes 1..``maxn``
whole characters; those of ``minn`` or more are kept, except a lone first or last character (``<``, ``>``).

- ``count_ngrams(data, offsets, n, minn, maxn, counts)``: how many n-grams each word has.
- ``fill_hashes(data, offsets, n, minn, maxn, bucket, starts, out)``: each word's n-gram bucket ids (fastText's
  FNV-1a 32 over bytes sign-extended as a C ``char``, modulo ``bucket``) into ``out[starts[w]:starts[w+1]]``.
- ``one(data, length, minn, maxn, buckets, bucket, dim, out)``: one word's vector, hashed and summed in one
  pass (``compose`` of one word without an own row), per bucket dtype.
- ``compose(word_rows, own, buckets, dim, starts, hashes, n, out)``: ``out[w] = (word_rows[w] (when ``own``)
  + each n-gram row, in order) * float32(1 / count)``, summed in float32, 16 dims at a time (each dim in
  fastText's order); one function per (word rows, buckets) dtype, float32 or float16.

Each has a twin in ``tokvec.vocab.subwords`` (``*_reference``); tests compare them exactly.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from llvmlite import ir

from .._plumbing.llvm import F32, I8, I32, I64, Loop, address, compile_module, const, pointer, splat

LANES = 16
HALF = ir.HalfType()
_I8P, _I64P, _F32P = I8.as_pointer(), I64.as_pointer(), F32.as_pointer()
_P, _N = ctypes.c_void_p, ctypes.c_int64
COUNT = ctypes.CFUNCTYPE(None, _P, _P, _N, _N, _N, _P)
FILL = ctypes.CFUNCTYPE(None, _P, _P, _N, _N, _N, _N, _P, _P)
COMPOSE = ctypes.CFUNCTYPE(None, _P, _N, _P, _N, _P, _P, _N, _P)
ONE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, _N, _N, _N, _P, _N, _N, _P)
_TYPES = {np.dtype(np.float32): F32, np.dtype(np.float16): HALF}
OFFSET_BASIS, PRIME = 2166136261, 16777619


class _Walk:
    """Emits fastText's n-gram walk over the words ``0 .. n - 1``; ``visit(word, kept, h)`` is
    called, as IR, for every n-gram (``kept``: i1, whether it counts; ``h``: i32 hash when ``hashing``)."""

    def __init__(self, b: ir.IRBuilder, data: Any, offsets: Any, n: Any, minn: Any, maxn: Any, hashing: bool):
        self.b, self.data, self.offsets, self.n, self.minn, self.maxn = b, data, offsets, n, minn, maxn
        self.hashing = hashing

    def continues(self, at: Any) -> Any:
        """Whether byte ``at`` continues a UTF-8 character."""
        b = self.b
        byte = b.load(b.gep(self.data, [at]))
        return b.icmp_unsigned("==", b.and_(byte, ir.Constant(I8, 0xC0)), ir.Constant(I8, 0x80))

    def mix(self, h: Any, at: Any) -> Any:
        """``(h ^ sext(data[at])) * PRIME`` in 32 bits."""
        b = self.b
        return b.mul(b.xor(h, b.sext(b.load(b.gep(self.data, [at])), I32)), ir.Constant(I32, PRIME))

    def emit(self, visit) -> None:
        b = self.b
        fn = b.function
        with b.goto_entry_block():  # allocas in the entry block only: LLVM promotes those to registers
            j_slot, k_slot, h_slot = (b.alloca(kind, name=name) for kind, name in ((I64, "j"), (I64, "k"), (I32, "h")))
        words = Loop(b, const(0), self.n, 1, "word")
        w = words.value
        start = b.load(b.gep(self.offsets, [w]))
        end = b.load(b.gep(self.offsets, [b.add(w, const(1))]))
        chars = Loop(b, start, end, 1, "char")
        i = chars.value
        with b.if_then(b.not_(self.continues(i))):
            b.store(i, j_slot)
            b.store(const(1), k_slot)
            b.store(ir.Constant(I32, OFFSET_BASIS), h_slot)
            check, body, done = (fn.append_basic_block(f"gram.{part}") for part in ("check", "body", "done"))
            b.branch(check)
            b.position_at_end(check)
            more = b.and_(b.icmp_signed("<", b.load(j_slot), end), b.icmp_signed("<=", b.load(k_slot), self.maxn))
            b.cbranch(more, body, done)
            b.position_at_end(body)
            if self.hashing:
                b.store(self.mix(b.load(h_slot), b.load(j_slot)), h_slot)
            b.store(b.add(b.load(j_slot), const(1)), j_slot)
            tail_check, tail_body, tail_done = (fn.append_basic_block(f"cont.{part}")
                                                for part in ("check", "body", "done"))
            b.branch(tail_check)
            b.position_at_end(tail_check)
            j = b.load(j_slot)
            inside = b.icmp_signed("<", j, end)
            with b.if_then(inside):
                b.cbranch(self.continues(j), tail_body, tail_done)
            b.branch(tail_done)
            b.position_at_end(tail_body)
            if self.hashing:
                b.store(self.mix(b.load(h_slot), b.load(j_slot)), h_slot)
            b.store(b.add(b.load(j_slot), const(1)), j_slot)
            b.branch(tail_check)
            b.position_at_end(tail_done)
            k, j = b.load(k_slot), b.load(j_slot)
            lone = b.and_(b.icmp_signed("==", k, const(1)),
                          b.or_(b.icmp_signed("==", i, start), b.icmp_signed("==", j, end)))
            kept = b.and_(b.icmp_signed(">=", k, self.minn), b.not_(lone))
            visit(w, kept, b.load(h_slot))
            b.store(b.add(k, const(1)), k_slot)
            b.branch(check)
            b.position_at_end(done)
        chars.close()
        words.close()


def _count(module: ir.Module) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [_I8P, _I64P, I64, I64, I64, _I64P]), "count_ngrams")
    data, offsets, n, minn, maxn, counts = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    zero = Loop(b, const(0), n, 1, "zero")
    b.store(const(0), b.gep(counts, [zero.value]))
    zero.close()

    def visit(w: Any, kept: Any, h: Any) -> None:
        with b.if_then(kept):
            slot = b.gep(counts, [w])
            b.store(b.add(b.load(slot), const(1)), slot)

    _Walk(b, data, offsets, n, minn, maxn, hashing=False).emit(visit)
    b.ret_void()


def _fill(module: ir.Module) -> None:
    args = [_I8P, _I64P, I64, I64, I64, I64, _I64P, _I64P]
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), args), "fill_hashes")
    data, offsets, n, minn, maxn, bucket, starts, out = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    at = b.alloca(I64, name="at")
    last = b.alloca(I64, name="last")  # the word whose slots ``at`` walks
    b.store(const(-1), last)

    def visit(w: Any, kept: Any, h: Any) -> None:
        with b.if_then(b.icmp_signed("!=", b.load(last), w)):
            b.store(b.load(b.gep(starts, [w])), at)
            b.store(w, last)
        with b.if_then(kept):
            slot = b.load(at)
            b.store(b.urem(b.zext(h, I64), bucket), b.gep(out, [slot]))
            b.store(b.add(slot, const(1)), at)

    _Walk(b, data, offsets, n, minn, maxn, hashing=True).emit(visit)
    b.ret_void()


def _compose(module: ir.Module, own_type: ir.Type, bucket_type: ir.Type, name: str) -> None:
    args = [own_type.as_pointer(), I64, bucket_type.as_pointer(), I64, _I64P, _I64P, I64, _F32P]
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), args), name)
    word_rows, own, buckets, dim, starts, hashes, n, out = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    vec = ir.VectorType(F32, LANES)
    accs = {LANES: b.alloca(vec, name="lanes"), 1: b.alloca(F32, name="one")}

    def load(base: Any, at: Any, kind: ir.Type, wide: bool) -> Any:
        """Lanes (or one value) of ``base`` from ``at``, as float32."""
        value = b.load(pointer(b, base, at, ir.VectorType(kind, LANES) if wide else None), align=2)
        return value if kind == F32 else b.fpext(value, vec if wide else F32)

    words = Loop(b, const(0), n, 1, "word")
    w = words.value
    first, stop = b.load(b.gep(starts, [w])), b.load(b.gep(starts, [b.add(w, const(1))]))
    has_own = b.icmp_signed("!=", own, const(0))
    size = b.add(b.sub(stop, first), b.zext(has_own, I64))
    double = ir.DoubleType()
    scale = b.select(b.icmp_signed(">", size, const(0)),  # float32(1.0 / size), as fastText and the twin scale
                     b.fptrunc(b.fdiv(ir.Constant(double, 1.0), b.sitofp(size, double)), F32), ir.Constant(F32, 0.0))
    target_row = b.mul(w, dim)

    def one_pass(step: int, start_at: Any) -> Loop:
        wide = step == LANES
        acc = accs[step]
        dims = Loop(b, start_at, dim, step, f"dims{step}")
        d = dims.value
        with b.if_else(has_own) as (with_own, without):
            with with_own:
                b.store(load(word_rows, b.add(target_row, d), own_type, wide), acc)
            with without:
                b.store(ir.Constant(vec if wide else F32, None if wide else 0.0), acc)
        grams = Loop(b, first, stop, 1, f"gram{step}")
        row = b.mul(b.load(b.gep(hashes, [grams.value])), dim)
        b.store(b.fadd(b.load(acc), load(buckets, b.add(row, d), bucket_type, wide)), acc)
        grams.close()
        scaled = b.fmul(b.load(acc), splat(b, scale, vec) if wide else scale)
        b.store(scaled, pointer(b, out, b.add(target_row, d), vec if wide else None), align=4)
        dims.close()
        return dims

    wide_dims = one_pass(LANES, const(0))
    one_pass(1, b.load(wide_dims.counter))
    words.close()
    b.ret_void()


def _one_vector(module: ir.Module, bucket_type: ir.Type, name: str) -> None:
    """``one(data, length, minn, maxn, buckets, bucket, dim, out)``: ``out`` = the mean of the n-gram rows of
    one packed ``<word>`` (zero if none), hashed and summed in one pass in fastText's order: ``compose`` of
    one word without an own row."""
    args = [_I8P, I64, I64, I64, bucket_type.as_pointer(), I64, I64, _F32P]
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), args), name)
    data, length, minn, maxn, buckets, bucket, dim, out = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    count, bounds = b.alloca(I64, name="count"), b.alloca(ir.ArrayType(I64, 2), name="bounds")
    b.store(const(0), count)
    b.store(const(0), b.gep(bounds, [const(0), const(0)]))
    b.store(length, b.gep(bounds, [const(0), const(1)]))
    zero = Loop(b, const(0), dim, 1, "zero")
    b.store(ir.Constant(F32, 0.0), b.gep(out, [zero.value]))
    zero.close()

    def visit(w: Any, kept: Any, h: Any) -> None:
        with b.if_then(kept):
            row = b.mul(b.urem(b.zext(h, I64), bucket), dim)
            dims = Loop(b, const(0), dim, 1, "add")
            value = b.load(b.gep(buckets, [b.add(row, dims.value)]))
            target = b.gep(out, [dims.value])
            b.store(b.fadd(b.load(target), value if bucket_type == F32 else b.fpext(value, F32)), target)
            dims.close()
            b.store(b.add(b.load(count), const(1)), count)

    _Walk(b, data, b.gep(bounds, [const(0), const(0)]), const(1), minn, maxn, hashing=True).emit(visit)
    total = b.load(count)
    with b.if_then(b.icmp_signed(">", total, const(0))):
        double = ir.DoubleType()
        scale = b.fptrunc(b.fdiv(ir.Constant(double, 1.0), b.sitofp(total, double)), F32)
        dims = Loop(b, const(0), dim, 1, "scale")
        target = b.gep(out, [dims.value])
        b.store(b.fmul(b.load(target), scale), target)
        dims.close()
    b.ret_void()


@cache
def compiled() -> dict[str, Any]:
    """The kernels as ctypes functions: ``"count"``, ``"fill"`` and ``("compose", own dtype, bucket dtype)``."""
    module = ir.Module(name="fasttext_subwords")
    _count(module)
    _fill(module)
    names = ["count_ngrams", "fill_hashes"]
    for kind in _TYPES:
        names.append(f"one_{kind.name}")
        _one_vector(module, _TYPES[kind], names[-1])
    pairs = [(own, kind) for own in _TYPES for kind in _TYPES]
    for own, kind in pairs:
        names.append(f"compose_{own.name}_{kind.name}")
        _compose(module, _TYPES[own], _TYPES[kind], names[-1])
    count, fill, *rest = compile_module(module, names)
    kernels: dict[Any, Any] = {"count": COUNT(count), "fill": FILL(fill)}
    kernels.update({("one", kind): ONE(at) for kind, at in zip(_TYPES, rest)})
    kernels.update({("compose", own, kind): COMPOSE(at) for (own, kind), at in zip(pairs, rest[len(_TYPES):])})
    return kernels


def _words(data: np.ndarray, offsets: np.ndarray) -> tuple[int, int]:
    n = len(offsets) - 1
    if n and (int(offsets[0]) < 0 or int(offsets[-1]) > len(data) or bool((np.diff(offsets) < 0).any())):
        raise ValueError("offsets must rise within the packed data")
    return address(data, np.uint8, "data"), address(offsets, np.int64, "offsets")


def count_ngrams(data: np.ndarray, offsets: np.ndarray, minn: int, maxn: int) -> np.ndarray:
    """How many n-grams fastText's ``computeSubwords`` emits for each word: int64 (n,)."""
    counts = np.zeros(len(offsets) - 1, np.int64)
    compiled()["count"](*_words(data, offsets), len(counts), int(minn), int(maxn), counts.ctypes.data)
    return counts


def fill_hashes(data: np.ndarray, offsets: np.ndarray, minn: int, maxn: int, bucket: int, starts: np.ndarray,
                out: np.ndarray) -> None:
    """Write each word's n-gram bucket ids into ``out[starts[w]:starts[w+1]]``, in fastText's order (``starts``
    from ``count_ngrams``)."""
    n = len(offsets) - 1
    if len(starts) != n + 1 or (n and int(starts[-1]) > len(out)) or int(bucket) < 1:
        raise ValueError("fill_hashes: starts, out and bucket do not fit")
    compiled()["fill"](*_words(data, offsets), n, int(minn), int(maxn), int(bucket),
                       address(starts, np.int64, "starts"), address(out, np.int64, "out"))


def compose(word_rows: np.ndarray, buckets: np.ndarray, starts: np.ndarray, hashes: np.ndarray,
            out: np.ndarray) -> None:
    """``out[w] = (word_rows[w] + sum of its n-gram rows) * float32(1 / (1 + count))`` summed in float32 in
    fastText's order; ``word_rows`` may have 0 rows (unknown words: the mean of the n-gram rows only)."""
    n, dim = out.shape
    own = len(word_rows) > 0
    if buckets.ndim != 2 or buckets.shape[1] != dim or len(starts) != n + 1 or (own and word_rows.shape != out.shape):
        raise ValueError(f"compose: shapes {word_rows.shape} {buckets.shape} {starts.shape} {out.shape} do not fit")
    if len(hashes) and (int(hashes.min()) < 0 or int(hashes.max()) >= len(buckets)):
        raise ValueError(f"compose: a bucket id outside the {len(buckets)} buckets")
    if n and (int(starts[0]) != 0 or int(starts[-1]) > len(hashes) or bool((np.diff(starts) < 0).any())):
        raise ValueError("compose: starts must rise from 0 to at most len(hashes)")
    kind = buckets.dtype if buckets.dtype in _TYPES else np.dtype(np.float32)
    buckets = buckets if buckets.dtype == kind and buckets.flags.c_contiguous else np.ascontiguousarray(buckets, kind)
    own_kind = word_rows.dtype if word_rows.dtype in _TYPES else np.dtype(np.float32)
    word_rows = word_rows if word_rows.dtype == own_kind and word_rows.flags.c_contiguous else \
        np.ascontiguousarray(word_rows, own_kind)
    compiled()[("compose", own_kind, kind)](
        address(word_rows, own_kind.type, "word_rows"), int(own), address(buckets, kind.type, "buckets"), dim,
        address(starts, np.int64, "starts"), address(hashes, np.int64, "hashes"), n, address(out, np.float32, "out"))


def one_vector(word: bytes, minn: int, maxn: int, buckets: np.ndarray, out: np.ndarray) -> None:
    """``out`` (float32 ``(dim,)``) = the mean of the n-gram rows of the packed ``<word>`` (zero if none)."""
    if buckets.ndim != 2 or out.shape != (buckets.shape[1],) or out.dtype != np.float32 or not len(buckets):
        raise ValueError(f"one_vector: shapes {buckets.shape} {out.shape} do not fit")
    kind = buckets.dtype if buckets.dtype in _TYPES else np.dtype(np.float32)
    buckets = buckets if buckets.dtype == kind and buckets.flags.c_contiguous else np.ascontiguousarray(buckets, kind)
    compiled()[("one", kind)](word, len(word), int(minn), int(maxn), address(buckets, kind.type, "buckets"),
                              len(buckets), buckets.shape[1], out.ctypes.data)
