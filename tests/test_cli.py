"""The command line: every command, its --json output, and one-line errors with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import tokvec
from tokvec.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_similar(capsys, glove):
    data = run_json(capsys, "similar", "king", "woman", "--neg", "man", "--topn", "3")
    assert data["results"][0]["token"] == "queen"
    expected = glove.most_similar(["king", "woman"], ["man"], topn=3)
    assert [(r["token"], r["score"]) for r in data["results"]] == [(n.token, n.score) for n in expected]


def test_similar_cosmul_and_restrict(capsys, glove):
    data = run_json(capsys, "similar", "frog", "--method", "cosmul", "--restrict", "5000", "--topn", "2")
    expected = glove.most_similar_cosmul("frog", topn=2, restrict=5000)
    assert [r["token"] for r in data["results"]] == [t for t, *_ in expected]


def test_analogy(capsys):
    data = run_json(capsys, "analogy", "man", "king", "woman")
    assert data["results"][0]["token"] == "queen"
    code, out, _ = run(capsys, "analogy", "man", "king", "woman")
    assert code == 0 and "queen" in out


def test_pairs(capsys, glove):
    expected = pytest.approx(glove.similarity("cat", "kitten"))
    assert run_json(capsys, "similarity", "cat", "kitten")["similarity"] == expected
    assert run_json(capsys, "distance", "cat", "kitten")["distance"] == pytest.approx(glove.distance("cat", "kitten"))
    cos = run_json(capsys, "distance", "cat", "kitten", "--cosine")
    assert cos["kind"] == "cosine" and cos["distance"] == pytest.approx(1 - glove.similarity("cat", "kitten"))
    assert run_json(capsys, "odd-one-out", "breakfast", "cereal", "dinner", "lunch")["odd_one_out"] == "cereal"


def test_lookup(capsys, glove):
    rows = run_json(capsys, "lookup", "cat", "dog")
    assert rows[0]["token"] == "cat" and rows[0]["vector"] == pytest.approx(glove["cat"].tolist())
    rows = run_json(capsys, "lookup", "--ids", "0", "5")
    assert [r["token"] for r in rows] == ["the", "and"]
    code, out, _ = run(capsys, "lookup", "cat")
    assert code == 0 and "5450" in out


def test_info(capsys):
    data = run_json(capsys, "info")
    assert data["tokens"] == 400_000 and data["dim"] == 50 and data["memory_mapped"] is True
    assert data["sample_tokens"][:3] == ["the", ",", "."]


def test_convert_and_query_other_file(capsys, tmp_path):
    out = tmp_path / "small.vec"
    data = run_json(capsys, "convert", "glove", str(out), "--limit", "1000")
    assert data["tokens"] == 1000
    assert tokvec.load(out).tokens[:2] == ["the", ","]
    half = tmp_path / "small16.tokvec"
    run_json(capsys, "convert", str(out), str(half), "--dtype", "float16")
    assert tokvec.load(half).dtype == np.float16
    data = run_json(capsys, "similar", "king", "-v", str(half), "--topn", "1")
    assert len(data["results"]) == 1


@pytest.mark.parametrize("args,needle", [
    (["similar", "kitteen"], "'kitteen' is not in the vocabulary (400,000 tokens). Did you mean: kitten"),
    (["similar", "king", "-v", "/nope/x.bin"], "no such file: /nope/x.bin"),
    (["similar", "king", "-v", "glvoe"], "Known names: glove"),
    (["analogy", "a", "b", "c", "--method", "bogus"], "unknown --method 'bogus'"),
    (["lookup", "--ids", "999999999"], "out of range"),
    (["convert", "glove", "/tmp/out.weird", "--limit", "3"], "use --format FORMAT (one of tokvec"),
    (["odd-one-out", "cat"], "at least two words"),
])
def test_errors_are_one_line_exit_1(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 1
    assert needle in " ".join(err.split())
    assert "Traceback" not in err and err.strip().startswith("error:")


def test_usage_error_exit_2(capsys):
    code, _, err = run(capsys, "similar", "--topn", "0", "king")
    assert code == 2


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "tokvec.cli", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and tokvec.__version__ in proc.stdout


def test_help_lists_commands(capsys):
    code, out, _ = run(capsys, "--help")
    for command in ("info", "similar", "analogy", "similarity", "distance", "odd-one-out", "lookup", "convert"):
        assert command in out


def test_readme_documents_every_command_and_nothing_else():
    import re
    from pathlib import Path

    import typer

    from tokvec.cli import app

    readme = (Path(__file__).parent.parent / "docs" / "reference" / "cli.md").read_text()
    documented = set(re.findall(r"^### `tokvec ([a-z-]+)`", readme, flags=re.M))
    click_app = typer.main.get_command(app)
    assert documented == set(click_app.commands)


def test_tokens_and_messages_print_verbatim(capsys, tmp_path):
    """Tokens are data: rich markup ([red]x) and emoji codes (:x:) in them print as themselves."""
    odd = ["[red]x", ":x:", "[bold]b[/bold]", "plain"]
    path = tmp_path / "odd.tokvec"
    tokvec.save(tokvec.Vectors(odd, np.array([[1, 0], [0.9, 0.1], [0.8, 0.3], [0, 1]], dtype=np.float32)), path)
    for args in (["similar", "[red]x", "--topn", "3"], ["lookup", ":x:", "[bold]b[/bold]"], ["info", str(path)],
                 ["odd-one-out", "[red]x", ":x:", "plain"], ["similarity", "[red]x", ":x:"]):
        code, out, err = run(capsys, *args, *(["-v", str(path)] if args[0] != "info" else []))
        assert code == 0, err
        for token in {t for t in odd if t in args or args[0] in ("similar", "info")} - {"plain"}:
            assert token in out, (args, token, out)
    code, _, err = run(capsys, "similar", "[blue]nope", "-v", str(path))
    assert code == 1 and "'[blue]nope' is not in the vocabulary" in " ".join(err.split())


def test_a_command_imports_only_its_group():
    code = ("import sys, contextlib, io; from tokvec.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): assert main(['similarity', 'cat', 'dog']) == 0\n"
            "print(sorted(m for m in sys.modules if m.startswith('tokvec.cli.')))\n"
            "print([m for m in ('torch', 'matplotlib', 'sklearn', 'fastapi', 'uvicorn') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    groups, heavy = proc.stdout.splitlines()
    assert groups == "['tokvec.cli._failures', 'tokvec.cli._fast', 'tokvec.cli.answers', 'tokvec.cli.render']"
    assert heavy == "[]"


def test_help_lists_choices(capsys):
    code, out, _ = run(capsys, "similar", "--help")
    assert code == 0 and "[cosadd|cosmul]" in out and "<bool>" not in out and "list[str]" not in out
    code, out, _ = run(capsys, "plot", "--help")
    assert code == 0 and "[pca|tsne|umap]" in out
