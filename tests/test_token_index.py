"""The compiled token index against its Python twin (a dict of first occurrences)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tokvec.vocab import Vocab
from tokvec.vocab import _index as _token_index


def _pack(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [t.encode("utf-8") for t in tokens]
    offsets = np.concatenate([[0], np.cumsum([len(b) + 1 for b in encoded])]).astype(np.int64)
    return np.frombuffer(b"".join(b + b"\n" for b in encoded), np.uint8), offsets


@settings(max_examples=100, deadline=None)
@given(tokens=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=60),
       probes=st.lists(st.text(max_size=6), max_size=10))
def test_kernel_equals_reference(tokens, probes):
    buffer, offsets = _pack(tokens)
    table, dup = _token_index.build(buffer, offsets)
    first, ref_dup = _token_index.build_reference(buffer, offsets)
    np.testing.assert_array_equal(dup, ref_dup)
    for probe in tokens + probes:
        key = probe.encode("utf-8")
        assert _token_index.find(buffer, offsets, table, key) == _token_index.find_reference(first, key)


def test_collisions_and_empty_token():
    tokens = [f"t{i}" for i in range(5000)] + ["", "t17"]
    vocab = Vocab(tokens)
    assert vocab.index("t4999") == 4999 and vocab.index("") == 5000
    assert vocab.duplicates().sum() == 1 and vocab.duplicates()[-1]
    assert vocab.index("t17") == 17  # the first occurrence wins
    assert vocab.get("nope") is None and "nope" not in vocab


def test_packed_vocab_lookup_without_decoding():
    buffer, offsets = _pack(["the", "cat", "日本"])
    vocab = Vocab.from_packed(buffer, offsets)
    assert vocab.index("日本") == 2 and vocab._tokens is None
    assert vocab.head(2).get("日本") is None and vocab.head(2).index("cat") == 1
