"""tokvec: token embeddings made concrete, fast and inspectable.

>>> import tokvec
>>> v = tokvec.load("glove")                                            # doctest: +SKIP
>>> v.most_similar(positive=["king", "woman"], negative=["man"], topn=1)  # doctest: +SKIP
[Neighbour(token='queen', score=0.852..., row=...)]
>>> tokvec.Embedding(6, 3, seed=123)([2, 3, 5, 1]).shape
(4, 3)

The public names load on first use (PEP 562): ``import tokvec`` imports nothing else, so the
command line's ``--help`` and ``--version`` never pay for NumPy or the formats; ``tokvec.load``
imports them the first time it is touched (``_PUBLIC``, the one list of public names, says which
module holds each).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

__version__ = "0.1.0"

# The public names, each with the module that defines it: the one list (``__all__`` is made from it).
_PUBLIC = {
    "load": "tokvec.formats", "save": "tokvec.formats", "FORMATS": "tokvec.formats",
    "Vectors": "tokvec.vectors", "Neighbour": "tokvec.vectors", "Vocab": "tokvec.vocab",
    "Embedding": "tokvec.layers", "OneHotLinear": "tokvec.layers", "PositionalEmbedding": "tokvec.layers",
    "TokenAndPositionEmbedding": "tokvec.layers",
    "build_vocab": "tokvec.transfer", "compare": "tokvec.analysis.compare", "distill": "tokvec.distillation",
    **dict.fromkeys([
        "TokvecError", "TokvecWarning", "FormatError", "NonFiniteError", "InvalidArgumentError", "UnknownNameError",
        "UnknownTokenError", "MissingDependencyError", "CorpusError", "CorpusTooSmallError", "CheckpointError",
        "TrainingDivergedError", "BusyError", "UnsafeFileError",
    ], "tokvec.errors"),
}
__all__ = sorted(_PUBLIC) + ["__version__"]


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
