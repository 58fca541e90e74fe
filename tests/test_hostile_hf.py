"""Damaged Hugging Face model directories: one FormatError naming the file, never a traceback or a huge list."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import tokvec
from tokvec import FormatError
from tokvec.cli import main

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _model(tmp_path, vocab=None, rows=3):
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    safetensors_numpy.save_file({"wte.weight": np.eye(rows, 4, dtype=np.float32)}, str(model / "model.safetensors"))
    spec = {"model": {"type": "BPE", "vocab": vocab if vocab is not None else {"a": 0, "b": 1, "c": 2}}}
    (model / "tokenizer.json").write_text(json.dumps(spec))
    return model


def test_a_sound_model_loads(tmp_path):
    v = tokvec.load(_model(tmp_path))
    assert v.tokens == ["a", "b", "c"]


def test_token_id_10_to_the_12_is_refused_without_building_a_list(tmp_path):
    model = _model(tmp_path, {"a": 0, "b": 10**12})
    tracemalloc.start()
    with pytest.raises(FormatError, match="ids up to 1,000,000,000,000.*the embedding matrix has only 3 rows"):
        tokvec.load(model)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 2**20
    with pytest.raises(FormatError, match="it is damaged"):
        tokvec.formats.hf.read_vocab(model)  # without a matrix to compare with


@pytest.mark.parametrize("content, message", [
    (b"\x00garbage{", "is not valid JSON"), (b"\xff\xfe{}", "is not valid JSON"),
    (b"[1, 2]", "JSON list, not an object"),
    (b'"text"', "JSON str, not an object"), (b'{"model": 3}', "model.vocab is neither"),
    (b'{"model": {"vocab": {"a": -1}}}', "non-negative integer id"),
    (b'{"model": {"vocab": {"a": "zero"}}}', "non-negative integer id"),
    (b'{"model": {"vocab": {"a": 0}}, "added_tokens": [{"id": 1}]}', "non-negative integer id"),
    (b'{"model": {"vocab": {"a": 0}}, "added_tokens": 5}', "added_tokens is not a list"),
    (b"[" * 100_000, "not valid JSON"),
])
def test_garbage_tokenizer_json(tmp_path, content, message, capsys):
    model = _model(tmp_path)
    (model / "tokenizer.json").write_bytes(content)
    with pytest.raises(FormatError, match=message):
        tokvec.load(model)
    assert main(["import-model", str(model), str(tmp_path / "o.tokvec")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_garbage_index_and_config(tmp_path):
    model = _model(tmp_path)
    (model / "config.json").write_text("[]")
    with pytest.raises(FormatError, match="config.json holds a JSON list"):
        tokvec.load(model)
    (model / "config.json").unlink()
    (model / "model.safetensors.index.json").write_text('{"weight_map": 7}')
    with pytest.raises(FormatError, match="no \"weight_map\" object"):
        tokvec.load(model)
    (model / "model.safetensors.index.json").write_text('{"weight_map": {"wte.weight": "../../etc/passwd"}}')
    with pytest.raises(FormatError, match="outside the model directory"):
        tokvec.load(model)


def test_garbage_pytorch_bin_never_suggests_weights_only_false(tmp_path, capsys):
    pytest.importorskip("torch")
    model = tmp_path / "torch-model"
    model.mkdir()
    (model / "pytorch_model.bin").write_bytes(b"garbage, not a zip of tensors " * 10)
    (model / "vocab.txt").write_text("a\nb\n")
    with pytest.raises(FormatError, match="not a readable PyTorch weights file") as info:
        tokvec.load(model)
    assert "weights_only=False" not in str(info.value)
    assert main(["import-model", str(model), str(tmp_path / "o.tokvec")]) == 1
    err = capsys.readouterr().err
    assert "weights_only=False" not in err and "Traceback" not in err
