"""The guided demo runs end to end and shows the lecture's results."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tokvec.cli import tour as demo


def _run_every_section() -> tuple[str, float]:
    out = io.StringIO()
    seconds = demo.run(console=Console(file=out, width=120, force_terminal=False))
    return out.getvalue(), seconds


def test_demo_runs_every_section():
    text, _ = _run_every_section()
    assert "king - man + woman = queen" in text
    assert "identical to 4 decimals" in text or "install tokvec[torch]" in text
    assert "Same rows, exactly" in text and "kings (0.69)" in text
    assert "Sinusoidal table" in text
    assert "7. Embeddings are learned" in text and "words kept" in text


@pytest.mark.slow  # a wall-clock limit: flaky on a busy machine, so not in the default run
def test_demo_runs_every_section_within_30_seconds():
    _, seconds = _run_every_section()
    assert seconds < 30


def test_demo_trains_word2vec_on_the_shipped_glosses():
    out = io.StringIO()
    demo.run(7, console=Console(file=out, width=200, force_terminal=False))
    rows = {line.split("│")[1].strip(): line.split("│")[3] for line in out.getvalue().splitlines()
            if line.count("│") == 4}
    assert set(rows) == {"three", "he", "red", "water", "king"}
    assert "she" in rows["he"] and "four" in rows["three"]  # learned in 5 epochs on 300k words


def test_demo_single_section(capsys):
    from tokvec.cli import main

    assert main(["demo", "--section", "6"]) == 0
    out = capsys.readouterr().out
    assert "6. Where is each token?" in out and "1. Why not one-hot?" not in out
