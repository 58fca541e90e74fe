"""The architecture holds: one-way imports, private modules stay in their package, small modules.

Every module of ``src/tokvec`` is parsed (AST, nothing is imported) and its imports become edges of
a graph: module-level imports, imports inside functions, ``TYPE_CHECKING`` blocks and string
literals naming a tokvec submodule (the CLI's lazy command table; the bare word "tokvec" is a name, not
an import) all count. The rules:

- every import between packages is allowed by ``LAYERS`` (each package and the packages it may
  import), which is itself acyclic: the tree reads bottom-up as the architecture;
- the graph of modules has no cycle;
- a ``_private`` module (or a ``_private`` name) is imported only from inside the package that owns it
  (``tokvec._plumbing.files`` belongs to ``tokvec``, so every module may use it; ``tokvec.formats._scan`` only
  ``tokvec.formats.*``);
- an ``import`` inside a function names a third-party package (imported lazily because it is optional
  or slow to import) or a tokvec ``*_kernels`` module (the numba boundary: compiled kernels are
  imported where they first run, so ``import tokvec`` never pulls numba); never the standard library
  and never another tokvec module;
- ``except ImportError`` appears only in ``tokvec._plumbing.optional`` (``require`` explains a missing extra);
- no module over 400 lines, no function over 80 lines (signature and body, docstring not counted)
  except numba kernels, whose docstring says why they are long.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "tokvec"
MAX_MODULE_LINES = 400
# ``Vectors`` keeps every public member in its class body, so that one file says what a ``Vectors`` can do;
# its methods are short delegations, and the file may grow past the usual limit for that reason alone.
MODULE_LINES = {"tokvec.vectors": 600}
MAX_FUNCTION_LINES = 80


# Each package (or top-level module) of tokvec and the packages it may import, bottom-up. The core is
# everything a ``Vectors`` is made of; ``tokvec.vectors`` itself only delegates to it.
_BASE = {"errors", "printable", "_plumbing"}
_CORE = _BASE | {"vocab", "search", "display", "transfer", "encode"}
_MODEL = _CORE | {"vectors"}
LAYERS: dict[str, set[str]] = {
    "printable": set(),  # showing tokens verbatim
    "errors": {"printable"},  # the error hierarchy
    "_plumbing": {"errors", "printable"},  # files, safetensors container, headers, memory budget, extras
    "vocab": _BASE,  # token <-> id, tokenizers, fastText subwords
    "search": _BASE | {"vocab"},  # exact, int8/float16 bounded, approximate; pairs; queries
    "display": _BASE | {"search"},  # notebook and text views
    "transfer": _BASE | {"vocab", "search"},  # rows for your model, text vectors, edited copies
    "encode": _BASE | {"vocab", "search"},  # static sentence encoding: tokenizer + mean of rows, files in and out
    "vectors": _CORE,  # the Vectors class: every method a delegation to the core
    "layers": _BASE | {"display"},  # the embedding layer itself
    "formats": _MODEL,  # reading and writing every file format
    "evaluate": _MODEL,  # similarity and analogy benchmarks
    "analysis": _MODEL,  # comparing sets, neighbourhoods
    "plot": _MODEL,  # projections, figures, the notebook explorer
    "distillation": _MODEL | {"formats"},  # a transformer's token matrix made a static sentence encoder
    "engines": _MODEL | {"formats"},  # encoding DataFrame partitions on Dask (or Ray Data), models loaded by name
    "train": _MODEL | {"formats", "layers"},  # word2vec, fastText, the tiny GPT
    "watch": _MODEL | {"formats", "evaluate", "analysis", "plot"},  # embeddings forming during training
    "serve": _MODEL | {"formats", "analysis", "plot"},  # the web explorer
    "cli": _MODEL | {"formats", "layers", "evaluate", "analysis", "plot", "train", "watch", "serve", "distillation",
                     "tokvec"},
    "tokvec": _MODEL | {"formats", "layers", "analysis", "distillation"},  # the package's public names
    "__main__": {"cli"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"), filename=str(modules()[name]))


def _package(name: str) -> str:
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package(importer).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


class Import:
    """One imported tokvec module (or name), where and how."""

    def __init__(self, target: str, name: str | None, line: int, in_function: bool):
        self.target, self.name, self.line, self.in_function = target, name, line, in_function


def _walk(node: ast.AST, in_function: bool = False):
    for child in ast.iter_child_nodes(node):
        inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield child, inside
        yield from _walk(child, inside)


@cache
def imports(name: str) -> tuple[list[Import], list[tuple[str, int, bool]]]:
    """(tokvec imports, other imports as (module, line, in_function)) of module ``name``."""
    ours: list[Import] = []
    others: list[tuple[str, int, bool]] = []
    known = modules()
    for node, in_function in _walk(tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    ours.append(Import(alias.name, None, node.lineno, in_function))
                else:
                    others.append((alias.name, node.lineno, in_function))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node)
            if target.split(".")[0] != PACKAGE:
                if target != "__future__":
                    others.append((target, node.lineno, in_function))
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:  # `from . import ann` imports the module tokvec.search.ann
                    ours.append(Import(sub, None, node.lineno, in_function))
                else:
                    ours.append(Import(target, alias.name, node.lineno, in_function))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and node.value in known:
            ours.append(Import(node.value, None, node.lineno, False))  # lazy import by name
    return ours, others


def _edges(name: str) -> set[str]:
    known = modules()
    out = set()
    for imp in imports(name)[0]:
        target = imp.target
        while target not in known and "." in target:
            target = target.rpartition(".")[0]
        if target in known and target != name:
            out.add(target)
    return out


def test_the_package_is_found():
    assert {"tokvec", "tokvec.vectors", "tokvec.formats", "tokvec.cli"} <= set(modules())


def _layer(module: str) -> str:
    """The package (or top-level module) a module belongs to: ``tokvec.search.ann`` -> ``search``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "tokvec"


def test_the_layer_table_names_every_package_and_has_no_cycle():
    assert {_layer(name) for name in modules()} == set(LAYERS), "add new packages to LAYERS (and only those)"
    order: list[str] = []
    remaining = {name: set(allowed) for name, allowed in LAYERS.items()}
    while remaining:
        ready = sorted(name for name, allowed in remaining.items() if allowed <= set(order))
        assert ready, f"LAYERS has a cycle among {sorted(remaining)}"
        order += ready
        for name in ready:
            del remaining[name]


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_follow_the_layer_table(name):
    here = _layer(name)
    bad = []
    for imp in imports(name)[0]:
        there = _layer(imp.target)
        if there != here and there not in LAYERS[here]:
            where = f"{modules()[name].relative_to(SRC.parent)}:{imp.line}"
            bad.append(f"{where}: {here} may not import {there} ({imp.target})")
    assert not bad, "imports against the layer table (tests/test_architecture.py LAYERS):\n" + "\n".join(bad)


def test_import_graph_has_no_cycle():
    graph = {name: _edges(name) for name in modules()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _owner(module: str) -> str | None:
    """The package that owns the first private part of a dotted name, or None if nothing is private."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _inside(importer: str, package: str) -> bool:
    return importer == package or importer.startswith(package + ".")


@pytest.mark.parametrize("name", sorted(modules()))
def test_private_modules_and_names_stay_in_their_package(name):
    bad = []
    for imp in imports(name)[0]:
        owner = _owner(imp.target)
        if owner is not None and not _inside(name, owner):
            bad.append(f"line {imp.line}: private module {imp.target}")
        if imp.name and imp.name.startswith("_") and not imp.name.startswith("__"):
            if not _inside(name, _package(imp.target) if imp.target in modules() else imp.target):
                bad.append(f"line {imp.line}: private name {imp.target}.{imp.name}")
    assert not bad, f"{name} reaches into another package's private parts:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_inside_functions_are_optional_third_party_or_kernels(name):
    bad = []
    for imp in imports(name)[0]:
        if imp.in_function and not imp.target.rpartition(".")[2].endswith("_kernels"):
            bad.append(f"line {imp.line}: {imp.target}{'.' + imp.name if imp.name else ''}")
    for module, line, in_function in imports(name)[1]:
        if in_function and module.split(".")[0] in sys.stdlib_module_names:
            bad.append(f"line {line}: standard library {module}")
    assert not bad, f"{name} imports inside functions what belongs at the top:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", sorted(modules()))
def test_missing_extras_are_explained_in_one_place(name):
    if name == "tokvec._plumbing.optional":
        return
    for node, *_ in _walk(tree(name)):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = ast.unparse(node.type)
            assert "ImportError" not in caught and "ModuleNotFoundError" not in caught, (
                f"{name} line {node.lineno}: use tokvec._plumbing.optional.require instead of catching {caught}")


def _is_kernel(fn: ast.FunctionDef) -> bool:
    return any("jit" in ast.unparse(d) or "vectorize" in ast.unparse(d) for d in fn.decorator_list)


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_and_functions_are_small(name):
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    limit = MODULE_LINES.get(name, MAX_MODULE_LINES)
    assert lines <= limit, f"{name} has {lines} lines (at most {limit}): split it by concept"
    long = []
    for node, *_ in _walk(tree(name)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            size = node.end_lineno - node.lineno + 1
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                first = node.body[0]
                size -= first.end_lineno - first.lineno + 1
            if size > MAX_FUNCTION_LINES:
                if _is_kernel(node) and doc:
                    continue
                long.append(f"{node.name} (line {node.lineno}): {size} lines")
    assert not long, f"{name}: functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)
