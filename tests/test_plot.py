"""Plots: NumPy PCA against scikit-learn, label placement, the scenes' numbers, atomic and valid
PNG/HTML files, unknown words, transformer labels, and the ``tokvec plot`` command."""

from __future__ import annotations

import json
import struct
import subprocess
import sys

import numpy as np
import pytest

import tokvec
from tokvec import InvalidArgumentError, TokvecWarning, UnknownTokenError, Vectors
from tokvec import plot as plots
from tokvec.cli import main
from tokvec.plot import views
from tokvec.plot.labels import place_labels
from tokvec.plot.projection import fit_pca, project

ANIMALS = ["cat", "dog", "horse", "cow", "lion"]


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which must come first)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _same_up_to_sign(ours: np.ndarray, theirs: np.ndarray, atol: float = 1e-8) -> None:
    """Columns (components) may differ in sign only."""
    signs = np.sign((ours * theirs).sum(axis=0))
    np.testing.assert_allclose(ours * signs, theirs, atol=atol, rtol=1e-6)


# -- PCA ---------------------------------------------------------------------------------------------
def test_pca_on_points_along_a_line_by_hand():
    points = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])  # on y = x, centred at (2, 2)
    pca = fit_pca(points, 1)
    np.testing.assert_allclose(pca.components, [[np.sqrt(0.5), np.sqrt(0.5)]])
    np.testing.assert_allclose(pca.transform(points).ravel(), [-np.sqrt(2), 0, np.sqrt(2)])
    np.testing.assert_allclose(pca.explained_variance, [2.0])  # (2 + 0 + 2) / (3 - 1)
    np.testing.assert_allclose(pca.explained_variance_ratio, [1.0])


@pytest.mark.parametrize("n, dim, k", [(50, 10, 2), (30, 50, 3), (4, 50, 2), (200, 5, 3)])
def test_pca_equals_scikit_learn_up_to_sign(n, dim, k):
    decomposition = pytest.importorskip("sklearn.decomposition")
    x = np.random.default_rng(n + dim).normal(size=(n, dim)) * np.linspace(3, 0.5, dim)
    ours = fit_pca(x, k)
    theirs = decomposition.PCA(n_components=k, svd_solver="full").fit(x)
    _same_up_to_sign(ours.transform(x), theirs.transform(x))
    _same_up_to_sign(ours.components.T, theirs.components_.T)
    np.testing.assert_allclose(ours.explained_variance, theirs.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ours.explained_variance_ratio, theirs.explained_variance_ratio_, rtol=1e-9)
    later = np.random.default_rng(1).normal(size=(7, dim))  # fitted on x, applied to other points
    _same_up_to_sign(ours.transform(later), theirs.transform(later))


def test_pca_equals_scikit_learn_on_glove_words(glove):
    decomposition = pytest.importorskip("sklearn.decomposition")
    words = ANIMALS + ["king", "queen", "apple", "banana", "car", "truck"]
    rows = np.stack([glove.vector(w, norm=True) for w in words])
    expected = decomposition.PCA(n_components=2, svd_solver="full").fit_transform(rows.astype(np.float64))
    _same_up_to_sign(project(rows, "pca").coords, expected, atol=1e-6)


def test_pca_signs_are_deterministic():
    x = np.random.default_rng(3).normal(size=(20, 6))
    components = fit_pca(x, 3).components
    biggest = components[np.arange(3), np.abs(components).argmax(axis=1)]
    assert (biggest > 0).all()


def test_pca_and_projection_errors():
    with pytest.raises(InvalidArgumentError, match="needs at least 3 points"):
        fit_pca(np.ones((2, 5)), 3)
    with pytest.raises(InvalidArgumentError, match="unknown projection method"):
        project(np.ones((5, 3)), "mds")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="2 or 3"):
        project(np.ones((5, 3)), "pca", dim=4)
    with pytest.raises(InvalidArgumentError, match="at least 4 points"):
        project(np.ones((3, 5)), "tsne")


def test_tsne_is_seeded_and_keeps_clusters_apart():
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 20)) * 10
    x = np.concatenate([centres[0] + rng.normal(size=(15, 20)), centres[1] + rng.normal(size=(15, 20))])
    first, again = project(x, "tsne", seed=1), project(x, "tsne", seed=1)
    np.testing.assert_array_equal(first.coords, again.coords)
    assert first.axes == ("t-SNE 1", "t-SNE 2")
    a, b = first.coords[:15], first.coords[15:]
    within = max(np.linalg.norm(a - a.mean(0), axis=1).max(), np.linalg.norm(b - b.mean(0), axis=1).max())
    assert np.linalg.norm(a.mean(0) - b.mean(0)) > 2 * within


@pytest.mark.slow  # umap-learn compiles its numba kernels on first use (about 20 s)
@pytest.mark.parametrize("n", [5, 40])
def test_umap_is_seeded_and_shapes_are_right(n):
    pytest.importorskip("umap")
    x = np.random.default_rng(0).normal(size=(n, 8))
    first, again = project(x, "umap", dim=3, seed=2), project(x, "umap", dim=3, seed=2)
    assert first.coords.shape == (n, 3) and first.axes[0] == "UMAP 1"
    np.testing.assert_allclose(first.coords, again.coords)
    assert project(x, "umap", seed=None).coords.shape == (n, 2)  # unseeded: all cores


@pytest.mark.slow
def test_cli_umap_unseeded(tmp_path, capsys):
    pytest.importorskip("umap")
    out = tmp_path / "u.html"
    code, _, err = run(capsys, "plot", "cat", "dog", "king", "-k", "4", "--method", "umap", "--unseeded",
                       "-o", str(out))
    assert code == 0, err
    assert out.stat().st_size > 1_000_000


# -- label placement ---------------------------------------------------------------------------------
def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_placed_labels_do_not_overlap_each_other():
    rng = np.random.default_rng(5)
    anchors = rng.uniform(100, 300, size=(40, 2))  # crowded: 40 labels in 200 x 200 pixels
    sizes = np.column_stack([rng.uniform(20, 50, 40), np.full(40, 10.0)])
    required = np.zeros(40, dtype=bool)
    required[:5] = True
    centres, placed = place_labels(anchors, sizes, anchors, (0, 0, 400, 400), required)
    assert placed[:5].all() and 5 < placed.sum() < 40  # some optional labels had to be left out
    boxes = np.column_stack([centres - sizes / 2, centres + sizes / 2])[placed]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not _overlaps(boxes[i], boxes[j]), (i, j)
    inside = (boxes[:, 0] >= 0) & (boxes[:, 1] >= 0) & (boxes[:, 2] <= 400) & (boxes[:, 3] <= 400)
    assert inside.all()


def test_labels_keep_off_markers_and_stop_at_max_optional():
    anchors = np.array([[100.0, 100.0], [130.0, 100.0]])
    sizes = np.array([[20.0, 10.0], [20.0, 10.0]])
    obstacles = np.array([[100.0, 100.0], [130.0, 100.0], [118.0, 100.0]])  # a marker right of the first
    centres, placed = place_labels(anchors, sizes, obstacles, (0, 0, 300, 300), np.array([True, False]),
                                   marker_radius=3, gap=2)
    assert placed.all()
    assert centres[0, 0] < 100  # the first label went left, away from the marker at x = 118
    _, placed = place_labels(anchors, sizes, obstacles, (0, 0, 300, 300), np.array([False, False]), max_optional=1)
    assert placed.tolist() == [True, False]


# -- what the scenes contain -------------------------------------------------------------------------
def test_projection_with_neighbours_groups_points_by_word(glove):
    scene = views.projection_scene(glove, ["cat", "king"], neighbours=4, top=0, method="pca", dim=2, seed=0,
                                    skip_missing=False, hover=False)
    assert scene.coords.shape == (10, 2)
    assert scene.labels[:2] == ["cat", "king"] and scene.roles[:2] == ["word", "word"]
    assert scene.groups == ["cat", "king"] + ["cat"] * 4 + ["king"] * 4
    assert scene.labels[2:6] == [t for t, *_ in glove.most_similar("cat", topn=4)]
    assert len(set(scene.labels)) == len(scene.labels)  # a token is plotted once
    rows = np.stack([glove.vector(t, norm=True) for t in scene.labels])
    _same_up_to_sign(scene.coords, fit_pca(rows, 2).transform(rows), atol=1e-6)


def test_top_tokens_follow_counts_when_there_are_counts(toy):
    counted = Vectors(toy.tokens, toy.matrix, counts=[5, 50, 20, 1])
    scene = views.projection_scene(counted, [], neighbours=0, top=3, method="pca", dim=2, seed=0,
                                    skip_missing=False, hover=False)
    assert scene.labels == ["kitten", "dog", "cat"]
    scene = views.projection_scene(toy, [], neighbours=0, top=3, method="pca", dim=2, seed=0, skip_missing=False,
                                    hover=False)
    assert scene.labels == ["cat", "kitten", "dog"]  # no counts: the first rows


def test_analogy_scene_is_a_linear_projection_with_the_answer(glove):
    scene = views.analogy_scene(glove, "man", "king", "woman", neighbours=2, words=["prince"], skip_missing=False,
                                 hover=False)
    assert scene.labels[:4] == ["man", "king", "woman", "queen"] and scene.roles[3] == "answer"
    assert "queen" in scene.title and scene.roles[-1] == "target"
    c = scene.coords
    np.testing.assert_allclose(c[-1], c[1] - c[0] + c[2], atol=1e-9)  # b - a + c lands where the offsets add up
    assert [a.start for a in scene.arrows[:2]] == [tuple(c[0]), tuple(c[2])]
    assert [a.end for a in scene.arrows[:2]] == [tuple(c[1]), tuple(c[3])]
    assert "prince" in scene.labels and scene.roles.count("context") == 8  # 2 neighbours of each of the four


def test_heatmap_scene_is_the_cosine_matrix(glove):
    words = ["cat", "dog", "car"]
    scene = views.heatmap_scene(glove, words, skip_missing=False)
    expected = [[glove.similarity(a, b) for b in words] for a in words]
    np.testing.assert_allclose(scene.matrix, expected, atol=1e-6)
    assert scene.labels == words


def test_direction_scene_places_words_by_cosine_with_each_direction(glove):
    scene = views.direction_scene(glove, ["boy", "girl"], ("man", "woman"), ("small", "big"), skip_missing=False,
                                   hover=False)
    d = glove.vector("woman", norm=True).astype(np.float64) - glove.vector("man", norm=True)
    expected_x = glove.vector("girl", norm=True) @ d / np.linalg.norm(d)
    assert scene.coords[1, 0] == pytest.approx(expected_x, abs=1e-6)
    assert scene.coords[1, 0] > scene.coords[0, 0]  # girl is further along man -> woman than boy
    assert scene.labels == ["boy", "girl", "man", "woman", "small", "big"]
    assert scene.roles[2:] == ["anchor"] * 4
    with pytest.raises(InvalidArgumentError, match="same direction"):
        views.direction_scene(glove, ["boy"], ("man", "man"), ("small", "big"), skip_missing=False, hover=False)


# -- unknown words -----------------------------------------------------------------------------------
def test_unknown_word_raises_with_suggestions_and_the_skip_option(glove):
    with pytest.raises(UnknownTokenError, match=r"kitteen.*Did you mean: kitten.*skip_missing=True"):
        plots.projection(glove, ["cat", "kitteen", "dog"])


def test_unknown_word_is_skipped_with_a_warning(glove):
    pytest.importorskip("matplotlib")
    with pytest.warns(TokvecWarning, match=r"left out 2 word\(s\).*'kitteen' \(did you mean: kitten"):
        figure = plots.heatmap(glove, ["cat", "kitteen", "dog", "qqqzzzxq"], skip_missing=True)
    texts = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert texts == ["cat", "dog"]


def test_axis_words_must_exist_even_when_skipping(glove):
    with pytest.raises(UnknownTokenError, match="womann"):
        plots.directions(glove, ["boy"], x=("man", "womann"), y=("small", "big"), skip_missing=True)


# -- files -------------------------------------------------------------------------------------------
def test_png_is_valid_and_has_the_figure_size(tmp_path, glove):
    image = pytest.importorskip("matplotlib.image")
    out = tmp_path / "animals.png"
    figure = plots.projection(glove, ANIMALS, neighbours=2, out=out)
    width, height = _png_size(out.read_bytes())
    assert (width, height) == tuple(round(x) for x in figure.get_size_inches() * figure.dpi) == (900, 650)
    assert image.imread(out).shape == (650, 900, 4)
    labels = {t.get_text() for t in figure.axes[0].texts}
    assert set(ANIMALS) <= labels
    assert sorted(p.name for p in tmp_path.iterdir()) == ["animals.png"]  # no temporary file left


@pytest.mark.parametrize("kind", ["projection", "analogy", "heatmap", "directions"])
def test_every_plot_writes_png_and_html(tmp_path, glove, kind):
    pytest.importorskip("matplotlib")
    pytest.importorskip("plotly")
    calls = {
        "projection": lambda out: plots.projection(glove, ANIMALS, out=out),
        "analogy": lambda out: plots.analogy(glove, "man", "king", "woman", out=out),
        "heatmap": lambda out: plots.heatmap(glove, ANIMALS, out=out),
        "directions": lambda out: plots.directions(glove, ANIMALS, x=("man", "woman"), y=("small", "big"), out=out),
    }
    png, page = tmp_path / f"{kind}.png", tmp_path / f"{kind}.html"
    calls[kind](png)
    calls[kind](page)
    assert _png_size(png.read_bytes())[0] > 500
    text = page.read_text(encoding="utf-8")
    assert all(word in text for word in ANIMALS[:2]) or kind == "analogy"
    assert '<script src="http' not in text and "<script src='http" not in text


def test_html_is_self_contained_and_hover_shows_neighbours(tmp_path, glove):
    pytest.importorskip("plotly")
    out = tmp_path / "animals.html"
    figure = plots.projection(glove, ANIMALS, neighbours=3, out=out)
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<html") or "<!doctype html" in page[:200].lower()
    assert len(page) > 1_000_000  # plotly.js is inlined, so the page works offline
    assert '<script src="http' not in page and "<script src='http" not in page
    for word in ANIMALS:
        assert f'"{word}"' in page
    hover = [h for trace in figure.data for h in (trace.hovertext or ())]
    cat = next(h for h in hover if h.startswith("<b>cat</b>"))
    nearest = [t for t, *_ in glove.most_similar("cat", topn=3)]
    assert "nearest: " in cat and all(t in cat for t in nearest)


def test_three_d_projection_is_html_only(tmp_path, glove):
    pytest.importorskip("plotly")
    figure = plots.projection(glove, ANIMALS + ["king", "queen"], dim=3, out=tmp_path / "animals.html")
    assert figure.data[0].type == "scatter3d" and len(figure.data[0].z) == 7
    with pytest.raises(InvalidArgumentError, match="3-D plots are interactive only"):
        plots.projection(glove, ANIMALS, dim=3, out=tmp_path / "animals.png")
    with pytest.raises(InvalidArgumentError, match="use .png .* or .html"):
        plots.projection(glove, ANIMALS, out=tmp_path / "animals.jpg")


def _render_crashes(monkeypatch) -> tuple[type[Exception], str]:
    from tokvec.plot import _draw

    def broken(figure, backend):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(_draw, "render_bytes", broken)
    return RuntimeError, "renderer crashed"


def _rename_fails(monkeypatch) -> tuple[type[Exception], str]:
    import tokvec._plumbing.files as atomic

    def no_rename(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", no_rename)
    return OSError, "disk full"


@pytest.mark.parametrize("failure", [_render_crashes, _rename_fails], ids=["render", "write"])
def test_failed_plot_keeps_the_old_file_and_leaves_nothing_behind(tmp_path, glove, monkeypatch, failure):
    pytest.importorskip("matplotlib")
    out = tmp_path / "plot.png"
    out.write_bytes(b"the old plot")
    error, message = failure(monkeypatch)
    with pytest.raises(error, match=message):
        plots.projection(glove, ANIMALS, out=out)
    with pytest.raises(error, match=message):
        plots.projection(glove, ANIMALS, out=tmp_path / "new.png")
    assert out.read_bytes() == b"the old plot"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]


def test_save_checks_figure_and_suffix_match(tmp_path, glove):
    pytest.importorskip("matplotlib")
    pytest.importorskip("plotly")
    figure = plots.heatmap(glove, ANIMALS)  # matplotlib by default
    assert plots.save(figure, tmp_path / "h.png").exists()
    with pytest.raises(InvalidArgumentError, match="only a plotly figure can be written as .html"):
        plots.save(figure, tmp_path / "h.html")
    interactive = plots.heatmap(glove, ANIMALS, backend="plotly")
    with pytest.raises(InvalidArgumentError, match="only a matplotlib figure"):
        plots.save(interactive, tmp_path / "h2.png")
    with pytest.raises(InvalidArgumentError, match="drawn by matplotlib, not plotly"):
        plots.heatmap(glove, ANIMALS, out=tmp_path / "x.png", backend="plotly")


# -- other vocabularies ------------------------------------------------------------------------------
class _ByteLevelNames:
    """The part of a GPT-2 tokenizer that labels use: ``Ġ`` is a space."""

    kind = "byte-bpe"

    def display(self, token: str) -> str:
        return token.replace("Ġ", " ")

    def raw_forms(self, word: str) -> list[str]:
        return [word, "Ġ" + word]

    def encode(self, text: str):
        return [], []


def test_labels_of_a_byte_level_vocabulary_are_readable():
    rng = np.random.default_rng(0)
    v = Vectors(["Ġking", "Ġqueen", "Ġcat", "Ġdog", "Ġ", "s"], rng.normal(size=(6, 8)).astype(np.float32))
    v.tokenizer = _ByteLevelNames()
    scene = views.projection_scene(v, ["king"], neighbours=5, top=0, method="pca", dim=2, seed=0,
                                    skip_missing=False, hover=True)
    assert scene.labels[0] == "king"
    assert set(scene.labels[1:]) == {"queen", "cat", "dog", "'Ġ'", "s"}  # blank tokens get their repr
    assert all("Ġking" not in h and "<b>" in h for h in scene.hover)


def test_hover_and_labels_escape_html_in_tokens():
    pytest.importorskip("plotly")
    v = Vectors(["<unk>", "a&b", "cat", "dog"], np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32))
    figure = plots.projection(v, ["<unk>", "a&b", "cat"], backend="plotly")
    texts = [a.text for a in figure.layout.annotations]  # 2-D labels are placed annotations
    hover = [h for trace in figure.data for h in trace.hovertext]
    assert "<b>&lt;unk&gt;</b>" in texts and "<b>a&amp;b</b>" in texts
    assert hover[0].startswith("<b>&lt;unk&gt;</b>") and "<unk>" not in "".join(hover)


def test_minilm_token_matrix(tmp_path):
    pytest.importorskip("matplotlib")
    try:
        m = tokvec.load("minilm")
    except tokvec.TokvecError as exc:
        pytest.skip(str(exc))
    figure = plots.projection(m, ["king", "tokvec"], neighbours=3, out=tmp_path / "minilm.png")
    labels = {t.get_text() for t in figure.axes[0].texts}
    assert {"king", "tokvec", "kings", "queen"} <= labels  # tokvec is the mean of its pieces


@pytest.mark.parametrize("module, package, call", [
    ("matplotlib.figure", "matplotlib", lambda v: plots.heatmap(v, ["cat", "dog"])),
    ("plotly.graph_objects", "plotly", lambda v: plots.heatmap(v, ["cat", "dog"], backend="plotly")),
    ("sklearn.manifold", "scikit-learn", lambda v: project(np.eye(5), "tsne")),
    ("umap", "umap-learn", lambda v: project(np.eye(5), "umap")),
])
def test_missing_plot_dependency_says_how_to_install_it(monkeypatch, glove, module, package, call):
    monkeypatch.setitem(sys.modules, module, None)  # import of it now raises ImportError
    with pytest.raises(tokvec.errors.MissingDependencyError, match=rf"'{package}'.*pip install 'tokvec\[plot\]'"):
        call(glove)


def test_plot_modules_import_their_dependencies_lazily():
    code = ("import sys, tokvec.plot, tokvec.plot.projection, tokvec.formats.projector;"
            "print([m for m in ('matplotlib', 'plotly', 'sklearn', 'umap') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# -- command line ------------------------------------------------------------------------------------
def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_plot_png_and_json(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.png"
    code, stdout, err = run(capsys, "plot", "cat", "dog", "king", "-k", "3", "-o", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout)["kind"] == "projection" and _png_size(out.read_bytes()) == (900, 650)


@pytest.mark.parametrize("mode", [["--analogy", "man", "king", "woman"], ["--heatmap", "cat", "dog"],
                                  ["--direction", "man", "woman", "small", "big", "boy", "girl"]])
def test_cli_plot_modes(tmp_path, capsys, mode):
    pytest.importorskip("plotly")
    out = tmp_path / "p.html"
    code, stdout, err = run(capsys, "plot", *mode, "-o", str(out))
    assert code == 0, err
    assert "wrote" in stdout and out.stat().st_size > 1_000_000


def test_cli_unknown_word_error_and_skip(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.png"
    code, _, err = run(capsys, "plot", "cat", "kitteen", "-o", str(out))
    assert code == 1 and "Did you mean: kitten" in err and "--skip-missing" in err and not out.exists()
    code, stdout, err = run(capsys, "plot", "cat", "kitteen", "dog", "--skip-missing", "-o", str(out))
    assert code == 0 and "warning: left out 1 word(s)" in err and out.exists()


@pytest.mark.parametrize("args, message", [
    (["--heatmap", "--analogy", "a", "b", "c", "cat"], "choose one"),
    (["--analogy", "man", "king", "woman", "--method", "tsne"], "are 2-D"),
    ([], "give WORDS"),
    (["cat", "--method", "lda"], "unknown --method"),
])
def test_cli_plot_argument_errors(tmp_path, capsys, args, message):
    code, _, err = run(capsys, "plot", *args, "-o", str(tmp_path / "p.png"))
    assert code == 1 and message in err


@pytest.mark.parametrize("name", ["tokvec.plot.projection", "tokvec.plot.labels", "tokvec.plot.views",
                                  "tokvec.formats.projector"])
def test_docstring_examples_of_the_plot_modules(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_html_labels_do_not_overlap_in_a_real_browser(tmp_path, glove):
    """The HTML page places its labels as the PNG does: drawn by chromium, no two label boxes overlap."""
    pytest.importorskip("plotly")
    sync_api = pytest.importorskip("playwright.sync_api")
    import shutil

    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    words = ["king", "queen", "cat", "dog", "apple", "paris", "river", "music"]
    figure = plots.projection(glove, words, neighbours=8, out=tmp_path / "clusters.html")
    assert len(figure.layout.annotations) >= len(words)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((tmp_path / "clusters.html").as_uri())
            page.wait_for_selector(".annotation-text")
            boxes = page.eval_on_selector_all(".annotation", """els => els.map(e => {
                const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height, e.textContent]; })""")
        finally:
            browser.close()
    shown = {box[4] for box in boxes}
    assert set(words) <= shown and len(boxes) >= 40
    overlapping = [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]]
    assert overlapping == []
