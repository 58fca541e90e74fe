"""The explorer's newer half: several sets, compare, projection jobs and distortion, offline docs, and the
security guard (headers on every response, Host allow-list). Browser tests: tests/test_serve_page.py."""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

import tokvec  # noqa: E402
from tokvec.analysis.neighbourhoods import nearest_cosine, nearest_euclidean  # noqa: E402
from tokvec.cli.serve import set_names  # noqa: E402
from tokvec.errors import InvalidArgumentError  # noqa: E402
from tokvec.serve.app import create_app  # noqa: E402
from tokvec.serve.projection import choose_points, distortion  # noqa: E402
from tokvec.serve.security import host_name, normalise_host  # noqa: E402


@pytest.fixture(scope="module")
def small(glove):
    return glove.limit(5_000)


@pytest.fixture(scope="module")
def client(glove, small):
    app = create_app({"glove": glove, "small": small}, allowed_hosts=["testserver"], job_seconds=60)
    with TestClient(app) as c:  # the lifespan runs: jobs stop at the end
        yield c


def _wait(client, job: str, seconds: float = 90, seen: list | None = None) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        data = client.get(f"/api/jobs/{job}").json()
        if seen is not None:
            seen.append((data["progress"], data["stage"]))
        if data["status"] != "running":
            return data
        time.sleep(0.05)
    raise AssertionError(f"job {job} still running after {seconds} s")


# -- sets and compare -----------------------------------------------------------------------------------
def test_sets_and_set_parameter(client, glove, small):
    data = client.get("/api/sets").json()
    assert data["default"] == "glove" and [s["name"] for s in data["sets"]] == ["glove", "small"]
    assert [s["tokens"] for s in data["sets"]] == [400_000, 5_000]
    assert client.get("/api/info", params={"set": "small"}).json()["tokens"] == 5_000
    near = client.get("/api/similar", params={"word": "king", "set": "small", "topn": 5}).json()
    assert near["set"] == "small" and [r["token"] for r in near["results"]] == [
        n.token for n in small.most_similar("king", topn=5)]
    assert client.get("/api/complete", params={"prefix": "kin", "set": "small"}).json()["tokens"][0] == "king"


@pytest.mark.parametrize("path,params", [("/api/info", {}), ("/api/similar", {"word": "king"}),
                                         ("/api/projection", {"words": "king"}), ("/api/compare", {"word": "king"}),
                                         ("/api/complete", {"prefix": "k"})])
def test_unknown_set_is_404_listing_the_names(client, path, params):
    key = "a" if path == "/api/compare" else "set"
    response = client.get(path, params={**params, key: "/etc/passwd"})
    assert response.status_code == 404
    body = response.json()
    assert "unknown vector set '/etc/passwd'" in body["error"] and "glove, small" in body["error"]
    assert body["suggestions"] == ["glove", "small"]


def test_compare(client, glove, small):
    data = client.get("/api/compare", params={"word": "king", "a": "glove", "b": "small", "topn": 10}).json()
    a = [n.token for n in glove.most_similar("king", topn=10)]
    b = [n.token for n in small.most_similar("king", topn=10)]
    assert [n["token"] for n in data["neighbours_a"]] == a and [n["token"] for n in data["neighbours_b"]] == b
    assert data["shared"] == [t for t in a if t in b] and data["overlap"] == len(data["shared"]) / 10
    assert 0 < data["overlap"] < 1  # the 5,000-token set lacks some of the big set's neighbours
    default = client.get("/api/compare", params={"word": "king"}).json()
    assert (default["a"], default["b"]) == ("glove", "small")
    missing = client.get("/api/compare", params={"word": "tokenisation", "a": "glove", "b": "small"})
    assert missing.status_code == 404 and "not in the vocabulary" in missing.json()["error"]


# -- projections ----------------------------------------------------------------------------------------
def test_distortion_on_paper():
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    kept = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])  # pairs stay together
    near, lost = distortion(x, kept, 1)
    assert near.ravel().tolist() == [1, 0, 3, 2] and lost.tolist() == [0.0, 0.0, 0.0, 0.0]
    swapped = kept[[0, 2, 1, 3]]  # points 1 and 2 trade places
    _, lost = distortion(x, swapped, 1)
    assert lost.tolist() == [1.0, 1.0, 1.0, 1.0]
    near, lost = distortion(x[:1], kept[:1], 5)  # one point: no neighbours, nothing lost
    assert near.shape == (1, 0) and lost.tolist() == [0.0]


def test_pca_projection_2d_and_3d(client, glove):
    for dims in (2, 3):
        data = client.get("/api/projection", params={"words": "king,apple", "neighbours": 5, "dims": dims,
                                                     "k": 3}).json()
        assert data["status"] == "done" and data["job"] is None and data["dims"] == dims
        assert len(data["axes"]) == dims and len(data["explained_variance"]) == dims
        points = data["points"]
        assert len(points) == 12 and all((p["z"] is None) == (dims == 2) for p in points)
        labels, x = choose_points(glove, "king,apple", 5)
        coords = np.array([[p["x"], p["y"]] + ([p["z"]] if dims == 3 else []) for p in points])
        expected_near = nearest_cosine(x, 3)
        assert [p["neighbours"] for p in points] == expected_near.tolist()
        shared = [len(set(a) & set(b)) for a, b in zip(expected_near, nearest_euclidean(coords, 3))]
        assert [p["distortion"] for p in points] == pytest.approx([1 - s / 3 for s in shared])
        assert data["distortion"] == pytest.approx(np.mean([p["distortion"] for p in points]))


def test_tsne_job_runs_with_progress(client):
    start = client.get("/api/projection", params={"words": "king,apple,paris", "neighbours": 12,
                                                  "method": "tsne"}).json()
    assert start["status"] == "running" and len(start["job"]) == 16 and start["points"] == []
    assert start["time_limit"] == 60
    seen: list = []
    done = _wait(client, start["job"], seen=seen)
    assert done["status"] == "done", done["error"]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0  # intermediate values: test_progress_lines
    assert done["progress"] == 1.0 and len(done["points"]) == 39 and done["axes"] == ["t-SNE 1", "t-SNE 2"]
    assert 0 <= done["distortion"] <= 1
    again = client.get(f"/api/jobs/{start['job']}").json()
    assert again["points"] == done["points"]  # the answer is kept


def test_progress_lines():
    """The child's stdout/stderr lines of t-SNE (verbose=2) and UMAP (verbose, tqdm) become progress messages."""
    from tokvec.serve.jobs import _ProgressWriter

    class Conn:
        def __init__(self):
            self.sent = []

        def send(self, message):
            self.sent.append(message)

    tsne, umap = Conn(), Conn()
    writer = _ProgressWriter(tsne, "tsne")
    writer.write("[t-SNE] Computed neighbors for 300 samples in 0.018s...\n")
    writer.write("[t-SNE] Iteration 50: error = 52.1, gradient norm = 0.03 (50 iterations in 0.01s)\n")
    writer.write("[t-SNE] Iteration 1000: error = 0.4, gradient norm = 0.0001 (50 iterations in 0.01s)\n")
    assert tsne.sent == [("progress", 0.05), ("progress", 1.0)]
    writer = _ProgressWriter(umap, "umap")
    writer.write("\rEpochs completed:   0%|            0/500 [00:00]\rEpochs completed:  39%| 196/500 [00:00]")
    writer.write("\tcompleted  400  /  500 epochs\n")
    writer.write("\tcompleted  100  /  500 epochs\n")  # never backwards
    assert umap.sent == [("progress", 0.0), ("progress", 196 / 500), ("progress", 0.8)]


def test_cancel_and_limits(glove):
    app = create_app(glove, name="glove", allowed_hosts=["testserver"], job_seconds=60)
    with TestClient(app) as c:
        params = {"words": "king,apple,paris,frog", "neighbours": 30, "method": "umap"}
        job = c.get("/api/projection", params=params).json()["job"]
        busy = c.get("/api/projection", params={**params, "method": "tsne"})
        assert busy.status_code == 429 and "already running" in busy.json()["error"]
        cancelled = c.delete(f"/api/jobs/{job}").json()
        assert cancelled["status"] == "cancelled" and cancelled["points"] == []
        assert c.get(f"/api/jobs/{job}").json()["status"] == "cancelled"
        assert not [p for p in multiprocessing.active_children() if p.is_alive()]  # its process is gone
        many = [t for t in glove.tokens[200:400] if t.isalpha()][:30]  # 30 words x 50 neighbours: > 1,000
        too_many = c.get("/api/projection", params={"words": ",".join(many), "neighbours": 50, "method": "tsne"})
        assert too_many.status_code == 422 and "limited to 1,000 points" in too_many.json()["error"]
        few = c.get("/api/projection", params={"words": "king", "neighbours": 1, "method": "tsne"})
        assert few.status_code == 422 and "at least 4 points" in few.json()["error"]
        assert c.get("/api/jobs/0123456789abcdef").status_code == 404
        assert c.get("/api/jobs/..%2F..%2Fetc").status_code in (404, 422)


def test_time_limit_stops_a_job(glove):
    app = create_app(glove, name="glove", allowed_hosts=["testserver"], job_seconds=1)
    with TestClient(app) as c:
        job = c.get("/api/projection", params={"words": "king,apple,paris,frog", "neighbours": 40,
                                               "method": "umap"}).json()["job"]
        data = _wait(c, job, seconds=30)
        assert data["status"] == "failed" and "longer than the 1 s limit" in data["error"]


def test_an_overdue_job_dies_without_any_request():
    from tokvec.serve.jobs import JobTable

    table = JobTable(time_limit=0.2)  # the child cannot even import UMAP in 0.7 s
    x = np.random.default_rng(0).standard_normal((300, 20))
    job = table.start(x, "umap", 2, {})
    # nobody asks the table (that would sweep it): only the watchdog, due at 0.7 s, can end the job
    deadline = time.monotonic() + 20
    while (job.status == "running" or job.process.is_alive()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.status != "running", "the watchdog did not stop the overdue job within 20 s"
    assert job.status == "failed" and "limit" in job.error and not job.process.is_alive()


# -- docs, headers, hosts -------------------------------------------------------------------------------
def test_docs_are_offline(client):
    for path, asset in (("/docs", "/docs-assets/swagger-ui-bundle.js"), ("/redoc", "/docs-assets/redoc.local.js")):
        page = client.get(path)
        assert page.status_code == 200 and asset in page.text
        assert "https://" not in page.text and "http://" not in page.text and "<script>" not in page.text
        assert client.get(asset).status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    redoc = client.get("/docs-assets/redoc.local.js")
    assert redoc.headers["content-type"].startswith("text/javascript") and b"cdn.redoc.ly" not in redoc.content
    assert "/openapi.json" in client.get("/static/docs.js").text
    for asset in ("app.js", "map.js", "style.css", "docs.js", "index.html"):
        text = client.get(f"/static/{asset}").text
        assert "https://" not in text and "cdn" not in text.lower() and "<script>" not in text


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/sets", "/api/similar?word=kitteen", "/nowhere",
                                  "/docs", "/openapi.json"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert ("'unsafe-inline'" in policy) == (path == "/docs")  # only the docs' own injected styles


def test_headers_even_on_a_server_error(glove):
    app = create_app(glove, name="glove", allowed_hosts=["testserver"])

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500 and response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "a bug" not in response.text  # no traceback or message leaks


@pytest.mark.parametrize("host,ok", [("127.0.0.1:8000", True), ("localhost", True), ("LOCALHOST:80", True),
                                     ("[::1]:8000", True), ("evil.example", False), ("evil.example:8000", False),
                                     ("127.0.0.1.evil.example", False), ("", False), ("my-laptop:8000", True)])
def test_host_allow_list(glove, host, ok):
    app = create_app(glove, name="glove", allowed_hosts=["My-Laptop"])
    response = TestClient(app).get("/api/info", headers={"host": host})
    assert (response.status_code == 200) == ok
    if not ok:
        assert response.status_code == 421 and "--allow-host" in response.json()["error"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_host_names():
    assert host_name("[::1]:8000") == "[::1]" and normalise_host("::1") == "[::1]"
    assert normalise_host("Example.COM:8000") == "example.com"


def test_serve_command_refuses_clashing_names(capsys):
    from tokvec.cli import main

    assert main(["serve", "-v", "glove", "-v", "glove"]) == 1
    err = capsys.readouterr().err
    assert "two vector sets are called glove; name them with -v NAME=PATH" in err and "Traceback" not in err


def test_set_names_from_the_command_line(tmp_path):
    assert set_names(["glove", "mine=runs/x.tokvec"]) == [("glove", "glove"), ("mine", "runs/x.tokvec")]
    odd = tmp_path / "a=b.tokvec"  # an existing file whose name holds '=' is a path, not NAME=PATH
    odd.write_bytes(b"")
    assert set_names([str(odd)]) == [("a_b", str(odd))]
    with pytest.raises(InvalidArgumentError, match="two vector sets are called glove"):
        set_names(["glove", "glove"])
    with pytest.raises(InvalidArgumentError, match="must be 1-40"):
        create_app({"bad name": tokvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32))})


def test_serve_command_wires_sets_and_allowed_hosts(monkeypatch, capsys):
    """`tokvec serve -v glove -v small=glove --allow-host my-box`: the app it would run (uvicorn stubbed)."""
    import uvicorn

    from tokvec.cli import main

    started = {}
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, **kw: started.setdefault("app", self.config.app))
    assert main(["serve", "-v", "glove", "-v", "other=glove", "--allow-host", "my-box", "--port", "0"]) == 0
    assert "glove (400,000 x 50), other (400,000 x 50)" in capsys.readouterr().out
    client = TestClient(started["app"])
    sets = client.get("/api/sets", headers={"host": "my-box:8000"}).json()
    assert [s["name"] for s in sets["sets"]] == ["glove", "other"]
    assert client.get("/api/sets", headers={"host": "evil.example"}).status_code == 421
