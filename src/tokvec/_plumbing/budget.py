"""The memory budget: how much one file's data may make tokvec allocate before it refuses.

A vector file's header says how much it holds; a damaged or crafted one can claim 10^12 rows. Readers
call :func:`check` with the bytes they are about to allocate *before* allocating them, and get a
``FormatError`` naming the file and the numbers instead of a ``MemoryError`` or a swapping machine.
The budget is ``$TOKVEC_MEMORY_BUDGET`` (bytes, or with a ``K``/``M``/``G``/``T`` suffix) or else half
of the machine's physical memory.

Deliberately left out: tracking what is already allocated (each check is about one allocation).
"""

from __future__ import annotations

import os

from ..errors import FormatError, InvalidArgumentError

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
ENV = "TOKVEC_MEMORY_BUDGET"


def budget() -> int:
    """The budget in bytes (see the module docstring)."""
    text = os.environ.get(ENV, "").strip().upper().removesuffix("B").removesuffix("I")
    if text:
        unit = text[-1] if text[-1] in _UNITS else ""
        try:
            return int(float(text[: len(text) - len(unit)]) * _UNITS[unit])
        except ValueError:
            raise InvalidArgumentError(f"{ENV}={os.environ[ENV]!r} is not a size; use bytes or e.g. 8G") from None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def human(nbytes: int) -> str:
    """``1.5 GiB``."""
    value, unit = float(nbytes), "bytes"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if value < 1024:
            break
        value, unit = value / 1024, name
    return f"{value:,.1f} {unit}" if unit != "bytes" else f"{int(value):,} bytes"


HEADER_ADVICE = "the header is probably damaged. Pass limit= to read fewer vectors"


def check(nbytes: int, what: str, advice: str = HEADER_ADVICE) -> None:
    """Raise ``FormatError`` if allocating ``nbytes`` for ``what`` (e.g. "x.bin: the header's 10 x 3 vectors")
    would exceed the budget; the message ends with ``advice`` and how to raise the budget."""
    limit = budget()
    if nbytes > limit:
        more = "more than " if nbytes == limit + 1 else ""
        raise FormatError(f"{what} would need {more}{human(nbytes if not more else limit)}, over tokvec's memory "
                          f"budget of {human(limit)} (half the physical memory, or ${ENV}); {advice}, or raise ${ENV}")
