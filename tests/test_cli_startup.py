"""The command line starts fast: plain values coerced without pydantic, equal to typer's own coercion;
a query on a native file imports neither pydantic nor numba."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokvec.cli import _quick

typer_adapters = pytest.importorskip("typer._adapters")  # the pydantic coercion of typer >= 0.20
from typer.models import OptionInfo  # noqa: E402

ANNOTATIONS = [str, str | None, int, int | None, float, float | None, list[str], list[str] | None]
BOUNDS = [OptionInfo(), OptionInfo(min=1), OptionInfo(min=0, max=10), OptionInfo(min=0.0, max=1.0),
          OptionInfo(min=1, clamp=True)]
VALUES = ["0", "7", "-3", "10", "11", "007", "+5", " 5", "1e3", "0.5", "-0.25", "1.", ".5", "1_000", "abc", "",
          "99999999999999999999999", 0, 5, 12, -1, 0.5, 2.0, True, ("a", "b"), ["x"], (), ("a", 1)]


def _typer_value(annotation, info, value):
    adapter = typer_adapters.build_adapter(annotation, info)
    try:
        return adapter.validate_python(value)
    except Exception as exc:  # noqa: BLE001 - any refusal: the quick path must not accept it
        return ("refused", type(exc).__name__)


@pytest.mark.parametrize("annotation", ANNOTATIONS, ids=str)
@pytest.mark.parametrize("info", BOUNDS, ids=lambda i: f"min={i.min},max={i.max},clamp={i.clamp}")
def test_quick_values_are_typers_values(annotation, info):
    checked = 0
    for value in VALUES:
        quick = _quick.quick_value(annotation, info, value)
        if quick is _quick._UNSET:
            continue  # typer's own coercion answers it
        expected = _typer_value(annotation, info, value)
        assert quick == expected and type(quick) is type(expected), (annotation, value, quick, expected)
        checked += 1
    assert checked or annotation in (int, int | None, float, float | None)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="0123456789-+.e_ ", max_size=8), annotation=st.sampled_from([int, float]))
def test_quick_numbers_never_accept_what_typer_refuses(text, annotation):
    quick = _quick.quick_value(annotation, OptionInfo(min=-5, max=500), text)
    if quick is not _quick._UNSET:
        assert quick == _typer_value(annotation, OptionInfo(min=-5, max=500), text)


def test_a_query_imports_neither_pydantic_nor_numba(glove):
    code = ("import sys, contextlib, io; from tokvec.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out: assert main(['similar', 'king', '-n', '3']) == 0\n"
            "assert 'queen' in out.getvalue()\n"
            "print([m for m in ('pydantic', 'numba', 'scipy', 'torch') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_bad_values_still_get_typers_messages(capsys):
    from tokvec.cli import main

    assert main(["similar", "king", "--topn", "abc"]) == 2
    assert "Invalid value for '--topn'" in capsys.readouterr().err
    assert main(["similar", "king", "--topn", "0"]) == 2
    assert "greater than or equal to" in capsys.readouterr().err


def _run(code: str, *args: str) -> str:
    import os

    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def test_the_listing_needs_no_command_group_and_equals_the_whole_apps():
    lazy = _run("import sys; from tokvec.cli import main\n"
                "try: main(['--help'])\n"
                "except SystemExit: pass\n"
                "print(sorted(m for m in sys.modules if m.startswith('tokvec.cli.')))\n"
                "print([m for m in ('numpy', 'pydantic', 'numba', 'tokvec.formats') if m in sys.modules])")
    whole = _run("from tokvec.cli import app, main\n"  # every group imported: the real commands' help
                 "try: main(['--help'])\n"
                 "except SystemExit: pass\n")
    *listing, groups, heavy = lazy.rstrip("\n").split("\n")
    assert "\n".join(listing).rstrip("\n") == whole.rstrip("\n") and "similar" in whole
    assert groups == ("['tokvec.cli._app', 'tokvec.cli._failures', 'tokvec.cli._fast', 'tokvec.cli._quick', "
                      "'tokvec.cli.render']")
    assert heavy == "[]"


def test_every_command_has_its_summary():
    import inspect

    import typer

    from tokvec.cli import COMMANDS, SUMMARIES, app

    commands = typer.main.get_command(app).commands
    assert list(SUMMARIES) == list(COMMANDS)
    for name, summary in SUMMARIES.items():
        assert summary == inspect.cleandoc(commands[name].help).split("\n\n")[0].replace("\n", " ").strip()


def test_import_tokvec_is_light_and_names_load_on_use():
    out = _run("import sys, tokvec; print([m for m in ('numpy', 'tokvec.formats') if m in sys.modules]);"
               "tokvec.load; tokvec.formats.registry; print(sorted(set(tokvec.__all__) - set(dir(tokvec))))")
    assert out.split("\n")[:2] == ["[]", "[]"]
