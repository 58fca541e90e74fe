"""The Python examples of the README and the manual run as written, page by page.

Every ```python block of ``README.md`` and ``docs/**/*.md`` runs, in order, in one namespace per page
(a later block may use what an earlier one defined), in a fresh directory that holds the files the
examples name: ``corpus.txt`` (WordNet glosses shipped with tokvec) and ``model.bin`` (gensim's
``lee_fasttext.bin``). A block preceded by ``<!-- not run: REASON -->`` is skipped, with its reason.
A few pages also check what their comments say.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"(<!-- not run: (?P<reason>[^>]*)-->\n)?```python\n(?P<code>.*?)```", re.S)
NEEDS = {"guides/embedding-layer.md": "torch", "guides/transfer.md": "torch", "guides/fasttext.md": "gensim",
         "guides/approximate.md": "faiss", "guides/plots.md": "umap", "guides/transformers.md": "tokenizers",
         "guides/static.md": "dask"}


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT / "docs")) if page.parent != ROOT else page.name


def _blocks(page: Path) -> list[tuple[int, str | None, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group("reason"), m.group("code")) for m in BLOCK.finditer(text)]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    import tokvec

    with gzip.open(Path(tokvec.__file__).parent / "data" / "wordnet-glosses.txt.gz", "rt", encoding="utf-8") as f:
        (tmp_path / "corpus.txt").write_text("".join(line for _, line in zip(range(3_000), f)), encoding="utf-8")
    spec = importlib.util.find_spec("gensim")  # a dev dependency: its wheel ships fastText's test model
    if spec is not None:
        model = Path(spec.origin).parent / "test" / "test_data" / "lee_fasttext.bin"
        shutil.copy(model, tmp_path / "model.bin")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_page_with_examples_is_found():
    names = {_name(p) for p in PAGES if _blocks(p)}
    assert {"README.md", "index.md", "getting-started.md", "guides/querying.md", "guides/transfer.md"} <= names


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=_name)
def test_the_examples_run(page, workdir):
    if _name(page) in NEEDS:
        pytest.importorskip(NEEDS[_name(page)])
    namespace: dict = {}
    ran = 0
    for line, reason, code in _blocks(page):
        if reason is not None:
            assert reason.strip(), f"{_name(page)} line {line}: say why the block is not run"
            continue
        exec(compile(code, f"{_name(page)} (line {line})", "exec"), namespace)
        ran += 1
    if not ran:
        pytest.skip(f"every block of {_name(page)} is marked not run")


def test_the_readme_python_example_says_what_it_returns(glove):
    from tokvec.search import Neighbour

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[Neighbour(token='queen', score=0.852..., row=2060), Neighbour(token='throne', score=0.766..." in text
    answer = glove.analogy("man", "king", "woman")
    assert answer == [Neighbour("queen", answer[0].score, 2060)] and round(answer[0].score, 3) == 0.852
    assert [n.row for n in glove.most_similar(positive=["king", "woman"], negative=["man"], topn=2)] == [2060, 6752]


def test_the_embedding_layer_example_computes_what_it_says():
    pytest.importorskip("torch")  # its last line is the PyTorch interop
    namespace: dict = {}
    for _, _, code in _blocks(ROOT / "docs" / "guides" / "embedding-layer.md"):
        exec(compile(code, "guides/embedding-layer.md", "exec"), namespace)
    assert namespace["grad"].shape == (6, 3) and namespace["grad"][[2, 3, 5, 1]].tolist() == [[1.0] * 3] * 4
    assert namespace["out"].shape == (4, 3)
