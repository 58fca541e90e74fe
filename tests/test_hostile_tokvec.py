"""Crafted and damaged ``.tokvec`` files are refused with one FormatError naming the file, never crash."""

from __future__ import annotations

import numpy as np
import pytest

import tokvec
from hostile import small_vectors, tokvec_file, with_header, with_tensor
from tokvec import FormatError, Vocab


def _set(index, value):
    def edit(a):
        a[index] = value
        return a
    return edit


def _entry(name, **changes):
    return lambda h: {**h, name: {**h[name], **changes}}


OFFSET_CASES = {
    "last offset 10^12": (_set(-1, 10**12), "vocab_offsets ends at 1,000,000,000,000"),
    "negative offset": (_set(2, -5), "not strictly increasing: offset 2 is -5"),
    "first offset not 0": (_set(0, 1), r"vocab_offsets\[0\] is 1, not 0"),
    "non-monotonic": (lambda a: np.concatenate([a[:2], [a[3]], [a[2]], a[4:]]), "not strictly increasing"),
    "shifted by one": (lambda a: np.concatenate([a[:2], [a[2] + 1], a[3:]]), "not followed by a newline"),
}


@pytest.mark.parametrize("case", OFFSET_CASES)
def test_bad_vocab_offsets_are_refused(tmp_path, case):
    edit, message = OFFSET_CASES[case]
    path = with_tensor(tokvec_file(tmp_path), "vocab_offsets", edit)
    with pytest.raises(FormatError, match=message) as info:
        tokvec.load(path)
    assert str(path) in str(info.value) and "tokvec convert" in str(info.value)


HEADER_CASES = {
    "metadata not an object": (lambda h: {**h, "__metadata__": [1, 2]}, "__metadata__ must be an object of strings"),
    "metadata value not a string": (lambda h: {**h, "__metadata__": {**h["__metadata__"], "dim": 4}},
                                    "__metadata__ must be an object of strings"),
    "header is an array": (lambda h: [h], "header is a JSON list, not an object"),
    "negative shape": (_entry("norms", shape=[-6]), "non-negative integers"),
    "float shape": (_entry("norms", shape=[6.0]), "non-negative integers"),
    "shape overflows int64": (_entry("vectors", shape=[2**62, 2**62]), "overflows int64"),
    "negative data offset": (_entry("norms", data_offsets=[-24, 0]), "0 <= begin <= end"),
    "offsets beyond the file": (_entry("counts", data_offsets=[10**12, 10**12 + 48]), "is truncated"),
    "shape does not match span": (_entry("norms", shape=[5]), "spans 24 bytes"),
    "unknown dtype": (_entry("norms", dtype="Q7"), "unknown dtype"),
    "entry not an object": (lambda h: {**h, "extra": 3}, "not an object"),
    "overlapping tensors": (lambda h: {**h, "counts": {**h["counts"], "data_offsets": h["norms"]["data_offsets"][:1]
                                                       + [h["norms"]["data_offsets"][0] + 48]}}, "overlap"),
    "vectors not 2-D": (_entry("vectors", shape=[24]), "expected \\(tokens, dim\\)"),
    "norms wrong dtype": (_entry("norms", dtype="I32"), "has dtype I32, expected F32"),
    "offsets count mismatch": (lambda h: {**h, "vectors": {**h["vectors"], "shape": [3, 8]}},
                               "'norms' has shape \\(6,\\), expected \\(3,\\)"),
    "vectors missing": (lambda h: {k: v for k, v in h.items() if k != "vectors"}, "'vectors' is missing"),
}


@pytest.mark.parametrize("case", HEADER_CASES)
def test_malformed_headers_are_refused(tmp_path, case):
    edit, message = HEADER_CASES[case]
    path = with_header(tokvec_file(tmp_path), edit)
    with pytest.raises(FormatError, match=message) as info:
        tokvec.load(path)
    assert str(path) in str(info.value)


def test_bad_utf8_in_the_vocabulary_names_the_file_and_token(tmp_path):
    path = with_tensor(tokvec_file(tmp_path), "vocab_utf8", lambda a: np.where(a == ord("3"), 0xFF, a))
    v = tokvec.load(path)  # the bytes are decoded on first use, not at open
    assert v.token(0) == "tok0"
    with pytest.raises(FormatError, match=f"{path}: token 3 of the vocabulary is not valid UTF-8"):
        _ = v.tokens
    with pytest.raises(FormatError, match="token 3 of the vocabulary is not valid UTF-8"):
        v.token(3)


def test_valid_files_still_open_and_answer_like_the_original(tmp_path):
    original = small_vectors()
    v = tokvec.load(tokvec_file(tmp_path))
    assert v.tokens == original.tokens
    assert [v.index(t) for t in original.tokens] == list(range(len(original)))
    np.testing.assert_array_equal(v.matrix, original.matrix)
    empty = tokvec.load(tokvec_file(tmp_path, "e.tokvec", tokvec.Vectors([], np.zeros((0, 3), np.float32))))
    assert len(empty) == 0


def test_from_packed_checks_what_it_is_given():
    buffer = np.frombuffer(b"a\nbb\n", np.uint8)
    assert Vocab.from_packed(buffer, np.array([0, 2, 5])).tokens == ["a", "bb"]
    for offsets in ([0, 2, 9], [0, -1, 5], [0, 3, 5], [1, 2, 5], []):
        with pytest.raises(FormatError, match="the vocabulary is damaged"):
            Vocab.from_packed(buffer, np.array(offsets, np.int64))
