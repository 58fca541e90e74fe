"""The guided demo runs end to end and shows the lecture's results."""

from __future__ import annotations

import io

from rich.console import Console

from tokvec import demo


def test_demo_runs_every_section_quickly():
    out = io.StringIO()
    seconds = demo.run(console=Console(file=out, width=120, force_terminal=False))
    text = out.getvalue()
    assert "king - man + woman = queen" in text
    assert "identical to 4 decimals" in text or "install tokvec[torch]" in text
    assert "Same rows, exactly" in text and "kings (0.69)" in text
    assert "Sinusoidal table" in text
    assert seconds < 30


def test_demo_single_section(capsys):
    from tokvec.cli import main

    assert main(["demo", "--section", "6"]) == 0
    out = capsys.readouterr().out
    assert "6. Where is each token?" in out and "1. Why not one-hot?" not in out
