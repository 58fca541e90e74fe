"""Issue 15: format detection that never guesses silently, and tokens kept exactly in every writable format.

Oracle: gensim reads what tokvec writes (and tokvec reads what gensim writes) with the same tokens and values.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from gensim.models import KeyedVectors

import tokvec
from tokvec.formats import _scan, detect

ODD = ["", "a\tb", "a\rb", "tail\t", "\ttab", "x\u00a0", "\u202f", "\u3000y", "\x85", "\u2028", "\x1f", "\x0b",
       "\ufeffbom", "cr\r", "a\nb"]  # every token the readers accept; a\nb only where newlines are not separators
FORMATS = {"word2vec-text": ".txt", "word2vec-binary": ".bin", "glove": ".glove", "tokvec": ".tokvec"}
HOLDS = {  # which of ODD each format cannot hold
    "word2vec-text": {"a\nb"}, "glove": {"a\nb"}, "word2vec-binary": set(), "tokvec": set(),
}


def _vectors(tokens: list[str], dim: int = 3) -> tokvec.Vectors:
    rng = np.random.default_rng(len(tokens))
    return tokvec.Vectors(tokens, rng.standard_normal((len(tokens), dim)).astype(np.float32))


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


# -- detection --------------------------------------------------------------------------------
def test_empty_first_token_as_gensim_writes_it_is_text_not_binary(tmp_path):
    kv = KeyedVectors(4)
    kv.add_vectors(["", "b"], np.array([[0.125, 0.25, 0.5, 1.0], [1, 2, 3, 4]], np.float32))
    kv.save_word2vec_format(str(tmp_path / "g.txt"), binary=False)
    # lines of exactly 4 * dim bytes read as binary too: rows of decimal numbers are text
    _write(tmp_path / "fixed.txt", b"2 4\n 0.1 0.2 0.3 0.4\nb 0.5 0.6 0.7 0.8\n")
    for name in ("g.txt", "fixed.txt"):
        v = tokvec.load(tmp_path / name)
        assert detect.sniff(tmp_path / name) == "word2vec-text" and v.tokens == ["", "b"]
    np.testing.assert_array_equal(tokvec.load(tmp_path / "g.txt").matrix, kv.vectors)
    np.testing.assert_allclose(tokvec.load(tmp_path / "fixed.txt")[""], [0.1, 0.2, 0.3, 0.4], rtol=1e-6)


def test_glove_with_empty_or_tabbed_first_token(tmp_path):
    v = tokvec.load(_write(tmp_path / "g", b" 1.5 2\nb\tc 3 4\n"))
    assert v.metadata["loaded_format"] == "glove" and v.tokens == ["", "b\tc"] and v[""].tolist() == [1.5, 2]


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf2 2\na 1 2\nb 3 4\n", b"\xef\xbb\xbfa 1 2\nb 3 4\n",
                                  b"2 2\r\na 1 2\r\nb 3 4\r\n", b"\xef\xbb\xbfa 1 2\r\nb 3 4\r\n"])
def test_byte_order_mark_and_crlf_are_not_part_of_tokens(tmp_path, data):
    v = tokvec.load(_write(tmp_path / "v", data))
    assert v.tokens == ["a", "b"] and v["b"].tolist() == [3, 4]


def test_byte_order_mark_before_a_binary_header(tmp_path):
    tokvec.save(_vectors(["a", "b"]), tmp_path / "v.bin")
    data = b"\xef\xbb\xbf" + (tmp_path / "v.bin").read_bytes()
    v = tokvec.load(_write(tmp_path / "bom.bin", data))
    assert v.tokens == ["a", "b"]
    assert tokvec.load(tmp_path / "bom.bin", format="word2vec-binary").tokens == ["a", "b"]


def test_a_file_that_reads_as_two_formats_is_an_error_naming_both(tmp_path):
    path = _write(tmp_path / "v", b"3 4\nfoo 0.5\nbar 0.25\n")  # GloVe of dim 1 whose first token is "3"?
    with pytest.raises(tokvec.FormatError, match=r"reads as two formats.*word2vec header.*GloVe.*format='glove'"):
        tokvec.load(path)
    assert tokvec.load(path, format="glove").tokens == ["3", "foo", "bar"]


def test_reader_errors_say_how_the_format_was_decided(tmp_path):
    path = _write(tmp_path / "v.txt", b"2 3\na 1 2 3\nb 1 2\n")
    with pytest.raises(tokvec.FormatError, match=r"line 3.*read it as word2vec-text, sniffed.*pass format="):
        tokvec.load(path)
    with pytest.raises(tokvec.FormatError) as named:  # named by the caller: nothing to add
        tokvec.load(path, format="word2vec-text")
    assert "sniffed" not in str(named.value)


@pytest.mark.parametrize("data, message", [
    ("2 2\na 1 2\n".encode("utf-16"), "UTF-16.*re-encode"),
    (b"2 2\ra 1 2\rb 3 4\r", "bare carriage return"),
])
def test_unreadable_encodings_and_line_ends_say_what_to_do(tmp_path, data, message):
    with pytest.raises(tokvec.FormatError, match=message):
        tokvec.load(_write(tmp_path / "v", data))


# -- round trips ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_token_the_readers_accept_round_trips_where_the_format_can_hold_it(tmp_path, fmt):
    tokens = [t for t in ODD if t not in HOLDS[fmt]]
    if fmt == "glove":  # GloVe has no header: its row 0 cannot start with a byte order mark
        tokens = ["first", *tokens]
    v = _vectors(tokens)
    path = tokvec.save(v, tmp_path / f"v{FORMATS[fmt]}", format=fmt)
    back = tokvec.load(path)
    assert back.metadata["loaded_format"] == fmt and back.tokens == tokens
    np.testing.assert_array_equal(back.matrix, v.matrix)
    for bad in HOLDS[fmt]:
        with pytest.raises(tokvec.FormatError, match=r"holds a newline.*Save as .tokvec"):
            tokvec.save(_vectors(["ok", bad]), tmp_path / f"bad{FORMATS[fmt]}", format=fmt)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_the_odd_tokens_tokvec_writes(tmp_path, binary):
    tokens = [t for t in ODD if "\n" not in t and t != "\x85"]  # gensim's rstrip() eats a trailing U+0085 ...
    tokens = [t for t in tokens if not t.endswith(("\t", "\r", "\x0b", "\x1f", "\u3000", "\u202f", "\u2028"))]
    v = _vectors(tokens)  # ... and any trailing whitespace of a token in text and binary alike
    path = tokvec.save(v, tmp_path / ("v.bin" if binary else "v.txt"))
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(kv.index_to_key) == tokens
    np.testing.assert_array_equal(kv.vectors, v.matrix)


def test_tokens_over_64_kib_round_trip_in_binary_and_gensim_reads_them(tmp_path):
    tokens = ["a" * 70_000, "é" * 40_000, "short"]
    v = _vectors(tokens)
    path = tokvec.save(v, tmp_path / "long.bin")
    assert tokvec.load(path).tokens == tokens
    assert list(KeyedVectors.load_word2vec_format(str(path), binary=True).index_to_key) == tokens
    huge = _vectors(["x", "y" * (_scan.MAX_TOKEN_BYTES + 1)])
    with pytest.raises(tokvec.FormatError, match=r"row 1\) is longer than 1,048,576 bytes.*Save as .tokvec"):
        tokvec.save(huge, tmp_path / "huge.bin")
    assert not (tmp_path / "huge.bin").exists()


@pytest.mark.parametrize("fmt, token, message", [
    ("word2vec-text", "new york", "holds a space"),
    ("glove", "a b", "holds a space"),
    ("word2vec-binary", "new york", "holds a space"),
    ("word2vec-binary", "\nlead", "starts with a newline"),
])
def test_tokens_a_format_cannot_hold_are_refused_with_the_fix(tmp_path, fmt, token, message):
    path = tmp_path / f"v{FORMATS[fmt]}"
    with pytest.raises(tokvec.FormatError, match=rf"\(row 1\) {message}.*Save as .tokvec"):
        tokvec.save(_vectors(["ok", token]), path, format=fmt)
    assert not path.exists()


def test_glove_row_zero_that_would_read_as_a_header_or_a_byte_order_mark_is_refused(tmp_path):
    for tokens, matrix, message in ((["3", "b"], [[4.0], [1.0]], "read as a word2vec header"),
                                    (["\ufeffx", "b"], [[4.0], [1.0]], "byte order mark")):
        with pytest.raises(tokvec.FormatError, match=rf"\(row 0\).*{message}"):
            tokvec.save(tokvec.Vectors(tokens, np.array(matrix, np.float32)), tmp_path / "g", format="glove")
    fine = tokvec.Vectors(["3", "b"], np.array([[0.5], [1.0]], np.float32))
    assert tokvec.load(tokvec.save(fine, tmp_path / "g", format="glove")).tokens == ["3", "b"]


def test_convert_of_a_file_with_odd_tokens_keeps_them(tmp_path, capsys):
    from tokvec.cli import main

    src = _write(tmp_path / "in.txt", "3 2\n 1 2\nx\u00a0 3 4\n\u3000y\t 5 6\n".encode())
    for out in ("out.bin", "out.vec", "out.tokvec"):
        assert main(["convert", str(src), str(tmp_path / out)]) == 0
        assert tokvec.load(tmp_path / out).tokens == ["", "x\u00a0", "\u3000y\t"]


@pytest.mark.parametrize("token, message", [("bad\udcff", "lone surrogate"), (7, "is a int")])
def test_tokens_that_are_not_utf8_strings_are_refused_when_building(token, message):
    with pytest.raises(tokvec.InvalidArgumentError, match=rf"token 1 .*{message}"):
        _vectors(["ok", token])


def test_a_damaged_stored_index_never_misses_a_token_silently(tmp_path):
    from hostile import with_tensor

    path = tokvec.save(_vectors(["the", "cat", "a\nb"]), tmp_path / "v.tokvec")
    with_tensor(path, "vocab_utf8", lambda a: np.where(np.arange(len(a)) == 0, ord("u"), a))  # the -> uhe
    v = tokvec.load(path)
    assert v.tokens == ["uhe", "cat", "a\nb"] and v.index("cat") == 1 and v.index("a\nb") == 2
    with pytest.raises(tokvec.FormatError, match=r"v.tokvec: the stored token index .* misses 'uhe', which is token 0"):
        v.index("uhe")
    with pytest.raises(tokvec.UnknownTokenError):  # really absent: the usual error
        v.index("the")
    with pytest.raises(tokvec.UnknownTokenError):  # "b" only occurs inside a token, after its "\n"
        v.index("b")
    rebuilt = tokvec.load(tokvec.save(v, tmp_path / "rebuilt.tokvec"))  # convert rebuilds the index
    assert rebuilt.index("uhe") == 0


def test_convert_to_a_format_that_cannot_hold_a_token_names_it(tmp_path, capsys):
    from tokvec.cli import main

    src = _write(tmp_path / "g.txt", b"the 1 2 3\n. . . 4 5 6\n")  # GloVe 840B has tokens with spaces
    assert main(["convert", str(src), str(tmp_path / "out.bin")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error: token '. . .' (row 1) holds a space" in err and "Save as .tokvec" in err
    assert not (tmp_path / "out.bin").exists()


@pytest.mark.parametrize("fmt, tokens, row, message", [
    ("word2vec-text", ["ok", "", "\t", "x\ny", "z\n"], 3, "holds a newline"),
    ("glove", ["ok", "", "tail\n"], 2, "holds a newline"),
    ("word2vec-text", ["ok", "", "日本", "a b", "c d"], 3, "holds a space"),
    ("word2vec-binary", ["a", "", "é", "\nb", "\nc"], 3, "starts with a newline"),
    ("word2vec-binary", ["a", "", "x\ny", "b "], 3, "holds a space"),
])
def test_the_first_token_a_format_cannot_hold_is_named_by_its_row(tmp_path, fmt, tokens, row, message):
    with pytest.raises(tokvec.FormatError, match=rf"^token {re.escape(repr(tokens[row]))} \(row {row}\) {message}"):
        tokvec.save(_vectors(tokens), tmp_path / f"v{FORMATS[fmt]}", format=fmt)


def test_leading_blanks_of_a_token_are_kept_and_extra_separators_are_one(tmp_path):
    # a token with leading spaces (the last dim fields are the values, as for GloVe 840B); "b  0.3" is "b" 0.3
    v = tokvec.load(_write(tmp_path / "v.txt", b"3 2\n  tok 0.1 0.2\nb  0.3 0.4 \n\tc 0.5 0.6\r\n"))
    assert v.tokens == ["  tok", "b", "\tc"] and v["b"].tolist() == pytest.approx([0.3, 0.4])


@pytest.mark.parametrize("fmt, shape, message", [
    ("word2vec-binary", (2, 0), "dim 0"), ("word2vec-text", (2, 0), "dim 0"), ("glove", (0, 3), "no vectors"),
])
def test_shapes_a_format_cannot_read_back_are_refused(tmp_path, fmt, shape, message):
    v = tokvec.Vectors(["a", "b"][: shape[0]], np.ones(shape, np.float32))
    with pytest.raises(tokvec.FormatError, match=message):
        tokvec.save(v, tmp_path / f"v{FORMATS[fmt]}", format=fmt)
    back = tokvec.load(tokvec.save(v, tmp_path / "v.tokvec"))  # .tokvec holds any shape
    assert (len(back), back.dim) == shape


def test_text_bombs_are_refused_against_the_budget(tmp_path, monkeypatch):
    import gzip as gz

    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "4M")
    endless = tmp_path / "line.txt.gz"  # 40 MB in one line, 40 KB compressed
    endless.write_bytes(gz.compress(b"a" + b" 1" * 20_000_000, 9))
    with pytest.raises(tokvec.FormatError, match=r"line 1 is longer than 4.0 MiB: this is not a vector text file"):
        tokvec.load(endless, format="glove")
    rows = tmp_path / "rows.txt.gz"  # 6M valid rows
    rows.write_bytes(gz.compress(b"a 1 2 3 4\n" * 6_000_000, 9))
    with pytest.raises(tokvec.FormatError, match=r"rows of dim 4 read so far would need .* over tokvec's memory budget "
                                                 r"of 4.0 MiB.*decompression bomb.*limit="):
        tokvec.load(rows)
