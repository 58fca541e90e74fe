"""LLVM IR kernels (``tokvec._plumbing.llvm``): compiled once, their machine code cached whole or not at all."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

pytest.importorskip("llvmlite")
from llvmlite import ir  # noqa: E402

from tokvec._plumbing import llvm  # noqa: E402

pytestmark = pytest.mark.skipif(not llvm.AVAILABLE, reason="llvmlite 0.44+ builds tokvec's IR kernels")
ADD = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_int64, ctypes.c_int64)


def _module(offset: int) -> ir.Module:
    """``add(x, y) = x + y + offset``: a different ``offset`` is a different module (a different cache entry)."""
    module = ir.Module(name="test_add")
    fn = ir.Function(module, ir.FunctionType(llvm.I64, [llvm.I64, llvm.I64]), "add")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    b.ret(b.add(b.add(*fn.args), llvm.const(offset)))
    return module


def _entries(home) -> list:
    return sorted((home / "kernels").glob("test_add-*.o"))


def test_machine_code_is_cached_and_loaded_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKVEC_HOME", str(tmp_path))
    (address,) = llvm.compile_module(_module(7), ["add"])
    assert ADD(address)(2, 3) == 12
    (entry,) = _entries(tmp_path)
    calls = []
    monkeypatch.setattr(llvm.llvm, "create_pass_builder", lambda *a: calls.append(a))  # compiling would fail now
    (address,) = llvm.compile_module(_module(7), ["add"])
    assert ADD(address)(2, 3) == 12 and calls == [] and _entries(tmp_path) == [entry]


def test_another_module_is_another_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKVEC_HOME", str(tmp_path))
    first, second = (ADD(llvm.compile_module(_module(k), ["add"])[0]) for k in (1, 2))
    assert (first(0, 0), second(0, 0)) == (1, 2) and len(_entries(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty"])
def test_a_damaged_entry_is_compiled_again_and_rewritten(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("TOKVEC_HOME", str(tmp_path))
    llvm.compile_module(_module(5), ["add"])
    (entry,) = _entries(tmp_path)
    whole = entry.read_bytes()
    data = {"truncated": whole[: len(whole) // 2], "flipped": whole[:-1] + bytes([whole[-1] ^ 1]),
            "empty": b""}[damage]
    entry.write_bytes(data)
    (address,) = llvm.compile_module(_module(5), ["add"])
    assert ADD(address)(1, 1) == 7 and entry.read_bytes() == whole


def test_no_cache_where_none_can_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setenv("TOKVEC_HOME", str(blocker))
    (address,) = llvm.compile_module(_module(3), ["add"])
    assert ADD(address)(1, 1) == 5 and blocker.read_text().startswith("a file")


def test_a_fresh_process_compiles_without_numba(tmp_path):
    code = ("import sys; from tokvec.evaluate import _analogy; import numpy as np\n"
            "k = _analogy.kernels()['table']; out = np.empty((1, 1), np.float32)\n"
            "k(np.ones((1, 2), np.float32), np.ones((2, 1), np.float32), np.ones(1, np.float32), out)\n"
            "print(out[0, 0], 'numba' in sys.modules)")
    env = {**os.environ, "TOKVEC_HOME": str(tmp_path)}
    for _ in range(2):  # compiled, then loaded from the cache
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        assert proc.stdout.split() == ["2.0", "False"]
    assert list((tmp_path / "kernels").glob("analogy-*.o"))


def _modules() -> list[ir.Module]:
    """The IR of every kernel module tokvec builds with llvmlite."""
    from tokvec.encode import _mean_kernels
    from tokvec.evaluate import _analogy_kernels
    from tokvec.formats import _scan_kernels
    from tokvec.search import _int8_kernels
    from tokvec.vocab import _index_kernels, _subword_kernels

    built = []
    for name, steps in [
        ("analogy", lambda m: (_analogy_kernels._table(m), [_analogy_kernels._scan(m, k, offer) for offer in
                                                            [_analogy_kernels._offer(m)] for k in ("cosadd",)])),
        ("scan", lambda m: (_scan_kernels._Scan(m).build(), _scan_kernels._gather(m))),
        ("index", lambda m: [f(m, h, s) for h, s in [(_index_kernels._hash(m), _index_kernels._same(m))]
                             for f in (_index_kernels._build, _index_kernels._find)]),
        ("mean", _mean_kernels._mean),
        ("subwords", lambda m: (_subword_kernels._count(m), _subword_kernels._fill(m),
                                _subword_kernels._one_vector(m, llvm.F32, "one"),
                                _subword_kernels._compose(m, llvm.F32, _subword_kernels.HALF, "compose"))),
        ("int8", lambda m: (_int8_kernels._Pass(m, 10, False).build(), _int8_kernels._row_sums(m, 10))),
    ]:
        module = ir.Module(name=name)
        steps(module)
        built.append(module)
    return built


def test_every_kernel_keeps_its_allocas_in_the_entry_block():
    # an alloca elsewhere is not promoted to a register, and one inside a loop grows the stack every pass
    for module in _modules():
        for fn in module.functions:
            for block in fn.blocks[1:]:
                assert not [i for i in block.instructions if i.opname == "alloca"], (module.name, fn.name, block.name)
