"""The notebook explorer (``tokvec.plot.explorer``) in a real browser: search, neighbours, analogy, map.

The page is driven in headless Debian chromium through Playwright, like the server's explorer test:
once as a saved standalone page, once as the HTML output committed in notebook 02 (what JupyterLab or
a rendered notebook page shows). The page's answers must equal the NumPy twins (``Explorer.neighbours``,
``Explorer.analogy``), and hostile tokens must show as text, never run as script.
"""

from __future__ import annotations

import shutil

import nbformat
import numpy as np
import pytest

import notebooks
import tokvec
from tokvec.plot import explorer

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


def test_twins_on_paper():
    v = tokvec.Vectors(["cat", "kitten", "dog", "car"],
                       np.array([[1, 0.1], [0.9, 0.2], [0.6, 0.8], [-1, 0.2]], dtype=np.float32))
    page = explorer(v, top=4)
    assert [t for t, _ in page.neighbours("cat", 3)] == ["kitten", "dog", "car"]
    assert page.analogy("cat", "kitten", "dog", 1)[0][0] == "car"
    unit = v.matrix / np.linalg.norm(v.matrix, axis=1, keepdims=True)
    assert page.codes.dtype == np.int8 and np.array_equal(page.codes, np.round(127 * unit))


def _search_and_analogy(page, root: str = "") -> tuple[list[str], list[str]]:
    page.fill(f"{root} .tv-q", "king")
    page.click(f"{root} .tv-search button")
    page.wait_for_selector(f"{root} .tv-results li")
    found = page.eval_on_selector_all(f"{root} .tv-results li", "els => els.map(e => e.dataset.token)")
    for cls, word in (("a", "man"), ("b", "king"), ("c", "woman")):
        page.fill(f"{root} .tv-{cls}", word)
    page.click(f"{root} .tv-analogy button")
    page.wait_for_selector(f"{root} .tv-analogy-results li")
    answers = page.eval_on_selector_all(f"{root} .tv-analogy-results li", "els => els.map(e => e.dataset.token)")
    return found, answers


def test_saved_page_matches_the_numpy_twins(browser, glove, tmp_path):
    ex = explorer(glove, top=2000, words=["queen", "prince"])
    path = ex.save(tmp_path / "explorer.html")
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.goto(path.as_uri())
    page.wait_for_function(f"document.querySelector('.tv-status').textContent.includes('{len(ex):,} tokens')")
    found, answers = _search_and_analogy(page)
    assert found == [t for t, _ in ex.neighbours("king", 10)]
    assert answers == [t for t, _ in ex.analogy("man", "king", "woman", 5)] and answers[0] == "queen"
    assert "prince" in found
    assert page.locator(".tv-marks circle").count() == 5 + 3  # answers and the three words light up
    assert page.locator(".tv-dots circle").count() == len(ex) == 2001


def test_notebook_output_runs_in_a_rendered_page(browser, tmp_path):
    nb = nbformat.read(notebooks.NOTEBOOK_DIR / "02-pretrained-vectors.ipynb", as_version=4)
    fragment = next(h for h in notebooks.html_outputs(nb) if "tokvec-explorer" in h)
    page_file = tmp_path / "notebook.html"
    page_file.write_text(f"<!doctype html><meta charset='utf-8'><body><h1>02</h1>{fragment}</body>", "utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    found, answers = _search_and_analogy(page, ".tokvec-explorer")
    assert "prince" in found and answers[0] == "queen"


def test_hostile_tokens_stay_text(browser, tmp_path):
    tokens = ["<img src=x onerror='window.pwned=1'>", "</script><script>window.pwned=2</script>", "<!--<script>", "b"]
    v = tokvec.Vectors(tokens, np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0.1]], dtype=np.float32))
    path = explorer(v, top=4).save(tmp_path / "hostile.html")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.fill(".tv-q", tokens[0])
    page.click(".tv-search button")
    page.wait_for_selector(".tv-results li")
    assert page.evaluate("window.pwned") is None
    assert page.inner_text(".tv-results li:first-child").startswith(tokens[1])
    assert page.locator(".tv-dots circle").count() == 4  # "<!--<script>" did not swallow the page
