"""Damaged checkpoints and runs that learn nothing stop with one clear error, and write no model."""

from __future__ import annotations

import numpy as np
import pytest

from tokvec.cli import main
from tokvec.errors import TrainingDivergedError
from tokvec.train import CheckpointError, CorpusError, Word2VecConfig, train

TOY = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"]] * 6
CFG = Word2VecConfig(model="skipgram", dim=8, min_count=1, threads=1, chunk_words=7, epochs=2, seed=3, sample=0)


@pytest.fixture()
def checkpoint(tmp_path):
    ckpt = tmp_path / "run.ckpt.npz"
    with pytest.raises(KeyboardInterrupt):
        train(TOY, CFG, progress=False, checkpoint=ckpt, stop_after=3)
    return ckpt


def _rewrite(path, **changes):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update(changes)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return arrays


def test_the_fixture_checkpoint_resumes(checkpoint):
    assert len(train(TOY, None, progress=False, resume=checkpoint).epoch_loss) == 2


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_truncated_checkpoint(checkpoint, cut, capsys):
    raw = checkpoint.read_bytes()
    checkpoint.write_bytes(raw[: int(len(raw) * cut)])
    with pytest.raises(CheckpointError, match="cannot read checkpoint .* It may be truncated"):
        train(TOY, None, progress=False, resume=checkpoint)


def test_checkpoint_with_too_few_rows(checkpoint):
    arrays = _rewrite(checkpoint)
    _rewrite(checkpoint, syn0=arrays["syn0"][:-1])
    with pytest.raises(CheckpointError, match=r"is damaged: syn0 is \(\d+, 8\) float32, expected"):
        train(TOY, None, progress=False, resume=checkpoint)


@pytest.mark.parametrize("field, value, message", [
    ("next_chunk", 10**6, "chunk index 1000000 is past the corpus's"), ("next_chunk", -1, "negative"),
    ("epoch", 7, "epoch 7 is outside 0..2"), ("counts", np.zeros(1, np.int64), "counts are"),
    ("config", np.array("[1]"), "configuration"), ("vocab_utf8", np.frombuffer(b"\xff\xfe", np.uint8), "cannot read"),
])
def test_checkpoint_fields_out_of_range(checkpoint, field, value, message):
    _rewrite(checkpoint, **{field: value})
    with pytest.raises(CheckpointError, match=message):
        train(TOY, None, progress=False, resume=checkpoint)


def test_checkpoint_with_infinite_weights_is_refused(checkpoint):
    arrays = _rewrite(checkpoint)
    _rewrite(checkpoint, syn1=np.full_like(arrays["syn1"], np.inf))
    with pytest.raises(CheckpointError, match="weights hold NaN or infinity"):
        train(TOY, None, progress=False, resume=checkpoint)


def test_a_nan_loss_stops_training_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from tokvec.train import _reference

    real = _reference.train_chunk
    calls = []

    def diverging(job, syn0, syn1, c):
        loss, updates, words = real(job, syn0, syn1, c)
        calls.append(c)
        return (float("nan") if len(calls) > 4 else loss), updates, words

    monkeypatch.setattr(_reference, "train_chunk", diverging)
    with pytest.raises(TrainingDivergedError, match="training diverged in epoch 1: the loss became nan"):
        train(TOY, CFG, progress=False, backend="reference")
    assert len(calls) < 10  # stopped at the group that diverged


def test_a_corpus_with_nothing_to_learn_is_an_error(tmp_path, capsys):
    with pytest.raises(CorpusError, match="made no updates"):
        train([["lonely"]] * 30, Word2VecConfig(dim=4, min_count=1, threads=1), progress=False)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "g.tokvec"
    assert main(["train", str(garbage), "-o", str(out), "--min-count", "5", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and not out.exists()


def test_a_nan_loss_stops_the_tiny_gpt_and_writes_nothing_of_it(tmp_path, gensim_data, monkeypatch):
    pytest.importorskip("torch")
    from tokvec.train.lm import LMConfig, train_lm
    from tokvec.train.lm import trainer as lm_trainer

    config = LMConfig(vocab_size=200, context=8, dim=16, layers=1, heads=2, batch_size=4, steps=12, lr=1e-2,
                      min_lr=1e-3, warmup=2, eval_every=10, snapshot_every=10, eval_batches=2, checkpoint_every=5)
    real = lm_trainer.learning_rate
    monkeypatch.setattr(lm_trainer, "learning_rate", lambda c, step: float("nan") if step >= 3 else real(c, step))
    out = tmp_path / "lm"
    with pytest.raises(TrainingDivergedError, match=r"diverged by step 5: the training loss became nan.*Lower the"):
        train_lm(gensim_data / "lee_background.cor", config, out_dir=out, progress=False)
    assert not (out / "embeddings.tokvec").exists() and not (out / "checkpoint.pt").exists()
    assert sorted(p.name for p in (out / "snapshots").glob("*.tokvec")) == ["step-0000000.tokvec"]  # the random start


def test_infinite_weights_with_a_finite_loss_also_stop_the_tiny_gpt(tmp_path, gensim_data, monkeypatch):
    pytest.importorskip("torch")
    from tokvec.train.lm import LMConfig, train_lm
    from tokvec.train.lm import trainer as lm_trainer

    config = LMConfig(vocab_size=200, context=8, dim=16, layers=1, heads=2, batch_size=4, steps=6, lr=1e-2,
                      min_lr=1e-3, warmup=2, eval_every=3, snapshot_every=3, eval_batches=2, checkpoint_every=100)
    real = lm_trainer._Trainer.train_step

    def poisoned(self):
        lr = real(self)
        if self.step == 3:  # after the step: its loss was finite
            with lm_trainer.torch.no_grad():
                self.model.tok.weight[0, 0] = float("inf")
        return lr

    monkeypatch.setattr(lm_trainer._Trainer, "train_step", poisoned)
    with pytest.raises(TrainingDivergedError, match=r"step 3: the weights hold NaN or infinity"):
        train_lm(gensim_data / "lee_background.cor", config, out_dir=tmp_path / "lm", progress=False)
    assert not (tmp_path / "lm" / "embeddings.tokvec").exists()


def test_a_binary_corpus_is_refused_by_the_tiny_gpt(tmp_path):
    pytest.importorskip("tokenizers")
    from tokvec.train.lm import data as lm_data

    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(CorpusError, match=r"garbage.bin does not look like text: [\d,]+ of its 4,000 bytes are not"):
        lm_data.read_lines(garbage)
    (tmp_path / "latin1.txt").write_bytes("café crème naïve\n".encode("latin-1") * 20)  # some bad bytes: read
    assert lm_data.read_lines(tmp_path / "latin1.txt")[1] == 60


@pytest.mark.parametrize("content", [b"\x80\x02garbage" * 100, b"", b"PK\x03\x04" + b"\x00" * 50])
def test_a_damaged_lm_checkpoint_is_one_line_that_never_suggests_weights_only_false(tmp_path, content):
    pytest.importorskip("torch")
    from tokvec.train.lm import load_checkpoint

    path = tmp_path / "checkpoint.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=r"checkpoint.pt is not a readable tokvec LM checkpoint") as caught:
        load_checkpoint(path)
    message = str(caught.value)
    assert "\n" not in message and "weights_only" not in message and "resume from the checkpoint.pt" in message
