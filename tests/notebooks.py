"""Run the lecture notebooks (``docs/notebooks/*.ipynb``) with nbclient, and compare their text outputs.

``execute(path)`` runs a notebook top to bottom in a fresh ``python3`` kernel (offline: only shipped
data), in a scratch directory, and returns the executed notebook. ``text_outputs(nb)`` is what a
person reads of it: per code cell, its stream text and the ``text/plain`` of its results, with
timings (``1.2 s``, ``3.4 ms``, ``5,678 words/s``, ``12× slower``) and memory addresses replaced
by placeholders and runs of spaces made one, so a fresh run can be compared with the committed outputs.

``python tests/notebooks.py --write`` executes every notebook and stores its outputs in place (what
the repository commits, so the notebooks render on GitHub); it prints how long each one took.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "docs" / "notebooks"
TIMEOUT = 300  # seconds per cell

_VOLATILE = [
    (re.compile(r"\d[\d,]*(\.\d+)?\s*(ms|µs|s)\b"), "<time>"),
    (re.compile(r"\d[\d,]*(\.\d+)?\s*(words|tok)/s"), "<rate>"),
    (re.compile(r"\d[\d,]*(\.\d+)?× slower"), "<ratio> slower"),
    (re.compile(r"0x[0-9a-f]{6,}"), "<address>"),
]


def notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))


def warm_caches() -> None:
    """Open the builtin vectors once here, so no notebook prints the one-time conversion message (the
    kernels inherit ``TOKVEC_HOME``, hence the same cache)."""
    import tokvec

    for name in ("glove", "minilm"):
        tokvec.load(name)


def execute(path: Path) -> nbformat.NotebookNode:
    """``path`` executed in a fresh kernel (cwd: a scratch directory; ``src`` first on ``PYTHONPATH``)."""
    from nbclient import NotebookClient

    warm_caches()
    nb = nbformat.read(path, as_version=4)
    env_path = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path  # the kernel inherits it, so it imports this checkout's tokvec
    try:
        with tempfile.TemporaryDirectory() as scratch:
            client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", record_timing=False,  # quiet diffs
                                    resources={"metadata": {"path": scratch}})
            client.execute()
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous
    return nb


def normalise(text: str) -> str:
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return re.sub(r"[ \t]+", " ", text)  # a table column padded to a timing's width


def text_outputs(nb: nbformat.NotebookNode) -> list[list[str]]:
    """Per code cell, the normalised text of each output (streams, and ``text/plain`` of results)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for out in _merged_streams(cell.get("outputs", [])):
            if out.output_type == "stream":
                texts.append(f"{out.name}: {normalise(out.text)}")
            elif out.output_type in ("execute_result", "display_data"):
                texts.append(normalise(out.get("data", {}).get("text/plain", "")))
            elif out.output_type == "error":
                texts.append(f"error: {out.ename}: {out.evalue}")
        cells.append(texts)
    return cells


def _merged_streams(outputs: list) -> list:
    """Consecutive writes to one stream as one output (the kernel may flush a print in several messages)."""
    merged: list = []
    for out in outputs:
        if out.output_type == "stream" and merged and merged[-1].output_type == "stream" \
                and merged[-1].name == out.name:
            merged[-1] = nbformat.from_dict({**merged[-1], "text": merged[-1].text + out.text})
        else:
            merged.append(out)
    return merged


def html_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Every ``text/html`` output of the notebook, in order."""
    return [out["data"]["text/html"] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "text/html" in out.get("data", {})]


def write_all() -> None:
    total = 0.0
    for path in notebooks():
        start = time.perf_counter()
        nb = execute(path)
        seconds = time.perf_counter() - start
        total += seconds
        nbformat.write(nb, path)
        print(f"{path.name}: {seconds:.1f} s")
    print(f"all: {total:.1f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/notebooks.py --write   (executes docs/notebooks/*.ipynb and stores outputs)")
    write_all()
