"""word2vec formats: the C tool's binary and text files, and fastText's ``.vec`` (same as text).

Binary: a header line ``"<count> <dim>\\n"``, then per token ``token + b" " + dim float32 (little
endian)``, usually followed by ``b"\\n"``. Text: the same header, then one ``token v1 ... vdim``
line per token. Reading the binary is a single numba scan of a memory-mapped file
(``_scan.py``); text is parsed in batches by NumPy's C float parser.

Values are written exactly: text uses 7 significant digits where that reads back to the same
float32, else 9 (always enough). Tokens are kept byte for byte: in text a token is what precedes
a row's first space (it may be empty or hold tabs, ``\r``, NBSP ...), in binary what precedes the
record's space; ``_writable`` refuses, naming it, a token a format cannot hold.

Deliberately left out: float64 binaries, vocab-count side files (``formats.counts``), and fastText's
``.bin`` models (subword n-grams).
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._plumbing import budget as _budget
from .._plumbing.files import atomic_write
from ..errors import FormatError
from ..vectors import Vectors
from ..vocab import Vocab
from . import _scan
from ._common import decode_packed, is_number, open_stream, packed_vocab, read_buffer
from ._writable import check_binary_tokens, check_size, check_text_tokens
from .base import Format

HEADER = re.compile(rb"^\s*(\d+)\s+(\d+)\s*$")
BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark at the start of a file is an encoding mark, not a token
_BATCH = 50_000  # text rows parsed per NumPy call
_MAX_LINE = 1 << 30  # no text row is 1 GiB long (dim 100M); the memory budget may lower it
_ROW_OVERHEAD = 96  # bytes a text row's token keeps in memory besides its values (str, list slot)


class Header(NamedTuple):
    """A parsed header line: the vector count and dim, and the line's length in bytes (with its newline)."""

    count: int
    dim: int
    length: int


def sniff_header(path: Path, head: bytes) -> tuple[Header, bool] | None:
    """``(header, looks_like_text)`` if ``head`` starts with a ``<count> <dim>`` line, else None.

    A UTF-8 byte order mark before the header is skipped (``length`` counts it). It looks like text if
    the first non-blank line after the header is a token, a space and decimal numbers (the token may be
    empty, as gensim writes it): rows of ASCII numbers are text even when they happen to be ``4 * dim``
    bytes long, since float32 bytes are practically never all digits. A ``FormatError`` naming both
    formats when that row has one value and the header's dim is not 1 (line 1 is then a GloVe row too).
    """
    skip = len(BOM) if head.startswith(BOM) else 0
    first, newline, rest = head[skip:].partition(b"\n")
    if not HEADER.match(first.rstrip(b"\r")):
        return None
    header = Header(*parse_header(first.rstrip(b"\r"), path), skip + len(first) + len(newline))
    lines = rest.split(b"\n")
    second = next((line.rstrip(b"\r") for line in lines if line.strip()), b"")
    values = text_values(second, header.dim)
    if values is None:
        return header, False
    try:
        second.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in second:
            return header, False
    if values == 1 and header.dim != 1:  # line 1 reads as a GloVe row of dim 1 too: never guess
        line1 = first.rstrip(b"\r").decode("ascii")
        raise FormatError(
            f"{path} reads as two formats: line 1 {line1!r} is a word2vec header "
            f"({header.count:,} vectors of dim {header.dim:,}) but the rows hold 1 value each, as in a GloVe file of "
            "dim 1 whose first token is a number. Pass format='glove' to read line 1 as a row, or fix the header's "
            "dim and pass format='word2vec-text'")
    return header, True


def text_values(line: bytes, dim: int) -> int | None:
    """How many values ``line`` holds read as ``token v1 ... vk`` (token before the first space, maybe
    empty; or GloVe 840B's token with spaces followed by ``dim`` numbers), None if it is not such a row."""
    _, space, values = line.partition(b" ")
    parts = values.split()
    if space and parts and all(is_number(x) for x in parts):
        return len(parts)
    fields = line.split()
    if len(fields) >= dim + 1 and all(is_number(x) for x in fields[-dim:]):
        return dim
    return None


def parse_header(line: bytes, path: Path) -> tuple[int, int]:
    """``b"3000000 300"`` -> (3000000, 300); a clear error otherwise."""
    match = HEADER.match(line)
    if not match:
        raise FormatError(
            f"{path}: line 1 should be the header '<count> <dim>', found {line[:80]!r}. "
            "If the file has no header it is GloVe text: pass format='glove'"
        )
    count, dim = int(match.group(1)), int(match.group(2))
    if dim == 0:
        raise FormatError(f"{path}: the header says dim 0; a vector file needs dim >= 1")
    return count, dim


# -- binary -----------------------------------------------------------------------------------
def sniff_binary(path: Path, head: bytes) -> Header | None:
    """The header if ``head`` is a word2vec header not followed by a text row."""
    found = sniff_header(path, head)
    return found[0] if found and not found[1] else None


def read_binary(path: Path, header: Header | None = None, *, limit: int | None = None, errors: str = "strict",
                mmap: bool = True) -> Vectors:
    """Read a word2vec binary file (optionally gzip/bz2/xz-compressed); ``header`` as sniffed, if it was."""
    buf = read_buffer(path)
    if header is None:
        newline = bytes(buf[:256]).find(b"\n")
        if newline < 0:
            raise FormatError(f"{path}: no header line '<count> <dim>' in the first 256 bytes; "
                              "is this a word2vec binary file?")
        line = bytes(buf[:newline]).removeprefix(BOM).rstrip(b"\r")
        header = Header(*parse_header(line, path), newline + 1)
    count, dim = header.count, header.dim
    wanted = count if limit is None else min(count, limit)
    _budget.check(wanted * (4 * dim + 32), f"{path}: the header's {count:,} vectors of dim {dim:,}")
    # a record takes at least 4 * dim + 1 bytes: never allocate for more records than the file can hold
    room = max(0, len(buf) - header.length) // (4 * dim + 1) + 1
    vectors, packed, offsets, starts, end, status = _scan.scan(buf, header.length, min(wanted, room), dim)
    found = len(vectors)
    if status == _scan.TRUNCATED:
        raise FormatError(
            f"{path} is truncated: the header promises {count:,} vectors of dim {dim} "
            f"({4 * dim} bytes each) but record {found + 1:,} starting at byte offset {end:,} is "
            f"incomplete (the file has {len(buf):,} bytes). Re-download the file, or pass "
            f"limit={found} to load the {found:,} complete records"
        )
    if status == _scan.OK and found < wanted:  # stopped by the room cap: the file ends early
        status = _scan.TRUNCATED
    if status == _scan.LONG_TOKEN:
        raise FormatError(
            f"{path}: no space within {_scan.MAX_TOKEN_BYTES:,} bytes after byte offset {end:,} "
            f"(record {found + 1:,}), so the data does not match the header's dim {dim}. "
            "Check the header, or whether this is a text file (format='word2vec-text')"
        )
    if limit is None or limit >= count:
        tail = bytes(buf[end : end + 4096])
        if tail.strip():
            raise FormatError(
                f"{path}: the header says {count:,} vectors of dim {dim}, but data continues after "
                f"them at byte offset {end:,}. Fix the count in the header, or pass limit={count} "
                "to read only the announced vectors"
            )
    vocab = packed_vocab(packed, offsets, errors,
                         lambda i, at: f"in token {i + 1:,}, at byte offset {int(starts[i]) + at:,} of {path}")
    return Vectors(vocab, vectors, source=str(path))


def write_binary(vectors: Vectors, path: Path, *, dtype: str | None = None) -> None:
    """Write word2vec binary (float32; a ``\\n`` after each vector, as the C tool does)."""
    vectors = vectors.astype(dtype) if dtype is not None else vectors  # rounds; the file holds float32
    tokens = vectors.tokens
    check_size(len(vectors), vectors.dim, "word2vec binary")
    check_binary_tokens(vectors.vocab)
    n, dim = len(vectors), vectors.dim
    with atomic_write(path) as f:
        f.write(f"{n} {dim}\n".encode())
        step = 16_384
        for start in range(0, n, step):
            block = np.ascontiguousarray(vectors.matrix[start : start + step], dtype="<f4")
            chunk = [
                tokens[start + r].encode("utf-8") + b" " + block[r].tobytes() + b"\n"
                for r in range(len(block))
            ]
            f.write(b"".join(chunk))


# -- text -------------------------------------------------------------------------------------
def sniff_text(path: Path, head: bytes) -> Header | None:
    """The header if ``head`` is a word2vec header followed by a text row."""
    found = sniff_header(path, head)
    return found[0] if found and found[1] else None


def read_text(
    path: Path, header: Header | None = None, *, limit: int | None = None, errors: str = "strict",
    mmap: bool = True,
) -> Vectors:
    """Read word2vec/fastText text; ``header`` as sniffed, if it was."""
    with open_stream(path) as stream:
        return TextReader(path, limit, errors, header=True, known=header).read(stream)


class TextReader:
    """Parses ``token v1 ... vdim`` lines after an optional ``<count> <dim>`` header (``known`` if sniffed)."""

    def __init__(self, path: Path, limit: int | None, errors: str, *, header: bool, known: Header | None = None):
        self.path, self.header, self.limit, self.errors = path, header, limit, errors
        self.known = known
        self.dim, self.held = 0, 0
        self.tokens: list[str] = []
        self.blocks: list[np.ndarray] = []

    def read(self, stream: io.BufferedReader) -> Vectors:
        count = None
        lineno, offset = 0, 0
        cap = min(_budget.budget(), _MAX_LINE)  # a line is read whole: a bomb of one endless line must not be
        lines = iter(functools.partial(stream.readline, cap), b"")
        if self.header:
            first = next(lines, b"")
            lineno, offset = 1, len(first)
            known = self.known
            count, self.dim = known[:2] if known else parse_header(first.removeprefix(BOM).rstrip(b"\r\n"), self.path)
        wanted = count if self.limit is None else (self.limit if count is None else min(count, self.limit))
        batch: list[tuple[int, int, bytes, bytes]] = []  # (line number, byte offset, token, values)
        rows = 0
        for line in lines:
            lineno += 1
            if len(line) == cap and not line.endswith(b"\n"):
                raise FormatError(f"{self.path}, line {lineno:,} is longer than {_budget.human(cap)}: this is not "
                                  "a vector text file (or it is damaged); check the file, or pass the right format=")
            start, offset = offset, offset + len(line)
            body = line.rstrip(b"\r\n") if start else line.removeprefix(BOM).rstrip(b"\r\n")
            if not body.strip():
                continue  # blank lines (e.g. a trailing one) are allowed anywhere
            if wanted is not None and rows >= wanted:
                if count is not None and rows >= count:
                    raise FormatError(
                        f"{self.path}: the header says {count:,} vectors, but line {lineno:,} holds "
                        f"another one. Fix the count in the header (or pass limit={count})"
                    )
                break
            token, _, values = body.partition(b" ")
            if not self.dim:
                self.dim = len(values.split())
                if self.dim == 0:
                    raise FormatError(f"{self.path}, line {lineno}: the token {token[:40]!r} has no "
                                      "values; each line must be 'token v1 v2 ... vdim'")
            batch.append((lineno, start, token, values.rstrip()))  # leading blanks: a token with spaces
            rows += 1
            if len(batch) == _BATCH:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)
        if count is not None and self.limit is None and rows < count:
            raise FormatError(
                f"{self.path}: the header says {count:,} vectors but the file ends after {rows:,} "
                f"(line {lineno:,}). The file may be truncated; fix the header or pass limit={rows}"
            )
        matrix = np.concatenate(self.blocks) if self.blocks else np.zeros((0, max(self.dim, 1)), np.float32)
        return Vectors(Vocab(self.tokens), matrix, source=str(self.path))

    def _flush(self, batch: list[tuple[int, int, bytes, bytes]]) -> None:
        dim = self.dim
        joined = b" ".join(b[3] for b in batch)
        values = np.zeros(0, np.float32)
        # fast path: single spaces only and every line has dim fields; then NumPy parses them all
        if b"\t" not in joined and b"  " not in joined and all(b[3].count(b" ") == dim - 1 for b in batch):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    values = np.fromstring(joined, dtype=np.float32, sep=" ")
                except ValueError:
                    pass
        raw_tokens = [b[2] for b in batch]
        if values.size != len(batch) * dim:  # some line is ragged, oddly spaced or malformed
            values, raw_tokens = self._parse_slowly(batch)
        self.held += values.nbytes + len(batch) * _ROW_OVERHEAD  # what the rows read so far keep in memory
        _budget.check(self.held, f"{self.path}: the {len(self.tokens) + len(batch):,} rows of dim {dim:,} read so far",
                      "it may be a decompression bomb. Pass limit= to read fewer rows")
        self.blocks.append(values.reshape(len(batch), dim))
        packed = np.frombuffer(b"".join(t + b"\n" for t in raw_tokens), np.uint8)
        offsets = np.zeros(len(raw_tokens) + 1, np.int64)
        np.cumsum([len(t) + 1 for t in raw_tokens], out=offsets[1:])
        self.tokens.extend(decode_packed(
            packed, offsets, self.errors,
            lambda i, at: f"on line {batch[i][0]:,} (byte offset {batch[i][1] + at:,}) of {self.path}",
        ))

    def _parse_slowly(self, batch: list[tuple[int, int, bytes, bytes]]) -> tuple[np.ndarray, list[bytes]]:
        dim = self.dim
        out = []  # rows are appended once they hold dim values: a header's absurd dim allocates nothing
        tokens = []
        for lineno, _, token, values in batch:
            parts = values.split()  # the token is what precedes the first space, kept byte for byte
            if len(parts) < dim and token.split() and len(token.split()) > 1:  # a tab-separated row
                fields = (token + b" " + values).split()
                token, parts = fields[0], fields[1:]
            if len(parts) > dim and not is_number(parts[0]):
                # GloVe 840B has a few tokens with spaces: the last `dim` fields are the values
                token = (token + b" " + values).rsplit(None, dim)[0]
                parts = parts[len(parts) - dim :]
            if len(parts) != dim:
                expected = f"the header's dim {dim}" if self.header else f"{dim} as on the first line"
                raise FormatError(
                    f"{self.path}, line {lineno:,}: token {token[:40].decode('utf-8', 'replace')!r} "
                    f"has {len(parts)} values, expected {expected}. Every row needs the same number "
                    "of values: fix or delete this line"
                )
            try:
                out.append(np.array(parts, dtype=np.float32))
            except ValueError:
                bad = next(p for p in parts if not is_number(p))
                raise FormatError(
                    f"{self.path}, line {lineno:,}: {bad[:40].decode('utf-8', 'replace')!r} is not a "
                    "number; values must be decimal floats"
                ) from None
            tokens.append(token)
        return np.array(out, np.float32).reshape(len(batch), dim), tokens


def write_text(vectors: Vectors, path: Path, *, header: bool = True, format_name: str = "word2vec text",
               dtype: str | None = None) -> None:
    """Write ``token v1 ... vdim`` lines (with a ``count dim`` header unless ``header=False``)."""
    vectors = vectors.astype(dtype) if dtype is not None else vectors  # float16 values are written exactly
    tokens = vectors.tokens
    first = f"{float(vectors.matrix[0, 0]):.9g}" if len(vectors) and vectors.dim == 1 and not header else ""
    check_size(len(vectors), vectors.dim, format_name, header=header)
    check_text_tokens(vectors.vocab, format_name, header=header, first_values=first)
    n, dim = len(vectors), vectors.dim
    short = " ".join(["%.7g"] * dim)  # float16 values are written as the float32 numbers they equal
    exact = " ".join(["%.9g"] * dim)
    with atomic_write(path) as f:
        if header:
            f.write(f"{n} {dim}\n".encode())
        step = 8_192
        for start in range(0, n, step):
            block = np.asarray(vectors.matrix[start : start + step], dtype=np.float32)
            as_float = block.astype(np.float64).tolist()
            lines = [short % tuple(row) for row in as_float]
            back = np.array(" ".join(lines).split(), dtype=np.float32).reshape(block.shape)
            same = (back == block) | (np.isnan(back) & np.isnan(block))
            for r in np.flatnonzero(~same.all(axis=1)):
                lines[r] = exact % tuple(as_float[r])
            f.write("".join(f"{tokens[start + r]} {lines[r]}\n" for r in range(len(lines))).encode("utf-8"))


BINARY = Format("word2vec-binary", "the word2vec C tool's binary file", sniff_binary, read_binary, write_binary,
                extensions=(".bin",), aliases=("word2vec", "bin", "binary"))
TEXT = Format("word2vec-text", "word2vec / fastText text with a '<count> <dim>' header", sniff_text, read_text,
              write_text, extensions=(".vec", ".txt"), aliases=("text", "fasttext", "vec", "txt"), first_line=2)
