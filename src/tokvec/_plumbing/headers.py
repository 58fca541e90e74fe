"""Validation of a parsed safetensors header before any tensor of it is used.

A safetensors header is JSON written by whoever made the file. :func:`check` makes sure it is an
object; that ``__metadata__``, if present, maps strings to strings; and that every tensor entry
has a known dtype, a shape of non-negative integers whose product (and byte size) fits in int64,
and ``data_offsets`` ``[begin, end]`` with ``end - begin == dtype size x product``, lying inside the
file and overlapping no other entry. After it, ``_safetensors.tensor`` can map any entry without
reading outside the file. Every failure is one ``FormatError`` naming the file and the tensor.

Deliberately left out: what the tensors mean (each reader checks the names and shapes it needs).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FormatError

# bytes per element of every safetensors dtype (the spec's list), read or not by tokvec
ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
            "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}
INT64_MAX = 2**63 - 1
_FIX = "the file is damaged or was not written by a safetensors writer: rebuild it with `tokvec convert` or re-copy it"


def check(path: Path, parsed: object, data_start: int, size: int) -> tuple[dict[str, dict], dict[str, str]]:
    """``(tensor entries, metadata)`` of a parsed header, after checking everything described above."""
    if not isinstance(parsed, dict):
        raise FormatError(f"{path}: the safetensors header is a JSON {type(parsed).__name__}, not an object; {_FIX}")
    tensors = dict(parsed)
    metadata = tensors.pop("__metadata__", None)
    metadata = {} if metadata is None else metadata
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in metadata.items()):
        raise FormatError(f"{path}: the header's __metadata__ must be an object of strings, got "
                          f"{_shorten(metadata)}; {_FIX}")
    spans = sorted((_span(path, name, entry, data_start, size), name) for name, entry in tensors.items())
    for (prev, prev_name), (cur, name) in zip(spans, spans[1:]):
        if cur[0] < prev[1]:
            raise FormatError(f"{path}: tensors {prev_name!r} (bytes {prev[0]:,}..{prev[1]:,}) and {name!r} "
                              f"(bytes {cur[0]:,}..{cur[1]:,}) overlap; {_FIX}")
    return tensors, metadata


def _span(path: Path, name: str, entry: object, data_start: int, size: int) -> tuple[int, int]:
    """``(begin, end)`` of a tensor entry, checked against its dtype, shape and the file size."""
    def bad(what: str) -> FormatError:
        return FormatError(f"{path}: tensor {name!r} {what}; {_FIX}")

    if not isinstance(entry, dict):
        raise bad(f"has the entry {_shorten(entry)}, not an object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(dtype, str) or dtype not in ITEMSIZE:
        raise bad(f"has the unknown dtype {_shorten(dtype)}")
    if not isinstance(shape, list) or not all(_is_int(s) and s >= 0 for s in shape):
        raise bad(f"has the shape {_shorten(shape)}; a shape is a list of non-negative integers")
    count = 1
    for s in shape:
        count *= s
    nbytes = count * ITEMSIZE[dtype]
    if nbytes > INT64_MAX:
        raise bad(f"has the shape {shape}, whose size overflows int64")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(x) for x in offsets):
        raise bad(f"has data_offsets {_shorten(offsets)}; they must be two integers [begin, end]")
    begin, end = offsets
    if not 0 <= begin <= end:
        raise bad(f"has data_offsets [{begin}, {end}]; they must satisfy 0 <= begin <= end")
    if end - begin != nbytes:
        raise bad(f"claims dtype {dtype} x shape {tuple(shape)} ({nbytes:,} bytes) but spans {end - begin:,} bytes")
    if data_start + end > size:
        raise FormatError(
            f"{path} is truncated: tensor {name!r} ends at byte {data_start + end:,} but the file has {size:,} bytes. "
            "Re-create it (tokvec convert) or re-copy it"
        )
    return begin, end


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _shorten(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
