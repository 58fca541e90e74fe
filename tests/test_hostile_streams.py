"""Damaged streams and failing systems: one FormatError or OSError in Python, one line and exit 1 on the CLI."""

from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import tokvec
from tokvec import FormatError
from tokvec._plumbing.files import atomic_write, sweep_leftovers
from tokvec.cli import main


def _binary(tmp_path):
    v = tokvec.Vectors([f"w{i}" for i in range(300)], np.random.default_rng(1).random((300, 16), np.float32))
    return tokvec.save(v, tmp_path / "v.bin").read_bytes()


def _streams(raw):
    gz, b2, xz = gzip.compress(raw), bz2.compress(raw), lzma.compress(raw)
    corrupt = bytearray(gz)
    corrupt[len(gz) // 2 : len(gz) // 2 + 4] = b"\xff\x00\xff\x00"
    return {"truncated.bin.gz": gz[: len(gz) // 2], "corrupt.bin.gz": bytes(corrupt),
            "bad-crc.bin.gz": gz[:-8] + bytes(8), "truncated.bin.bz2": b2[: len(b2) // 2],
            "garbage.bin.bz2": b"BZh9" + bytes(range(256)) * 2, "truncated.bin.xz": xz[: len(xz) // 2],
            "garbage.bin.xz": b"\xfd7zXZ\x00" + bytes(300)}


@pytest.mark.parametrize("name", list(_streams(b"12 3\n")))
def test_damaged_compressed_files_are_format_errors_naming_the_file(tmp_path, name, capsys):
    path = tmp_path / name
    path.write_bytes(_streams(_binary(tmp_path))[name])
    with pytest.raises(FormatError, match="damaged or truncated") as info:
        tokvec.load(path)
    assert str(path) in str(info.value)
    assert main(["info", "-v", str(path)]) == 1
    err = capsys.readouterr().err
    assert "damaged or truncated" in err and "Traceback" not in err and "Aborted" not in err


def test_os_errors_on_the_cli_are_one_line_naming_the_target(tmp_path, capsys, monkeypatch):
    source = tmp_path / "v.bin"
    source.write_bytes(_binary(tmp_path))
    assert main(["convert", str(source), str(source / "sub" / "x.bin")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") <= 2 and "Not a directory" in err and "check the path" in err
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["convert", str(source), str(out)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert f"{out}: No space left on device; free some disk space" in err and "left as it was" in err
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "v.bin"]


def test_writing_over_a_directory_or_device_is_refused(tmp_path):
    v = tokvec.Vectors(["a"], np.ones((1, 2), np.float32))
    with pytest.raises(tokvec.InvalidArgumentError, match="not a regular file"):
        tokvec.save(v, tmp_path, format="tokvec")
    if os.path.exists("/dev/null"):
        with pytest.raises(tokvec.InvalidArgumentError, match="not a regular file"):
            tokvec.save(v, "/dev/null", format="tokvec")
        assert not os.path.isfile("/dev/null")


def test_killed_writes_leave_temp_files_the_next_write_removes(tmp_path):
    target = tmp_path / "x.bin"
    code = ("import os, sys; from tokvec._plumbing.files import atomic_write\n"
            "with atomic_write(sys.argv[1]) as f:\n    f.write(b'partial'); f.flush(); os.kill(os.getpid(), 9)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].name.startswith(".x.bin.") and left[0].name.endswith(".tmp")
    mine = tmp_path / f".x.bin.{os.getpid()}.live.tmp"  # a running writer's file is never touched
    mine.write_bytes(b"in progress")
    with atomic_write(target) as f:
        f.write(b"done")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "x.bin"])
    assert sweep_leftovers(target) == []
