"""The embedding layer itself, in NumPy: lookup, its gradient, one-hot x Linear, positions.

>>> from tokvec.layers import Embedding
>>> Embedding(6, 3, seed=123)([2, 3, 5, 1]).shape
(4, 3)

- ``embedding``: ``Embedding`` (seeded like ``torch.nn.Embedding``, forward = row lookup, backward =
  scatter-add), ``OneHotLinear`` and ``one_hot`` (the long way), ``lookup_cost`` (the difference,
  counted and measured), torch interop.
- ``positional``: ``sinusoidal_table``, ``PositionalEmbedding`` (learned or sinusoidal) and
  ``TokenAndPositionEmbedding`` (a GPT's input layer).
- private: ``_gather`` (the row-gather kernel and its NumPy twin), ``_torch_rng`` (torch's seeded
  normal stream reproduced without torch).

Deliberately left out: optimisers, max_norm, sparse gradients.
"""

from __future__ import annotations

from .embedding import Embedding as Embedding
from .embedding import LookupCost as LookupCost
from .embedding import OneHotLinear as OneHotLinear
from .embedding import lookup_cost as lookup_cost
from .embedding import one_hot as one_hot
from .positional import PositionalEmbedding as PositionalEmbedding
from .positional import TokenAndPositionEmbedding as TokenAndPositionEmbedding
from .positional import sinusoidal_table as sinusoidal_table

__all__ = ["Embedding", "LookupCost", "OneHotLinear", "PositionalEmbedding", "TokenAndPositionEmbedding",
           "lookup_cost", "one_hot", "sinusoidal_table"]
