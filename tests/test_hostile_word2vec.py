"""Absurd word2vec headers and decompression bombs are refused before anything big is allocated."""

from __future__ import annotations

import gzip
import tracemalloc

import numpy as np
import pytest

import tokvec
from tokvec import FormatError


def _peak_refusing(path, match, **kwargs):
    """Peak Python-traced memory of ``tokvec.load(path)``, which must raise FormatError matching ``match``."""
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match=match):
            tokvec.load(path, **kwargs)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_absurd_binary_header_is_refused_against_the_budget(tmp_path):
    path = tmp_path / "absurd.bin"
    path.write_bytes(b"1000000000000 1000000\nabc " + bytes(64))
    with pytest.raises(FormatError, match=r"1,000,000,000,000 vectors of dim 1,000,000 would need 3.5 EiB, over "
                                          r"tokvec's memory budget"):
        tokvec.load(path)


def test_a_count_the_file_cannot_hold_allocates_only_what_the_file_can(tmp_path):
    path = tmp_path / "big-count.bin"
    path.write_bytes(b"100000000 3\nabc " + bytes(12) + b"\n")  # 100M records promised, one present
    assert len(tokvec.load(path, limit=1)) == 1  # (imports and compiles the scanner before measuring)
    assert _peak_refusing(path, "is truncated: the header promises 100,000,000 vectors") < 10 * 2**20


def test_budget_comes_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    tokvec.save(tokvec.Vectors(["a", "b"], np.ones((2, 300), np.float32)), path)
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "1K")
    with pytest.raises(FormatError, match="memory budget of 1.0 KiB"):
        tokvec.load(path)
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "1M")
    assert len(tokvec.load(path)) == 2


def test_text_header_with_absurd_dim_allocates_nothing(tmp_path):
    path = tmp_path / "v.vec"
    path.write_bytes(b"2 1000000000000\na 1 2 3\nb 4 5 6\n")
    assert _peak_refusing(path, "has 3 values, expected the header's dim 1000000000000",
                          format="word2vec-text") < 10 * 2**20


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.bin.gz"
    path.write_bytes(gzip.compress(b"1 3\n" + bytes(50 * 2**20)))
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "8M")
    with pytest.raises(FormatError, match="decompressing it would need more than 8.0 MiB.*decompression bomb"):
        tokvec.load(path)
