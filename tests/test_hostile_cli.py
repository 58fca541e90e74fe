"""Issue 15: every command given a hostile file exits 1 or 2 with one line on stderr, never a traceback."""

from __future__ import annotations

import gzip
import io
import os

import numpy as np
import pytest

import tokvec
from tokvec.cli import main

COMMANDS = [
    ["info", "-v", "F"], ["similar", "the", "-v", "F"], ["analogy", "a", "b", "c", "-v", "F"],
    ["similarity", "a", "b", "-v", "F"], ["distance", "a", "b", "-v", "F"], ["odd-one-out", "a", "b", "c", "-v", "F"],
    ["lookup", "the", "-v", "F"], ["tokens", "the cat", "-v", "F"], ["shell", "-v", "F"],
    ["convert", "F", "OUT.tokvec"],
    ["import-model", "F", "OUT.tokvec"], ["export-projector", "OUT", "-v", "F"], ["eval", "-v", "F"],
    ["eval", "--similarity", "F", "-v", "GOOD"], ["eval", "--analogies", "F", "-v", "GOOD"],
    ["plot", "the", "cat", "-v", "F", "-o", "OUT.png"], ["train", "F", "-o", "OUT.tokvec", "-q"],
    ["train-lm", "F", "-o", "OUT", "--steps", "2"], ["watch", "F"],
]  # serve is left out: a file that loads would start a server (its loading is the same `load`)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[dict, object]:
    d = tmp_path_factory.mktemp("hostile-cli")
    v = tokvec.Vectors(["the", "cat", "dog", "a"], np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32))
    good = tokvec.save(v, d / "good.tokvec")
    raw, binary = good.read_bytes(), tokvec.save(v, d / "good.bin").read_bytes()
    packed = gzip.compress(binary)
    files = {
        "empty.txt": b"", "cut.tokvec": raw[: len(raw) // 2], "array.tokvec": b"\x08" + b"\x00" * 7 + b"[1,2,3] ",
        "cut.bin": binary[:-7], "cut.bin.gz": packed[: len(packed) // 2],
        "corrupt.bin.gz": packed[:20] + bytes(x ^ 0x55 for x in packed[20:40]) + packed[40:],
        "garbage.bin": np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes(),
        "ambiguous.txt": b"3 4\nfoo 0.5\nbar 0.25\n", "utf16.txt": "2 2\na 1 2\n".encode("utf-16"),
        "huge-header.bin": b"1000000000000 1000000\nx ",
    }
    paths = {}
    for name, data in files.items():
        (d / name).write_bytes(data)
        paths[name] = d / name
    paths["a-directory"] = d / "adir"
    paths["a-directory"].mkdir()
    paths["missing.bin"] = d / "missing.bin"
    if os.geteuid() != 0:  # root reads anything
        paths["unreadable.tokvec"] = d / "unreadable.tokvec"
        paths["unreadable.tokvec"].write_bytes(raw)
        paths["unreadable.tokvec"].chmod(0)
    return paths, good


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(a for a in c if a.isalpha() or "-" in a))
def test_every_command_on_hostile_files_exits_with_one_line(command, hostile, tmp_path, capsys, monkeypatch):
    paths, good = hostile
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "256M")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    for name, path in paths.items():
        argv = [a.replace("F", str(path)) if a == "F" else a for a in command]
        argv = [str(good) if a == "GOOD" else a.replace("OUT", str(tmp_path / "out")) for a in argv]
        code = main(argv)
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        assert code in (1, 2) and len(lines) == 1 and "Traceback" not in err, (name, code, err, out[:200])
        assert lines[0].startswith("error: ") and len(lines[0]) < 600, (name, lines[0])


def test_the_real_entry_point_prints_one_line_and_exits_1(hostile):
    import subprocess
    import sys
    from pathlib import Path

    paths, _ = hostile
    env = {**os.environ, "PYTHONPATH": str(Path(tokvec.__file__).parents[1])}
    for name in ("cut.tokvec", "corrupt.bin.gz", "ambiguous.txt"):
        done = subprocess.run([sys.executable, "-m", "tokvec", "similar", "the", "-v", str(paths[name])],
                              capture_output=True, text=True, env=env, timeout=120)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), (name, done.stderr)
