"""The web explorer: every API endpoint and error path, a real browser, and a bounded load test."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

fastapi = pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from tokvec.plot.projection import fit_pca  # noqa: E402
from tokvec.serve.app import create_app  # noqa: E402
from tokvec.serve.projection import pca_2d  # noqa: E402


@pytest.fixture(scope="module")
def client(glove):
    return TestClient(create_app(glove, name="glove", allowed_hosts=["testserver"]))


def test_info(client):
    data = client.get("/api/info").json()
    assert data["tokens"] == 400_000 and data["dim"] == 50 and data["sample"][:2] == ["the", ","]


def test_similar_and_neg(client, glove):
    data = client.get("/api/similar", params={"word": "king", "topn": 5}).json()
    assert [r["token"] for r in data["results"]] == [t for t, *_ in glove.most_similar("king", topn=5)]
    assert [r["row"] for r in data["results"]] == [glove.index(r["token"]) for r in data["results"]]
    data = client.get("/api/similar", params=[("word", "king"), ("neg", "man"), ("topn", "3")]).json()
    assert data["results"][0]["token"] == [t for t, *_ in glove.most_similar("king", ["man"], topn=3)][0]


def test_analogy(client):
    data = client.get("/api/analogy", params={"a": "man", "b": "king", "c": "woman"}).json()
    assert data["results"][0]["token"] == "queen" and data["query"] == "king - man + woman"
    cosmul = client.get("/api/analogy", params={"a": "man", "b": "king", "c": "woman", "method": "cosmul"}).json()
    assert cosmul["method"] == "cosmul" and cosmul["results"][0]["token"] == "queen"


def test_similarity_complete_projection(client, glove):
    data = client.get("/api/similarity", params={"w1": "cat", "w2": "kitten"}).json()
    assert data["similarity"] == pytest.approx(glove.similarity("cat", "kitten"))
    assert data["distance"] == pytest.approx(glove.distance("cat", "kitten"))
    tokens = client.get("/api/complete", params={"prefix": "kin", "limit": 5}).json()["tokens"]
    assert tokens[0] == "king" and all(t.startswith("kin") for t in tokens)
    ids = [glove.index(t) for t in tokens]
    assert ids == sorted(ids)  # most frequent first
    proj = client.get("/api/projection", params={"words": "king,apple", "neighbours": 3}).json()
    assert len(proj["points"]) == 8 and {p["group"] for p in proj["points"]} == {"king", "apple"}
    assert sum(p["query"] for p in proj["points"]) == 2


def test_pca_matches_svd_variance():
    x = np.random.default_rng(0).standard_normal((30, 5)) * np.array([5, 3, 1, 0.5, 0.1])
    coords, variance = pca_2d(x)
    assert coords.shape == (30, 2) and variance[0] > variance[1] > 0
    assert np.var(coords[:, 0]) > np.var(coords[:, 1])
    pca = fit_pca(x, 2)  # the same projection and sign convention as tokvec plot
    assert np.allclose(coords, pca.transform(x)) and np.allclose(variance, pca.explained_variance_ratio)
    one, share = pca_2d(x[:1])  # a single point: one zero component, padded
    assert one.shape == (1, 2) and share.shape == (2,)


def test_tokens_on_transformer_and_word_vectors(client):
    from tokvec import load

    minilm = TestClient(create_app(load("minilm"), name="minilm", allowed_hosts=["testserver"]))
    data = minilm.get("/api/tokens", params={"text": "Embeddings!"}).json()
    assert [t["token"] for t in data["tokens"]] == ["em", "##bed", "##ding", "##s", "!"]
    note = minilm.get("/api/similar", params={"word": "tokvec"}).json()["notes"][0]
    assert "not a single token" in note
    response = client.get("/api/tokens", params={"text": "hello"})
    assert response.status_code == 422 and "without a tokenizer" in response.json()["error"]


@pytest.mark.parametrize("path,params,status,needle", [
    ("/api/similar", {"word": "kitteen"}, 404, "Did you mean: kitten"),
    ("/api/analogy", {"a": "man", "b": "kingg", "c": "woman"}, 404, "'kingg' is not in the vocabulary"),
    ("/api/similarity", {"w1": "cat", "w2": "qqzzx"}, 404, "not in the vocabulary"),
    ("/api/projection", {"words": "king,qqzzx"}, 404, "not in the vocabulary"),
    ("/api/similar", {"word": "king", "topn": 1001}, 422, ""),
    ("/api/similar", {"word": "king", "topn": 0}, 422, ""),
    ("/api/similar", {"word": "x" * 101}, 422, ""),
    ("/api/similar", {}, 422, ""),
    ("/api/similar", {"word": "king", "method": "bogus"}, 422, ""),
    ("/api/complete", {"prefix": ""}, 422, ""),
    ("/api/complete", {"prefix": "a", "limit": 51}, 422, ""),
    ("/api/projection", {"words": ",".join(["king"] * 51)}, 422, "comma-separated"),
    ("/api/projection", {"words": "king", "neighbours": 51}, 422, ""),
    ("/api/tokens", {"text": "x" * 2001}, 422, ""),
])
def test_error_paths(client, path, params, status, needle):
    response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    if needle:
        assert needle in body["error"]
    if status == 404:
        assert isinstance(body["suggestions"], list)


def test_no_request_can_name_a_file(client):
    assert client.get("/api/info", params={"vectors": "/etc/passwd"}).json()["name"] == "glove"
    assert client.get("/static/../../errors.py").status_code == 404
    assert client.get("/api/load").status_code == 404


def test_page_and_assets_are_local(client):
    page = client.get("/").text
    assert "<script src=\"/static/app.js\"></script>" in page
    for asset in ("app.js", "style.css"):
        text = client.get(f"/static/{asset}").text
        assert "https://" not in text and "cdn" not in text.lower()
    assert "http://" not in page and "https://" not in page
    assert client.get("/openapi.json").status_code == 200


# -- a real server on loopback ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(glove, live_server):
    return live_server(create_app(glove, name="glove"))


def test_bounded_load(server):
    """200 requests from 4 concurrent clients on loopback: no errors (bench/serve_load.py does 5,000)."""
    _, port = server
    errors, latencies, lock = [], [], threading.Lock()
    words = ["king", "queen", "paris", "frog", "computer"]

    def client_loop(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i in range(50):
            start = time.perf_counter()
            try:
                conn.request("GET", f"/api/similar?word={words[(worker + i) % 5]}&topn=10")
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and json.loads(body)["results"]
            except Exception as exc:  # noqa: BLE001 - counted, reported below
                ok = False
                errors.append(repr(exc))
            with lock:
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors.append(i)
        conn.close()

    threads = [threading.Thread(target=client_loop, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and len(latencies) == 200


def test_browser_search_and_analogy(server, tmp_path):
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, _ = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url + "/")
            page.wait_for_function("() => document.getElementById('info').textContent.includes('400,000')")
            page.fill("#search", "king")
            page.click("#search-form button")
            page.wait_for_selector("#results li")
            assert "prince" in page.inner_text("#results")
            page.fill("#a", "man")
            page.fill("#b", "king")
            page.fill("#c", "woman")
            page.click("#analogy-form button")
            page.wait_for_selector("#analogy-results li")
            first = page.inner_text("#analogy-results li:first-child")
            assert "queen" in first
            page.wait_for_selector("#map text")
            shot = tmp_path / "explorer.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            docs = Path(__file__).parent.parent / "docs"
            if docs.is_dir() and not (docs / "explorer.png").exists():
                shutil.copy(shot, docs / "explorer.png")
        finally:
            browser.close()
