"""Vocab: the ordered token <-> id mapping behind every ``Vectors``.

Tokens can be held as a Python list or, for files opened with ``mmap``, as one
packed UTF-8 buffer plus offsets that are only decoded when needed, so opening a
3M-token file does not build 3M Python strings up front. Ids are row numbers.

Deliberately left out: tokenisation (see ``formats/hf.py``) and any mutation after
construction: a Vocab is fixed once built.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from .errors import FormatError, UnknownTokenError

_SUGGESTION_POOL = 200_000  # close-match search looks at this many leading (most frequent) tokens


class Vocab:
    """An ordered vocabulary: ``vocab.index("cat") -> 5``, ``vocab.token(5) -> "cat"``.

    >>> vocab = Vocab(["the", "cat", "sat"])
    >>> vocab.index("cat"), vocab.token(2), "dog" in vocab, len(vocab)
    (1, 'sat', False, 3)
    """

    def __init__(self, tokens: Sequence[str], counts: np.ndarray | Sequence[int] | None = None):
        self._tokens: list[str] | None = list(tokens)
        self._packed: tuple[np.ndarray, np.ndarray] | None = None
        self._size = len(self._tokens)
        self._index: dict[str, int] | None = None
        self._folded: dict[str, int] | None = None
        self.counts = _check_counts(counts, self._size)

    @classmethod
    def from_packed(
        cls, buffer: np.ndarray, offsets: np.ndarray, counts: np.ndarray | None = None
    ) -> Vocab:
        """Build from a UTF-8 buffer where token ``i`` is ``buffer[offsets[i]:offsets[i+1]-1]``.

        Every token is followed by one separator byte (``\\n``), so ``offsets`` has ``n+1`` entries.
        Nothing is decoded until a token or the index is asked for.
        """
        self = cls.__new__(cls)
        self._tokens = None
        self._packed = (np.asarray(buffer, dtype=np.uint8), np.asarray(offsets, dtype=np.int64))
        self._size = len(offsets) - 1
        self._index = None
        self._folded = None
        self.counts = _check_counts(counts, self._size)
        return self

    # -- size and membership -------------------------------------------------------------------
    def __len__(self) -> int:
        return self._size

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token in self.mapping

    def __iter__(self) -> Iterator[str]:
        return iter(self.tokens)

    def __repr__(self) -> str:
        head = ", ".join(repr(self.token(i)) for i in range(min(3, self._size)))
        return f"Vocab({self._size:,} tokens: {head}{', ...' if self._size > 3 else ''})"

    @property
    def decoded(self) -> bool:
        """True when the tokens are held as Python strings (not a lazily decoded packed buffer)."""
        return self._tokens is not None

    # -- id <-> token --------------------------------------------------------------------------
    @property
    def tokens(self) -> list[str]:
        """All tokens in id order (decoded on first use when packed)."""
        if self._tokens is None:
            self._tokens = _unpack(*self._packed)
        return self._tokens

    @property
    def mapping(self) -> dict[str, int]:
        """The token -> id dict (built on first use)."""
        if self._index is None:
            tokens = self.tokens
            index = dict(zip(tokens, range(len(tokens))))
            if len(index) != len(tokens):  # duplicates: keep the first occurrence
                index = {}
                for i, tok in enumerate(tokens):
                    index.setdefault(tok, i)
            self._index = index
        return self._index

    def token(self, i: int) -> str:
        """The token with id ``i`` (negative ids count from the end)."""
        n = self._size
        if not -n <= i < n:
            raise IndexError(f"token id {i} is out of range: valid ids are 0..{n - 1}")
        i = int(i) % n
        if self._tokens is not None:
            return self._tokens[i]
        buf, off = self._packed
        return bytes(buf[off[i] : off[i + 1] - 1]).decode("utf-8")

    def index(self, token: str) -> int:
        """The id of ``token``; raises ``UnknownTokenError`` with suggestions if absent."""
        try:
            return self.mapping[token]
        except (KeyError, TypeError):
            raise UnknownTokenError(str(token), self._size, self.suggest(str(token))) from None

    def get(self, token: str, default: int | None = None) -> int | None:
        """The id of ``token``, or ``default`` if absent."""
        return self.mapping.get(token, default)

    def indices(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of several tokens as an int64 array; the first unknown one raises."""
        return np.fromiter((self.index(t) for t in tokens), dtype=np.int64)

    def index_folded(self, token: str) -> int | None:
        """Id of the first token equal to ``token`` ignoring case, or None."""
        if self._folded is None:
            folded: dict[str, int] = {}
            for i, tok in enumerate(self.tokens):
                folded.setdefault(tok.casefold(), i)
            self._folded = folded
        return self._folded.get(token.casefold())

    def suggest(self, token: str, n: int = 3) -> list[str]:
        """Up to ``n`` known tokens close to ``token``: case variants first, then spelling.

        >>> Vocab(["kitten", "kittens", "dog"]).suggest("kitteen")
        ['kitten', 'kittens']
        """
        found: list[str] = []
        mapping = self.mapping
        for variant in (token.lower(), token.capitalize(), token.upper(), token.strip()):
            if variant != token and variant in mapping and variant not in found:
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
        if self._tokens is None:
            buf, off = self._packed
            return Vocab.from_packed(buf[: off[n]], off[: n + 1], counts)
        return Vocab(self._tokens[:n], counts)

    def packed(self) -> tuple[np.ndarray, np.ndarray]:
        """``(buffer, offsets)``: UTF-8 bytes with a ``\\n`` after each token, and n+1 int64 offsets."""
        if self._packed is not None:
            return self._packed
        encoded = [t.encode("utf-8") for t in self.tokens]
        lengths = np.fromiter((len(b) + 1 for b in encoded), dtype=np.int64, count=len(encoded))
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        buffer = np.frombuffer(b"".join(b + b"\n" for b in encoded), dtype=np.uint8)
        return buffer, offsets


def _unpack(buffer: np.ndarray, offsets: np.ndarray) -> list[str]:
    n = len(offsets) - 1
    if n == 0:
        return []
    raw = buffer[offsets[0] : offsets[-1]].tobytes()
    if raw.count(b"\n") == n:  # fast path: no token contains the separator
        tokens = raw[:-1].decode("utf-8").split("\n")
        if len(tokens) == n:
            return tokens
    base = int(offsets[0])
    return [raw[offsets[i] - base : offsets[i + 1] - base - 1].decode("utf-8") for i in range(n)]


def _check_counts(counts: np.ndarray | Sequence[int] | None, n: int) -> np.ndarray | None:
    if counts is None:
        return None
    counts = np.asarray(counts, dtype=np.int64)
    if counts.shape != (n,):
        raise FormatError(f"counts has shape {counts.shape} but the vocabulary has {n} tokens; "
                          "pass one count per token or none")
    return counts
