"""Mutations of valid files for the fuzz suite (``tests/test_fuzz.py``): hypothesis strategies and their use.

A mutation is a small tuple (so hypothesis can shrink it and a failure prints as a reproducible case):
``("cut", at)`` truncates, ``("flip", [(at, xor), ...])`` flips bits, ``("insert", at, bytes)``,
``("delete", at, n)``, ``("number", k, text)`` replaces the k-th run of digits (header counts, dims,
lengths, JSON offsets and shapes) with a bogus number, ``("prefix", n)`` sets a safetensors file's
8-byte header length, ``("json", k, field, value)`` sets a field of the k-th entry of a safetensors
header to a bogus JSON value. Positions are taken modulo the file's length.
"""

from __future__ import annotations

import re
import struct
import tracemalloc

from hypothesis import strategies as st

from hostile import join_safetensors, split_safetensors

BOGUS_NUMBERS = [b"0", b"-1", b"1", b"7", b"65536", b"4294967297", b"999999999999", b"18446744073709551615",
                 b"99999999999999999999999", b"1e309", b"nan", b"-0", b"00", b"3.5"]
BOGUS_JSON = [None, -1, 0, 2**63, 2**64 + 1, 10**12, "x", "F64", "I8", [], [10**12, 10**12], [-1, 4], [0], {}, 1.5]
FIELDS = ["dtype", "shape", "data_offsets", "format", "version", "tokens", "dim", "index.hash", "features"]

position = st.integers(0, 1 << 20)
mutation = st.one_of(
    st.tuples(st.just("cut"), position),
    st.tuples(st.just("flip"), st.lists(st.tuples(position, st.integers(1, 255)), min_size=1, max_size=6)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=12)),
    st.tuples(st.just("delete"), position, st.integers(1, 64)),
    st.tuples(st.just("number"), st.integers(0, 200), st.sampled_from(BOGUS_NUMBERS)),
    st.tuples(st.just("prefix"), st.sampled_from([0, 1, 7, 8, 2**31, 2**63, 2**64 - 1])),
    st.tuples(st.just("json"), st.integers(0, 20), st.sampled_from(FIELDS), st.sampled_from(BOGUS_JSON)),
)
mutations = st.lists(mutation, min_size=1, max_size=3)


def mutate(data: bytes, steps: list[tuple]) -> bytes:
    """``data`` with every mutation of ``steps`` applied in turn."""
    for step in steps:
        data = _apply(data, step)
    return data


def _apply(data: bytes, step: tuple) -> bytes:
    kind, size = step[0], max(len(data), 1)
    if kind == "cut":
        return data[: step[1] % size]
    if kind == "flip":
        raw = bytearray(data)
        for at, xor in step[1]:
            if raw:
                raw[at % len(raw)] ^= xor
        return bytes(raw)
    if kind == "insert":
        at = step[1] % (len(data) + 1)
        return data[:at] + step[2] + data[at:]
    if kind == "delete":
        at = step[1] % size
        return data[:at] + data[at + step[2]:]
    if kind == "number":
        runs = list(re.finditer(rb"\d+", data[:1 << 16]))
        if not runs:
            return data
        run = runs[step[1] % len(runs)]
        return data[: run.start()] + step[2] + data[run.end():]
    if kind == "prefix":
        return struct.pack("<Q", step[1]) + data[8:] if len(data) >= 8 else data
    return _json_field(data, *step[1:])


def _json_field(data: bytes, k: int, field: str, value: object) -> bytes:
    try:
        header, rest = split_safetensors(data)
    except (ValueError, struct.error, UnicodeDecodeError):
        return data
    if not isinstance(header, dict) or not header:
        return data
    key = sorted(header)[k % len(header)]
    entry = header[key]
    if isinstance(entry, dict):
        entry[field] = value
    else:
        header[key] = value
    return join_safetensors(header, rest)


class Allocation:
    """Peak Python/NumPy allocation (tracemalloc) inside a ``with`` block, in bytes."""

    def __enter__(self) -> Allocation:
        tracemalloc.start()
        return self

    def __exit__(self, *exc) -> None:
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def one_line(exc: BaseException) -> bool:
    text = str(exc)
    return bool(text.strip()) and "\n" not in text and "Traceback" not in text


__all__ = ["Allocation", "mutate", "mutations", "one_line"]
