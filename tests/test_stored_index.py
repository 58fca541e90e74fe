"""The token index stored in ``.tokvec`` files (docs/format.md, feature ``index``).

Oracles: the numba build (``_index.build``), the dict twin (``build_reference``), and the official
``safetensors`` reader for what is on disk.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokvec
from tokvec.cli import main
from tokvec.vocab import Vocab
from tokvec.vocab import _index as _token_index


def _sample(n: int = 300, dim: int = 4) -> tokvec.Vectors:
    rng = np.random.default_rng(1)
    tokens = [f"w{i}" for i in range(n - 4)] + ["", "日本語", "[unused5]", "a\x00b"]
    return tokvec.Vectors(tokens, rng.normal(size=(n, dim)).astype(np.float32))


def _header(path):
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    return raw, size, json.loads(raw[8 : 8 + size])


def _replace_table(path, out, table: np.ndarray):
    """A copy of ``path`` whose ``index.table`` bytes are ``table`` (same byte length)."""
    raw, size, header = _header(path)
    begin, end = header["index.table"]["data_offsets"]
    data = table.astype("<i8").tobytes()
    assert len(data) == end - begin
    start = 8 + size
    out.write_bytes(raw[: start + begin] + data + raw[start + end :])
    return out


def test_written_file_stores_the_index_the_build_makes(tmp_path):
    from safetensors.numpy import load_file

    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    stored = load_file(str(path))["index.table"]  # the official reader sees an I64 tensor
    built, dup = _token_index.build(*v.vocab.packed())
    np.testing.assert_array_equal(stored, built)
    assert not dup.any() and stored.shape == (_token_index.table_size(len(v)),)
    meta = _header(path)[2]["__metadata__"]
    assert "index" in meta["features"].split(",") and meta["index.hash"] == "fnv1a64-linear"
    back = tokvec.load(path)
    assert isinstance(back.vocab._table, np.memmap) and not back.vocab._built  # used as stored
    for i, token in enumerate(v.tokens):
        assert back.vocab.get(token) == i
    assert back.vocab.get("absent") is None and "w9999" not in back


@settings(max_examples=100, deadline=None)
@given(tokens=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=60),
       probes=st.lists(st.text(max_size=6), max_size=10), rows=st.integers(0, 70))
def test_python_probe_equals_the_kernel_and_the_dict(tokens, probes, rows):
    encoded = [t.encode() for t in tokens]
    offsets = np.concatenate([[0], np.cumsum([len(b) + 1 for b in encoded])]).astype(np.int64)
    buffer = np.frombuffer(b"".join(b + b"\n" for b in encoded), np.uint8)
    table, _ = _token_index.build(buffer, offsets)
    first, _ = _token_index.build_reference(buffer, offsets)
    for probe in tokens + probes:
        key = probe.encode()
        expected = _token_index.find_reference(first, key)
        assert _token_index.probe(buffer, offsets, table, key, len(tokens)) == expected
        assert _token_index.find(buffer, offsets, table, key) == expected
        # the first ``rows`` tokens share the table (Vocab.head): a first occurrence below rows stays found
        head = _token_index.probe(buffer, offsets[: min(rows, len(tokens)) + 1], table, key, rows)
        assert head == (expected if expected < rows else -1)


def test_fnv1a_is_the_kernels_hash():
    from tokvec.vocab import _index_kernels

    for data in (b"", b"king", "日本語".encode(), bytes(range(256))):
        assert _token_index.fnv1a(data) == int(_index_kernels.fnv1a(np.frombuffer(data, np.uint8), 0, len(data)))
    assert _token_index.fnv1a(b"a") == 0xAF63DC4C8601EC8C  # the published FNV-1a 64 test vector


CRAFTED = ["no empty slot", "all zero", "one row everywhere", "reversed"]


def _look_up_in_crafted_table(tmp_path, case: str) -> float:
    """Look every token (and two absent ones) up through a crafted table; returns the seconds the lookups took."""
    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    good = tokvec.load(path).vocab.hash_table().copy()
    table = {"no empty slot": np.where(good < 0, 3, good), "all zero": np.zeros_like(good),
             "one row everywhere": np.full_like(good, len(v) - 1), "reversed": good[::-1].copy()}[case]
    crafted = tokvec.load(_replace_table(path, tmp_path / "crafted.tokvec", table))
    start = time.perf_counter()
    for i, token in enumerate(v.tokens + ["absent", "x" * 10_000]):
        found = crafted.vocab.get(token)
        assert found is None or crafted.vocab.token(found) == token  # a miss, or the right row
        if found is None and i < len(v):
            assert table[_token_index.fnv1a(token.encode()) & (len(table) - 1)] != i
    return time.perf_counter() - start


@pytest.mark.parametrize("case", CRAFTED)
def test_crafted_tables_only_make_lookups_miss(tmp_path, case):
    _look_up_in_crafted_table(tmp_path, case)


@pytest.mark.slow  # a wall-clock limit: flaky on a busy machine, so not in the default run
@pytest.mark.parametrize("case", CRAFTED)
def test_crafted_tables_cannot_make_lookups_slow(tmp_path, case):
    assert _look_up_in_crafted_table(tmp_path, case) < 30


@pytest.mark.parametrize(("table", "message"), [
    (lambda t: np.concatenate([t[:-1], [len(t)]]), "holds row .*outside -1"),
    (lambda t: np.concatenate([t[:-1], [-2]]), "holds row -2"),
])
def test_out_of_range_entries_are_a_format_error(tmp_path, table, message):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    good = tokvec.load(path).vocab.hash_table()
    bad = _replace_table(path, tmp_path / "bad.tokvec", table(np.asarray(good)))
    with pytest.raises(tokvec.FormatError, match=f"bad.tokvec: tensor 'index.table' {message}.*tokvec convert"):
        tokvec.load(bad)


@pytest.mark.parametrize(("slots", "message"), [(6, "not a power of two"), (256, "at least 301")])
def test_wrong_table_shapes_are_a_format_error(slots, message):
    v = _sample()
    buffer, offsets = v.vocab.packed()
    with pytest.raises(tokvec.FormatError, match=f"f.tokvec: tensor 'index.table' has {slots} slots.*{message}"):
        Vocab.from_packed(buffer, offsets, table=np.full(slots, -1, np.int64), where="f.tokvec: ")


def _strip_index(path, out, **meta):
    """``path`` without the stored index, as version 1 wrote it (or with other metadata)."""
    raw, size, header = _header(path)
    header["__metadata__"].update(meta)
    for key, value in list(header["__metadata__"].items()):
        if value is None:
            del header["__metadata__"][key]
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    out.write_bytes(struct.pack("<Q", len(blob)) + blob + raw[8 + size :])
    return out


def test_version_1_builds_the_index_and_convert_upgrades(tmp_path):
    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    old = _strip_index(path, tmp_path / "old.tokvec", version="1", features=None, requires=None, matrix=None)
    back = tokvec.load(old)
    assert back.vocab._table is None  # nothing stored to use: built on the first lookup, as before
    assert back.index("日本語") == len(v) - 3 and back.vocab._built
    assert main(["convert", str(old), str(tmp_path / "new.tokvec")]) == 0
    new = tokvec.load(tmp_path / "new.tokvec")
    assert new.metadata["version"] == "2" and "index" in new.metadata["features"]
    assert new.vocab._table is not None and new.index("[unused5]") == len(v) - 2


def test_unknown_index_hash_is_ignored(tmp_path):
    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    other = tokvec.load(_strip_index(path, tmp_path / "other.tokvec", **{"index.hash": "siphash-cuckoo"}))
    assert other.vocab._table is None and other.index("w17") == 17


def test_limit_shares_the_stored_index(tmp_path):
    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    small = tokvec.load(path, limit=10)
    assert small.vocab._table is not None and not small.vocab._built
    assert small.index("w9") == 9 and "w10" not in small and "日本語" not in small
    written = tokvec.save(small, tmp_path / "small.tokvec")  # its own, smaller table
    again = tokvec.load(written)
    assert len(again.vocab.hash_table()) == _token_index.table_size(10) and again.index("w3") == 3


def test_a_lookup_in_a_stored_index_does_not_import_numba(tmp_path):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    code = ("import sys, tokvec; v = tokvec.load(sys.argv[1]); assert v.index('w42') == 42;"
            "assert 'absent' not in v; v.most_similar('w1', topn=3); v['日本語'];"
            "print('numba' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_builtin_conversion_says_what_it_does_and_stores_the_index(tmp_path, capsys):
    from tokvec.formats import registry

    builtin = registry.Builtin("toy", "a toy set, 300 tokens", "no-such-package", _sample)
    took = registry.convert(builtin, tmp_path / "toy.tokvec")
    err = capsys.readouterr().err
    assert "first use of the builtin 'toy' (a toy set, 300 tokens): converting it once" in err
    assert f"into {tmp_path / 'toy.tokvec'}" in err and "writing 300 x 4 vectors" in err
    assert f"done in {took:.1f} s" in err
    assert tokvec.load(tmp_path / "toy.tokvec").vocab._table is not None


def test_cached_builtin_carries_the_index(glove, tokvec_home):
    from tokvec.formats import registry

    assert list(tokvec_home.glob(f"glove-*.{registry.CACHE_LAYOUT}.tokvec"))
    assert "index" in glove.metadata["features"].split(",")
    assert glove.vocab._table is not None and not glove.vocab._built and glove.index("king") == glove.vocab.get("king")


def test_builtin_versions_are_read_without_importlib_metadata():
    from importlib import metadata

    from tokvec.formats import registry

    for builtin in registry.BUILTINS.values():
        try:
            expected = metadata.version(builtin.package)
        except metadata.PackageNotFoundError:
            expected = "unknown"
        assert registry.installed_version(builtin) == expected
