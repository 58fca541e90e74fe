"""``tokvec shell``: load once, answer each line (a word, arithmetic, an analogy, sim/dist/odd), one JSON
line per input line with --json; the line grammar of ``tokvec.cli.queryline``."""

from __future__ import annotations

import builtins
import io
import json
import re

import pytest

import tokvec
from tokvec.cli import main
from tokvec.cli.queryline import Line, parse

LINES = ["king", "king + woman - man", "man : king :: woman", "sim cat dog", "", "# a comment",
         "dist cat dog", "odd breakfast cereal dinner lunch", "man : king :: woman : ?", "King"]


def shell(capsys, monkeypatch, text: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["shell", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse():
    assert parse("king") == Line("similar", ("king",))
    assert parse("king + woman - man") == Line("similar", ("king", "woman"), ("man",))
    assert parse("e-mail - mail") == Line("similar", ("e-mail",), ("mail",))
    analogy = Line("analogy", ("man", "king", "woman"))
    assert parse("man : king :: woman") == parse(" man : king :: woman : ? ") == analogy
    assert parse("sim cat dog") == Line("similarity", ("cat", "dog")) == parse("similarity cat dog")
    assert parse("dist cat dog").kind == "distance" and parse("odd a b c") == Line("odd-one-out", ("a", "b", "c"))
    assert parse("sim") == Line("similar", ("sim",)) and parse("   ") is None and parse("# x") is None
    for bad, needle in [("king +", "ends with '+'"), ("king + - man", "where a word should be"),
                        ("man : king", "write it as 'man : king :: woman'"), ("sim cat", "two words"),
                        ("odd cat", "at least two")]:
        with pytest.raises(tokvec.InvalidArgumentError, match=re.escape(needle)):
            parse(bad)


def test_json_lines_answer_like_the_api(capsys, monkeypatch, glove):
    code, out, err = shell(capsys, monkeypatch, "\n".join(LINES) + "\n", "--json", "--topn", "3", "--lower")
    assert code == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["input"] for a in answers] == [line for line in LINES if line and not line.startswith("#")]
    tokens = [[r["token"] for r in a.get("results", [])] for a in answers]
    assert tokens[0] == [n.token for n in glove.most_similar("king", topn=3)]
    assert tokens[1] == tokens[2] == tokens[6] == [n.token for n in glove.analogy("man", "king", "woman", topn=3)]
    assert [a["kind"] for a in answers] == ["similar", "similar", "analogy", "similarity", "distance", "odd-one-out",
                                            "analogy", "similar"]
    assert answers[3]["similarity"] == glove.similarity("cat", "dog")
    assert answers[4]["distance"] == glove.distance("cat", "dog")
    assert answers[5]["odd_one_out"] == "cereal" and answers[6]["a"] == "man"
    assert tokens[-1] == tokens[0] and "lower-case form 'king'" in answers[-1]["notes"][0]


def test_a_bad_line_is_one_error_and_the_next_is_answered(capsys, monkeypatch):
    code, out, err = shell(capsys, monkeypatch, "kitteen\nking + \nqueen\n", "--json", "--topn", "1")
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(answers) == 3
    assert "Did you mean: kitten" in answers[0]["error"] and "ends with '+'" in answers[1]["error"]
    assert answers[2]["results"][0]["token"] == "princess"
    code, out, err = shell(capsys, monkeypatch, "kitteen\nqueen\n", "--topn", "1")
    assert code == 1 and err.count("error:") == 1 and "princess" in out


def test_tables_and_prompt(capsys, monkeypatch):
    code, out, _ = shell(capsys, monkeypatch, "king + woman - man\nsim cat dog\n", "--topn", "2")
    assert code == 0 and out.splitlines()[0] == "most similar to king + woman - man"
    assert "queen" in out and "cosine similarity(cat, dog) = 0.92" in out
    typed = iter(["man : king :: woman", "quit", "never read"])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(builtins, "input", lambda prompt: next(typed))
    assert main(["shell", "--topn", "1"]) == 0
    out, err = capsys.readouterr()
    assert "queen" in out and "Ctrl-D quits" in err and next(typed) == "never read"
