"""The ordered token <-> id table behind every ``Vectors``.

Tokens are held as one packed UTF-8 buffer (every token followed by ``\\n``) plus ``n+1``
offsets, exactly as ``.tokvec`` stores them, so a memory-mapped file needs no decoding at open.
Token -> id lookups go through a hash index (``_index``): the one a ``.tokvec`` file stores
(``from_packed(..., table=...)``), else one built in one compiled pass on first use. A lookup
probes it in plain Python, so finding a word in a stored index compiles nothing. Python
strings are only made for the tokens you ask for (or all of them when ``tokens`` is read).
Ids are row numbers.

Deliberately left out: tokenisation (see ``formats/hf.py``) and mutation: a Vocab is fixed once built.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ..errors import FormatError, InvalidArgumentError, TokvecWarning, UnknownTokenError
from ..printable import brief
from . import _index as _token_index
from . import _packed

INDEX_HASH = _token_index.HASH  # what a stored table's ``index.hash`` must say for ``from_packed(table=...)``
_SUGGESTION_POOL = 200_000  # close-match search looks at this many leading (most frequent) tokens


def _refuse_token(tokens: list) -> None:
    """Name the first token that is not a ``str`` that UTF-8 can encode (a lone surrogate cannot be stored)."""
    for i, t in enumerate(tokens):
        try:
            t.encode("utf-8")
        except AttributeError:
            raise InvalidArgumentError(f"token {i:,} is a {type(t).__name__} ({t!r:.60}); tokens must be str") from None
        except UnicodeEncodeError as exc:
            raise InvalidArgumentError(f"token {i:,} ({t!r:.60}) holds a lone surrogate {t[exc.start]!r}, which UTF-8 "
                                       "cannot store; decode its bytes with errors='replace' instead") from None


class Vocab:
    """An ordered vocabulary: ``vocab.index("cat") -> 1``, ``vocab.token(2) -> "sat"``.

    >>> vocab = Vocab(["the", "cat", "sat"])
    >>> vocab.index("cat"), vocab.token(2), "dog" in vocab, len(vocab)
    (1, 'sat', False, 3)
    """

    def __init__(self, tokens: Sequence[str], counts: np.ndarray | Sequence[int] | None = None):
        tokens = list(tokens)
        try:
            encoded = [t.encode("utf-8") for t in tokens]
        except (AttributeError, UnicodeEncodeError):
            _refuse_token(tokens)
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(b) + 1 for b in encoded), np.int64, len(encoded)), out=offsets[1:])
        buffer = np.frombuffer(b"".join(b + b"\n" for b in encoded), dtype=np.uint8)
        self._init(buffer, offsets, counts)
        self._tokens = tokens

    @classmethod
    def from_packed(
        cls, buffer: np.ndarray, offsets: np.ndarray, counts: np.ndarray | None = None, *, where: str = "",
        checked: bool = False, table: np.ndarray | None = None,
    ) -> Vocab:
        """Build from a UTF-8 buffer where token ``i`` is ``buffer[offsets[i]:offsets[i+1]-1]``.

        ``offsets`` has ``n+1`` entries, ``0`` first, strictly increasing, ``len(buffer)`` last, and
        every token is followed by ``\\n``; anything else raises ``FormatError`` (its message starts
        with ``where``) unless ``checked`` says the caller has already verified it. Nothing is
        decoded or indexed until needed. ``table`` is a stored hash index of these (unique) tokens
        (``docs/format.md``, feature ``index``): it is checked in one vectorised pass and used instead
        of building one.
        """
        buffer, offsets = np.asarray(buffer, dtype=np.uint8), np.asarray(offsets, dtype=np.int64)
        found = None if checked else _packed.problem(buffer, offsets)
        if found:
            raise FormatError(f"{where}{found}; the vocabulary is damaged: rebuild the file with `tokvec convert` "
                              "from its source")
        self = cls.__new__(cls)
        self._init(buffer, offsets, counts)
        self._where = where
        if table is not None:
            problem = _token_index.check(table, self._size)
            if problem:
                raise FormatError(f"{where}tensor 'index.table' {problem}; the file is corrupted: "
                                  "rebuild it with `tokvec convert`")
            self._table = table
        return self

    def _init(self, buffer: np.ndarray, offsets: np.ndarray, counts) -> None:
        self._buffer = buffer
        self._offsets = offsets
        self._size = len(offsets) - 1
        self._tokens: list[str] | None = None
        self._table: np.ndarray | None = None  # may index a longer vocabulary (``head`` shares it)
        self._built = False  # True when ``_table`` was built here for exactly these tokens
        self._duplicates: np.ndarray | None = None
        self._where = ""  # names the file in errors about its bytes
        self.counts = _check_counts(counts, self._size)

    # -- size and membership -------------------------------------------------------------------
    def __len__(self) -> int:
        return self._size

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.get(token) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.tokens)

    def __repr__(self) -> str:
        head = ", ".join(repr(self.token(i)) for i in range(min(3, self._size)))
        return f"Vocab({self._size:,} tokens: {head}{', ...' if self._size > 3 else ''})"

    # -- id <-> token --------------------------------------------------------------------------
    @property
    def tokens(self) -> list[str]:
        """All tokens in id order (decoded on first use)."""
        if self._tokens is None:
            self._tokens = _unpack(self._buffer, self._offsets, self._where)
        return self._tokens

    def token(self, i: int) -> str:
        """The token with id ``i`` (negative ids count from the end)."""
        n = self._size
        if not -n <= i < n:
            raise IndexError(f"token id {i} is out of range: valid ids are 0..{n - 1}")
        i = int(i) % n
        if self._tokens is not None:
            return self._tokens[i]
        off = self._offsets
        return _decode(bytes(self._buffer[off[i] : off[i + 1] - 1]), i, self._where)

    def _build_index(self) -> np.ndarray:
        table, self._duplicates = _token_index.build(self._buffer, self._offsets)
        self._table, self._built = table, True
        return table

    def hash_table(self) -> np.ndarray:
        """The token -> row hash table of exactly these tokens, as ``.tokvec`` stores it
        (``docs/format.md``, feature ``index``): the one built here, else built now (compiled)."""
        return self._table if self._built else self._build_index()

    def get(self, token: str, default: int | None = None) -> int | None:
        """The id of ``token`` (its first occurrence), or ``default`` if absent."""
        if not isinstance(token, str):
            return default
        table = self._table if self._table is not None else self._build_index()
        i = _token_index.probe(self._buffer, self._offsets, table, token.encode("utf-8", "surrogatepass"), self._size)
        return default if i < 0 else i

    def index(self, token: str) -> int:
        """The id of ``token``; raises ``UnknownTokenError`` with suggestions if absent."""
        i = self.get(token)
        if i is None:
            if isinstance(token, str) and self._table is not None and not self._built:
                self._check_miss(token)
            raise UnknownTokenError(str(token), self._size, self.suggest(str(token)))
        return i

    def _check_miss(self, token: str) -> None:
        """A stored index missed ``token``: a damaged file's index can only miss, so make sure the token is
        really absent (one byte search, only on this error path) and say so if it is not."""
        needle = b"\n" + token.encode("utf-8", "surrogatepass") + b"\n"
        hay = b"\n" + self._buffer[: int(self._offsets[self._size])].tobytes()
        at = hay.find(needle)
        while at >= 0:  # ``at`` is where the token starts in the buffer; a "\n" inside a token is no boundary
            row = int(np.searchsorted(self._offsets, at))
            if row < self._size and int(self._offsets[row]) == at:
                raise FormatError(f"{self._where}the stored token index (tensor 'index.table') misses {brief(token)}, "
                                  f"which is token {row:,}: the file is damaged; rebuild it with `tokvec convert`")
            at = hay.find(needle, at + 1)

    def duplicates(self) -> np.ndarray:
        """Boolean mask of rows whose token already occurred earlier (shape (n,))."""
        if self._duplicates is None:
            stored = self._table
            self._build_index()
            if stored is not None:  # keep the stored (or shared) table: it answers the same
                self._table, self._built = stored, False
        return self._duplicates

    def suggest(self, token: str, n: int = 3) -> list[str]:
        """Up to ``n`` known tokens close to ``token``: case variants first, then spelling.

        >>> Vocab(["kitten", "kittens", "dog"]).suggest("kitteen")
        ['kitten', 'kittens']
        """
        found: list[str] = []
        for variant in (token.lower(), token.capitalize(), token.upper(), token.strip()):
            if variant != token and variant not in found and variant in self:
                found.append(variant)
        if len(found) < n and 0 < len(token) <= 60:
            lo, hi = len(token) - 2, len(token) + 2
            pool = [t for t in self.tokens[:_SUGGESTION_POOL] if lo <= len(t) <= hi]
            for match in difflib.get_close_matches(token, pool, n=n, cutoff=0.75):
                if match not in found:
                    found.append(match)
        return found[:n]

    # -- slicing and packing -------------------------------------------------------------------
    def head(self, n: int) -> Vocab:
        """A new Vocab of the first ``n`` tokens."""
        counts = None if self.counts is None else self.counts[:n]
        vocab = Vocab.from_packed(self._buffer[: self._offsets[n]], self._offsets[: n + 1], counts, checked=True)
        if self._tokens is not None:
            vocab._tokens = self._tokens[:n]
        if n == self._size:
            vocab._table, vocab._built = self._table, self._built
        elif self._table is not None:  # a first occurrence below n is still one: share the table
            vocab._table = self._table
        if self._duplicates is not None:
            vocab._duplicates = self._duplicates[:n]
        return vocab

    def deduplicated(self, where: str = "") -> tuple[Vocab, np.ndarray]:
        """The first occurrence of each token, and the rows kept; warns once (``TokvecWarning``) with the count."""
        dup = self.duplicates()
        first = np.flatnonzero(~dup)
        examples = sorted({self.token(int(i)) for i in np.flatnonzero(dup)[:50]})[:5]
        warnings.warn(
            f"{int(dup.sum()):,} duplicate token rows{where} were dropped, keeping the first occurrence of each "
            f"(e.g. {', '.join(map(repr, examples))})",
            TokvecWarning,
            stacklevel=4,
        )
        return self.select(first), first

    def row(self, i: int) -> int:
        """``i`` as a row id in ``0..n-1`` (negative ids count from the end); out of range raises."""
        n = len(self)
        if not -n <= i < n:
            raise InvalidArgumentError(f"id {i} is out of range: valid ids are 0..{n - 1}")
        return i % n

    def rows(self, keys: Iterable[str | int] | np.ndarray) -> np.ndarray:
        """Row ids of tokens and/or ids, int64 of shape (len(keys),); unknown tokens and bad ids raise."""
        if isinstance(keys, np.ndarray) and keys.dtype.kind in "iu":
            ids = keys.astype(np.int64)
            bad = (ids < -len(self)) | (ids >= len(self))
            if bad.any():
                self.row(int(ids[bad][0]))
            return ids % max(1, len(self))
        return np.array([self.index(k) if isinstance(k, str) else self.row(int(k)) for k in keys], dtype=np.int64)

    def select(self, rows: np.ndarray) -> Vocab:
        """A new Vocab of the given rows, in that order."""
        counts = None if self.counts is None else self.counts[rows]
        tokens = self.tokens
        return Vocab([tokens[i] for i in rows], counts)

    def packed(self) -> tuple[np.ndarray, np.ndarray]:
        """``(buffer, offsets)``: UTF-8 bytes with a ``\\n`` after each token, and n+1 int64 offsets."""
        start = int(self._offsets[0])
        if start == 0:
            return self._buffer[: self._offsets[-1]], self._offsets
        return self._buffer[start : self._offsets[-1]], self._offsets - start


def _unpack(buffer: np.ndarray, offsets: np.ndarray, where: str = "") -> list[str]:
    n = len(offsets) - 1
    if n == 0:
        return []
    raw = buffer[offsets[0] : offsets[-1]].tobytes()
    if raw.count(b"\n") == n:  # fast path: no token contains the separator
        try:
            tokens = raw[:-1].decode("utf-8").split("\n")
        except UnicodeDecodeError as exc:
            i = int(np.searchsorted(offsets, int(offsets[0]) + exc.start, side="right")) - 1
            raise _bad_utf8(i, exc, where) from None
        if len(tokens) == n:
            return tokens
    base = int(offsets[0])
    return [_decode(raw[offsets[i] - base : offsets[i + 1] - base - 1], i, where) for i in range(n)]


def _decode(raw: bytes, i: int, where: str = "") -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_utf8(i, exc, where) from None


def _bad_utf8(i: int, exc: UnicodeDecodeError, where: str) -> FormatError:
    return FormatError(f"{where}token {i:,} of the vocabulary is not valid UTF-8 ({exc.reason}); the file is damaged: "
                       "rebuild it with `tokvec convert` from its source, or re-copy it")


def _check_counts(counts: np.ndarray | Sequence[int] | None, n: int) -> np.ndarray | None:
    if counts is None:
        return None
    counts = np.asarray(counts, dtype=np.int64)
    if counts.shape != (n,):
        raise FormatError(f"counts has shape {counts.shape} but the vocabulary has {n} tokens; "
                          "pass one count per token or none")
    return counts
