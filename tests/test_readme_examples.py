"""The README's Python examples run as written: every name they use is defined, every call works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _block_after(heading: str) -> str:
    """The first ```python block after ``heading``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def test_the_embedding_layer_example_runs():
    pytest.importorskip("torch")  # its last line is the PyTorch interop
    namespace: dict = {}
    exec(compile(_block_after("## The embedding layer"), "README.md (embedding layer)", "exec"), namespace)
    assert namespace["grad"].shape == (6, 3) and namespace["grad"][[2, 3, 5, 1]].tolist() == [[1.0] * 3] * 4
    assert namespace["out"].shape == (4, 3)


def test_the_python_examples_return_what_their_comments_say(glove):
    from tokvec.search import Neighbour

    block = _block_after("## Python")
    assert "[Neighbour(token='queen', score=0.852..., row=2060)]" in block
    answer = glove.analogy("man", "king", "woman")
    assert answer == [Neighbour("queen", answer[0].score, 2060)] and round(answer[0].score, 3) == 0.852
    assert [n.row for n in glove.most_similar(positive=["king", "woman"], negative=["man"], topn=2)] == [2060, 6752]
