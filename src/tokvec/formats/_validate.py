"""What a ``.tokvec`` reader checks before it uses a tensor (docs/format.md, "Validation on open").

The container checks (every entry inside the file, no overlaps, dtype x shape, int64) run when the
header is read (``tokvec._plumbing.headers``); the packed vocabulary is checked by
``Vocab.from_packed``. :func:`check_tensors` adds what only a ``.tokvec`` reader knows: which dtype
each required tensor has and that their shapes agree (``vectors`` is ``(n, dim)``, ``norms`` and
``counts`` ``(n,)``, ``vocab_offsets`` ``(n+1,)``). A failure is a ``FormatError`` naming the file,
the tensor and the fix.

Deliberately left out: the optional version-2 parts (their readers validate them).
"""

from __future__ import annotations

from pathlib import Path

from .._plumbing import container as st
from ..errors import FormatError

# required dtypes of the version-1 tensors ("counts" is optional)
DTYPES = {"vectors": ("F32", "F16"), "norms": ("F32",), "vocab_utf8": ("U8",), "vocab_offsets": ("I64",),
          "counts": ("I64",)}
FIX = "rebuild it with `tokvec convert` from its source"


def check_tensors(path: Path, header: st.Header) -> None:
    """Raise ``FormatError`` unless the tensors of a ``.tokvec`` file have the dtypes and shapes they need."""
    entries = header.tensors
    rows = "int8.codes" if header.metadata.get("matrix") == "none" else "vectors"  # int8-only: the codes
    required = {**DTYPES, "vectors": ("I8",)} if rows != "vectors" else DTYPES
    for name, dtypes in required.items():
        name = rows if name == "vectors" else name
        if name not in entries:
            if name == "counts":
                continue
            raise FormatError(f"{path}: tensor {name!r} is missing; {FIX}")
        if entries[name]["dtype"] not in dtypes:
            raise FormatError(f"{path}: tensor {name!r} has dtype {entries[name]['dtype']}, expected "
                              f"{' or '.join(dtypes)}; {FIX}")
    shape = entries[rows]["shape"]
    if len(shape) != 2:
        raise FormatError(f"{path}: tensor {rows!r} has shape {tuple(shape)}, expected (tokens, dim); {FIX}")
    n = shape[0]
    expected = {"norms": [n], "vocab_offsets": [n + 1], "counts": [n], "vocab_utf8": None}
    for name, want in expected.items():
        if name not in entries:
            continue
        got = entries[name]["shape"]
        if (want is None and len(got) != 1) or (want is not None and got != want):
            described = "(bytes,)" if want is None else str(tuple(want))
            raise FormatError(f"{path}: tensor {name!r} has shape {tuple(got)}, expected {described} for "
                              f"{n:,} vectors; {FIX}")
