"""Start the tiny GPT's token embeddings from a vector file (``train-lm --init-embeddings``).

The file (``tokvec init-embeddings TOKENIZER VECTORS -o OUT``) names its rows by token; each
tokenizer token found there takes its row, the others keep the model's own random initialisation.
The rows are multiplied by one factor so their standard deviation is that of the model's own
N(0, 0.02) initialisation: directions and relative norms are the file's, the scale suits the tied
head and the LayerNorms (GloVe's raw values would start the logits far too large).

Deliberately left out: projecting rows of another width (the model's ``dim`` must equal the file's).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..._plumbing.optional import require
from ...errors import InvalidArgumentError
from ...formats import load
from .config import LMConfig

TARGET_STD = 0.02  # the model's own initialisation (model.TinyGPT._init_weights)


def warm_start(model, tokens: Sequence[str], config: LMConfig) -> list[str]:
    """Copy the rows of ``config.init_embeddings`` into ``model.tok``; returns a note saying how many."""
    if not config.init_embeddings:
        return []
    torch = require("torch", "lm", "training the tiny GPT")
    path = config.init_embeddings
    v = load(path)
    if v.dim != config.dim:
        raise InvalidArgumentError(f"{path} has {v.dim}-dimensional rows but the model's --dim is {config.dim}; "
                                   f"train with --dim {v.dim} (and --heads dividing it), or make the file anew")
    rows = [v.vocab.get(t) for t in tokens]
    found = [i for i, r in enumerate(rows) if r is not None]
    if not found:
        raise InvalidArgumentError(f"none of the tokenizer's {len(tokens):,} tokens is in {path}; make it for this "
                                   "tokenizer: tokvec init-embeddings TOKENIZER VECTORS -o OUT")
    matrix = np.asarray(v.matrix[[rows[i] for i in found]], dtype=np.float32)  # (found, C)
    std = float(matrix.std())
    scale = TARGET_STD / std if std > 0 else 1.0
    with torch.no_grad():
        weight = model.tok.weight
        weight[torch.as_tensor(found)] = torch.from_numpy(matrix * scale).to(weight.device, weight.dtype)
    return [f"token embeddings: {len(found):,} of {len(tokens):,} rows from {path} (scaled by {scale:.3g} to the "
            f"model's N(0, {TARGET_STD}) spread); the other rows are random"]
