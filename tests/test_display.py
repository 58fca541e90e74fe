"""Notebook display: HTML and text views of tokvec's objects, escaping, progress bars, inline figures."""

from __future__ import annotations

import io
import re
import sys
import types

import numpy as np
import pytest

import tokvec
from tokvec.display import Neighbours, NotebookBar, Report, enable_figures, progress_kind
from tokvec.display import notebook as nbdisplay
from tokvec.layers import lookup_cost
from tokvec.search import Neighbour

HOSTILE = ["<script>alert(1)</script>", "a\x1b[31mred", "&amp;", "</td><td>x"]


def _pretty(obj) -> str:
    pretty = pytest.importorskip("IPython.lib.pretty")
    return pretty.pretty(obj)


def _no_raw_markup(html: str) -> None:
    assert "<script>alert" not in html and "\x1b" not in html and "</td><td>x" not in html


def test_neighbours_is_still_a_list_of_neighbour(toy):
    found = toy.most_similar("cat", topn=2)
    assert isinstance(found, Neighbours) and isinstance(found, list)
    assert found == [Neighbour(n.token, n.score, n.row) for n in found]  # equal to a plain list
    assert repr(found) == repr(list(found))  # repr unchanged: doctests and logs read as before
    assert [n.token for n in found] == ["kitten", "dog"]
    assert isinstance(toy.analogy("cat", "kitten", "dog", topn=2), Neighbours)
    assert all(isinstance(r, Neighbours) for r in toy.most_similar_batch(["cat", "dog"], topn=2))
    assert isinstance(toy.similar_by_vector(np.array([1.0, 0.0]), topn=2), Neighbours)


def test_neighbours_html_has_bars_rounded_scores_and_escaped_tokens():
    found = Neighbours([Neighbour(t, 0.9 - 0.1 * i, i) for i, t in enumerate(HOSTILE)])
    html = found._repr_html_()
    _no_raw_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a\\x1b[31mred" in html and "&amp;amp;" in html
    assert html.count("<tr>") == 1 + len(HOSTILE)
    assert re.findall(r">(0\.\d{4})<", html) == ["0.9000", "0.8000", "0.7000", "0.6000"]
    widths = [int(w) for w in re.findall(r'width:(\d+)px;height:10px;background:#4c78a8', html)]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]  # bars follow the scores
    text = _pretty(found)
    assert "0.9000" in text and "a\\x1b[31mred" in text and "\x1b" not in text
    assert Neighbours()._repr_html_() == "<i>no neighbours</i>"


def test_vectors_views(toy):
    html = toy._repr_html_()
    for fact in ("4 tokens × 2", "float32 (in memory)", "norms", "kitten"):
        assert fact in html
    text = _pretty(toy)
    assert text.startswith("Vectors\n") and "first  cat, kitten, dog, car" in text
    assert repr(toy).startswith("<Vectors 4 x 2")
    hostile = tokvec.Vectors(HOSTILE, np.eye(4, dtype=np.float32), source="<b>bold</b>")
    _no_raw_markup(hostile._repr_html_())
    assert "&lt;b&gt;bold&lt;/b&gt;" in hostile._repr_html_()


def test_glove_view_shows_size_storage_and_source(glove):
    html = glove._repr_html_()
    assert "400,000 tokens × 50" in html and "memory-mapped" in html and "GloVe" in html
    norms = glove.norms[:8]
    for token, norm in zip(glove.tokens[:8], norms):
        assert f"{norm:.3f}" in html and token in html


def test_embedding_view_shows_shape_init_and_a_corner():
    emb = tokvec.Embedding(100, 20, seed=123)
    text = _pretty(emb)
    assert text.splitlines()[0] == "Embedding(100, 20): 2,000 weights (7.8 KiB), init torch seed 123"
    assert f"{emb.weight[5, 5]:.4f}" in text and "…" in text  # the corner, then ellipses
    html = emb._repr_html_()
    assert html.count("<tr>") == 1 + 6 + 1 and "⋮" in html
    assert tokvec.Embedding(2, 2, weight=np.eye(2)).init == "given weights"
    assert tokvec.Embedding(2, 2).init == "normal, unseeded"


def test_lookup_cost_view():
    cost = lookup_cost(50_257, 768, 8)
    text = _pretty(cost)
    assert "617,558,016" in text and "8 ids from a 50,257 × 768 table" in text
    assert "617,558,016" in cost._repr_html_()


def test_evaluation_views(glove):
    import tokvec.evaluate as ev

    analogies = ev.evaluate_analogies(glove, restrict=5_000)
    html = analogies._repr_html_()
    assert html.count("<tr>") == 1 + len(analogies.sections)  # one row per section
    assert "protocol: 3CosAdd" in html and f"{analogies.accuracy:.2%}" in html
    sim = ev.evaluate_similarity(glove, "wordsim353")
    assert f"{sim.spearman:.4f}" in _pretty(sim) and "protocol: cosine similarity" in sim._repr_html_()
    both = Report([sim, analogies])
    assert both._repr_html_().count("<table") == 2 and "protocol" in _pretty(both)
    assert isinstance(both, list) and len(both) == 2


def test_training_view_draws_the_loss_per_epoch():
    from tokvec.train import Word2VecConfig, train

    r = train([["a", "b", "c", "d"]] * 40, Word2VecConfig(dim=4, min_count=1, threads=1, sample=0, epochs=3),
              progress=False)
    html = r._repr_html_()
    assert "<svg" in html and html.count("<circle") == 3 and html.count("<polyline") == 1
    for loss in r.epoch_loss:
        assert f"{loss:.4f}" in html
    assert _pretty(r).splitlines()[0].startswith("word2vec cbow: 4 tokens × 4, 3 epochs")


def test_progress_kind_log_terminal_notebook(monkeypatch):
    assert progress_kind(io.StringIO()) == "log"

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("TERM", "xterm")
    assert progress_kind(Tty()) == "terminal"
    fake = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: fake))
    assert progress_kind(Tty()) == "notebook" and nbdisplay.shell() is fake


def test_notebook_bar_updates_one_display_in_place(monkeypatch):
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(obj)

    display_module = types.SimpleNamespace(display=lambda obj, display_id: shown.append(obj) or Handle())
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    monkeypatch.setattr(nbdisplay, "UPDATE_SECONDS", 0.0)
    bar = NotebookBar(10, ("epoch {task.fields[epoch]}", "{task.percentage:>5.1f}%", "loss {task.fields[loss]:.2f}"),
                      epoch=1, loss=float("nan"))
    bar.start()
    bar.update(5, epoch=2, loss=1.5)
    bar.stop()
    assert len(shown) == 3
    assert repr(shown[1]) == "[###############...............] epoch 2 50.0% loss 1.50"
    assert 'value="0.5000"' in shown[1]._repr_html_()
    assert "done in" in repr(shown[2]) and "\x1b" not in repr(shown[2])


def test_training_bar_in_a_log_has_no_ansi_codes(capfd):
    from tokvec.train import Word2VecConfig, train

    train([["a", "b", "c"]] * 30, Word2VecConfig(dim=4, min_count=1, threads=1, sample=0, epochs=2), progress=True)
    err = capfd.readouterr().err
    assert "\x1b" not in err and "ipywidgets" not in err and "epoch 2" in err


def test_enable_figures_registers_png_and_plotly_html(monkeypatch):
    formatters = {"image/png": _Formatter(), "text/html": _Formatter()}
    fake = types.SimpleNamespace(kernel=object(), display_formatter=types.SimpleNamespace(formatters=formatters))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: fake))
    assert enable_figures()
    assert formatters["image/png"].registered == [("matplotlib.figure", "Figure")]
    assert formatters["text/html"].registered == [("plotly.graph_objs._figure", "Figure")]
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))
    assert not enable_figures()


def test_figure_png_and_plotly_fallback_render(glove):
    pytest.importorskip("matplotlib")
    fig = tokvec.plot.heatmap(glove, ["cat", "kitten", "dog"])
    assert nbdisplay._png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    pytest.importorskip("plotly")
    html = nbdisplay._plotly_html(tokvec.plot.heatmap(glove, ["cat", "dog"], backend="plotly"))
    assert "plotly" in html and "<div" in html


class _Formatter:
    def __init__(self):
        self.registered = []

    def for_type_by_name(self, module, name, func):
        self.registered.append((module, name))
