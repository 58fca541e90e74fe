"""Files: atomic writes, reading (compressed) streams, the cache directory.

Writes go to a temporary file beside the target and are renamed into place, so a failed or
interrupted write never leaves a half-written file under the target name and never destroys an
existing file there. Reads decompress gzip/bz2/xz judged by the first bytes, not the name.

Deliberately left out: file locking (a concurrent writer simply wins the rename).
"""

from __future__ import annotations

import bz2
import contextlib
import glob
import gzip
import lzma
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import FormatError, InvalidArgumentError


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a binary temporary file next to ``path``; on success rename it over ``path``.

    The temporary file is ``.NAME.PID.XXXX.tmp``: a write killed before its rename (SIGKILL, power
    loss) leaves one behind, and the next write to ``path`` removes those whose process is gone.
    An ``OSError`` names ``path``, not the temporary file.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> with atomic_write(target) as f:
    ...     _ = f.write(b"hello")
    >>> target.read_bytes()
    b'hello'
    """
    target = Path(path)
    if target.exists() and not target.is_file():  # never rename over a directory, device or pipe
        raise InvalidArgumentError(f"{target} exists and is not a regular file; tokvec writes only regular files: "
                                   "choose another output path")
    directory = target.parent if str(target.parent) else Path(".")
    tmp_name = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(target)
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp", dir=directory)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException as exc:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        if isinstance(exc, OSError) and exc.errno is not None and (
                exc.filename is None or Path(str(exc.filename)).name.startswith(temp_prefix(target))):
            raise OSError(exc.errno, exc.strerror, str(target)) from None  # name the target, not the temp file
        raise


def temp_prefix(target: Path) -> str:
    """``.NAME.PID.``: how temporary files and directories for ``target`` start (see ``sweep_leftovers``)."""
    return f".{target.name}.{os.getpid()}."


def sweep_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files earlier writes to ``target`` left behind when killed; returns them.

    Only files named ``.NAME.PID.*.tmp`` whose process ``PID`` no longer runs are removed, so a
    concurrent writer's file is never touched.
    """
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[^.]+\.tmp$")
    directory = target.parent if str(target.parent) else Path(".")
    removed = []
    for candidate in directory.glob(f".{glob.escape(target.name)}.*.tmp"):
        match = pattern.match(candidate.name)
        if match and not _running(int(match.group(1))):
            with contextlib.suppress(OSError):
                shutil.rmtree(candidate) if candidate.is_dir() and not candidate.is_symlink() else candidate.unlink()
                removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number no process can have: leave it alone)
    return True


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


# what a damaged or truncated compressed stream raises (bz2 raises OSError("Invalid data stream"))
DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile)


@contextlib.contextmanager
def reading(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn what a damaged or truncated (compressed) file makes Python raise into a ``FormatError``
    naming ``path``; an ``OSError`` with an errno (permission denied, ...) passes through unchanged."""
    try:
        yield
    except DECOMPRESSION_ERRORS as exc:
        raise damaged(path, exc) from None
    except OSError as exc:
        if exc.errno is not None:
            raise
        raise damaged(path, exc) from None


def damaged(path: str | os.PathLike[str], exc: BaseException) -> FormatError:
    """The error for a file that cannot be decompressed or ends early."""
    detail = (str(exc).strip().splitlines() or [""])[0][:120]
    return FormatError(f"{path} is damaged or truncated ({type(exc).__name__}: {detail}); if it was downloaded "
                       "the download was probably interrupted: download or copy it again")
