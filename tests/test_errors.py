"""Every error a user can hit says what went wrong, where, and what to do; no data is lost."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tokvec
from tokvec import FormatError, NonFiniteError, UnknownNameError


def _binary(tmp_path, n=3, dim=4, declared=None):
    v = tokvec.Vectors([f"w{i}" for i in range(n)], np.arange(n * dim, dtype=np.float32).reshape(n, dim) + 1)
    path = tokvec.save(v, tmp_path / "v.bin")
    if declared is not None:
        raw = path.read_bytes()
        path.write_bytes(f"{declared} {dim}".encode() + raw[raw.index(b"\n"):])
    return path


def test_truncated_binary_names_offset_and_expected_count(tmp_path):
    path = _binary(tmp_path, n=5)
    raw = path.read_bytes()
    path.write_bytes(raw[:-9])
    with pytest.raises(FormatError) as info:
        tokvec.load(path)
    message = str(info.value)
    assert "is truncated: the header promises 5 vectors of dim 4 (16 bytes each)" in message
    record_start = raw.rindex(b"w4")
    assert f"record 5 starting at byte offset {record_start:,} is incomplete" in message
    assert "pass limit=4" in message
    assert len(tokvec.load(path, limit=4)) == 4  # and the advice works


def test_binary_header_promising_fewer_vectors(tmp_path):
    path = _binary(tmp_path, n=3, declared=2)
    with pytest.raises(FormatError, match="header says 2 vectors of dim 4, but data continues after them at byte"):
        tokvec.load(path)


def test_binary_header_with_wrong_dim(tmp_path):
    path = _binary(tmp_path, n=3)
    raw = path.read_bytes()
    path.write_bytes(b"3 40000" + raw[raw.index(b"\n"):])
    with pytest.raises(FormatError, match="truncated: the header promises 3 vectors of dim 40000"):
        tokvec.load(path)


def test_real_file_with_short_count(gensim_data):
    # gensim's pretrained.vec announces 3 vectors but holds fewer
    with pytest.raises(FormatError, match=r"the header says 3 vectors but the file ends after \d+ \(line \d+\)"):
        tokvec.load(gensim_data / "pretrained.vec")


def test_text_with_more_rows_than_header(tmp_path):
    (tmp_path / "v.vec").write_text("1 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match="header says 1 vectors, but line 3 holds another one"):
        tokvec.load(tmp_path / "v.vec")


def test_ragged_text_row_names_line(tmp_path):
    rows = [f"w{i} 0.1 0.2 0.3" for i in range(10)]
    rows[6] = "w6 0.1 0.2"
    (tmp_path / "g.txt").write_text("\n".join(rows) + "\n")
    with pytest.raises(FormatError, match=r"g.txt, line 7: token 'w6' has 2 values, expected 3 as on the first line"):
        tokvec.load(tmp_path / "g.txt")
    (tmp_path / "h.vec").write_text("2 3\na 1 2 3\nb 1 2 3 4\n")
    with pytest.raises(FormatError, match=r"line 3: token 'b' has 4 values, expected the header's dim 3"):
        tokvec.load(tmp_path / "h.vec")


def test_non_number_value_names_line(tmp_path):
    (tmp_path / "g.txt").write_text("a 1 2\nb 1 x2\n")
    with pytest.raises(FormatError, match=r"line 2: 'x2' is not a number"):
        tokvec.load(tmp_path / "g.txt")


def test_bad_utf8_in_text_names_line_and_offset_and_offers_replace(tmp_path):
    (tmp_path / "g.txt").write_bytes(b"ok 1 2\nbad\xff 3 4\n")
    with pytest.raises(FormatError) as info:
        tokvec.load(tmp_path / "g.txt")
    message = str(info.value)
    assert "invalid UTF-8 b'\\xff' on line 2 (byte offset 10) of" in message
    assert "errors='replace'" in message
    assert tokvec.load(tmp_path / "g.txt", errors="replace").tokens == ["ok", "bad\ufffd"]


def test_bad_utf8_in_binary_names_byte_offset(tmp_path):
    path = _binary(tmp_path, n=3)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"w1")
    raw[at + 1] = 0xC3  # a lone UTF-8 lead byte
    path.write_bytes(bytes(raw))
    with pytest.raises(FormatError, match=f"in token 2, at byte offset {at + 1:,} of .*errors='replace'"):
        tokvec.load(path)
    assert tokvec.load(path, errors="replace").tokens[1] == "w\ufffd"


def test_real_file_with_bad_utf8(gensim_data):
    from gensim.models import KeyedVectors

    path = gensim_data / "pang_lee_polarity_fasttext.vec"
    message = "invalid UTF-8 b'\\\\x97' on line 150 \\(byte offset 155,978\\).*errors='replace'"
    with pytest.raises(FormatError, match=message):
        tokvec.load(path)
    ours = tokvec.load(path, errors="replace")
    theirs = KeyedVectors.load_word2vec_format(str(path), unicode_errors="replace")
    assert ours.tokens == theirs.index_to_key


def test_nan_rows_reported_and_policies(tmp_path):
    (tmp_path / "g.txt").write_text("a 1 2\nb nan 2\nc 3 inf\nd 4 5\n")
    with pytest.raises(NonFiniteError, match=r"2 vector\(s\) contain NaN or infinity, the first is 'b' \(line 2\)"):
        tokvec.load(tmp_path / "g.txt")
    assert tokvec.load(tmp_path / "g.txt", nonfinite="drop").tokens == ["a", "d"]
    assert len(tokvec.load(tmp_path / "g.txt", nonfinite="keep")) == 4


def test_unknown_builtin_lists_known_names():
    message = "'glve' is neither an existing file nor a builtin name. Known names: glove"
    with pytest.raises(UnknownNameError, match=message):
        tokvec.load("glve")


def test_missing_file():
    with pytest.raises(FormatError, match="no such file: /nope/v.bin"):
        tokvec.load("/nope/v.bin")


def test_unrecognised_file(tmp_path):
    (tmp_path / "x").write_text("hello world\n")
    with pytest.raises(FormatError, match="cannot tell the format of .*Pass format="):
        tokvec.load(tmp_path / "x")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(FormatError, match="is empty"):
        tokvec.load(tmp_path / "empty")


def test_not_a_tokvec_safetensors(tmp_path):
    from safetensors.numpy import save_file

    save_file({"w": np.zeros((2, 2), np.float32)}, str(tmp_path / "m.safetensors"))
    with pytest.raises(FormatError, match="not a tokvec one.*import-model"):
        tokvec.load(tmp_path / "m.safetensors")


class _Boom(Exception):
    pass


@pytest.mark.parametrize("fmt,ext", [("tokvec", ".tokvec"), ("word2vec-binary", ".bin"), ("glove", ".txt")])
def test_failed_save_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch, fmt, ext):
    target = tmp_path / f"v{ext}"
    target.write_bytes(b"precious")
    v = tokvec.Vectors(["a", "b"], np.ones((2, 3), np.float32))
    real_fsync = os.fsync

    def failing_fsync(fd):
        raise _Boom("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(_Boom):
        tokvec.save(v, target, format=fmt)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_interrupted_save_leaves_no_partial_file(tmp_path, monkeypatch):
    from tokvec.formats import word2vec

    v = tokvec.Vectors([f"w{i}" for i in range(40_000)], np.ones((40_000, 2), np.float32))
    # Ctrl-C arrives while the third block of rows is being written
    monkeypatch.setattr(word2vec.np, "ascontiguousarray", _raise_after(word2vec.np.ascontiguousarray, 2))
    with pytest.raises(KeyboardInterrupt):
        tokvec.save(v, tmp_path / "v.bin")
    assert list(tmp_path.iterdir()) == []


def _raise_after(func, n):
    state = {"calls": 0}

    def wrapper(*args, **kwargs):
        state["calls"] += 1
        if state["calls"] > n:
            raise KeyboardInterrupt
        return func(*args, **kwargs)

    return wrapper


def test_saved_files_get_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = tokvec.save(tokvec.Vectors(["a"], np.ones((1, 2), np.float32)), tmp_path / "v.tokvec")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
