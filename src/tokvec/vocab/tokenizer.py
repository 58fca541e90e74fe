"""The tokenizer protocol: how a word that is not one token becomes the tokens it stands for.

A transformer's vocabulary holds pieces (``##ing``, ``Ġking``, ``▁the``); ``Vectors`` asks its
tokenizer for a word's pieces and queries their mean. ``formats.hf.Tokenizer`` implements this for
Hugging Face tokenizers; any object with these members works.

Deliberately left out: training tokenizers (``tokvec.train.lm.data``) and special-token handling.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import UnknownTokenError
from ..printable import brief
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




def word_rows(vocab: Vocab, tokenizer: Tokenizer | None, word: str, lower: bool = False) -> list[int]:
    """The rows ``word`` stands for: its own row, else (``lower``) the row of its lower-case form, else
    one of the tokenizer's single-token spellings, else the rows of its pieces; ``UnknownTokenError``
    with suggestions when none is found.

    >>> word_rows(Vocab(["the", "cat"]), None, "cat"), word_rows(Vocab(["the", "cat"]), None, "Cat", lower=True)
    ([1], [1])
    """
    i = vocab.get(word)
    if i is None and lower and isinstance(word, str):
        i = vocab.get(word.lower())
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


def explain(vocab: Vocab, tokenizer: Tokenizer | None, word: str, lower: bool = False) -> str | None:
    """A note when ``word`` is not itself a token (its lower-case form, or queried as the mean of its
    pieces), else None."""
    rows = word_rows(vocab, tokenizer, word, lower)
    if vocab.get(word) is not None:
        return None
    if lower and len(rows) == 1 and vocab.get(word.lower()) == rows[0]:
        return f"{brief(word)} is not in the vocabulary; used its lower-case form {brief(word.lower())} (lower)"
    display = tokenizer.display if tokenizer is not None else str
    shown = ", ".join(repr(display(vocab.token(i))) for i in rows)
    if len(rows) == 1:
        return f"{brief(word)} is the token {shown}"
    return f"{brief(word)} is not a single token; queried as the mean of its {len(rows)} pieces: {shown}"


def is_special(token: str) -> bool:
    """Whether ``token`` is a special token: bracketed, like ``[UNK]``, ``[EOS]`` or ``<|endoftext|>``.

    >>> is_special("[EOS]"), is_special("<pad>"), is_special("##day"), is_special("[")
    (True, True, False, False)
    """
    return len(token) > 2 and (token[0], token[-1]) in (("[", "]"), ("<", ">"))
