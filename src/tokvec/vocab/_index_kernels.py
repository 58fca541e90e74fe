"""The kernels of ``_index``, in LLVM IR compiled with llvmlite: build the token hash table, find one token.

Why not numba: indexing the 500,000 tokens of a word2vec binary takes about 0.03 s, and importing numba
and loading its cached kernel cost 0.5 s more in a fresh process. These kernels allocate nothing and raise
nothing, so they are built as LLVM functions (``tokvec._plumbing.llvm``, machine code cached).

- ``build(buf, offsets, n, table, mask, dup)``: insert tokens ``0 .. n - 1`` (token ``i`` is
  ``buf[offsets[i]:offsets[i + 1] - 1]``) into the open-addressing ``table`` (FNV-1a 64-bit hash, slot
  ``hash & mask``, linear probing, ``-1`` empty); a token equal to an earlier one is not inserted and
  ``dup[i]`` is set. The slot of the token ``AHEAD`` further on is prefetched: the table is far larger
  than the caches and each insert would otherwise wait for memory.
- ``find(buf, offsets, table, mask, query, length) -> row or -1``.

``_index.build_reference`` / ``find_reference`` are the plain-Python twins; ``fnv1a`` here and
``_index.fnv1a`` give the same hashes (tests check both).
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from llvmlite import ir

from .._plumbing.llvm import I1, I8, I64, Loop, address, compile_module, const, prefetch

AHEAD = 8  # tokens hashed ahead, their table slots prefetched
BASIS, PRIME = 14695981039346656037, 1099511628211
_I8P, _I64P = I8.as_pointer(), I64.as_pointer()
_P, _N = ctypes.c_void_p, ctypes.c_int64
BUILD = ctypes.CFUNCTYPE(None, _P, _P, _N, _P, _N, _P)
FIND = ctypes.CFUNCTYPE(ctypes.c_int64, _P, _P, _P, _N, _P, _N)
HASH = ctypes.CFUNCTYPE(ctypes.c_uint64, _P, _N, _N)


def _hash(module: ir.Module) -> ir.Function:
    """``fnv1a(data, start, end)``: FNV-1a 64-bit of ``data[start:end]``."""
    fn = ir.Function(module, ir.FunctionType(I64, [_I8P, I64, I64]), "fnv1a")
    data, start, end = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    h = b.alloca(I64, name="h")
    b.store(ir.Constant(I64, BASIS), h)
    each = Loop(b, start, end, 1, "byte")
    byte = b.zext(b.load(b.gep(data, [each.value])), I64)
    b.store(b.mul(b.xor(b.load(h), byte), ir.Constant(I64, PRIME)), h)
    each.close()
    b.ret(b.load(h))
    return fn


def _same(module: ir.Module) -> ir.Function:
    """``same(a, a0, a1, b, b0, b1)``: whether ``a[a0:a1] == b[b0:b1]``."""
    fn = ir.Function(module, ir.FunctionType(I1, [_I8P, I64, I64, _I8P, I64, I64]), "same")
    fn.linkage = "internal"
    a, a0, a1, other, b0, b1 = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    length = b.sub(a1, a0)
    with b.if_then(b.icmp_signed("!=", length, b.sub(b1, b0))):
        b.ret(ir.Constant(I1, 0))
    each = Loop(b, const(0), length, 1, "byte")
    left = b.load(b.gep(a, [b.add(a0, each.value)]))
    right = b.load(b.gep(other, [b.add(b0, each.value)]))
    with b.if_then(b.icmp_unsigned("!=", left, right)):
        b.ret(ir.Constant(I1, 0))
    each.close()
    b.ret(ir.Constant(I1, 1))
    return fn


def _probe(b: ir.IRBuilder, table: Any, mask: Any, start_slot: Any, on_empty, on_row) -> None:
    """Linear probing from ``start_slot``, at most ``mask + 1`` steps (a table with no empty slot ends the
    probe): ``on_empty(slot)`` at an empty slot; ``on_row(j)`` for row ``j`` emits its work and returns an i1,
    true to stop there."""
    with b.goto_entry_block():  # allocas in the entry block only: LLVM promotes those to registers
        slot, steps = b.alloca(I64, name="slot"), b.alloca(I64, name="steps")
    b.store(start_slot, slot)
    b.store(const(0), steps)
    check, empty, row, done = (b.function.append_basic_block(f"probe.{part}")
                               for part in ("check", "empty", "row", "done"))
    b.branch(check)
    b.position_at_end(check)
    at = b.load(slot)
    j = b.load(b.gep(table, [at]))
    b.cbranch(b.icmp_signed("<", j, const(0)), empty, row)
    b.position_at_end(empty)
    on_empty(at)
    b.branch(done)
    b.position_at_end(row)
    stop = on_row(j)
    b.store(b.and_(b.add(at, const(1)), mask), slot)
    taken = b.add(b.load(steps), const(1))
    b.store(taken, steps)
    b.cbranch(b.or_(stop, b.icmp_signed(">", taken, mask)), done, check)
    b.position_at_end(done)


def _build(module: ir.Module, fnv: ir.Function, same: ir.Function) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [_I8P, _I64P, I64, _I64P, I64, _I8P]), "build")
    buf, offsets, n, table, mask, dup = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))

    def bounds(i: Any) -> tuple[Any, Any]:
        return b.load(b.gep(offsets, [i])), b.sub(b.load(b.gep(offsets, [b.add(i, const(1))])), const(1))

    tokens = Loop(b, const(0), n, 1, "token")
    i = tokens.value
    ahead = b.add(i, const(AHEAD))
    with b.if_then(b.icmp_signed("<", ahead, n)):
        prefetch(b, b.gep(table, [b.and_(b.call(fnv, [buf, *bounds(ahead)]), mask)]))
    s, e = bounds(i)

    def differs_or_dup(j: Any) -> Any:
        equal = b.call(same, [buf, s, e, buf, *bounds(j)])
        with b.if_then(equal):
            b.store(ir.Constant(I8, 1), b.gep(dup, [i]))
        return equal

    _probe(b, table, mask, b.and_(b.call(fnv, [buf, s, e]), mask), lambda slot: b.store(i, b.gep(table, [slot])),
           differs_or_dup)
    tokens.close()
    b.ret_void()


def _find(module: ir.Module, fnv: ir.Function, same: ir.Function) -> None:
    fn = ir.Function(module, ir.FunctionType(I64, [_I8P, _I64P, _I64P, I64, _I8P, I64]), "find")
    buf, offsets, table, mask, query, length = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    found = b.alloca(I64, name="found")
    b.store(const(-1), found)

    def compare(j: Any) -> Any:
        start = b.load(b.gep(offsets, [j]))
        end = b.sub(b.load(b.gep(offsets, [b.add(j, const(1))])), const(1))
        equal = b.call(same, [buf, start, end, query, const(0), length])
        with b.if_then(equal):
            b.store(j, found)
        return equal

    _probe(b, table, mask, b.and_(b.call(fnv, [query, const(0), length]), mask), lambda slot: None, compare)
    b.ret(b.load(found))


@cache
def compiled() -> tuple[Any, Any, Any]:
    """``(build, find, fnv1a)`` as ctypes functions (``BUILD``, ``FIND``, ``HASH``)."""
    module = ir.Module(name="token_index")
    fnv, same = _hash(module), _same(module)
    _build(module, fnv, same)
    _find(module, fnv, same)
    build_address, find_address, hash_address = compile_module(module, ["build", "find", "fnv1a"])
    return BUILD(build_address), FIND(find_address), HASH(hash_address)


def _mask(table: np.ndarray) -> int:
    slots = len(table)
    if slots < 8 or slots & (slots - 1):
        raise ValueError(f"table: {slots} slots, not a power of two >= 8")
    return slots - 1


def build(buf: np.ndarray, offsets: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Fill ``table`` (all ``-1``, more slots than tokens) with the tokens' rows; their duplicate mask (n,) bool."""
    n = len(offsets) - 1
    if n >= len(table):
        raise ValueError(f"table: {len(table)} slots for {n} tokens")
    dup = np.zeros(n, np.bool_)
    compiled()[0](address(buf, np.uint8, "buf"), address(offsets, np.int64, "offsets"), n,
                  address(table, np.int64, "table"), _mask(table), dup.ctypes.data)
    return dup


def find(buf: np.ndarray, offsets: np.ndarray, table: np.ndarray, query: np.ndarray) -> int:
    """Row of the token ``query`` (uint8) in a table ``build`` filled, or -1."""
    query = np.ascontiguousarray(query, np.uint8)
    return int(compiled()[1](address(buf, np.uint8, "buf"), address(offsets, np.int64, "offsets"),
                             address(table, np.int64, "table"), _mask(table), query.ctypes.data, len(query)))


def fnv1a(data: np.ndarray, start: int, end: int) -> int:
    """FNV-1a 64-bit of ``data[start:end]`` (uint8), as ``build`` and ``find`` compute it."""
    if not 0 <= start <= end <= len(data):
        raise ValueError(f"fnv1a: {start}..{end} outside the {len(data)} bytes")
    return int(compiled()[2](address(np.ascontiguousarray(data, np.uint8), np.uint8, "data"), start, end))
