"""tokvec: token embeddings made concrete, fast and inspectable.

>>> import tokvec
>>> v = tokvec.load("glove")                                            # doctest: +SKIP
>>> v.most_similar(positive=["king", "woman"], negative=["man"], topn=1)  # doctest: +SKIP
[Neighbour(token='queen', score=0.852..., row=...)]
>>> tokvec.Embedding(6, 3, seed=123)([2, 3, 5, 1]).shape
(4, 3)

The public names load on first use (PEP 562): ``import tokvec`` imports only the errors, so the
command line's ``--help`` and ``--version`` never pay for NumPy or the formats; ``tokvec.load``
imports them the first time it is touched (``_PUBLIC`` says which module holds each name).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from .errors import (
    FormatError,
    InvalidArgumentError,
    NonFiniteError,
    TokvecError,
    TokvecWarning,
    UnknownNameError,
    UnknownTokenError,
)

if TYPE_CHECKING:
    from .analysis.compare import compare
    from .formats import FORMATS, load, save
    from .layers import Embedding, OneHotLinear, PositionalEmbedding, TokenAndPositionEmbedding
    from .transfer.build import build_vocab
    from .vectors import Neighbour, Vectors
    from .vocab import Vocab

__version__ = "0.1.0"

_PUBLIC = {
    "FORMATS": "tokvec.formats", "load": "tokvec.formats", "save": "tokvec.formats",
    "Embedding": "tokvec.layers", "OneHotLinear": "tokvec.layers", "PositionalEmbedding": "tokvec.layers",
    "TokenAndPositionEmbedding": "tokvec.layers",
    "Neighbour": "tokvec.vectors", "Vectors": "tokvec.vectors",
    "Vocab": "tokvec.vocab",
    "build_vocab": "tokvec.transfer.build",

    "compare": "tokvec.analysis.compare",
}


def __getattr__(name: str) -> Any:
    """A public name (``tokvec.load``) or a submodule (``tokvec.formats``), imported on first use."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


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
    "build_vocab",

    "compare",
    "load",
    "save",
]
