"""Shared fixtures: a private TOKVEC_HOME, gensim's test data, toy vectors, the builtin GloVe."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session", autouse=True)
def tokvec_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run builds caches in its own directory, never in ~/.cache."""
    home = Path(os.environ.get("TOKVEC_HOME") or tmp_path_factory.mktemp("tokvec_home"))
    os.environ["TOKVEC_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def gensim_data() -> Path:
    gensim = pytest.importorskip("gensim")
    return Path(gensim.__file__).parent / "test" / "test_data"


@pytest.fixture(scope="session")
def glove():
    import tokvec

    return tokvec.load("glove")


@pytest.fixture()
def toy():
    """Four 2-D vectors whose answers can be checked on paper."""
    import tokvec

    return tokvec.Vectors(
        ["cat", "kitten", "dog", "car"],
        np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]], dtype=np.float32),
    )
