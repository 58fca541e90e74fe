"""Pretrained token embeddings for the tiny GPT: ``init-embeddings`` and ``train-lm --init-embeddings``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tokenizers")

import tokvec  # noqa: E402
from tokvec import Vectors  # noqa: E402
from tokvec.cli import main  # noqa: E402
from tokvec.errors import InvalidArgumentError  # noqa: E402
from tokvec.train.lm import LMConfig, TinyGPT, train_lm  # noqa: E402
from tokvec.train.lm import data as lm_data  # noqa: E402
from tokvec.train.lm.warm_start import TARGET_STD, warm_start  # noqa: E402


def test_warm_start_copies_found_rows_scaled_to_the_models_spread(tmp_path):
    rows = np.array([[1, 2, 3, 4], [-4, 0, 2, 6], [9, 9, 9, 9]], dtype=np.float32)
    path = tmp_path / "init.tokvec"
    tokvec.save(Vectors(["b", "a", "q"], rows), path)
    config = LMConfig(dim=4, heads=2, layers=1, context=4, init_embeddings=str(path))
    model = TinyGPT(config, vocab_size=3)
    before = model.tok.weight.detach().clone()
    notes = warm_start(model, ["a", "b", "zz"], config)
    scale = TARGET_STD / rows[:2].std()
    weight = model.tok.weight.detach().numpy()
    np.testing.assert_allclose(weight[0], rows[1] * scale, rtol=1e-6)
    np.testing.assert_allclose(weight[1], rows[0] * scale, rtol=1e-6)
    assert torch.equal(model.tok.weight[2], before[2])  # not in the file: the model's own random row
    assert model.head.weight is model.tok.weight
    assert "2 of 3 rows" in notes[0]
    assert warm_start(model, ["a"], LMConfig(dim=4, heads=2)) == []


def test_warm_start_errors(tmp_path):
    path = tmp_path / "init.tokvec"
    tokvec.save(Vectors(["a"], np.ones((1, 6), np.float32)), path)
    with pytest.raises(InvalidArgumentError, match="6-dimensional rows but the model's --dim is 4; train with --dim 6"):
        warm_start(TinyGPT(LMConfig(dim=4, heads=2, layers=1), 2), ["a", "b"],
                   LMConfig(dim=4, heads=2, layers=1, init_embeddings=str(path)))
    config = LMConfig(dim=6, heads=2, layers=1, init_embeddings=str(path))
    with pytest.raises(InvalidArgumentError, match="none of the tokenizer's 2 tokens"):
        warm_start(TinyGPT(config, 2), ["x", "y"], config)
    with pytest.raises(InvalidArgumentError, match="init_embeddings must be a vector file path"):
        LMConfig(init_embeddings="")


def test_train_lm_starts_from_the_file(gensim_data: Path, tmp_path):
    corpus = gensim_data / "lee_background.cor"
    lines, _ = lm_data.read_lines(corpus)
    tokenizer = tmp_path / "tokenizer.json"
    lm_data.train_tokenizer(lines, 300).save(str(tokenizer))
    tokens = lm_data.vocabulary(lm_data.load_tokenizer(tokenizer))
    rows = np.random.default_rng(0).standard_normal((len(tokens), 32)).astype(np.float32) * 3
    tokvec.save(Vectors(tokens, rows), tmp_path / "init.tokvec")
    config = LMConfig(vocab_size=300, context=16, dim=32, layers=1, heads=2, batch_size=4, steps=2, eval_every=2,
                      eval_batches=1, snapshot_every=2, init_embeddings=str(tmp_path / "init.tokvec"))
    result = train_lm(corpus, config, out_dir=tmp_path / "run", tokenizer=str(tokenizer), progress=False)
    assert any(f"{len(tokens):,} of {len(tokens):,} rows" in note for note in result.notes)
    start = tokvec.load(result.snapshots[0])
    assert start.metadata["step"] == "0"
    np.testing.assert_allclose(np.asarray(start.matrix), rows * (TARGET_STD / rows.std()), rtol=1e-5)


def test_init_embeddings_command(capsys, glove, tmp_path):
    small = tmp_path / "small.tokvec"
    tokvec.save(glove.limit(2000), small)
    out = tmp_path / "minilm-init.tokvec"
    code = main(["init-embeddings", "minilm", str(small), "-o", str(out), "--words", "2000", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    info = json.loads(captured.out)
    assert info["tokens"] == 30522 and info["dim"] == 50 and info["exact"] > 1500 and info["pieces"] > 0
    v = tokvec.load(out)
    np.testing.assert_array_equal(v["king"], glove["king"])
    assert main(["init-embeddings", "minilm", str(small), "-o", str(out)]) == 0
    assert "30,522 rows:" in capsys.readouterr().out
