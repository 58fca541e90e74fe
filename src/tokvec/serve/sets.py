"""The vector sets one ``tokvec serve`` answers for: opened once at start, chosen per request by name.

A request names a set (``?set=minilm``), never a file: an unknown name is ``UnknownNameError``
(HTTP 404) listing the names served. The first set is the default.

Deliberately left out: loading (the command line opens the files before the server starts).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

import numpy as np

from ..errors import InvalidArgumentError, UnknownNameError
from ..vectors import Vectors

SET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,39}")
MAX_SETS = 16


class Prefixes:
    """Sorted tokens for prefix search; results come back in vocabulary (frequency) order."""

    def __init__(self, tokens: list[str]):
        order = sorted(range(len(tokens)), key=tokens.__getitem__)
        self.sorted_tokens = [tokens[i] for i in order]
        self.ids = np.array(order, dtype=np.int64)

    def complete(self, prefix: str, limit: int) -> list[int]:
        lo = bisect.bisect_left(self.sorted_tokens, prefix)
        hi = bisect.bisect_left(self.sorted_tokens, prefix + "\U0010ffff")
        return sorted(self.ids[lo:hi].tolist())[:limit]


class VectorSets:
    """Named ``Vectors``, in the order given (the first is the default)."""

    def __init__(self, sets: Mapping[str, Vectors]):
        if not sets:
            raise InvalidArgumentError("serve at least one vector set")
        if len(sets) > MAX_SETS:
            raise InvalidArgumentError(f"serve at most {MAX_SETS} vector sets at once, got {len(sets)}")
        for name in sets:
            if not SET_NAME.fullmatch(name):
                raise InvalidArgumentError(f"set name {name!r} must be 1-40 letters, digits or _.+- (starting with "
                                           "a letter or digit); name it with -v NAME=PATH")
        self.sets = dict(sets)
        self.default = next(iter(self.sets))
        self._prefixes: dict[str, Prefixes] = {}

    @property
    def names(self) -> list[str]:
        return list(self.sets)

    def get(self, name: str | None) -> tuple[str, Vectors]:
        """``(name, vectors)`` of the set called ``name`` (None: the default)."""
        chosen = self.default if name is None or name == "" else name
        if chosen not in self.sets:
            error = UnknownNameError(f"unknown vector set {chosen[:100]!r}; this explorer serves: "
                                     f"{', '.join(self.sets)}")
            error.names = self.names  # the 404 lists them as suggestions
            raise error
        return chosen, self.sets[chosen]

    def prefixes(self, name: str) -> Prefixes:
        if name not in self._prefixes:  # built on the first autocomplete of a set (about a second for 400k)
            self._prefixes[name] = Prefixes(self.sets[name].tokens)
        return self._prefixes[name]


__all__ = ["MAX_SETS", "Prefixes", "SET_NAME", "VectorSets"]
