"""The explorer page in a real browser (Playwright driving Debian's chromium): one test per interaction.

Run with ``TOKVEC_SCREENSHOTS=1`` to rewrite the README's screenshots under docs/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian chromium is not installed (apt-get install -y chromium)")
DOCS = Path(__file__).resolve().parent.parent / "docs"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def small(glove):
    return glove.limit(5_000)


@pytest.fixture(scope="module")
def url(glove, small, live_server):
    from tokvec.serve.app import create_app

    url, _ = live_server(create_app({"glove": glove, "small": small}, job_seconds=60))
    return url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, url):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _open(page, url, query=""):
    page.goto(f"{url}/{query}")
    page.wait_for_selector("#map .pt")


def _tokens(page, list_id):
    return page.eval_on_selector_all(f"#{list_id} li button", "els => els.map(e => e.dataset.token)")


def _state(page):
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _screenshot(target, name, **options):
    if os.environ.get("TOKVEC_SCREENSHOTS"):
        target.screenshot(path=str(DOCS / name), **options)


def test_error_shown_in_place_and_stale_results_cleared(page, url, glove):
    _open(page, url, "?q=king")
    page.wait_for_selector("#results li")
    page.fill("#search", "kitteen")
    page.click("#search-form button")
    status = page.wait_for_selector("#search-status.error")
    assert "'kitteen' is not in the vocabulary" in status.inner_text()
    assert page.query_selector_all("#results li") == []  # king's neighbours are gone
    box, card = status.bounding_box(), page.query_selector("#search-card").bounding_box()
    assert card["y"] <= box["y"] and box["y"] + box["height"] <= card["y"] + card["height"]  # in its own card
    assert box["y"] + box["height"] <= VIEWPORT["height"]  # and on screen at 1280 x 900
    _screenshot(page.query_selector("#search-card"), "explorer-error.png")
    page.click("#search-status button[data-token=kitten]")  # a suggestion is a search
    page.wait_for_selector("#search-status", state="hidden")
    assert _tokens(page, "results")[:3] == [n.token for n in glove.most_similar("kitten", topn=3)]
    assert _state(page)["q"] == "kitten"


def test_neighbours_are_clickable_and_back_works(page, url, glove):
    _open(page, url, "?q=king")
    page.wait_for_selector("#results li")
    page.click("#results button[data-token=queen]")
    page.wait_for_function("() => document.getElementById('notes').textContent.includes('nearest to queen')")
    assert _tokens(page, "results") == [n.token for n in glove.most_similar("queen", topn=12)]
    assert _state(page)["q"] == "queen"
    page.go_back()
    page.wait_for_function("() => document.getElementById('notes').textContent.includes('nearest to king')")
    assert page.input_value("#search") == "king" and _tokens(page, "results")[0] == "prince"
    page.go_forward()
    page.wait_for_function("() => document.getElementById('notes').textContent.includes('nearest to queen')")
    assert page.input_value("#search") == "queen"


def test_state_in_the_url_is_shareable(page, url, small):
    _open(page, url, "?set=small&q=music&cw=king&words=king,war&n=4&dims=3")
    page.wait_for_selector("#results li")
    assert page.input_value("#set") == "small" and "5,000 tokens" in page.inner_text("#info")
    assert _tokens(page, "results") == [n.token for n in small.most_similar("music", topn=12)]
    page.wait_for_selector("#map.three-d")
    assert 6 <= len(page.query_selector_all("#map .pt")) <= 10  # 2 words and up to 4 neighbours each
    assert page.input_value("#map-words") == "king,war" and page.input_value("#map-dims") == "3"
    page.wait_for_selector("#compare-a-results li")
    assert page.input_value("#compare-word") == "king"


def test_unknown_set_in_a_link(page, url):
    _open(page, url, "?set=nope&q=king")
    status = page.wait_for_selector("#page-status.error")
    assert "unknown vector set 'nope'" in status.inner_text() and "glove, small" in status.inner_text()
    page.wait_for_selector("#results li")
    assert page.input_value("#set") == "glove"


def test_map_hover_legend_and_labels(page, url):
    _open(page, url)
    legend = page.inner_text("#map-legend")
    for word in ("king", "queen", "cat", "dog", "apple", "distortion"):
        assert word in legend
    point = page.query_selector("#map .pt[data-token=prince]")
    point.hover()
    tip = page.wait_for_selector("#map-tooltip", state="visible")
    text = tip.inner_text()
    assert text.startswith("prince") and "distortion" in text and "nearest in the original space: king" in text
    assert len(page.query_selector_all("#map .pt.near")) == 5 and len(page.query_selector_all("#map .link")) == 5
    overlaps = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('#map text.label:not(.unplaced)')].map(t => t.getBBox());
        let bad = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) bad++;
        }
        return [bad, boxes.length, document.querySelectorAll('#map text.label').length];
    }""")
    bad, placed, total = overlaps
    assert bad == 0 and placed >= 0.6 * total
    assert all(page.query_selector(f"#map .pt.query[data-token={w}]") for w in ("king", "queen", "cat", "dog", "apple"))
    page.mouse.move(5, 5)
    page.wait_for_selector("#map-tooltip", state="hidden")
    page.click("#map .pt[data-token=apple]")  # a point is a search
    page.wait_for_function("() => document.getElementById('notes').textContent.includes('nearest to apple')")
    assert page.console_errors == []


def test_many_groups_share_one_neutral_colour_and_tooltips_stay_on_the_map(page, url):
    words = "king,queen,cat,dog,apple,paris,river,music,green,seven,monday,doctor,car,bread"  # 14 groups
    _open(page, url, f"?map={words}")
    page.fill("#map-words", words)
    page.fill("#map-neighbours", "2")
    page.click("#map-form button")
    page.wait_for_function("() => document.querySelectorAll('#map .pt.query').length === 14")
    fills = page.eval_on_selector_all("#map .pt.query circle.dot",
                                      "els => els.map(e => getComputedStyle(e).fill || e.getAttribute('fill'))")
    distinct = set(fills)
    assert len(distinct) == 11 and fills.count(sorted(distinct, key=fills.count)[-1]) >= 4  # 10 colours + grey
    legend = page.inner_text("#map-legend")
    assert "4 more group(s)" in legend
    frame = page.query_selector("#map").bounding_box()
    for word in ("king", "bread", "seven"):  # wherever the point lies, its tooltip stays inside the map
        page.hover(f"#map .pt.query[data-token={word}]")
        tip = page.wait_for_selector("#map-tooltip", state="visible").bounding_box()
        assert frame["x"] - 1 <= tip["x"] and tip["x"] + tip["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= tip["y"] and tip["y"] + tip["height"] <= frame["y"] + frame["height"] + 1
    assert page.console_errors == []


def test_a_suggestion_is_offered_once(page, url):
    _open(page, url)
    page.fill("#search", "kitteen")
    page.click("#search-form button")
    status = page.wait_for_selector("#search-status.error").inner_text()
    assert status.count("kitten") == status.count("kittens") + 1 and "Did you mean" not in status
    assert len(page.query_selector_all("#search-status button[data-token=kitten]")) == 1


def test_distortion_colouring(page, url):
    _open(page, url)
    rings = page.eval_on_selector_all("#map .pt", "els => els.map(e => Number(e.dataset.distortion))")
    assert any(d > 0 for d in rings) and all(0 <= d <= 1 for d in rings)
    assert "mean distortion" in page.inner_text("#map-caption")
    page.check("#map-colour")
    page.wait_for_function("() => document.getElementById('map-legend').textContent.includes('distortion 0.5')")
    fills = page.eval_on_selector_all("#map .pt .dot", "els => els.map(e => e.getAttribute('fill'))")
    assert all(f.startswith("hsl(") for f in fills)


def test_set_switcher(page, url, small):
    _open(page, url, "?q=king")
    page.wait_for_selector("#results li")
    page.select_option("#set", "small")
    page.wait_for_function("() => document.getElementById('notes').textContent.startsWith('small:')")
    assert "5,000 tokens" in page.inner_text("#info") and _state(page)["set"] == "small"
    assert _tokens(page, "results") == [n.token for n in small.most_similar("king", topn=12)]
    page.go_back()
    page.wait_for_function("() => document.getElementById('notes').textContent.startsWith('glove:')")
    assert page.input_value("#set") == "glove"


def test_compare_view(page, url, glove, small):
    _open(page, url)
    page.fill("#compare-word", "king")
    page.select_option("#compare-a", "glove")
    page.select_option("#compare-b", "small")
    page.click("#compare-form button")
    page.wait_for_selector("#compare-b-results li")
    a, b = _tokens(page, "compare-a-results"), _tokens(page, "compare-b-results")
    assert a == [n.token for n in glove.most_similar("king", topn=10)]
    assert b == [n.token for n in small.most_similar("king", topn=10)]
    shared = [t for t in a if t in b]
    assert f"{len(shared)} of 10 neighbours shared" in page.inner_text("#compare-summary")
    assert len(page.query_selector_all("#compare-card li.shared")) == 2 * len(shared)
    page.click("#compare-b-results button[data-token=prince]")  # a neighbour is compared in turn
    page.wait_for_function("() => document.getElementById('compare-summary').textContent.startsWith('prince')")
    assert _state(page)["cw"] == "prince"
    page.fill("#compare-word", "zzzqqq")
    page.click("#compare-form button")
    assert "not in the vocabulary" in page.wait_for_selector("#compare-status.error").inner_text()
    assert page.query_selector_all("#compare-a-results li") == []


def test_three_d_pca_turns(page, url):
    _open(page, url, "?dims=3")
    page.wait_for_selector("#map.three-d")
    assert len(page.query_selector_all("#map .axis")) == 3 and "PC3" in page.inner_text("#map-caption")
    before = page.get_attribute("#map .pt[data-token=king] .dot", "cx")
    box = page.query_selector("#map").bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 420, box["y"] + 260, steps=6)
    page.mouse.up()
    after = page.get_attribute("#map .pt[data-token=king] .dot", "cx")
    assert before != after
    page.focus("#map")
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute("#map .pt[data-token=king] .dot", "cx") != after
    assert page.query_selector_all("#map text.label:not(.unplaced)")  # labels come back after the drag


def test_tsne_job_with_progress_and_cancel(page, url):
    _open(page, url)
    page.select_option("#map-method", "umap")
    page.click("#map-form button")
    page.wait_for_selector("#map-job", state="visible")
    assert "limit 60 s" in page.inner_text("#map-stage")
    assert "stale" in page.get_attribute("#map", "class")  # the PCA map is greyed out while the job runs
    page.click("#map-cancel")
    page.wait_for_selector("#map-job", state="hidden")
    page.wait_for_selector("#map-status:has-text('cancelled')")  # once the server confirms
    assert "error" not in page.get_attribute("#map-status", "class")
    page.select_option("#map-method", "tsne")
    page.click("#map-form button")
    page.wait_for_function("() => document.getElementById('map-caption').textContent.includes('t-SNE 2-D')",
                           timeout=90_000)
    assert len(page.query_selector_all("#map .pt")) == 29 and _state(page)["method"] == "tsne"
    assert "t-SNE 1" in page.inner_text("#map-caption")
    page.check("#map-colour")
    card = page.query_selector("#map-card")
    card.scroll_into_view_if_needed()
    page.hover("#map .pt[data-token=dog]")
    _screenshot(card, "explorer-tsne.png")


def test_docs_work_offline(page, url):
    page.goto(f"{url}/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "tokvec explorer" in page.inner_text(".swagger-ui .info .title")
    assert "/api/compare" in page.inner_text(".swagger-ui")
    page.goto(f"{url}/redoc")
    page.wait_for_selector("text=Compare")
    page.wait_for_load_state("networkidle")
    outside = [r for r in page.requests if not r.startswith((url, "data:", "blob:"))]
    assert outside == []  # ReDoc's logo included: it is served from here, not its CDN
    assert not any("Content Security Policy" in e for e in page.console_errors)


def test_screenshots(page, url):
    """The README's pictures (written with TOKVEC_SCREENSHOTS=1)."""
    _open(page, url, "?q=king&a=man&b=king&c=woman&cw=king&ca=glove&cb=small")
    page.wait_for_selector("#analogy-results li")
    page.wait_for_selector("#compare-b-results li")
    page.hover("#map .pt[data-token=prince]")
    page.wait_for_selector("#map-tooltip", state="visible")
    shot = page.screenshot(full_page=True)
    assert len(shot) > 50_000
    _screenshot(page, "explorer.png", full_page=True)
    page.goto(f"{url}/?dims=3&words=king,queen,cat,dog,apple,paris&n=8")
    page.wait_for_selector("#map.three-d .pt")
    card = page.query_selector("#map-card")
    card.scroll_into_view_if_needed()
    page.hover("#map .pt[data-token=paris]")
    page.wait_for_selector("#map-tooltip", state="visible")
    _screenshot(card, "explorer-3d.png")
    assert page.console_errors == []
