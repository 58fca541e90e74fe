"""The manual's command-line reference is the CLI's own --help, regenerated, never hand-edited."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tokvec.cli import COMMANDS, reference

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"


def test_the_reference_page_is_up_to_date():
    text = PAGE.read_text(encoding="utf-8")
    assert reference.updated(text) == text, f"docs/reference/cli.md drifted; run: {reference.REGENERATE}"


def test_reference_covers_every_command_in_plain_text():
    section = reference.reference()
    for command in COMMANDS:
        assert f"### `tokvec {command}`" in section and f"Usage: tokvec {command} " in section
    assert "\x1b[" not in section  # no colour codes
    assert "<bool>" not in section and "<int>" not in section and "list[" not in section  # plain value names
    assert max(len(line) for line in section.splitlines() if not line.startswith("#")) <= reference.WIDTH


def test_rendering_ignores_the_terminal(tmp_path):
    """Same text whatever COLUMNS or colour the environment asks for."""
    env = {**os.environ, "COLUMNS": "57", "FORCE_COLOR": "1", "TERMINAL_WIDTH": "200",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "from tokvec.cli import reference; print(reference.command_help('similar'))"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.rstrip("\n") == reference.command_help("similar")


def test_check_and_write(tmp_path, capsys):
    stale = tmp_path / "README.md"
    stale.write_text(f"intro\n{reference.START}\nold table\n{reference.END}\noutro\n", encoding="utf-8")
    assert reference.main(["--check", str(stale)]) == 1
    assert reference.REGENERATE in capsys.readouterr().err
    assert reference.main(["--write", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith("\noutro\n") and "old table" not in text
    assert reference.main(["--check", str(stale)]) == 0
