"""Vocabularies: the token <-> id table (``Vocab``) and the tokenizer protocol (``Tokenizer``).

>>> from tokvec.vocab import Vocab
>>> Vocab(["the", "cat"]).index("cat")
1

- ``table``: ``Vocab``, tokens packed as one UTF-8 buffer with a hash index (``_index``,
  compiled kernels in ``_index_kernels`` with a Python twin).
- ``tokenizer``: ``Tokenizer``, what ``Vectors`` needs to split a word into model tokens, and
  ``word_rows``/``explain``, which resolve a word to its rows (itself, or its pieces).

Deliberately left out: tokenisation itself (``formats/hf.py``) and mutation: a Vocab is fixed once built.
"""

from __future__ import annotations

from .table import INDEX_HASH as INDEX_HASH
from .table import Vocab as Vocab
from .tokenizer import Tokenizer as Tokenizer
from .tokenizer import explain as explain
from .tokenizer import word_rows as word_rows

__all__ = ["INDEX_HASH", "Tokenizer", "Vocab", "explain", "word_rows"]
