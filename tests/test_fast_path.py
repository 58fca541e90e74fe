"""The hand-written fast path (``tokvec.cli._fast``): the same options, parses and output as typer's commands."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import numpy as np
import pytest
import typer

import tokvec
import tokvec.cli
from tokvec.cli import _fast, answers, load_commands, main, render
from tokvec.search import METHODS

PLAIN = [
    ["similar", "king"],
    ["similar", "king", "woman", "--neg", "man", "-n", "3"],
    ["similar", "--topn=4", "king", "--json"],
    ["similar", "king", "--method", "cosmul", "--restrict", "500", "--lower"],
    ["similar", "king", "--neg", "a", "--neg=b", "--approximate", "-v", "glove"],
    ["similar", "", "[red]x", ":x:"],
    ["analogy", "man", "king", "woman", "-v", "other.tokvec", "--lower", "--method=cosmul", "-n", "12"],
    ["similarity", "cat", "dog", "--json"],
    ["distance", "cat", "dog", "--cosine", "--vectors=x"],
    ["odd-one-out", "a", "b", "c"],
]
FALLBACK = [
    [], ["--help"], ["--version"], ["info"], ["lookup", "cat"], ["-v", "glove", "similar", "king"],
    ["similar"], ["similar", "--json"], ["similar", "king", "--help"], ["similar", "king", "-n", "0"],
    ["similar", "king", "-n", "007"], ["similar", "king", "-n", "-3"], ["similar", "king", "-n", "1e3"],
    ["similar", "king", "-n5"], ["similar", "king", "-n"], ["similar", "king", "--json", "--json"],
    ["similar", "king", "-n", "3", "-n", "4"], ["similar", "king", "--json=1"], ["similar", "--", "-king"],
    ["similar", "-king"], ["similar", "king", "--method", "nope"], ["similar", "king", "--cosine"],
    ["similar", "king", "--neg", "--json"], ["similar", "king", "--top", "3"], ["analogy", "a", "b"],
    ["analogy", "a", "b", "c", "d"], ["analogy", "a", "b", "c", "--neg", "x"], ["similarity", "cat"],
    ["distance", "a", "b", "--cosine=yes"], ["odd-one-out"], ["similar", "king", "-v=glove"],
]


def _click_command(name: str):
    return typer.main.get_command(tokvec.cli.app).commands[name]  # every group registered


@pytest.mark.parametrize("name", list(_fast.SPECS))
def test_the_table_is_the_typer_commands_options(name):
    spec = _fast.SPECS[name]
    command = _click_command(name)
    options, positional, defaults = {}, [], {}
    for param in command.params:
        defaults[param.name] = param.default
        if param.param_type_name == "argument":
            positional.append(param.name)
            assert (param.nargs == -1) == spec.many
            continue
        annotation, info = param.type_descriptor.annotation, param.type_descriptor.parameter_info
        kind = ("flag" if param.is_flag else "list" if param.multiple else "count" if annotation is int else
                "method" if param.name == "method" else "text")
        if kind == "count":
            assert info.min == 1 and info.max is None and not info.clamp
        if kind == "text":
            assert annotation is str
        options |= {opt: (param.name, kind) for opt in (*param.opts, *param.secondary_opts)}
    assert options == spec.options and tuple(positional) == spec.positional
    signature = inspect.signature(getattr(answers, spec.answer))
    assert list(signature.parameters) == list(defaults)  # the typer command passes them in this order
    for param, value in defaults.items():
        if signature.parameters[param].default is not inspect.Parameter.empty:
            assert signature.parameters[param].default == (value if value != () else None), param
    assert _fast.METHODS == METHODS


def _recorded(monkeypatch, argv: list[str], fast: bool) -> dict:
    """The arguments the answer function receives when ``argv`` runs through one path."""
    spec = _fast.SPECS[argv[0]]
    real = getattr(answers, spec.answer)
    seen = {}

    def record(*args, **kwargs):
        bound = inspect.signature(real).bind(*args, **kwargs)
        bound.apply_defaults()
        seen.update(bound.arguments)

    monkeypatch.setattr(answers, spec.answer, record)
    if fast:
        assert _fast.answer(argv) == 0
    else:
        assert _typer_invoke(argv) == 0
    monkeypatch.undo()
    seen.update((k, None) for k, v in list(seen.items()) if v == [] and k == "neg")  # typer: no --neg = None
    return seen


def _typer_invoke(argv: list[str]) -> int:
    """``argv`` run by typer, as ``main`` runs what the fast path leaves."""
    load_commands(argv)
    return importlib.import_module("tokvec.cli._app").invoke(argv)


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_plain_lines_parse_as_typer_parses_them(monkeypatch, argv):
    assert _fast.parse(argv) is not None
    assert _recorded(monkeypatch, argv, fast=True) == _recorded(monkeypatch, argv, fast=False)


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a) or "(none)")
def test_everything_else_is_left_to_typer(argv):
    assert _fast.parse(argv) is None


@pytest.fixture()
def tricky_file(tmp_path):
    tokens = ["king", "queen", "[red]x", ":x:", "[unused5]", "e\x1b[31mvil", "man", "woman", "r\u200ftl", "ok"]
    matrix = np.random.default_rng(3).standard_normal((len(tokens), 8)).astype(np.float32)
    path = tmp_path / "tricky.tokvec"
    tokvec.save(tokvec.Vectors(tokens, matrix), path)
    return str(path)


@pytest.mark.parametrize("argv", [
    ["similar", "king", "-n", "5"], ["similar", "king", "--json"], ["similar", "[red]x", "--neg", ":x:"],
    ["analogy", "man", "king", "woman"], ["similarity", "king", "queen"], ["distance", "king", "[unused5]"],
    ["odd-one-out", "king", "queen", "ok"], ["similar", "nope"], ["analogy", "man", "king", "kingg"],
    ["similar", "king", "-n", "100"], ["similar", "king", "--approximate", "--method", "cosmul"],
])
def test_both_paths_print_the_same(capsys, tricky_file, argv):
    argv = [*argv, "-v", tricky_file]
    assert _fast.parse(argv) is not None
    fast_code = main(argv)
    fast = capsys.readouterr()
    typer_code = _typer_invoke(argv)
    slow = capsys.readouterr()
    assert (fast_code, fast.out, fast.err) == (typer_code, slow.out, slow.err)
    assert fast.out or fast.err


def test_a_missing_file_is_one_line_on_both_paths(capsys, tmp_path):
    argv = ["similar", "king", "-v", str(tmp_path / "missing.tokvec")]
    assert main(argv) == 1
    fast = capsys.readouterr()
    assert _typer_invoke(argv) == 1
    assert fast.err == capsys.readouterr().err and fast.err.startswith("error:") and len(fast.err.splitlines()) == 1


def test_ctrl_c_is_exit_code_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(answers, "similar", interrupted)
    assert main(["similar", "king"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_a_plain_query_imports_no_typer_click_pydantic_or_numba(tricky_file):
    code = ("import sys, contextlib, io; from tokvec.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    assert main(['similar', 'king', '-n', '3', '-v', {tricky_file!r}]) == 0\n"
            "assert 'most similar to king' in out.getvalue()\n"
            "print([m for m in ('typer', 'click', 'typer._click', 'pydantic', 'numba') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_render_is_shared():
    # the fast path prints its errors through _failures
    assert answers.render is render and _fast._failures.render is render
