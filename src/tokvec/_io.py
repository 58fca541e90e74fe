"""Files: atomic writes, reading (compressed) streams, the cache directory.

Writes go to a temporary file beside the target and are renamed into place, so a failed or
interrupted write never leaves a half-written file under the target name and never destroys an
existing file there. Reads decompress gzip/bz2/xz judged by the first bytes, not the name.

Deliberately left out: file locking (a concurrent writer simply wins the rename).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a binary temporary file next to ``path``; on success rename it over ``path``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> with atomic_write(target) as f:
    ...     _ = f.write(b"hello")
    >>> target.read_bytes()
    b'hello'
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


_MAGIC = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open, b"\xfd7zXZ\x00": lzma.open}


def decompressor(path: str | os.PathLike[str]):
    """gzip/bz2/lzma ``open`` for a compressed file (judged by its first bytes, not its name), else None."""
    with open(path, "rb") as f:
        head = f.read(6)
    return next((opener for magic, opener in _MAGIC.items() if head.startswith(magic)), None)


def open_stream(path: str | os.PathLike[str]) -> BinaryIO:
    """Open for binary reading, decompressing gzip/bz2/xz transparently."""
    opener = decompressor(path)
    return opener(path, "rb") if opener else open(path, "rb")


def cache_dir() -> Path:
    """Where tokvec keeps converted builtins and indexes: ``$TOKVEC_HOME`` or ``~/.cache/tokvec``."""
    return Path(os.environ.get("TOKVEC_HOME") or Path.home() / ".cache/tokvec")
