"""word2vec training: kernel vs NumPy twin, gensim's vocabulary tables, loss by hand, resume, errors, quality."""

from __future__ import annotations

import bisect
import dataclasses
import doctest
import inspect
import math
import typing
from pathlib import Path

import numpy as np
import pytest

import tokvec
import tokvec.train.options
from tokvec.cli import main
from tokvec.errors import InvalidArgumentError
from tokvec.train import CheckpointError, CorpusError, TrainOptions, Word2VecConfig, encode_corpus, train
from tokvec.train.fasttext import train as train_fasttext
from tokvec.train.word2vec import chunk_boundaries, chunk_seeds, initial_weights, noise_table, sample_ints

LEE = Path(__import__("gensim").__file__).parent / "test" / "test_data" / "lee_background.cor"

TOY = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog",
                           "the mat and the log", "a dog on a mat"]] * 4


def tiny(model: str, **kw) -> Word2VecConfig:
    params = dict(model=model, dim=8, min_count=1, threads=1, chunk_words=7, epochs=3, sample=0.05, seed=3)
    params.update(kw)
    return Word2VecConfig(**params)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_kernel_matches_numpy_twin(model):
    fast = train(TOY, tiny(model), progress=False)
    slow = train(TOY, tiny(model), progress=False, backend="reference")
    assert fast.vectors.tokens == slow.vectors.tokens
    np.testing.assert_allclose(fast.vectors.matrix, slow.vectors.matrix, atol=1e-5, rtol=0)
    assert np.abs(fast.vectors.matrix).max() > 0.01  # they did train
    np.testing.assert_allclose(fast.epoch_loss, slow.epoch_loss, rtol=1e-5)
    assert fast.effective_words == slow.effective_words


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_threads_1_is_bit_identical_across_runs(model):
    a = train(TOY, tiny(model), progress=False)
    b = train(TOY, tiny(model), progress=False)
    assert np.array_equal(a.vectors.matrix, b.vectors.matrix) and a.epoch_loss == b.epoch_loss
    c = train(TOY, tiny(model, seed=4), progress=False)
    assert not np.array_equal(a.vectors.matrix, c.vectors.matrix)


def test_several_threads_train_every_chunk():
    result = train(TOY, tiny("skipgram", threads=2, epochs=2), progress=False)
    assert np.isfinite(result.vectors.matrix).all() and len(result.epoch_loss) == 2


def test_vocabulary_tables_match_gensim():
    from gensim.models import Word2Vec

    counts = {"a": 60, "b": 25, "c": 9, "d": 4, "e": 2, "f": 1}
    words = [w for w, c in counts.items() for _ in range(c)]
    sentences = [words[i:i + 7] for i in range(0, len(words), 7)]
    gensim_model = Word2Vec(vector_size=4, min_count=1, sample=0.01, workers=1)
    gensim_model.build_vocab(sentences)
    corpus = encode_corpus(sentences, min_count=1)
    assert corpus.tokens == list(gensim_model.wv.index_to_key)
    ours = sample_ints(corpus.counts, 0.01)
    theirs = [gensim_model.wv.get_vecattr(w, "sample_int") for w in corpus.tokens]
    assert ours.tolist() == theirs
    assert ours[-1] == 2**32 - 1 and ours[0] < ours[1]  # rare words always kept, frequent ones less often
    assert noise_table(corpus.counts).tolist() == gensim_model.cum_table.tolist()
    # by hand: threshold t = 0.01 * 101; p(a) = (sqrt(60 / t) + 1) * t / 60
    t = 0.01 * 101
    assert ours[0] == int(((math.sqrt(60 / t) + 1) * t / 60) * (2**32 - 1))


def test_chunks_cover_whole_sentences():
    starts = np.array([0, 3, 5, 9, 10])
    bounds = chunk_boundaries(starts, 4)
    assert bounds[0] == 0 and bounds[-1] == 4 and np.all(np.diff(bounds) > 0)
    assert chunk_boundaries(starts, 100).tolist() == [0, 4]


def _lcg(r: int) -> int:
    return (r * 25214903917 + 11) & ((1 << 48) - 1)


def test_epoch_loss_equals_hand_computation_on_two_words():
    """Skip-gram on the sentence "a b", window 1, one noise word, no subsampling, one epoch: two updates."""
    cfg = Word2VecConfig(model="skipgram", dim=3, window=1, negative=1, min_count=1, sample=0, epochs=1,
                         threads=1, seed=7)
    result = train([["a", "b", "a"]], cfg, progress=False)  # "a" twice so the vocabulary order is fixed
    syn0, syn1 = (m.astype(np.float64) for m in initial_weights(2, 3, 7))
    cum = noise_table(np.array([2, 1])).tolist()
    r = int(chunk_seeds(7, 0, 1)[0])
    sentence, alpha, losses = [0, 1, 0], 0.025, []
    for i, centre in enumerate(sentence):
        r = _lcg(r)  # window shrink draw (always 0 for window 1)
        noise = bisect.bisect_left(cum, (r >> 16) % cum[-1])
        r = _lcg(r)
        grad_out = np.zeros((2, 3))
        for j in (i - 1, i + 1):
            if not 0 <= j < len(sentence):
                continue
            u = syn0[sentence[j]].copy()
            loss = -math.log(1 / (1 + math.exp(-u @ syn1[centre])))
            g = (1 - 1 / (1 + math.exp(-u @ syn1[centre]))) * alpha
            neu1e, grad_out[0] = g * syn1[centre], grad_out[0] + g * u
            if noise != centre:
                loss -= math.log(1 / (1 + math.exp(u @ syn1[noise])))
                g = -1 / (1 + math.exp(-u @ syn1[noise])) * alpha
                neu1e, grad_out[1] = neu1e + g * syn1[noise], grad_out[1] + g * u
            syn0[sentence[j]] += neu1e
            losses.append(loss)
        syn1[centre] += grad_out[0]
        if noise != centre:
            syn1[noise] += grad_out[1]
    assert len(losses) == 4  # (context, centre) updates: (b, a), (a, b) twice, (b, a)
    assert result.epoch_loss[0] == pytest.approx(sum(losses) / 4, rel=1e-6)
    np.testing.assert_allclose(result.vectors.matrix, syn0, atol=1e-6)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_resume_equals_uninterrupted(check_resume, model):
    check_resume(train, TOY, tiny(model, epochs=3), stop_after=7)  # stops mid-epoch 2 (5 chunks an epoch)


def test_periodic_checkpoint_and_resume_checks(tmp_path):
    ckpt = tmp_path / "c.npz"
    train(TOY, tiny("cbow"), progress=False, checkpoint=ckpt, checkpoint_every=1e-9)
    assert ckpt.exists()
    with pytest.raises(CheckpointError, match="different configuration"):
        train(TOY, tiny("cbow", dim=9), progress=False, resume=ckpt)
    with pytest.raises(CheckpointError, match="corpus differs"):
        train(TOY[:-1], None, progress=False, resume=ckpt)
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        train(TOY, None, progress=False, resume=tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read checkpoint"):
        train(TOY, None, progress=False, resume=tmp_path / "bad.npz")


def test_corpus_from_files_matches_token_lists(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in TOY) + "\n\n")
    from_file = encode_corpus([path, path], min_count=1)
    from_lists = encode_corpus(TOY + TOY, min_count=1)
    assert from_file.tokens == from_lists.tokens
    assert np.array_equal(from_file.ids, from_lists.ids)
    assert np.array_equal(from_file.sentence_starts, from_lists.sentence_starts)
    assert from_file.counts.sum() == from_file.raw_words == sum(map(len, TOY)) * 2


def test_long_lines_are_cut_and_big_corpora_spill_to_disk(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(" ".join(["x", "y"] * 10_001) + "\n")
    corpus = encode_corpus(path, min_count=1, memory_mb=100 / 2**20, directory=tmp_path)
    assert np.diff(corpus.sentence_starts).tolist() == [10_000, 10_000, 2]
    assert isinstance(corpus.ids, np.memmap) and corpus.ids[:4].tolist() == [0, 1, 0, 1]
    assert not isinstance(corpus.sentence_starts, np.memmap)  # 4 starts fit in 100 bytes
    assert [p.parent.parent for p in tmp_path.glob("tokvec-corpus-*/*")] == [tmp_path]
    again = encode_corpus(path, vocab=corpus.tokens, memory_mb=0, directory=tmp_path)
    assert isinstance(again.sentence_starts, np.memmap) and again.counts.tolist() == [10_001, 10_001]
    with pytest.raises(CorpusError, match="corpus directory .*nowhere does not exist.*--corpus-dir"):
        encode_corpus(path, min_count=1, memory_mb=0, directory=tmp_path / "nowhere")
    with pytest.raises(InvalidArgumentError, match="memory budget must be >= 0"):
        encode_corpus(path, memory_mb=-1)


def test_a_memory_mapped_corpus_trains_exactly_like_one_in_ram(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in TOY * 20) + "\n")
    config = Word2VecConfig(dim=8, min_count=1, threads=1, epochs=2)
    in_ram = train(str(path), config, progress=False)
    mapped = train(str(path), config, progress=False, corpus_memory_mb=0, corpus_dir=tmp_path)
    assert np.array_equal(in_ram.vectors.matrix, mapped.vectors.matrix)
    assert in_ram.epoch_loss == mapped.epoch_loss


def test_max_vocab_keeps_most_frequent():
    corpus = encode_corpus([["a", "b", "b", "c", "c", "c"]], min_count=1, max_vocab=2)
    assert corpus.tokens == ["c", "b"] and corpus.ids.tolist() == [1, 1, 0, 0, 0]


def test_non_utf8_replaced_and_counted_or_strict(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 au lait\nau lait\n")
    corpus = encode_corpus(path, min_count=1)
    assert corpus.replaced_bytes == 1 and "caf\ufffd" in corpus.tokens
    with pytest.raises(CorpusError, match=r"bad.txt: line 1, byte 3: not UTF-8.*errors='replace'"):
        encode_corpus(path, min_count=1, errors="strict")


@pytest.mark.parametrize("kwargs, message", [
    ({"dim": 0}, "dim must be a positive integer"),
    ({"window": 0}, "window must be a positive integer"),
    ({"negative": -1}, "negative must be a positive integer"),
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"model": "sg"}, "model must be 'skipgram' or 'cbow'"),
    ({"sample": -1.0}, "sample must be >= 0"),
    ({"alpha": 0.0}, "alpha"),
    ({"threads": 0}, "threads must be >= 1"),
])
def test_absurd_parameters_are_rejected(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        Word2VecConfig(**kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"checkpoint_every": 0}, "checkpoint_every must be a positive number of minutes"),
    ({"checkpoint_every": 5}, r"checkpoint_every needs a checkpoint path \(--checkpoint PATH\)"),
    ({"errors": "ignore"}, "errors must be 'replace' or 'strict'"),
    ({"stop_after": -1}, "stop_after must be None or a number of chunks >= 0"),
    ({"backend": "cuda"}, "backend must be 'numba' or 'reference'"),
    ({"corpus_memory_mb": -1}, "corpus_memory_mb must be a number of MiB >= 0"),
])
def test_absurd_run_options_are_rejected_before_reading_the_corpus(tmp_path, kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        TrainOptions(**kwargs)
    for trainer in (train, train_fasttext):
        with pytest.raises(InvalidArgumentError, match=message):
            trainer(tmp_path / "missing.txt", progress=False, **kwargs)


def test_both_trainers_take_the_run_options_as_keywords():
    options = dataclasses.fields(TrainOptions)
    for trainer in (train, train_fasttext):
        parameters = list(inspect.signature(trainer).parameters.values())
        assert [p.name for p in parameters] == ["corpus", "config", *(f.name for f in options)]
        assert parameters[1].default is None
        assert all(p.kind is p.KEYWORD_ONLY and p.default == f.default for p, f in zip(parameters[2:], options))
        assert typing.get_type_hints(trainer)["errors"] == typing.get_type_hints(TrainOptions)["errors"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'chekpoint'"):
        train(TOY, tiny("cbow"), chekpoint="x")
    assert doctest.testmod(tokvec.train.options).failed == 0


def test_bad_corpora(tmp_path):
    with pytest.raises(CorpusError, match="no such corpus file"):
        encode_corpus(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n \n")
    with pytest.raises(CorpusError, match="is empty"):
        encode_corpus(tmp_path / "empty.txt")
    with pytest.raises(CorpusError, match=r"no token occurs at least min_count=5 times.*lower min_count"):
        encode_corpus([["a", "b"], ["a"]], min_count=5)
    with pytest.raises(CorpusError, match="list of tokens"):
        encode_corpus([["ok"], "oops"], min_count=1)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_trains_and_writes_vectors_with_counts(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in TOY) + "\n")
    out = tmp_path / "v.tokvec"
    code, stdout, err = cli(capsys, "train", str(corpus), "-o", str(out), "--dim", "6", "--min-count", "1",
                            "--epochs", "2", "--threads", "1", "--model", "skipgram", "--json")
    assert code == 0, err
    import json

    info = json.loads(stdout)
    assert info["tokens"] == 9 and len(info["epoch_loss"]) == 2
    v = tokvec.load(out)
    assert v.dim == 6 and v.vocab.counts is not None and int(v.vocab.counts[0]) == 24 and v.vocab.token(0) == "the"


@pytest.mark.parametrize("args, message", [
    (["MISSING"], "no such corpus file"),
    (["EMPTY"], "is empty"),
    (["CORPUS", "--dim", "0"], "dim must be a positive integer"),
    (["CORPUS", "--epochs", "0"], "epochs must be"),
    (["CORPUS", "--min-count", "1000"], "no token occurs at least min_count=1000"),
])
def test_cli_bad_input_writes_nothing(tmp_path, capsys, args, message):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    (tmp_path / "empty.txt").write_text("")
    names = {"MISSING": str(tmp_path / "missing.txt"), "EMPTY": str(tmp_path / "empty.txt"), "CORPUS": str(corpus)}
    out = tmp_path / "v.tokvec"
    code, _, err = cli(capsys, "train", *[names.get(a, a) for a in args], "-o", str(out), "-q")
    assert code == 1 and message in " ".join(err.split()) and "Traceback" not in err
    assert not list(tmp_path.glob("v.tokvec*"))  # neither the output nor a checkpoint


def test_quality_on_lee_corpus():
    """A real (small) corpus: the loss falls every epoch and topical words end up close."""
    import re

    sentences = [re.findall(r"[a-z']+", line.lower()) for line in LEE.read_text(encoding="utf-8").splitlines()]
    result = train(sentences, Word2VecConfig(model="skipgram", dim=50, epochs=10, min_count=3, threads=1, seed=1),
                   progress=False)
    loss = result.epoch_loss
    assert all(a > b for a, b in zip(loss, loss[1:])), loss
    v = result.vectors
    related = v.similarity("afghanistan", "taliban")
    unrelated = np.mean([v.similarity("afghanistan", w) for w in ("economy", "cricket", "fire", "interest")])
    assert related > unrelated + 0.2
    neighbours = {t for t, *_ in v.most_similar("afghanistan", topn=10)}
    assert len(neighbours & {"taliban", "bin", "laden", "osama", "bora", "tora", "caves", "kabul", "qaeda"}) >= 3


def test_ctrl_c_writes_a_checkpoint_then_resume_finishes(tmp_path):
    """A real SIGINT mid-run: the driver finishes the current chunk group, checkpoints, re-raises."""
    import os
    import signal
    import threading

    ckpt = tmp_path / "ctrl-c.npz"
    cfg = tiny("skipgram", epochs=3)
    timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            train(TOY * 60, cfg, progress=False, checkpoint=ckpt, backend="reference")  # the slow twin: ~2 s
    finally:
        timer.cancel()
    with np.load(ckpt) as saved:
        assert (int(saved["epoch"]), int(saved["next_chunk"])) < (3, 0)
    resumed = train(TOY * 60, None, progress=False, resume=ckpt)
    assert len(resumed.epoch_loss) == 3 and all(np.isfinite(resumed.epoch_loss))
