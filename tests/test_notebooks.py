"""The lecture notebooks run offline, within budget, and a fresh run reproduces the committed outputs.

Each ``docs/notebooks/NN-*.ipynb`` is executed with nbclient in a fresh kernel (``tests/notebooks.py``);
its text outputs (streams and ``text/plain``, timings masked) must equal the committed ones, so the
notebooks on GitHub show what the code does today. All eight together must stay within ``BUDGET``: a
wall-clock limit, so that test is marked slow (``pytest -m slow``) and the default run leaves it out.
"""

from __future__ import annotations

import time

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import nbformat  # noqa: E402

import notebooks  # noqa: E402

BUDGET = 210.0  # seconds for all notebooks together (measured: about 80 s for 01-07, 20-35 s more for 08)
NAMES = [p.name for p in notebooks.notebooks()]


@pytest.fixture(scope="module")
def executed() -> dict[str, tuple[nbformat.NotebookNode, float]]:
    runs = {}
    for path in notebooks.notebooks():
        start = time.perf_counter()
        nb = notebooks.execute(path)
        runs[path.name] = (nb, time.perf_counter() - start)
    return runs


def test_the_lecture_has_eight_notebooks():
    assert [n[:3] for n in NAMES] == [f"0{i}-" for i in range(1, 9)]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_outputs_and_no_errors(name):
    nb = nbformat.read(notebooks.NOTEBOOK_DIR / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("outputs") for c in code), f"{name}: run `python tests/notebooks.py --write`"
    texts = [t for cell in notebooks.text_outputs(nb) for t in cell]
    assert not [t for t in texts if t.startswith(("error:", "stderr:"))], f"{name}: errors or warnings committed"
    assert not [t for t in texts if "ipywidgets" in t or "\x1b[" in t]


@pytest.mark.parametrize("name", NAMES)
def test_fresh_run_matches_committed_outputs(executed, name):
    committed = nbformat.read(notebooks.NOTEBOOK_DIR / name, as_version=4)
    fresh, _ = executed[name]
    assert notebooks.text_outputs(fresh) == notebooks.text_outputs(committed), (
        f"{name}: outputs changed; if intended, run `python tests/notebooks.py --write`")


@pytest.mark.slow  # a wall-clock limit: flaky on a busy machine, so not in the default run
def test_all_notebooks_run_within_budget(executed):
    seconds = {name: round(t, 1) for name, (_, t) in executed.items()}
    assert sum(seconds.values()) < BUDGET, f"notebooks took {sum(seconds.values()):.0f} s: {seconds}"


def test_rich_outputs_are_there(executed):
    """Tables, charts and plots reach the notebook as HTML or PNG, not only as text."""
    html = {name: "".join(notebooks.html_outputs(nb)) for name, (nb, _) in executed.items()}
    assert "similarity" in html["01-why-embeddings.ipynb"]  # a neighbours table
    pretrained = html["02-pretrained-vectors.ipynb"]
    assert "tokvec-explorer" in pretrained and "protocol" in pretrained
    assert "<svg" in html["07-embeddings-are-learned.ipynb"] and "<progress" in html["07-embeddings-are-learned.ipynb"]
    first = executed["01-why-embeddings.ipynb"][0]
    assert any("image/png" in out.get("data", {}) for c in first.cells if c.cell_type == "code"
               for out in c.get("outputs", []))  # the heatmap is a picture, not "<Figure ...>"


def test_cells_match_the_builder():
    """``docs/notebooks/build.py`` (the lecture's source) and the committed notebooks hold the same cells."""
    import runpy

    built = runpy.run_path(str(notebooks.NOTEBOOK_DIR / "build.py"))["NOTEBOOKS"]
    assert sorted(f"{name}.ipynb" for name in built) == NAMES
    for name, cells in built.items():
        nb = nbformat.read(notebooks.NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
        assert [c.source for c in nb.cells] == cells, f"{name}: run docs/notebooks/build.py, then --write"
