"""Exact output: every command prints tokens as they are (no markup, no emoji codes, escapes visible),
fits 80 columns, cuts too-wide tokens in tables (never in JSON) and never echoes a huge word whole."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

import tokvec
from tokvec.cli import main
from tokvec.printable import brief, clip, visible

ESC = "\x1b[31m"
RLM = "\u200fabc"
LONG = "w" * 200
# tokens a terminal, rich markup or emoji codes would change; each printed as itself (escapes: visibly)
TRICKY = ["[unused5]", "[CLS]", "[red]x", ":x:", ESC, RLM, "[bold]b[/bold]", ":thumbs_up:"]
PLAIN = ["king", "queen", "man", "woman", "cat", "dog"]


def shown(token: str) -> str:
    """How a table or line must show ``token``."""
    return {ESC: "\\x1b[31m", RLM: "\\u200fabc"}.get(token, token)


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> str:
    tokens = PLAIN + TRICKY + [LONG]
    rng = np.random.default_rng(5)
    path = tmp_path_factory.mktemp("tricky") / "tricky.tokvec"
    tokvec.save(tokvec.Vectors(tokens, rng.normal(size=(len(tokens), 8)).astype(np.float32)), path)
    return str(path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_verbatim(out: str, tokens=TRICKY) -> None:
    for token in tokens:
        assert shown(token) in out, (token, out)
    assert "\x1b" not in out and "\u200f" not in out  # never emitted raw
    assert "❌" not in out and "👍" not in out  # no emoji codes


def test_visible_escapes_only_what_a_terminal_acts_on():
    assert visible("[red]x :x: naïve 東京 👍") == "[red]x :x: naïve 東京 👍"
    assert visible("a\x1bb\u200fc\nd\te\x00") == "a\\x1bb\\u200fc\\nd\\te\\x00"
    assert visible("👨\u200d👩") == "👨\u200d👩"  # joiners are part of the spelling
    assert clip("kitten", 4) == "kit…" and clip("cat", 4) == "cat"
    assert len(brief("x" * 100_000)) < 100 and "100,000 characters" in brief("x" * 100_000)


def test_similar_table_and_json(capsys, tricky):
    code, out, _ = run(capsys, "similar", "king", "-v", tricky, "--topn", "20")
    assert code == 0
    assert_verbatim(out)
    assert "w" * 20 + "…" in out and LONG not in out  # too wide: cut with an ellipsis
    assert all(cell_len(line) <= 80 for line in out.splitlines())
    code, out, _ = run(capsys, "similar", "king", "-v", tricky, "--topn", "20", "--json")
    tokens = [r["token"] for r in json.loads(out)["results"]]
    assert set(TRICKY + [LONG]) <= set(tokens)  # JSON: untouched, never cut


def test_query_words_are_printed_verbatim(capsys, tricky):
    for args in (["similar", "[red]x", ":x:", "--neg", ESC], ["analogy", "[red]x", ":x:", RLM],
                 ["similarity", "[red]x", ESC], ["distance", ":x:", RLM], ["distance", ":x:", "[CLS]", "--cosine"],
                 ["odd-one-out", "[red]x", ":x:", ESC, RLM]):
        code, out, err = run(capsys, *args, "-v", tricky)
        assert code == 0, err
        assert_verbatim(out, [a for a in args[1:] if a not in ("--neg", "--cosine")])


def test_info_and_lookup(capsys, tricky):
    code, out, _ = run(capsys, "info", tricky, "--sample", "20")
    assert code == 0
    assert_verbatim(out)
    data = json.loads(run(capsys, "info", tricky, "--sample", "20", "--json")[1])
    assert data["sample_tokens"] == PLAIN + TRICKY + [LONG]
    code, out, _ = run(capsys, "lookup", *TRICKY, "-v", tricky)
    assert code == 0
    assert_verbatim(out)
    assert all(cell_len(line) <= 80 for line in out.splitlines())
    rows = json.loads(run(capsys, "lookup", *TRICKY, "-v", tricky, "--json")[1])
    assert [r["token"] for r in rows] == TRICKY


def test_minilm_special_tokens(capsys):
    code, out, _ = run(capsys, "info", "-v", "minilm")
    assert code == 0 and "[PAD] [unused0] [unused1]" in out and "[unused5]" in out
    code, out, _ = run(capsys, "tokens", "[CLS] hello [SEP]")
    assert code == 0 and "│ [CLS] " in out and "│ [SEP] " in out
    code, out, _ = run(capsys, "lookup", "-v", "minilm", "[unused5]", "[CLS]")
    assert code == 0 and "│ [unused5] │" in out and "│ [CLS]     │" in out


def test_errors_are_verbatim_and_short(capsys, tricky):
    code, _, err = run(capsys, "similar", "[red]nope :x:", "-v", tricky)
    assert code == 1 and "'[red]nope :x:' is not in the vocabulary" in err and "❌" not in err
    code, _, err = run(capsys, "similar", "\x1b[2Jgone", "-v", tricky)
    assert code == 1 and "\x1b" not in err and "\\x1b[2Jgone" in err
    huge = "y" * 100_000
    code, _, err = run(capsys, "similar", huge)
    assert code == 1 and len(err) < 400 and "100,000 characters" in err and len(err.splitlines()) == 1
    with pytest.raises(tokvec.UnknownTokenError) as info:
        tokvec.load(tricky)[huge]
    assert len(str(info.value)) < 300


def test_show_oov_lists_words_verbatim(capsys, tricky, tmp_path):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("king\tqueen\t9\nman\twoman\t8\ncat\tdog\t7\n[blue]y\t:fire:\t5\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--similarity", str(pairs), "-v", tricky, "--show-oov")
    assert code == 0 and "[blue]y-:fire:" in out and "🔥" not in out


def test_analogy_title_is_one_line(capsys):
    code, out, _ = run(capsys, "analogy", "man", "king", "woman", "--topn", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "man : king :: woman : ?   (king - man + woman, cosadd)"
    assert all(cell_len(line) <= 80 for line in lines)
    code, out, _ = run(capsys, "similar", "king", "woman", "--neg", "man", "--topn", "3")
    assert out.splitlines()[0] == "most similar to king + woman - man"


def test_topn_beyond_the_vocabulary_is_clamped(capsys, tricky):
    code, out, _ = run(capsys, "similar", "king", "-v", tricky, "--topn", "1000000000")
    assert code == 0 and "showing every one" in out
    data = json.loads(run(capsys, "similar", "king", "-v", tricky, "--topn", "1000000000", "--json")[1])
    assert len(data["results"]) == len(PLAIN + TRICKY) and "showing every one" in data["notes"][0]


def test_a_whole_vocabulary_prints_plainly(capsys, glove):
    from tokvec.cli import render

    results = glove.limit(3000).most_similar("king", topn=2999)
    render.neighbours("most similar to king", results)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "most similar to king" and len(lines) == 2 + len(results)
    first = lines[2].split()
    assert first[1] == results[0].token and float(first[2]) == pytest.approx(results[0].score, abs=1e-4)


def test_demo_lines_are_never_markup():
    from tokvec.cli import tour as demo

    out = io.StringIO()
    demo._say(Console(file=out, width=80), "[red]x :x: ", ("[bold]y[/bold]", "bold"), ESC)
    assert out.getvalue() == "[red]x :x: [bold]y[/bold]\\x1b[31m\n"


def test_progress_lines_are_never_markup(capsys):
    from tokvec.train._common import Bar

    with Bar(2, True, before=("[red]x :x:",)) as bar:
        bar.update(2)
        bar.console.print("[blue]saved :fire:")
    err = capsys.readouterr().err
    assert "[red]x :x:" in err and "[blue]saved :fire:" in err and "🔥" not in err


def test_watch_tables_are_verbatim(capsys, tmp_path):
    tokens = ["a", "b", "[red]x", ":x:", ESC, RLM, "[unused5]", "c", "d", "e"]
    rng = np.random.default_rng(2)
    for step in (0, 100):
        metadata = {"trainer": "tokvec tiny GPT", "step": str(step), "train_loss": "nan", "val_loss": "",
                    "tokens_seen": "0"}
        vectors = tokvec.Vectors(tokens, rng.normal(size=(len(tokens), 4)).astype(np.float32),
                                 counts=np.arange(len(tokens), 0, -1) * 10, metadata=metadata)
        tokvec.save(vectors, tmp_path / f"step-{step:07d}.tokvec")
    args = ["watch", str(tmp_path), "-w", "[red]x", "-w", ":x:", "-w", ESC, "-k", "3", "--probe", "8"]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    data = json.loads(run(capsys, *args, "--json")[1])
    strings: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, str):
            strings.add(node)
        for child in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
            walk(child)

    walk(data)
    seen = {t for t in tokens if t in strings}
    assert {"[red]x", ":x:", ESC} <= seen
    assert_verbatim(out, seen)
