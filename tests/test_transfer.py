"""Pretrained vectors into your own model: matrix_for, to_torch, build_vocab, text vectors, edits, counts.

Hand-checkable toy cases first, then gensim (get_mean_vector, n_similarity, add_vectors, fvocab) and
torch (nn.Embedding) as oracles.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import tokvec
from oracles import gensim_kv
from tokvec import Vectors
from tokvec.errors import FormatError, InvalidArgumentError, TokvecWarning
from tokvec.transfer import MatrixReport, init_embeddings
from tokvec.transfer.text import remove_components, sif_weight


@pytest.fixture()
def small():
    rng = np.random.default_rng(3)
    tokens = ["the", "cat", "sat", "on", "mat", "dog", "Paris", "paris-fr"]
    return Vectors(tokens, rng.standard_normal((len(tokens), 6)).astype(np.float32), counts=[50, 8, 5, 30, 2, 6, 1, 1])


# -- matrix_for ---------------------------------------------------------------------------------
def test_matrix_for_counts_each_way_a_row_is_found(small):
    m, report = small.matrix_for(["<pad>", "<unk>", "the", "Cat", "paris", "zebra"], oov="zeros")
    assert isinstance(report, MatrixReport)
    assert (report.exact, report.lowered, report.initialised, report.specials) == (1, 1, 2, 2)
    assert report.unknown == ["paris", "zebra"]  # "paris" lower-cases to itself; "Paris" is not tried
    np.testing.assert_array_equal(m[2], small["the"])
    np.testing.assert_array_equal(m[3], small["cat"])
    assert not m[0].any() and not m[4].any() and not m[5].any()
    np.testing.assert_allclose(m[1], np.asarray(small.matrix, np.float64).mean(axis=0), rtol=1e-6)
    assert report.coverage == 0.5
    text = str(report)
    assert text.startswith("6 rows: 1 exact, 1 lower-cased, 2 initialised (zeros), 2 special")
    assert "unknown: 'paris', 'zebra'" in text
    assert report.as_dict()["unknown"] == ["paris", "zebra"]


def test_lower_false_does_not_fall_back(small):
    _, report = small.matrix_for(["Cat"], lower=False, oov="mean")
    assert report.lowered == 0 and report.unknown == ["Cat"]


def test_random_rows_follow_the_pretrained_mean_and_spread_and_are_seeded():
    rng = np.random.default_rng(0)
    matrix = (rng.standard_normal((5000, 4)) * [1, 2, 3, 0.5] + [10, -5, 0, 2]).astype(np.float32)
    v = Vectors([f"w{i}" for i in range(5000)], matrix)
    unknown = [f"x{i}" for i in range(4000)]
    m, report = v.matrix_for(unknown, seed=7)
    assert report.initialised == 4000
    np.testing.assert_allclose(m.mean(axis=0), matrix.mean(axis=0), atol=0.15)
    np.testing.assert_allclose(m.std(axis=0), matrix.std(axis=0), rtol=0.06)
    again, _ = v.matrix_for(unknown, seed=7)
    other, _ = v.matrix_for(unknown, seed=8)
    np.testing.assert_array_equal(m, again)
    assert not np.array_equal(m, other)


def test_specials_are_placed_where_asked(small):
    m, report = small.matrix_for(["cat", "[PAD]", "the", "[CLS]"], specials={"[PAD]": "zeros", "[CLS]": "mean"})
    assert report.specials == 2 and report.exact == 2
    assert not m[1].any()
    np.testing.assert_allclose(m[3], np.asarray(small.matrix).mean(axis=0), rtol=1e-5)
    m2, _ = small.matrix_for(["the", "<pad>"], specials=["<pad>"])
    assert not m2[1].any()


class FakeSubwords:
    """What the fastText loader exposes as ``v.subwords``: ``vector(word)``."""

    def __init__(self, dim):
        self.dim = dim
        self.asked = []

    def vector(self, word):
        self.asked.append(word)
        return np.full(self.dim, len(word), dtype=np.float32) if word != "nothing" else np.zeros(self.dim)


def test_oov_subwords_uses_the_subword_model(small):
    small.subwords = FakeSubwords(small.dim)
    m, report = small.matrix_for(["cat", "kittens", "nothing"], oov="subwords")
    assert (report.exact, report.subwords, report.initialised) == (1, 1, 1)
    np.testing.assert_array_equal(m[1], np.full(6, 7.0))
    assert report.unknown == ["nothing"] and small.subwords.asked == ["kittens", "nothing"]
    assert "1 from subwords" in str(report)


def test_oov_subwords_without_a_subword_model_is_one_clear_error(small):
    with pytest.raises(InvalidArgumentError, match="these vectors have none"):
        small.matrix_for(["cat"], oov="subwords")


def test_oov_pieces_uses_the_transformer_pieces():
    pytest.importorskip("tokenizers")
    v = tokvec.load("minilm")
    m, report = v.matrix_for(["king", "tokenisation", "Paris"], oov="pieces", lower=False)
    assert report.exact == 1 and report.pieces == 2
    np.testing.assert_allclose(m[1], v["tokenisation"], rtol=1e-6)  # the mean of its WordPiece rows
    assert len(v.pieces("tokenisation")) > 1
    with pytest.raises(InvalidArgumentError, match="transformer vocabulary"):
        Vectors(["a"], np.ones((1, 2), np.float32)).matrix_for(["b"], oov="pieces")


@pytest.mark.parametrize("tokens, message", [(["cat", "dog", "cat"], "lists 'cat' twice .positions 0 and 2"),
                                             (["cat", 3], "token 1 is int"), ("cat", "a list of tokens")])
def test_bad_vocabularies_are_one_clear_error(small, tokens, message):
    with pytest.raises(InvalidArgumentError, match=message):
        small.matrix_for(tokens)


def test_unknown_oov_strategy_is_one_clear_error(small):
    with pytest.raises(InvalidArgumentError, match="unknown oov strategy 'fasttext'; use one of: random, zeros"):
        small.matrix_for(["cat"], oov="fasttext")


# -- to_torch ----------------------------------------------------------------------------------
@pytest.fixture()
def torch():
    return pytest.importorskip("torch")


def test_to_torch_gives_the_rows_and_a_padding_row_without_gradient(small, torch):
    vocab = ["<pad>", "<unk>", "cat", "the", "Dog"]
    expected, _ = small.matrix_for(vocab, seed=1)
    frozen = small.to_torch(vocab, seed=1, padding_idx="<pad>")
    assert isinstance(frozen, torch.nn.Embedding) and not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen.weight.numpy(), expected)
    trained = small.to_torch(vocab, freeze=False, padding_idx=0)
    assert trained.weight.requires_grad and trained.padding_idx == 0
    trained(torch.tensor([[0, 2, 0, 4]])).sum().backward()
    grad = trained.weight.grad.numpy()
    assert not grad[0].any() and grad[2].all() and grad[4].all()
    whole = small.to_torch()
    np.testing.assert_array_equal(whole.weight.numpy(), np.asarray(small.matrix))


@pytest.mark.parametrize("bad", [5, -6, "<nope>"])
def test_padding_idx_outside_the_vocabulary_is_one_clear_error(small, torch, bad):
    with pytest.raises(InvalidArgumentError, match="padding_idx"):
        small.to_torch(["<pad>", "cat", "the", "on", "mat"], padding_idx=bad)


# -- build_vocab -------------------------------------------------------------------------------
def test_build_vocab_counts_and_keeps_the_frequent_words(tmp_path):
    texts = ["the cat sat on the mat", "The dog sat", "a cat"]
    vocab = tokvec.build_vocab(texts, min_count=2, lower=True)
    assert vocab.tokens == ["<pad>", "<unk>", "the", "cat", "sat"]
    assert vocab.counts.tolist() == [0, 0, 3, 2, 2]
    assert tokvec.build_vocab(texts, max_size=2, specials=[]).tokens == ["cat", "sat"]  # ties alphabetical
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    assert tokvec.build_vocab(corpus, lower=True).tokens == tokvec.build_vocab(texts, lower=True).tokens
    assert tokvec.build_vocab(str(corpus), lower=True).tokens == tokvec.build_vocab(texts, lower=True).tokens
    assert tokvec.build_vocab([["x", "y"], ["x"]], specials=["<pad>"]).tokens == ["<pad>", "x", "y"]
    with pytest.raises(InvalidArgumentError, match="min_count"):
        tokvec.build_vocab(texts, min_count=0)
    with pytest.raises(InvalidArgumentError, match="lists '<pad>' twice"):
        tokvec.build_vocab(texts, specials=["<pad>", "<pad>"])
    with pytest.raises(InvalidArgumentError, match="pathlib.Path"):
        tokvec.build_vocab([3])


def test_build_vocab_from_a_tokenizer():
    pytest.importorskip("tokenizers")
    vocab = tokvec.build_vocab(tokenizer="minilm", specials=[])
    assert len(vocab) == 30522 and vocab.token(0) == "[PAD]" and vocab.index("king") == 2332
    counted = tokvec.build_vocab(["tokenisation tokenisation"], tokenizer="minilm", specials=[])
    assert dict(zip(counted.tokens, counted.counts.tolist())) == {"token": 2, "##isation": 2}


# -- text vectors: gensim as the oracle ----------------------------------------------------------
@pytest.mark.parametrize("pre, post", [(True, False), (False, False), (True, True), (False, True)])
@pytest.mark.parametrize("weights", [None, [1.0, -2.0, 0.5, 3.0]])
def test_mean_vector_equals_gensim(small, pre, post, weights):
    kv = gensim_kv(small)
    words = ["cat", "zebra", "the", "mat"]
    missing: list[str] = []
    ours = small.mean_vector(words, weights, pre_normalise=pre, post_normalise=post, missing=missing)
    theirs = kv.get_mean_vector(words, weights, pre_normalize=pre, post_normalize=post)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert missing == ["zebra"]
    assert not small.mean_vector(["zebra"]).any()  # nothing known: the zero vector, as gensim


def test_n_similarity_equals_gensim(glove):
    ours = glove.limit(20000)
    kv = gensim_kv(ours)
    for a, b in [(["king", "queen"], ["man", "woman"]), (["sushi", "shop"], ["japanese", "restaurant"]),
                 (["cat"], ["dog", "car", "unknownword123"])]:
        assert ours.n_similarity(a, b) == pytest.approx(kv.n_similarity([w for w in a if w in kv],
                                                                         [w for w in b if w in kv]), abs=1e-5)
    with pytest.raises(InvalidArgumentError, match="at least one word on each side"):
        glove.n_similarity([], ["cat"])


def test_sif_weights_and_component_removal(small):
    counts = {"the": 90, "cat": 10}
    p = {"the": 0.9, "cat": 0.1}
    plain = small.sif_vectors(["the cat", "cat dog", "nothing known"], counts, a=0.01, components=0)
    w_the, w_cat, w_dog = (sif_weight(p["the"], 0.01), sif_weight(p["cat"], 0.01), 1.0)
    np.testing.assert_allclose(plain[0], (w_the * small["the"] + w_cat * small["cat"]) / 2, rtol=1e-5)
    np.testing.assert_allclose(plain[1], (w_cat * small["cat"] + w_dog * small["dog"]) / 2, rtol=1e-5)
    assert not plain[2].any()
    sentences = ["the cat sat", "the dog sat on the mat", "cat on mat", "the the cat", "dog sat"]
    raw = small.sif_vectors(sentences, small.vocab, components=0).astype(np.float64)
    removed = small.sif_vectors(sentences, small.vocab, components=1)
    u = np.linalg.svd(raw, full_matrices=False)[2][0]
    np.testing.assert_allclose(removed, raw - np.outer(raw @ u, u), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(removed @ u, 0, atol=1e-5)  # nothing left along the first component
    np.testing.assert_allclose(small.sif_vectors(sentences), removed, rtol=1e-6)  # the vectors' own counts
    np.testing.assert_array_equal(remove_components(np.zeros((2, 3))), np.zeros((2, 3)))
    with pytest.raises(InvalidArgumentError, match="carry none"):
        Vectors(["a"], np.ones((1, 2), np.float32)).sif_vectors(["a"])


# -- edited copies: gensim's add_vectors as the oracle -------------------------------------------
@pytest.mark.parametrize("replace", [True, False])
def test_with_vectors_equals_gensim_add_vectors(small, replace):
    kv = gensim_kv(small)
    tokens = ["cat", "zebra", "lion"]
    rows = np.arange(18, dtype=np.float32).reshape(3, 6)
    before = np.array(small.matrix)
    ours = small.with_vectors(tokens, rows, replace=replace)
    kv.add_vectors(tokens, rows, replace=replace)
    assert ours.tokens == kv.index_to_key
    np.testing.assert_array_equal(ours.matrix, kv.vectors)
    np.testing.assert_array_equal(small.matrix, before)  # the original is untouched
    assert len(small) == 8 and ours.counts.tolist() == [50, 8, 5, 30, 2, 6, 1, 1, 0, 0]
    assert ours.most_similar("zebra", topn=1)[0].token in ours


def test_with_vectors_checks_shapes_and_duplicates(small):
    with pytest.raises(InvalidArgumentError, match=r"rows must have shape \(2, 6\)"):
        small.with_vectors(["a", "b"], np.zeros((2, 5)))
    with pytest.raises(InvalidArgumentError, match="twice"):
        small.with_vectors(["a", "a"], np.zeros((2, 6)))


def test_concat_keeps_the_first_rows_and_checks_the_dim(small):
    other = Vectors(["cat", "lion"], np.full((2, 6), 9.0, np.float32), counts=[3, 4])
    merged = small.concat(other)
    assert merged.tokens == small.tokens + ["lion"]
    np.testing.assert_array_equal(merged["cat"], small["cat"])
    np.testing.assert_array_equal(merged["lion"], np.full(6, 9.0))
    assert merged.counts.tolist()[-1] == 4
    np.testing.assert_array_equal(small.concat(other, replace=True)["cat"], np.full(6, 9.0))
    with pytest.raises(InvalidArgumentError, match="dim 6 and 3; both sets must have the same dim"):
        small.concat(Vectors(["x"], np.ones((1, 3), np.float32)))


# -- counts side file: word2vec -save-vocab / gensim fvocab ---------------------------------------
def test_counts_file_round_trips_with_gensim(small, tmp_path):
    from gensim.models import KeyedVectors

    vec, vocab = tmp_path / "v.bin", tmp_path / "v.vocab"
    tokvec.save(small, vec, counts=vocab)
    assert vocab.read_text().splitlines()[:2] == ["the 50", "cat 8"]
    kv = KeyedVectors.load_word2vec_format(str(vec), binary=True, fvocab=str(vocab))
    assert [kv.get_vecattr(t, "count") for t in small.tokens] == small.counts.tolist()
    kv.set_vecattr("cat", "count", 77)
    kv.save_word2vec_format(str(tmp_path / "g.txt"), fvocab=str(tmp_path / "g.vocab"))
    back = tokvec.load(tmp_path / "g.txt", counts=tmp_path / "g.vocab")
    assert dict(zip(back.tokens, back.counts.tolist()))["cat"] == 77
    np.testing.assert_array_equal(back["dog"], small["dog"])


def test_counts_file_problems(small, tmp_path):
    vec, vocab = tmp_path / "v.txt", tmp_path / "v.vocab"
    tokvec.save(small, vec)
    vocab.write_text("</s> 0\nthe 5\ncat 3\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        v = tokvec.load(vec, counts=vocab)
    assert v.counts.tolist()[:3] == [5, 3, 0]
    assert any(issubclass(w.category, TokvecWarning) and "no count for 6 of the 8" in str(w.message) for w in caught)
    vocab.write_text("the 5\ncat three\n")
    with pytest.raises(FormatError, match="line 2: expected 'token count'"):
        tokvec.load(vec, counts=vocab)
    with pytest.raises(InvalidArgumentError, match="carry no counts"):
        tokvec.save(Vectors(["a"], np.ones((1, 2), np.float32)), tmp_path / "a.txt", counts=tmp_path / "a.vocab")


# -- init_embeddings ----------------------------------------------------------------------------
def test_init_embeddings_for_minilm_from_glove(glove):
    pytest.importorskip("tokenizers")
    words = glove.limit(3000)
    v, report = init_embeddings("minilm", words, seed=0, words=3000, max_words=50)
    assert len(v) == 30522 and v.token(0) == "[PAD]" and v.dim == 50
    assert report.total == 30522 and report.exact > 2500 and report.pieces > 1000 and report.specials > 900
    assert report.exact + report.lowered + report.pieces + report.initialised + report.specials == report.total
    np.testing.assert_array_equal(v["king"], glove["king"])
    assert not v["[PAD]"].any() and v["[CLS]"].any()
    heads = words.tokens
    inside = [i for i, w in enumerate(heads) if "ing" in w[1:]][:50]  # "##ing": words with "ing" inside
    np.testing.assert_allclose(v["##ing"], np.asarray(words.matrix[inside]).mean(axis=0), rtol=1e-5)
    again, _ = init_embeddings("minilm", words, seed=0, words=3000, max_words=50)
    np.testing.assert_array_equal(again.matrix, v.matrix)


def test_public_name_loads_lazily():
    assert "build_vocab" in dir(tokvec) and callable(tokvec.build_vocab)
    assert Path(tokvec.transfer.__file__).parent.name == "transfer"
