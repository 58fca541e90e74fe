"""The kernels of ``tokvec.evaluate._analogy``, in LLVM IR compiled with llvmlite: the cosine table and the top-k scan.

Why not numba: ``tokvec eval`` answers the Google analogies at 30,000 rows in about 0.15 s of kernel time,
and importing numba and loading two cached kernels cost 0.5 s more than that. These kernels allocate
nothing and raise nothing, so they are built as LLVM functions (``tokvec._plumbing.llvm``: compiled once per
process in well under a tenth of a second) and run through ctypes on the pool's threads, questions (or
table rows) split between them.

- ``table(words, block_t, inv_norms, out, w0, w1, dim, r)``: for the question words ``w0 .. w1 - 1``,
  ``out[w, j] = (sum over d of words[w, d] * block_t[d, j]) * inv_norms[j]``, float32, accumulated over
  ``d`` in order from 0 (``((0 + x0 c0) + x1 c1) + ...``): the same float32 operations, in the same order,
  as ``tokvec.evaluate._analogy.cosine_table_reference``. Four vectors of 16 rows in registers at a time.
- ``cosadd`` / ``cosmul``: ``(sims, r, rows, exclude, start, best_ids, best_scores, k, q0, q1)``: for the
  questions ``q0 .. q1 - 1``, combine the three table rows of a, b, c into each candidate's score
  (``sb + sc - sa``, or 3CosMul's objective, in ``_analogy.combine_reference``'s order) and keep each
  question's sorted top ``k`` in place. ``BLOCK`` rows are scored as vectors against the running k-th best;
  only a block where some row beats it is walked row by row (``offer``: question words skipped; a tie never
  displaces an earlier, lower row). ``_analogy.scan_reference`` is the NumPy twin; tests compare exactly.

The Python wrappers in ``KERNELS`` take arrays as ``_analogy.candidates`` passes them
(``table(words, block_t, inv_norms, out)``, ``scan(sims, rows, exclude, start, best_ids, best_scores)``) and
check that every array is C-ordered with the dtype the kernel reads.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from llvmlite import ir

from .._plumbing.llvm import F32, I1, I16, I64, Loop, address, compile_module, const, pointer, splat
from .._plumbing.threads import run, split, threads

LANES = 16  # float32 lanes of a 512-bit vector
BLOCK = 64  # rows scored together: four vectors, one check against the k-th best
EPS = np.float32(1e-6)  # Levy & Goldberg's epsilon (= tokvec.evaluate._analogy.COSMUL_EPSILON, checked by tests)
_VEC = ir.VectorType(F32, LANES)
_F32P, _I64P = F32.as_pointer(), I64.as_pointer()
_P, _N = ctypes.c_void_p, ctypes.c_int64
TABLE = ctypes.CFUNCTYPE(None, _P, _P, _P, _P, _N, _N, _N, _N)
SCAN = ctypes.CFUNCTYPE(None, _P, _N, _P, _P, _N, _P, _P, _N, _N, _N)
MIN_WORK = 1 << 18  # multiply-adds (or scores) below which a call runs on one thread


def _float(value: float) -> ir.Constant:
    return ir.Constant(F32, float(np.float32(value)))


def _combine(b: ir.IRBuilder, method: str, sa: Any, sb: Any, sc: Any) -> Any:
    """The objective from three cosines (scalars or vectors), in ``_analogy.combine_reference``'s order."""
    if method == "cosadd":
        return b.fsub(b.fadd(sb, sc), sa)

    def constant(value: float) -> Any:
        c = _float(value)
        return splat(b, c, sa.type) if isinstance(sa.type, ir.VectorType) else c

    one, half = constant(1.0), constant(0.5)
    left = b.fmul(b.fmul(b.fadd(one, sb), half), b.fmul(b.fadd(one, sc), half))
    return b.fdiv(left, b.fadd(b.fmul(b.fadd(one, sa), half), constant(float(EPS))))


def _table(module: ir.Module) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [_F32P] * 4 + [I64] * 4), "table")
    words, block_t, inv, out, w0, w1, dim, r = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    zero = ir.Constant(_VEC, None)
    accs = [b.alloca(_VEC, name=f"acc{i}") for i in range(BLOCK // LANES)]
    scalar = b.alloca(F32, name="scalar")
    each = Loop(b, w0, w1, 1, "word")
    x_row, o_row = b.mul(each.value, dim), b.mul(each.value, r)

    def run(step: int, width: int, name: str, start: Any) -> Loop:
        """Rows ``j .. j + step - 1`` per pass: ``step // width`` accumulators of ``width`` lanes."""
        kind = _VEC if width == LANES else F32
        cols = Loop(b, start, r, step, name)
        parts = range(step // width)
        for i in parts:
            b.store(zero if width == LANES else _float(0.0), accs[i] if width == LANES else scalar)
        dims = Loop(b, const(0), dim, 1, f"{name}.d")
        x = b.load(b.gep(words, [b.add(x_row, dims.value)]))
        xs = splat(b, x, _VEC) if width == LANES else x
        column = b.mul(dims.value, r)
        for i in parts:
            acc = accs[i] if width == LANES else scalar
            at = b.add(column, b.add(cols.value, const(i * width)))
            c = b.load(pointer(b, block_t, at, kind if width == LANES else None), align=4)
            b.store(b.fadd(b.load(acc), b.fmul(xs, c)), acc)
        dims.close()
        for i in parts:
            acc = accs[i] if width == LANES else scalar
            j = b.add(cols.value, const(i * width))
            scale = b.load(pointer(b, inv, j, kind if width == LANES else None), align=4)
            b.store(b.fmul(b.load(acc), scale), pointer(b, out, b.add(o_row, j), kind if width == LANES else None),
                    align=4)
        cols.close()
        return cols

    wide = run(BLOCK, LANES, "wide", const(0))
    single = run(LANES, LANES, "vec", b.load(wide.counter))
    run(1, 1, "tail", b.load(single.counter))
    each.close()
    b.ret_void()


def _offer(module: ir.Module) -> ir.Function:
    """``offer(ids, scores, k, s, gid, ea, eb, ec) -> new k-th best``: insert ``(s, gid)`` into one
    question's sorted top-k unless ``gid`` is a question word."""
    fn = ir.Function(module, ir.FunctionType(F32, [_I64P, _F32P, I64, F32, I64, I64, I64, I64]), "offer")
    fn.linkage = "internal"
    ids, scores, k, s, gid, ea, eb, ec = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    last = b.sub(k, const(1))
    skip = b.or_(b.or_(b.icmp_signed("==", gid, ea), b.icmp_signed("==", gid, eb)), b.icmp_signed("==", gid, ec))
    with b.if_then(skip, likely=False):
        b.ret(b.load(b.gep(scores, [last])))
    with b.goto_entry_block():
        p = b.alloca(I64, name="p")
    b.store(last, p)
    check, body, done = (fn.append_basic_block(name) for name in ("shift.check", "shift.body", "shift.done"))
    b.branch(check)
    b.position_at_end(check)
    at = b.load(p)
    more = b.icmp_signed(">", at, const(0))
    with b.if_then(more):  # the strict compare keeps an equal, earlier row ahead
        below = b.load(b.gep(scores, [b.sub(at, const(1))]))
        b.cbranch(b.fcmp_ordered("<", below, s), body, done)
    b.branch(done)
    b.position_at_end(body)
    at = b.load(p)
    up = b.sub(at, const(1))
    b.store(b.load(b.gep(scores, [up])), b.gep(scores, [at]))
    b.store(b.load(b.gep(ids, [up])), b.gep(ids, [at]))
    b.store(up, p)
    b.branch(check)
    b.position_at_end(done)
    at = b.load(p)
    b.store(s, b.gep(scores, [at]))
    b.store(gid, b.gep(ids, [at]))
    b.ret(b.load(b.gep(scores, [last])))
    return fn


def _scan(module: ir.Module, method: str, offer: ir.Function) -> None:
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [_F32P, I64, _I64P, _I64P, I64, _I64P, _F32P, I64, I64,
                                                             I64]), method)
    sims, r, rows, exclude, start, best_ids, best_scores, k, q0, q1 = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    threshold = b.alloca(F32, name="threshold")
    buf = b.alloca(ir.ArrayType(F32, BLOCK), name="buf")
    each = Loop(b, q0, q1, 1, "question")
    q3 = b.mul(each.value, const(3))
    bases = [b.mul(b.load(b.gep(rows, [b.add(q3, const(i))])), r) for i in range(3)]
    words = [b.load(b.gep(exclude, [b.add(q3, const(i))])) for i in range(3)]
    ids, scores = b.gep(best_ids, [b.mul(each.value, k)]), b.gep(best_scores, [b.mul(each.value, k)])
    b.store(b.load(b.gep(scores, [b.sub(k, const(1))])), threshold)

    def consider(s: Any, j: Any) -> None:
        with b.if_then(b.fcmp_ordered(">", s, b.load(threshold))):  # strict: an equal later row stays out
            b.store(b.call(offer, [ids, scores, k, s, b.add(start, j), *words]), threshold)

    blocks = Loop(b, const(0), r, BLOCK, "block")
    limit = splat(b, b.load(threshold), _VEC)
    hit = ir.Constant(ir.VectorType(I1, LANES), None)
    for i in range(BLOCK // LANES):
        j = b.add(blocks.value, const(i * LANES))
        s = _combine(b, method, *(b.load(pointer(b, sims, b.add(base, j), _VEC), align=4) for base in bases))
        b.store(s, b.bitcast(b.gep(buf, [const(0), const(i * LANES)]), _VEC.as_pointer()), align=4)
        hit = b.or_(hit, b.fcmp_ordered(">", s, limit))
    with b.if_then(b.icmp_unsigned("!=", b.bitcast(hit, I16), ir.Constant(I16, 0)), likely=False):
        lanes = Loop(b, const(0), const(BLOCK), 1, "lane")
        consider(b.load(b.gep(buf, [const(0), lanes.value])), b.add(blocks.value, lanes.value))
        lanes.close()
    blocks.close()
    tail = Loop(b, b.load(blocks.counter), r, 1, "tail")
    consider(_combine(b, method, *(b.load(b.gep(sims, [b.add(base, tail.value)])) for base in bases)), tail.value)
    tail.close()
    each.close()
    b.ret_void()


@cache
def compiled() -> dict[str, Any]:
    """The compiled kernels as ctypes functions: ``"table"`` (``TABLE``), ``"cosadd"``, ``"cosmul"`` (``SCAN``)."""
    module = ir.Module(name="analogy")
    _table(module)
    offer = _offer(module)
    for method in ("cosadd", "cosmul"):
        _scan(module, method, offer)
    table, cosadd, cosmul = compile_module(module, ["table", "cosadd", "cosmul"])
    return {"table": TABLE(table), "cosadd": SCAN(cosadd), "cosmul": SCAN(cosmul)}


def _split(total: int, work_each: int) -> list[tuple[int, int]]:
    """``[0, total)`` in one part per thread (one part when the work is small)."""
    return split(total, min(threads(), total * work_each // MIN_WORK))


def table(words: np.ndarray, block_t: np.ndarray, inv_norms: np.ndarray, out: np.ndarray) -> None:
    """``out (W, r) = (words (W, dim) @ block_t (dim, r)) * inv_norms (r,)``, float32, in place (see the module)."""
    (n_words, dim), r = words.shape, block_t.shape[1]
    if block_t.shape[0] != dim or inv_norms.shape != (r,) or out.shape != (n_words, r):
        raise ValueError(f"table: shapes {words.shape} {block_t.shape} {inv_norms.shape} {out.shape} do not fit")
    args = [address(a, np.float32, n) for a, n in ((words, "words"), (block_t, "block_t"), (inv_norms, "inv_norms"),
                                                   (out, "out"))]
    kernel = compiled()["table"]
    run(lambda w0, w1: kernel(*args, w0, w1, dim, r), _split(n_words, dim * r))


def _scanner(method: str) -> Callable[..., None]:
    def scan(sims, rows, exclude, start, best_ids, best_scores) -> None:
        n_questions, k = best_ids.shape
        if rows.shape != (n_questions, 3) or exclude.shape != (n_questions, 3) or best_scores.shape != (n_questions, k):
            raise ValueError(f"{method}: shapes {rows.shape} {exclude.shape} {best_ids.shape} {best_scores.shape}")
        if len(rows) and not (0 <= rows.min() and rows.max() < sims.shape[0]):
            raise ValueError(f"{method}: rows index past the {sims.shape[0]} table rows")
        args = (address(sims, np.float32, "sims"), sims.shape[1], address(rows, np.int64, "rows"),
                address(exclude, np.int64, "exclude"), int(start), address(best_ids, np.int64, "best_ids"),
                address(best_scores, np.float32, "best_scores"), k)
        kernel = compiled()[method]
        if k:
            run(lambda q0, q1: kernel(*args, q0, q1), _split(n_questions, sims.shape[1]))

    scan.__name__ = scan.__qualname__ = f"scan_{method}"
    return scan


KERNELS = {"cosadd": _scanner("cosadd"), "cosmul": _scanner("cosmul"), "table": table}
