"""Kernels written in LLVM IR and compiled with llvmlite (numba's compiler), for commands that must start fast.

Importing numba and loading one cached kernel costs 0.5-0.65 s of a process; a kernel that allocates
nothing, raises nothing and runs no parallel loop needs none of what numba adds, so a few of tokvec's
kernels are built as LLVM functions here: ``import llvmlite`` takes 0.03-0.07 s and compiling a small
module about 0.1 s (a millisecond when its machine code is in the cache). Each is called through ctypes,
which lets go of the GIL while a kernel runs, so ``_plumbing.threads`` runs them side by side. Used by the
``*_kernels`` modules of the int8 batch, the analogy scan, the word2vec binary scan, the token index, the
texts' mean and fastText's n-grams (imported where they first run, so ``import tokvec`` pulls none of this).

``Loop`` writes ``for value in range(start, stop, step)`` in IR; ``compile_module`` runs LLVM's
optimising passes for this CPU, keeps the machine code in tokvec's cache directory (the next process loads
it in a millisecond) and returns the addresses of the module's functions.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import llvmlite
import llvmlite.binding as llvm
from llvmlite import ir

from ..errors import TokvecError
from .files import atomic_write, cache_dir

I1, I8, I16, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
F32 = ir.FloatType()


@cache
def features() -> str:
    """This CPU's features as LLVM names them (``+avx512f,...``)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    try:
        return llvm.get_host_cpu_features().flatten()
    except RuntimeError:  # a host LLVM cannot describe: compile for its CPU name alone
        return ""


AVAILABLE = hasattr(llvm, "create_pass_builder")  # llvmlite 0.44+ (numba 0.61+): its optimising passes


def address(array: Any, dtype: Any, name: str) -> int:
    """Where a kernel argument's data starts; ``ValueError`` unless it is C-ordered with ``dtype``."""
    if array.dtype != dtype or not array.flags.c_contiguous:
        order = "C-ordered" if array.flags.c_contiguous else "not C-ordered"
        raise ValueError(f"{name}: the kernel reads C-ordered {getattr(dtype, '__name__', dtype)}, got {array.dtype} "
                         f"({order})")
    return array.ctypes.data


def const(value: int) -> ir.Constant:
    """An i64 constant."""
    return ir.Constant(I64, value)


def splat(b: ir.IRBuilder, value: Any, kind: ir.VectorType) -> Any:
    """``value`` in every lane of a vector of type ``kind``."""
    one = b.insert_element(ir.Constant(kind, ir.Undefined), value, ir.Constant(I32, 0))
    return b.shuffle_vector(one, ir.Constant(kind, ir.Undefined), ir.Constant(ir.VectorType(I32, kind.count), None))


def pointer(b: ir.IRBuilder, base: Any, index: Any, kind: ir.Type | None = None) -> Any:
    """``&base[index]``, as a pointer to ``kind`` (for vector loads and stores) when given."""
    at = b.gep(base, [index])
    return b.bitcast(at, kind.as_pointer()) if kind is not None else at


def _intrinsic(b: ir.IRBuilder, name: str, args: list[ir.Type]) -> ir.Function:
    """The module's declaration of the void LLVM intrinsic ``name``, declared on first use."""
    return b.module.globals.get(name) or ir.Function(b.module, ir.FunctionType(ir.VoidType(), args), name)


def prefetch(b: ir.IRBuilder, at: Any) -> None:
    """Ask the CPU to load the cache line at ``at`` (any pointer) ahead of use: a hint that never faults,
    even past the end of an array, and changes no value (``llvm.prefetch``: read, keep in all levels)."""
    i8p = I8.as_pointer()
    hint = _intrinsic(b, "llvm.prefetch.p0i8", [i8p, I32, I32, I32])
    b.call(hint, [b.bitcast(at, i8p), ir.Constant(I32, 0), ir.Constant(I32, 3), ir.Constant(I32, 1)])


def copy(b: ir.IRBuilder, target: Any, source: Any, nbytes: Any) -> None:
    """``memcpy(target, source, nbytes)`` (``llvm.memcpy``: the regions must not overlap)."""
    i8p = I8.as_pointer()
    memcpy = _intrinsic(b, "llvm.memcpy.p0i8.p0i8.i64", [i8p, i8p, I64, I1])
    b.call(memcpy, [b.bitcast(target, i8p), b.bitcast(source, i8p), nbytes, ir.Constant(I1, 0)])


class Loop:
    """``for value in range(start, stop, step)`` in IR (a body runs while ``value + step - 1 < stop``); the
    counter lives in an alloca of the entry block, which LLVM's passes turn into a register. ``close`` ends
    the body; after it, ``counter`` holds the first value not run (where a tail loop starts)."""

    def __init__(self, b: ir.IRBuilder, start: Any, stop: Any, step: int, name: str):
        self.b, self.step = b, step
        with b.goto_entry_block():  # allocas in the entry block only: LLVM promotes those to registers
            self.counter = b.alloca(I64, name=name)
        b.store(start, self.counter)
        check, body, self.done = (b.function.append_basic_block(f"{name}.{part}") for part in ("check", "body", "done"))
        self.check = check
        b.branch(check)
        b.position_at_end(check)
        last = b.add(b.load(self.counter), const(step - 1))
        b.cbranch(b.icmp_signed("<", last, stop), body, self.done)
        b.position_at_end(body)
        self.value = b.load(self.counter)

    def close(self) -> None:
        self.b.store(self.b.add(self.b.load(self.counter), const(self.step)), self.counter)
        self.b.branch(self.check)
        self.b.position_at_end(self.done)


_ENGINES: list[Any] = []  # machine code lives as long as its engine: for the process
_DIGEST = 32  # a cached object file starts with the sha256 of the rest


def compile_module(module: ir.Module, names: list[str]) -> list[int]:
    """Optimise ``module`` for this CPU (LLVM's -O3 pipeline), compile it to an object file, load that, and
    return the addresses of the functions ``names`` (wrap each in a ``ctypes.CFUNCTYPE``). Needs ``AVAILABLE``.

    The object file is kept in ``cache_dir() / "kernels"``, named by a hash of the IR, this CPU and the
    LLVM version: the next process loads it in a millisecond instead of compiling for a tenth of a second.
    A cache that cannot be written (a read-only home) or a damaged entry only means compiling again."""
    cpu, cpu_features, text = llvm.get_host_cpu_name(), features(), str(module)  # features() initialises LLVM
    machine = llvm.Target.from_default_triple().create_target_machine(cpu=cpu, features=cpu_features, opt=3)
    key = hashlib.sha256("\n".join([llvmlite.__version__, ".".join(map(str, llvm.llvm_version_info)), cpu,
                                    cpu_features, text]).encode()).hexdigest()
    path = cache_dir() / "kernels" / f"{module.name}-{key[:32]}.o"
    code = _cached(path)
    if code is None:
        parsed = llvm.parse_assembly(text)
        parsed.verify()
        builder = llvm.create_pass_builder(machine, llvm.PipelineTuningOptions(speed_level=3))
        builder.getModulePassManager().run(parsed, builder)
        code = bytes(machine.emit_object(parsed))
        try:
            with atomic_write(path) as f:
                f.write(hashlib.sha256(code).digest() + code)
        except (OSError, TokvecError):
            pass  # no cache here: the next process compiles again
    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), machine)
    engine.add_object_file(llvm.ObjectFileRef.from_data(code))
    engine.finalize_object()
    _ENGINES.append(engine)
    return [engine.get_function_address(name) for name in names]


def _cached(path: Path) -> bytes | None:
    """The object file kept at ``path`` if it is there and whole (its digest checks), else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    code = data[_DIGEST:]
    return code if len(data) > _DIGEST and hashlib.sha256(code).digest() == data[:_DIGEST] else None
