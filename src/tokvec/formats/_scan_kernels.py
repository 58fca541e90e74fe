"""The kernels of ``_scan``, in LLVM IR compiled with llvmlite: find the records, then copy the vectors.

Why not numba: reading a word2vec binary of 500,000 x 300 takes about 0.2 s of kernel time, and importing
numba and loading its cached kernels cost 0.5 s more than that in a fresh process. These kernels allocate
nothing and raise nothing, so they are built as LLVM functions (``tokvec._plumbing.llvm``, machine code
cached) and run through ctypes.

- ``scan(buf, size, pos, r0, n, record_bytes, tok_start, vec_start, packed, room, offsets, max_token, state)``:
  one pass from record ``r0`` at byte ``pos``: skip ``\\n``, copy the token up to its space into ``packed``
  (``\\n``-terminated, ending at ``offsets[r + 1]``) while its bytes are in cache, note where the token and
  the vector start, step over ``record_bytes``. Returns a status (``_scan_codes``: OK, TRUNCATED, LONG_TOKEN,
  or FULL when ``packed``'s ``room`` bytes cannot take the next token) and writes the record and byte to go
  on from into ``state``. The walk is a chain (where a record starts depends on the token before it), so
  each step would wait for memory: the records ahead start about ``record_bytes`` + a short token further
  on, and are prefetched.
- ``gather(buf, vec_start, r0, r1, record_bytes, out)``: copy the vectors of records ``r0 .. r1 - 1`` into
  rows of ``out``, on the pool's threads.

``_scan.scan_reference`` is the plain-Python twin; tests compare the two.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from llvmlite import ir

from .._plumbing.llvm import I8, I64, Loop, address, compile_module, const, copy, prefetch
from .._plumbing.threads import run, split, threads
from ._scan_codes import FULL, LONG_TOKEN, OK, TRUNCATED  # shared with the Python twin

AHEAD = 8  # records prefetched ahead of the scan
_I8P, _I64P = I8.as_pointer(), I64.as_pointer()
_P, _N = ctypes.c_void_p, ctypes.c_int64
SCAN = ctypes.CFUNCTYPE(ctypes.c_int64, _P, _N, _N, _N, _N, _N, _P, _P, _P, _N, _P, _N, _P)
GATHER = ctypes.CFUNCTYPE(None, _P, _P, _N, _N, _N, _P)
MIN_ROWS = 4096  # rows below which a gather runs on one thread


class _Scan:
    """Builds ``scan``: the IR of each step, read top to bottom in ``build``."""

    def __init__(self, module: ir.Module):
        args = [_I8P, I64, I64, I64, I64, I64, _I64P, _I64P, _I8P, I64, _I64P, I64, _I64P]
        self.fn = ir.Function(module, ir.FunctionType(I64, args), "scan")
        (self.buf, self.size, self.pos0, self.r0, self.n, self.record_bytes, self.tok_start, self.vec_start,
         self.packed, self.room, self.offsets, self.max_token, self.state) = self.fn.args
        self.b = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.pos, self.o = self.b.alloca(I64, name="pos"), self.b.alloca(I64, name="o")

    def leave(self, status: int, record: Any, at: Any) -> None:
        b = self.b
        b.store(record, b.gep(self.state, [const(0)]))
        b.store(at, b.gep(self.state, [const(1)]))
        b.ret(const(status))

    def byte(self, at: Any) -> Any:
        return self.b.load(self.b.gep(self.buf, [at]))

    def walk(self, name: str, value: int, equal: bool, step) -> None:
        """``while pos < size and (buf[pos] == value if equal else buf[pos] != value): step()``."""
        b = self.b
        check, body, done = (self.fn.append_basic_block(f"{name}.{part}") for part in ("check", "body", "done"))
        b.branch(check)
        b.position_at_end(check)
        at = b.load(self.pos)
        with b.if_then(b.icmp_signed("<", at, self.size)):
            b.cbranch(b.icmp_unsigned("==" if equal else "!=", self.byte(at), ir.Constant(I8, value)), body, done)
        b.branch(done)
        b.position_at_end(body)
        step()
        b.branch(check)
        b.position_at_end(done)

    def build(self) -> None:
        b = self.b
        b.store(self.pos0, self.pos)
        b.store(b.load(b.gep(self.offsets, [self.r0])), self.o)
        records = Loop(b, self.r0, self.n, 1, "record")
        r = records.value
        self.walk("newline", 10, True, lambda: b.store(b.add(b.load(self.pos), const(1)), self.pos))
        ts = b.load(self.pos)

        def token_byte() -> None:
            at = b.load(self.pos)
            slot = b.add(b.load(self.o), b.sub(at, ts))
            with b.if_then(b.icmp_signed(">=", b.add(slot, const(1)), self.room), likely=False):
                self.leave(FULL, r, ts)
            b.store(self.byte(at), b.gep(self.packed, [slot]))
            after = b.add(at, const(1))
            b.store(after, self.pos)
            with b.if_then(b.icmp_signed(">", b.sub(after, ts), self.max_token), likely=False):
                self.leave(LONG_TOKEN, r, ts)

        self.walk("token", 32, False, token_byte)
        at = b.load(self.pos)
        with b.if_then(b.icmp_signed(">=", at, self.size), likely=False):
            self.leave(TRUNCATED, r, ts)
        o = b.add(b.load(self.o), b.sub(at, ts))
        with b.if_then(b.icmp_signed(">", b.add(o, const(1)), self.room), likely=False):
            self.leave(FULL, r, ts)
        b.store(ir.Constant(I8, 10), b.gep(self.packed, [o]))
        o = b.add(o, const(1))
        b.store(o, self.o)
        b.store(ts, b.gep(self.tok_start, [r]))
        vector = b.add(at, const(1))
        with b.if_then(b.icmp_signed(">", b.add(vector, self.record_bytes), self.size), likely=False):
            self.leave(TRUNCATED, r, ts)
        b.store(o, b.gep(self.offsets, [b.add(r, const(1))]))
        b.store(vector, b.gep(self.vec_start, [r]))
        stride = b.add(self.record_bytes, const(16))
        for a in range(1, AHEAD + 1):  # a hint: never faults, even past the end
            prefetch(b, b.gep(self.buf, [b.add(vector, b.mul(stride, const(a)))]))
        b.store(b.add(vector, self.record_bytes), self.pos)
        records.close()
        self.leave(OK, self.n, b.load(self.pos))


def _gather(module: ir.Module) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [_I8P, _I64P, I64, I64, I64, _I8P]), "gather")
    buf, vec_start, r0, r1, record_bytes, out = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    rows = Loop(b, r0, r1, 1, "row")
    source = b.gep(buf, [b.load(b.gep(vec_start, [rows.value]))])
    copy(b, b.gep(out, [b.mul(rows.value, record_bytes)]), source, record_bytes)
    rows.close()
    b.ret_void()


@cache
def compiled() -> tuple[Any, Any]:
    """``(scan, gather)`` as ctypes functions (``SCAN``, ``GATHER``)."""
    module = ir.Module(name="word2vec_scan")
    _Scan(module).build()
    _gather(module)
    scan_address, gather_address = compile_module(module, ["scan", "gather"])
    return SCAN(scan_address), GATHER(gather_address)


def scan(buf, pos, r0, n, record_bytes, tok_start, vec_start, packed, offsets, max_token) -> tuple[int, int, int]:
    """``(record, byte, status)``: see the module docstring (``buf``, ``packed`` uint8; the rest int64)."""
    if not (len(tok_start) >= n and len(vec_start) >= n and len(offsets) >= n + 1 and 0 <= r0 <= n):
        raise ValueError(f"scan: arrays too short for {n} records")
    state = np.zeros(2, np.int64)
    status = compiled()[0](address(buf, np.uint8, "buf"), len(buf), int(pos), int(r0), int(n), int(record_bytes),
                           address(tok_start, np.int64, "tok_start"), address(vec_start, np.int64, "vec_start"),
                           address(packed, np.uint8, "packed"), len(packed), address(offsets, np.int64, "offsets"),
                           int(max_token), state.ctypes.data)
    return int(state[0]), int(state[1]), int(status)


def gather(buf: np.ndarray, vec_start: np.ndarray, record_bytes: int, out: np.ndarray) -> None:
    """Copy each record's ``record_bytes`` from ``buf[vec_start[r]:]`` to ``out[r * record_bytes:]`` (uint8)."""
    rows = len(vec_start)
    if out.shape[0] < rows * record_bytes or (rows and int(vec_start.max()) + record_bytes > len(buf)):
        raise ValueError("gather: a record lies outside the buffer or the output")
    args = (address(buf, np.uint8, "buf"), address(vec_start, np.int64, "vec_start"))
    target = address(out, np.uint8, "out")
    kernel = compiled()[1]
    run(lambda lo, hi: kernel(*args, lo, hi, int(record_bytes), target), split(rows, min(threads(), rows // MIN_ROWS)))
