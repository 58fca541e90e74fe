"""tokvec: token embeddings made concrete, fast and inspectable.

>>> import tokvec
>>> v = tokvec.load("glove")                                            # doctest: +SKIP
>>> v.most_similar(positive=["king", "woman"], negative=["man"], topn=1)  # doctest: +SKIP
[Neighbour(token='queen', score=0.852..., row=...)]
>>> tokvec.Embedding(6, 3, seed=123)([2, 3, 5, 1]).shape
(4, 3)
"""

from .errors import (
    FormatError,
    InvalidArgumentError,
    NonFiniteError,
    TokvecError,
    TokvecWarning,
    UnknownNameError,
    UnknownTokenError,
)
from .formats import FORMATS, load, save
from .layers import Embedding, OneHotLinear, PositionalEmbedding, TokenAndPositionEmbedding
from .vectors import Neighbour, Vectors
from .vocab import Vocab

__version__ = "0.1.0"

__all__ = [
    "Embedding",
    "OneHotLinear",
    "PositionalEmbedding",
    "TokenAndPositionEmbedding",
    "FORMATS",
    "FormatError",
    "InvalidArgumentError",
    "Neighbour",
    "NonFiniteError",
    "TokvecError",
    "TokvecWarning",
    "UnknownNameError",
    "UnknownTokenError",
    "Vectors",
    "Vocab",
    "__version__",
    "load",
    "save",
]
