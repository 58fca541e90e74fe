"""The tokenizer protocol: how a word that is not one token becomes the tokens it stands for.

A transformer's vocabulary holds pieces (``##ing``, ``Ġking``, ``▁the``); ``Vectors`` asks its
tokenizer for a word's pieces and queries their mean. ``formats.hf.Tokenizer`` implements this for
Hugging Face tokenizers; any object with these members works.

Deliberately left out: training tokenizers (``tokvec.train.lm.data``) and special-token handling.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import UnknownTokenError
from .table import Vocab


class Tokenizer(Protocol):
    """What ``Vectors`` needs of a transformer's tokenizer (``formats.hf.Tokenizer`` implements it).

    Rows are found by the raw token strings ``encode`` returns, never by its ids, so a tokenizer
    stays valid on any subset of the rows (``limit``, ``select``, dropped duplicates or NaN rows).
    """

    kind: str

    def display(self, token: str) -> str: ...  # a token as a person reads it (``Ġking`` -> `` king``)

    def raw_forms(self, word: str) -> list[str]: ...  # the single-token spellings ``word`` may have

    def encode(self, text: str) -> tuple[list[int], list[str]]: ...  # (ids, raw token strings)




def word_rows(vocab: Vocab, tokenizer: Tokenizer | None, word: str) -> list[int]:
    """The rows ``word`` stands for: its own row, else one of the tokenizer's single-token spellings,
    else the rows of its pieces; ``UnknownTokenError`` with suggestions when none is found.

    >>> word_rows(Vocab(["the", "cat"]), None, "cat")
    [1]
    """
    i = vocab.get(word)
    if i is not None:
        return [i]
    if tokenizer is not None:
        for raw in tokenizer.raw_forms(word):
            i = vocab.get(raw)
            if i is not None:
                return [i]
        _, pieces = tokenizer.encode(word)
        rows = [i for i in map(vocab.get, pieces) if i is not None]
        if rows:
            return rows
    raise UnknownTokenError(str(word), len(vocab), vocab.suggest(str(word)))


def explain(vocab: Vocab, tokenizer: Tokenizer | None, word: str) -> str | None:
    """A note when ``word`` is not a single token (queried as the mean of its pieces), else None."""
    rows = word_rows(vocab, tokenizer, word)
    if len(rows) == 1 and vocab.get(word) is not None:
        return None
    display = tokenizer.display if tokenizer is not None else str
    shown = ", ".join(repr(display(vocab.token(i))) for i in rows)
    if len(rows) == 1:
        return f"{word!r} is the token {shown}"
    return f"{word!r} is not a single token; queried as the mean of its {len(rows)} pieces: {shown}"
