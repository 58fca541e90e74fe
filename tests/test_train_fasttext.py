"""fastText training (subwords): kernel vs NumPy twin, n-gram rows vs gensim, resume, .bin read back by gensim,
.tokvec keeps the subwords, bad settings, CLI."""

from __future__ import annotations

import bisect
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import tokvec
from tokvec.cli import main
from tokvec.errors import CheckpointError, InvalidArgumentError
from tokvec.train import Word2VecConfig
from tokvec.train import train as train_word2vec
from tokvec.train._reference import _lcg
from tokvec.train.fasttext import FastTextConfig, subword_rows, train
from tokvec.train.tables import chunk_seeds, initial_weights, noise_table, subword_weights
from tokvec.vocab.subwords import Subwords

gensim_ft = pytest.importorskip("gensim.models.fasttext")

LEE = Path(__import__("gensim").__file__).parent / "test" / "test_data" / "lee_background.cor"
TOY = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog",
                           "the mat and the log", "a dog on a mat", "cats and dogs sat"]] * 4


def tiny(model: str, **kw) -> FastTextConfig:
    params = dict(model=model, dim=8, min_count=1, threads=1, chunk_words=7, epochs=3, sample=0.05, seed=3,
                  minn=2, maxn=4, bucket=50)
    params.update(kw)
    return FastTextConfig(**params)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
@pytest.mark.parametrize("window", [1, 3])
def test_kernel_matches_numpy_twin(model, window):
    fast = train(TOY, tiny(model, window=window), progress=False)
    slow = train(TOY, tiny(model, window=window), progress=False, backend="reference")
    assert fast.vectors.tokens == slow.vectors.tokens
    np.testing.assert_allclose(fast.vectors.matrix, slow.vectors.matrix, atol=1e-5, rtol=0)
    np.testing.assert_allclose(fast.vectors.subwords.buckets, slow.vectors.subwords.buckets, atol=1e-5, rtol=0)
    start = subword_weights(len(fast.vectors), 50, 8, 3)[len(fast.vectors):]
    assert np.abs(fast.vectors.subwords.buckets - start).max() > 0.01  # the n-gram rows did train
    np.testing.assert_allclose(fast.epoch_loss, slow.epoch_loss, rtol=1e-5)
    assert fast.effective_words == slow.effective_words
    np.testing.assert_allclose(fast.vectors.vector("catdog"), slow.vectors.vector("catdog"), atol=1e-5)


def test_vectors_are_composed_from_the_rows_and_unknown_words_from_ngrams():
    result = train(TOY, tiny("skipgram"), progress=False)
    v, sub = result.vectors, result.vectors.subwords
    assert sub.word_rows.shape == (len(v), 8) and sub.buckets.shape == (50, 8) and (sub.minn, sub.maxn) == (2, 4)
    for word in ("cat", "mat"):  # a vocabulary word: the mean of its own row and its n-gram rows
        rows = np.vstack([sub.word_rows[v.vocab.get(word)], sub.buckets[sub.hashes(word)]])
        np.testing.assert_allclose(v.vector(word), rows.mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(v.vector("mats"), sub.buckets[sub.hashes("mats")].mean(axis=0), atol=1e-6)
    assert v.from_ngrams("mats") and not v.from_ngrams("mat")


def test_ngram_rows_match_gensim_buckets():
    """Each word's rows: its own, then its n-gram buckets exactly as gensim's FastText hashes them (non-ASCII too)."""
    words = ["the", "naïve", "日本語", "ab", "</s>", "żółć"]
    starts, rows = subword_rows(words, 3, 6, 1000)
    for w, word in enumerate(words):
        mine = rows[starts[w]:starts[w + 1]]
        assert mine[0] == w
        expected = [] if word == "</s>" else list(gensim_ft.ft_ngram_hashes(word, 3, 6, 1000))
        assert (mine[1:] - len(words)).tolist() == expected


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_threads_1_is_bit_identical_and_seeds_differ(model):
    a = train(TOY, tiny(model), progress=False)
    b = train(TOY, tiny(model), progress=False)
    assert np.array_equal(a.vectors.matrix, b.vectors.matrix) and a.epoch_loss == b.epoch_loss
    assert np.array_equal(a.vectors.subwords.buckets, b.vectors.subwords.buckets)
    c = train(TOY, tiny(model, seed=4), progress=False)
    assert not np.array_equal(a.vectors.matrix, c.vectors.matrix)


def test_a_memory_mapped_corpus_trains_exactly_like_one_in_ram(tmp_path):
    a = train(TOY, tiny("skipgram"), progress=False)
    b = train(TOY, tiny("skipgram"), progress=False, corpus_memory_mb=0, corpus_dir=tmp_path)
    assert np.array_equal(a.vectors.matrix, b.vectors.matrix) and a.epoch_loss == b.epoch_loss


def test_several_threads_train():
    result = train(TOY * 5, tiny("cbow", threads=2, epochs=2), progress=False)
    assert np.isfinite(result.vectors.matrix).all() and len(result.epoch_loss) == 2


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_resume_equals_uninterrupted(check_resume, model):
    whole, resumed = check_resume(train, TOY, tiny(model, epochs=3), stop_after=8)  # mid-epoch 2
    assert np.array_equal(whole.vectors.subwords.buckets, resumed.vectors.subwords.buckets)


def test_checkpoints_of_the_other_trainer_are_refused(tmp_path):
    ft_ckpt, w2v_ckpt = tmp_path / "ft.npz", tmp_path / "w2v.npz"
    with pytest.raises(KeyboardInterrupt):
        train(TOY, tiny("cbow"), progress=False, checkpoint=ft_ckpt, stop_after=2)
    with pytest.raises(KeyboardInterrupt):
        train_word2vec(TOY, Word2VecConfig(min_count=1, threads=1, chunk_words=7), progress=False,
                       checkpoint=w2v_ckpt, stop_after=2)
    with pytest.raises(CheckpointError, match="word2vec trainer"):
        train(TOY, None, progress=False, resume=w2v_ckpt)
    with pytest.raises(CheckpointError):
        train_word2vec(TOY, None, progress=False, resume=ft_ckpt)


def test_each_trainer_refuses_the_other_ones_config():
    with pytest.raises(InvalidArgumentError, match="config must be a FastTextConfig, got a Word2VecConfig; word2vec"):
        train(TOY, Word2VecConfig(min_count=1, threads=1), progress=False)
    with pytest.raises(InvalidArgumentError, match="config must be a Word2VecConfig, got a FastTextConfig; fastText"):
        train_word2vec(TOY, tiny("cbow"), progress=False)  # it would train no subwords, and checkpoint a mismatch


def test_skipgram_by_hand_on_three_words():
    """Skip-gram with subwords on "a b a", window 1, one noise word, no subsampling, one epoch, in float64 from the
    formulas: the centre's vector is the mean of its rows; it predicts each context word, then the window's noise
    word (once, its gradient times the pairs it is noise for); the summed input gradient goes to every row."""
    cfg = FastTextConfig(model="skipgram", dim=3, window=1, negative=1, min_count=1, sample=0, epochs=1, threads=1,
                         seed=7, minn=1, maxn=2, bucket=5)
    result = train([["a", "b", "a"]], cfg, progress=False)
    starts, rows = subword_rows(["a", "b"], 1, 2, 5)
    syn0 = subword_weights(2, 5, 3, 7).astype(np.float64)
    syn1 = np.zeros((2, 3))
    cum, r = noise_table(np.array([2, 1])).tolist(), int(chunk_seeds(7, 0, 1)[0])
    sentence, alpha, losses = [0, 1, 0], 0.025, []
    sigmoid = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    for i, centre in enumerate(sentence):
        r = _lcg(r)  # window shrink draw (always 0 for window 1)
        noise = bisect.bisect_left(cum, (r >> 16) % cum[-1])
        r = _lcg(r)
        mine = rows[starts[centre]:starts[centre + 1]]
        h = syn0[mine].mean(axis=0)
        neu1e = np.zeros(3)
        context = [sentence[j] for j in (i - 1, i + 1) if 0 <= j < 3]
        for c in context:
            losses.append(-math.log(sigmoid(h @ syn1[c])))
            g = (1 - sigmoid(h @ syn1[c])) * alpha
            neu1e, syn1[c] = neu1e + g * syn1[c], syn1[c] + g * h
        pairs = sum(c != noise for c in context)
        if pairs:
            losses[-1] += pairs * -math.log(sigmoid(-(h @ syn1[noise])))
            g = -sigmoid(h @ syn1[noise]) * alpha * pairs
            neu1e, syn1[noise] = neu1e + g * syn1[noise], syn1[noise] + g * h
        np.add.at(syn0, mine, neu1e)  # a bucket listed twice gets it twice
    assert len(losses) == 4 and result.epoch_loss[0] == pytest.approx(sum(losses) / 4, rel=1e-6)  # 4 pairs
    np.testing.assert_allclose(result.vectors.subwords.word_rows, syn0[:2], atol=1e-6)
    np.testing.assert_allclose(result.vectors.subwords.buckets, syn0[2:], atol=1e-6)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_bin_is_read_back_by_gensim_load_facebook_model(tmp_path, model):
    result = train(TOY, tiny(model, minn=3, maxn=5, bucket=40, dim=6), progress=False)
    path = tokvec.save(result.vectors, tmp_path / "m.bin", format="fasttext-bin")
    g = gensim_ft.load_facebook_model(str(path))
    assert g.sg == (model == "skipgram") and (g.wv.min_n, g.wv.max_n, g.wv.bucket) == (3, 5, 40)
    assert g.window == 5 and g.negative == 5 and g.vector_size == 6
    v = result.vectors
    for word in [*v.tokens, "catty", "dogsled", "naïve", "x"]:
        np.testing.assert_allclose(g.wv[word], v.vector(word), atol=1e-6)
    again = tokvec.load(path)
    np.testing.assert_allclose(again.vector("catty"), v.vector("catty"), atol=1e-7)
    # the output layer is written too, so gensim can go on training the model it read
    order = [g.wv.key_to_index[t] for t in v.tokens]
    np.testing.assert_array_equal(g.syn1neg[order], v.subwords.output_rows)
    g.train([["cat", "sat", "on", "the", "mat"]] * 20, total_examples=20, epochs=1)


def test_tokvec_file_keeps_the_subwords(tmp_path):
    result = train(TOY, tiny("skipgram"), progress=False)
    path = tokvec.save(result.vectors, tmp_path / "m.tokvec")
    again = tokvec.load(path)
    assert isinstance(again.subwords, Subwords) and again.subwords.bucket == 50
    np.testing.assert_array_equal(again.vector("catdog"), result.vectors.vector("catdog"))
    assert again.vocab.counts is not None


@pytest.mark.parametrize("kwargs, message", [
    (dict(minn=7, maxn=3), "1 <= MIN <= MAX"),
    (dict(minn=0, maxn=3), "1 <= MIN <= MAX"),
    (dict(bucket=0), "bucket (n-gram rows) must be between 1"),
    (dict(bucket=2**31), "bucket (n-gram rows) must be between 1"),
    (dict(bucket=1.5), "bucket (n-gram rows) must be between 1"),
])
def test_bad_subword_settings_are_clear_errors(kwargs, message):
    with pytest.raises(InvalidArgumentError) as info:
        FastTextConfig(**kwargs)
    assert message in str(info.value)


def test_bucket_matrix_over_the_memory_budget_is_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "100M")
    with pytest.raises(InvalidArgumentError, match="memory budget"):
        FastTextConfig(bucket=2_000_000, dim=300)


def test_cli_trains_fasttext_bin_and_tokvec(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in TOY) + "\n")
    out = tmp_path / "m.bin"
    code, stdout, err = cli(capsys, "train", str(corpus), "-o", str(out), "--dim", "6", "--min-count", "1",
                            "--epochs", "2", "--threads", "1", "--model", "skipgram", "--subwords", "3-5",
                            "--buckets", "30", "--json")
    assert code == 0, err
    info = json.loads(stdout)
    assert info["model"] == "skipgram" and len(info["epoch_loss"]) == 2
    assert out.read_bytes()[:4] == (793712314).to_bytes(4, "little")  # fastText's magic, not word2vec's .bin
    g = gensim_ft.load_facebook_model(str(out))
    assert g.wv.bucket == 30 and g.sg == 1
    code, _, err = cli(capsys, "train", str(corpus), "-o", str(tmp_path / "m.tokvec"), "--dim", "6",
                       "--min-count", "1", "--epochs", "1", "--threads", "1", "--subwords", "3-5", "--buckets", "30")
    assert code == 0, err
    v = tokvec.load(tmp_path / "m.tokvec")
    assert v.subwords is not None and v.vector("catdog").shape == (6,)


def test_cli_resume_detects_a_subword_checkpoint(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in TOY) + "\n")
    ckpt = tmp_path / "r.ckpt.npz"
    with pytest.raises(KeyboardInterrupt):
        train(str(corpus), tiny("cbow"), progress=False, checkpoint=ckpt, stop_after=3)
    code, _, err = cli(capsys, "train", str(corpus), "-o", str(tmp_path / "r.tokvec"), "--resume", str(ckpt), "-q")
    assert code == 0, err
    assert tokvec.load(tmp_path / "r.tokvec").subwords.bucket == 50


@pytest.mark.parametrize("args, message", [
    (["--subwords", "7-3"], "1 <= MIN <= MAX"),
    (["--subwords", "3-6", "--buckets", "0"], "must be between 1"),
    (["--subwords", "three"], "--subwords takes MIN-MAX"),
    (["--subwords", "3-6-9"], "--subwords takes MIN-MAX"),
    (["--buckets", "100"], "add --subwords"),
])
def test_cli_bad_subword_options_write_nothing(tmp_path, capsys, args, message):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    code, _, err = cli(capsys, "train", str(corpus), "-o", str(tmp_path / "v.bin"), "-q", *args)
    assert code == 1 and message in " ".join(err.split()) and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("v.bin*"))


def test_quality_on_lee_corpus_and_unknown_words():
    """A real (small) corpus: the loss falls every epoch, topical words end up close, and an unseen
    inflection of a word lands near it through their shared n-grams."""
    sentences = [re.findall(r"[a-z']+", line.lower()) for line in LEE.read_text(encoding="utf-8").splitlines()]
    result = train(sentences, FastTextConfig(model="skipgram", dim=50, epochs=8, min_count=3, threads=1, seed=1,
                                             bucket=50_000), progress=False)
    loss = result.epoch_loss
    assert loss[-1] < loss[1] < loss[0], loss
    v = result.vectors
    neighbours = {t for t, *_ in v.most_similar("afghanistan", topn=10)}
    assert len(neighbours & {"taliban", "bin", "laden", "osama", "bora", "tora", "kabul", "qaeda", "afghan"}) >= 3
    assert v.similarity("afghanistan", "taliban") > np.mean([v.similarity("afghanistan", w)
                                                             for w in ("economy", "cricket", "interest")]) + 0.1
    assert v.from_ngrams("afghanistans")
    assert v.similarity("afghanistans", "afghanistan") > 0.7
    assert v.similarity("afghanistans", "afghanistan") > v.similarity("afghanistans", "economy") + 0.2


def test_damaged_checkpoint_with_too_few_bucket_rows_is_refused(tmp_path):
    """The kernels trust the row tables: a checkpoint whose input matrix lacks the buckets never reaches them."""
    ckpt = tmp_path / "c.npz"
    with pytest.raises(KeyboardInterrupt):
        train(TOY, tiny("skipgram"), progress=False, checkpoint=ckpt, stop_after=2)
    with np.load(ckpt) as z:
        parts = {k: z[k] for k in z.files}
    parts["syn0"] = parts["syn0"][:-10]  # (V + bucket - 10, dim)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **parts)
    with pytest.raises(CheckpointError, match=r"expected \(\d+, 8\) float32"):
        train(TOY, None, progress=False, resume=bad)
    parts["config"] = np.array(json.dumps({**json.loads(str(parts["config"])), "bucket": 0}))
    np.savez(bad, **parts)
    with pytest.raises(InvalidArgumentError, match="bucket"):
        train(TOY, None, progress=False, resume=bad)


def test_bucket_rows_are_drawn_the_same_on_any_threads():
    one, two = subword_weights(3, 1000, 8, 5, threads=1), subword_weights(3, 1000, 8, 5, threads=2)
    assert np.array_equal(one, two) and one.dtype == np.float32 and one.shape == (1003, 8)
    np.testing.assert_array_equal(one[:3], initial_weights(3, 8, 5)[0])  # the word rows as word2vec draws them
    assert -1 / 8 <= one.min() and one.max() < 1 / 8 and abs(one[3:].mean()) < 0.005
    assert len(np.unique(one[3:])) > 7000 and not np.array_equal(subword_weights(3, 1000, 8, 6)[3:], one[3:])
