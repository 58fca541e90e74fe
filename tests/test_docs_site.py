"""The manual builds strictly and offline, and its search works in a real browser without the network.

``mkdocs build --strict`` (what ``make docs`` runs) turns any broken link, missing page or unresolved
API reference into a failure. The built site is served from 127.0.0.1 and opened in Debian's chromium
(Playwright, as the explorer's tests do): typing "analogy" in the search box lists hits, the first one
leads to a page about analogies, and no page asks for anything outside localhost (no fonts, no CDN).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("mkdocs")
pytest.importorskip("material")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return out


def test_every_guide_and_reference_page_is_built(site):
    for page in ("index.html", "getting-started.html", "guides/querying.html", "coming-from/gensim.html",
                 "reference/cli.html", "reference/api.html", "notebooks/01-why-embeddings.html", "format.html",
                 "search/search_index.json"):
        assert (site / page).is_file(), page
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert "most_similar" in api and "Neighbour" in api  # generated from the docstrings
    assert "tokvec similar" in (site / "reference" / "cli.html").read_text(encoding="utf-8")


def test_no_page_loads_fonts_or_scripts_from_elsewhere(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page
        for tag in ("<script src=\"http", "<link rel=\"stylesheet\" href=\"http"):
            assert tag not in html, f"{page.relative_to(site)} loads {tag}..."


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_search_finds_analogies_in_a_real_browser_without_the_network(served):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page()
            local = (served, "data:", "blob:")
            page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
            page.goto(f"{served}/index.html")
            page.locator("label.md-search__icon, .md-search__input").first.click()
            # the search worker builds its index first (slow on a busy machine); type once it is ready
            page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta'); "
                                   "return m && !/initializ/i.test(m.textContent); }", timeout=90_000)
            page.locator("input.md-search__input").press_sequentially("analogy", delay=20)
            first = page.locator(".md-search-result__item a").first
            first.wait_for(timeout=60_000)
            first.click()
            page.wait_for_load_state("load")
            assert page.url.startswith(served) and not page.url.rstrip("/").endswith("index.html")
            assert "analog" in page.locator("article").inner_text().lower()
            for other in ("guides/querying.html", "notebooks/02-pretrained-vectors.html", "reference/api.html"):
                page.goto(f"{served}/{other}")
                page.wait_for_load_state("networkidle")
        finally:
            browser.close()
    assert not outside, f"the manual asked for {len(outside)} thing(s) outside localhost: {outside[:5]}"
