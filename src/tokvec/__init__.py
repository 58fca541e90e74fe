"""tokvec: token embeddings made concrete, fast and inspectable.

>>> import tokvec
>>> v = tokvec.load("glove")                                            # doctest: +SKIP
>>> v.most_similar(positive=["king", "woman"], negative=["man"], topn=1)  # doctest: +SKIP
[Neighbour(token='queen', score=0.852...)]
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
from .vectors import Neighbour, Vectors
from .vocab import Vocab

__version__ = "0.1.0"

__all__ = [
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
