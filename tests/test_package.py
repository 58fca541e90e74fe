"""Package hygiene: a small public API and no heavy optional imports on ``import tokvec``."""

from __future__ import annotations

import subprocess
import sys

import tokvec


def test_import_does_not_pull_optional_or_heavy_deps():
    code = (
        "import sys, tokvec;"
        "heavy = [m for m in ('torch', 'fastapi', 'matplotlib', 'sklearn', 'numba', 'typer', 'gensim', 'plotly', "
        "'faiss', 'llvmlite')"
        " if m in sys.modules]; print(heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_public_api():
    assert set(tokvec.__all__) >= {"Vectors", "load", "save", "UnknownTokenError", "__version__"}
    for name in tokvec.__all__:
        assert getattr(tokvec, name) is not None


def test_lm_config_and_the_train_lm_command_load_without_torch():
    code = ("import sys, tokvec.train.lm, tokvec.cli.train_lm; from tokvec.train.lm import LMConfig; LMConfig();"
            "print('torch' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
