"""gensim's query conventions (topn=None/0, 2-D query arrays, (key, weight) pairs), exact self-similarity,
words outside a transformer vocabulary read the same way by every call, and the lower-case fallback."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tokvec
from oracles import assert_same_neighbours, gensim_kv
from tokvec.cli import main


@pytest.fixture(scope="module")
def small(glove):
    return glove.limit(20_000)


@pytest.fixture(scope="module")
def kv(small):
    pytest.importorskip("gensim")
    return gensim_kv(small)


def test_scores_gives_every_score_in_row_order_as_gensims_topn_none(small, kv):
    ours = small.scores(["king", "woman"], ["man"])
    theirs = kv.most_similar(["king", "woman"], ["man"], topn=None)
    assert isinstance(ours, np.ndarray) and ours.shape == (len(small),)
    np.testing.assert_allclose(ours, theirs, atol=2e-6)
    np.testing.assert_allclose(small.scores("frog", restrict=5000),
                               kv.most_similar("frog", topn=None, restrict_vocab=5000), atol=2e-6)
    np.testing.assert_allclose(small.scores(["king", "woman"], ["man"], method="cosmul"),
                               kv.most_similar_cosmul(["king", "woman"], ["man"], topn=None), rtol=1e-5)
    vec = small["paris"] - small["france"] + small["italy"]
    np.testing.assert_allclose(small.scores(vec), kv.similar_by_vector(vec, topn=None), atol=2e-6)


def test_topn_none_ranks_every_row_and_stays_a_list(small, kv):
    ranked = small.most_similar(["king", "woman"], ["man"], topn=None)
    assert isinstance(ranked, list) and len(ranked) == len(small) - 3  # the query words are excluded
    theirs = kv.most_similar(["king", "woman"], ["man"], topn=len(small))
    assert [t for t, _ in ranked[:50]] == [t for t, _ in theirs[:50]]
    assert [n.score for n in ranked] == sorted((n.score for n in ranked), reverse=True)
    assert small.index("king") < 5000 and len(small.most_similar("king", topn=None, restrict=5000)) == 4999
    assert len(small.most_similar_cosmul("the", topn=None, restrict=100)) == 99
    vec = small["paris"]
    assert len(small.similar_by_vector(vec, topn=None, restrict=200)) == 200
    batch = small.most_similar_batch(["the", "of"], topn=None, restrict=300)
    assert [len(b) for b in batch] == [299, 299]
    assert batch[1][0].token == kv.most_similar("of", topn=1, restrict_vocab=300)[0][0]


def test_topn_zero_returns_nothing(small, kv):
    assert small.most_similar("king", topn=0) == [] == kv.most_similar("king", topn=0)
    assert small.most_similar_cosmul("king", topn=0) == [] == kv.most_similar_cosmul("king", topn=0)
    assert small.similar_by_vector(small["king"], topn=0) == []
    assert small.analogy("man", "king", "woman", topn=0) == []
    assert small.most_similar_batch(["cat", "dog"], topn=0) == [[], []]
    with pytest.raises(tokvec.UnknownTokenError):
        small.most_similar("notaword-xyz", topn=0)  # the words are still checked


def test_a_2d_array_is_several_positive_vectors(small, kv):
    rows = np.stack([small.vector(w, norm=True) for w in ("king", "woman")])  # unit rows: gensim agrees
    ours = small.most_similar(positive=rows, topn=10)
    assert_same_neighbours(ours, kv.most_similar(positive=rows, topn=10))
    assert ours == small.most_similar(positive=[rows[0], rows[1]], topn=10)
    assert {"king", "woman"} & {n.token for n in ours}  # vectors exclude nothing


def test_key_weight_pairs(small, kv):
    ours = small.most_similar(positive=[("king", 1.0), ("woman", 0.5)], negative=[("man", 0.7)], topn=10)
    # gensim takes a pair's weight as given in both lists; ours subtracts it in negative
    theirs = kv.most_similar(positive=[("king", 1.0), ("woman", 0.5)], negative=[("man", -0.7)], topn=10)
    assert_same_neighbours(ours, theirs)
    plain = small.most_similar(["king", "woman"], ["man"], topn=5)
    assert small.most_similar([("king", 1), ("woman", 1)], [("man", 1)], topn=5) == plain
    with pytest.raises(tokvec.InvalidArgumentError, match=r"\(key, weight\) pair"):
        small.most_similar(positive=[("king", "heavy")])


def test_a_word_and_itself_are_exact(glove, small, kv):
    words = [glove.token(i) for i in range(0, 400_000, 997)]
    assert all(glove.similarity(w, w) == 1.0 for w in words)
    assert all(glove.cosine_distance(w, w) == 0.0 for w in words)
    assert all(glove.distance(w, w) == 0.0 for w in words)
    assert small.similarity("cat", "dog") == pytest.approx(float(kv.similarity("cat", "dog")), abs=1e-6)
    assert small.rank("king", "queen") == kv.rank("king", "queen")
    zero = tokvec.Vectors(["a", "b"], np.array([[0.0, 0.0], [1.0, 0.0]], np.float32))
    assert zero.similarity("a", "a") == 0.0 and zero.similarity("a", "b") == 0.0


def test_topn_beyond_the_vocabulary(small):
    assert len(small.most_similar("king", topn=10**9)) == len(small) - 1


@pytest.fixture(scope="module")
def minilm():
    return tokvec.load("minilm")


def test_words_outside_a_transformer_vocabulary_are_the_mean_of_their_pieces(minilm):
    word = "embeddings"
    pieces = minilm.pieces(word)
    assert len(pieces) > 1 and word not in minilm
    mean = np.asarray(minilm.matrix[[minilm.index(p) for p in pieces]], np.float32).mean(axis=0)
    np.testing.assert_allclose(minilm[word], mean, rtol=1e-6)
    np.testing.assert_array_equal(minilm.vector(word), minilm[word])
    both = minilm[[word, "cat"]]
    np.testing.assert_array_equal(both, np.stack([minilm[word], minilm["cat"]]))
    assert minilm.similarity(word, word) == 1.0 and minilm.distance(word, word) == 0.0
    sims = minilm.scores(minilm.vector(word, norm=True))
    sims[[minilm.index(p) for p in pieces]] = -np.inf
    assert minilm.rank(word, "cat") == int((sims > sims[minilm.index("cat")]).sum()) + 1
    assert minilm.rank("cat", word) >= 1
    assert "mean of its" in minilm.explain(word)


def test_cli_reads_pieces_the_same_way(capsys, minilm):
    assert main(["lookup", "-v", "minilm", "embeddings", "cat", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] is None and rows[0]["pieces"] == minilm.pieces("embeddings")
    assert rows[0]["vector"] == pytest.approx(minilm["embeddings"].tolist())
    assert rows[1]["id"] == minilm.index("cat") and "pieces" not in rows[1]
    assert main(["lookup", "-v", "minilm", "embeddings"]) == 0
    assert "note: 'embeddings' is not a single token" in capsys.readouterr().out
    for command in (["similarity"], ["distance"], ["distance", "--cosine"]):
        assert main([*command, "embeddings", "cat", "-v", "minilm", "--json"]) == 0
        assert "mean of its" in json.loads(capsys.readouterr().out)["notes"][0]


def test_lower_falls_back_to_the_lower_case_word(capsys, glove):
    with pytest.raises(tokvec.UnknownTokenError):
        glove["King"]
    lower = tokvec.load("glove", lower=True)
    np.testing.assert_array_equal(lower["King"], glove["king"])
    assert lower.limit(1000).lower and "lower-case form 'king'" in lower.explain("King")
    assert lower.explain("king") is None
    assert lower.most_similar("King", topn=3) == glove.most_similar("king", topn=3)
    assert lower.similarity("King", "QUEEN") == glove.similarity("king", "queen")
    assert main(["similarity", "King", "Queen", "--lower"]) == 0
    out = capsys.readouterr().out
    assert "note: 'King' is not in the vocabulary; used its lower-case form 'king'" in out
    assert main(["similar", "Frog", "--lower", "--topn", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["token"] for r in data["results"]] == [n.token for n in glove.most_similar("frog", topn=2)]
    assert main(["similar", "Frog", "--topn", "2"]) == 1
    assert "Did you mean: frog" in capsys.readouterr().err
