"""Vectors queries: hand-checked toy cases first, then gensim as the oracle on real files."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tokvec
from oracles import assert_same_neighbours, gensim_kv
from tokvec import UnknownTokenError, Vectors

# -- toy cases you can check on paper -------------------------------------------------------------
# cat (1,0), kitten (.8,.6), dog (0,1), car (-1,0): all unit vectors


def test_toy_similarity_and_distances(toy):
    assert toy.similarity("cat", "kitten") == pytest.approx(0.8)
    assert toy.similarity("cat", "dog") == pytest.approx(0.0)
    assert toy.similarity("cat", "car") == pytest.approx(-1.0)
    assert toy.cosine_distance("cat", "car") == pytest.approx(2.0)
    assert toy.distance("cat", "kitten") == pytest.approx(math.sqrt(0.2**2 + 0.6**2))
    assert toy.distance("cat", "car") == pytest.approx(2.0)


def test_toy_most_similar_excludes_query(toy):
    result = toy.most_similar("cat", topn=3)
    assert [t for t, *_ in result] == ["kitten", "dog", "car"]
    assert [n.score for n in result] == pytest.approx([0.8, 0.0, -1.0])


def test_toy_negative_and_analogy(toy):
    # kitten - cat + dog = (-.2, 1.6) / |.| ; the mean is normalised, cosine with car = .2/sqrt(2.6)... etc.
    query = np.array([0.8, 0.6]) - np.array([1.0, 0.0]) + np.array([0.0, 1.0])
    expected = np.array([-1.0, 0.0]) @ query / np.linalg.norm(query)
    (token, score), = toy.analogy("cat", "kitten", "dog", topn=1)
    assert token == "car" and score == pytest.approx(expected, abs=1e-6)


def test_toy_lookup_forms(toy):
    assert toy["dog"].tolist() == [0.0, 1.0]
    assert toy[2].tolist() == [0.0, 1.0]
    assert toy[["dog", "cat"]].shape == (2, 2)
    assert toy[np.array([3, 0])][0].tolist() == [-1.0, 0.0]
    assert "cat" in toy and "cow" not in toy and len(toy) == 4 and toy.dim == 2


def test_toy_odd_one_out_and_rank(toy):
    assert toy.odd_one_out(["cat", "kitten", "car"]) == "car"
    assert toy.rank("cat", "kitten") == 1
    assert toy.rank("cat", "car") == 3


def test_restrict_limits_search(toy):
    assert [t for t, *_ in toy.most_similar("car", topn=5, restrict=2)] == ["kitten", "cat"]


def test_similar_by_vector_does_not_exclude(toy):
    assert toy.similar_by_vector(np.array([2.0, 0.0]), topn=1)[0].token == "cat"


def test_batch_equals_one_by_one(glove):
    words = ["king", "paris", "frog", "computer", "happy", "the", "running"]
    batch = glove.most_similar_batch(words, topn=7)
    for word, result in zip(words, batch):
        assert_same_neighbours(result, glove.most_similar(word, topn=7), tol=1e-6)


def test_batch_accepts_matrix(glove):
    rows = glove[["king", "queen"]]
    batch = glove.most_similar_batch(rows, topn=3)
    assert batch[0][0].token == "king" and batch[1][0].token == "queen"


def test_float16_storage_answers_match_float32(glove):
    small = glove.limit(20_000)
    half = small.astype("float16")
    assert half.dtype == np.float16
    ours = half.most_similar("king", topn=5)
    full = small.most_similar("king", topn=5)
    assert [t for t, *_ in ours][:3] == [t for t, *_ in full][:3]
    assert np.allclose([n.score for n in ours], [n.score for n in full], atol=2e-3)


def test_unknown_token_suggests(glove):
    with pytest.raises(UnknownTokenError) as info:
        glove.most_similar("kitteen")
    message = str(info.value)
    assert "'kitteen' is not in the vocabulary (400,000 tokens)" in message
    assert "Did you mean: kitten, kittens" in message
    assert isinstance(info.value, KeyError)


def test_unknown_token_case_variant_suggested(glove):
    with pytest.raises(UnknownTokenError, match="Did you mean: paris"):
        glove["Paris"]


def test_bad_arguments_are_clear(toy):
    with pytest.raises(tokvec.InvalidArgumentError, match="topn must be a positive integer"):
        toy.most_similar("cat", topn=-1)
    with pytest.raises(tokvec.InvalidArgumentError, match="topn must be a positive integer"):
        toy.most_similar("cat", topn=2.5)
    with pytest.raises(tokvec.InvalidArgumentError, match="at least one positive or negative"):
        toy.most_similar()
    with pytest.raises(tokvec.InvalidArgumentError, match="out of range"):
        toy[7]
    with pytest.raises(tokvec.InvalidArgumentError, match="must have 2 values"):
        toy.similar_by_vector(np.zeros(3))


def test_duplicate_tokens_keep_first_and_warn_once():
    with pytest.warns(tokvec.TokvecWarning, match="2 duplicate token rows") as record:
        v = Vectors(["a", "b", "a", "b"], np.arange(8, dtype=np.float32).reshape(4, 2))
    assert len(record) == 1
    assert v.tokens == ["a", "b"] and v["a"].tolist() == [0.0, 1.0]


def test_zero_vector_scores_zero_not_nan():
    v = Vectors(["a", "zero", "b"], np.array([[1, 0], [0, 0], [0.5, 0.5]], dtype=np.float32))
    result = v.most_similar("a", topn=2)
    assert result[0].token == "b" and result[1][:2] == ("zero", 0.0)


# -- gensim as the oracle ----------------------------------------------------------------------
GENSIM_FILES = [
    ("euclidean_vectors.bin", {"binary": True}),
    ("test_glove.txt", {"no_header": True}),
    ("lee_fasttext.vec", {}),
    ("poincare_vectors.bin", {"binary": True}),
    ("crime-and-punishment.vec", {}),
    ("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", {}),
]


@pytest.fixture(scope="module", params=GENSIM_FILES, ids=[f for f, *_ in GENSIM_FILES])
def pair(request, gensim_data):
    from gensim.models import KeyedVectors

    name, kwargs = request.param
    path = gensim_data / name
    return tokvec.load(path), KeyedVectors.load_word2vec_format(str(path), **kwargs)


def _pick(v: Vectors, *ranks: int) -> list[str]:
    return [v.token(r % len(v)) for r in ranks]


def test_same_tokens_and_values_as_gensim(pair):
    ours, kv = pair
    assert ours.tokens == kv.index_to_key
    np.testing.assert_array_equal(np.asarray(ours.matrix), kv.vectors)


def test_most_similar_equals_gensim(pair):
    ours, kv = pair
    for pos, neg in [(_pick(ours, 1), []), (_pick(ours, 3, 5), _pick(ours, 7)), (_pick(ours, 0), _pick(ours, 2)),
                     ([], _pick(ours, 4))]:
        assert_same_neighbours(ours.most_similar(pos, neg, topn=10), kv.most_similar(pos, neg, topn=10))


def test_restrict_equals_gensim(pair):
    ours, kv = pair
    words = _pick(ours, 2, 9)
    restrict = max(2, len(ours) // 3)
    assert_same_neighbours(ours.most_similar(words, topn=5, restrict=restrict),
                           kv.most_similar(words, topn=5, restrict_vocab=restrict))


def test_cosmul_equals_gensim(pair):
    ours, kv = pair
    pos, neg = _pick(ours, 3, 5), _pick(ours, 7)
    assert_same_neighbours(ours.most_similar_cosmul(pos, neg, topn=10), kv.most_similar_cosmul(pos, neg, topn=10))


def test_pairs_equal_gensim(pair):
    ours, kv = pair
    a, b, c = _pick(ours, 1, 4, 6)
    assert ours.similarity(a, b) == pytest.approx(float(kv.similarity(a, b)), abs=1e-5)
    assert ours.cosine_distance(a, c) == pytest.approx(float(kv.distance(a, c)), abs=1e-5)
    assert ours.distance(a, b) == pytest.approx(float(np.linalg.norm(kv[a].astype(np.float64) - kv[b])), abs=1e-5)
    words = _pick(ours, 0, 1, 2, 3, 11)
    assert ours.odd_one_out(words) == kv.doesnt_match(words)
    assert ours.rank(a, b) == kv.rank(a, b)


def test_similar_by_vector_equals_gensim(pair):
    ours, kv = pair
    vec = kv[_pick(ours, 5)[0]] + 0.5 * kv[_pick(ours, 8)[0]]
    assert_same_neighbours(ours.similar_by_vector(vec, topn=10), kv.similar_by_vector(vec, topn=10))


@pytest.fixture(scope="module")
def glove_kv(glove):
    return gensim_kv(glove)


@pytest.mark.parametrize("positive,negative", [
    (["king", "woman"], ["man"]),
    (["paris", "germany"], ["france"]),
    (["frog"], []),
    (["computer", "science"], []),
    (["walking", "swam"], ["walked"]),
])
def test_glove_most_similar_equals_gensim(glove, glove_kv, positive, negative):
    assert_same_neighbours(glove.most_similar(positive, negative, topn=10),
                           glove_kv.most_similar(positive, negative, topn=10))
    assert_same_neighbours(glove.most_similar_cosmul(positive, negative, topn=10),
                           glove_kv.most_similar_cosmul(positive, negative, topn=10))


def test_glove_restricted_and_pairs_equal_gensim(glove, glove_kv):
    assert_same_neighbours(glove.most_similar(["king", "woman"], ["man"], topn=10, restrict=30_000),
                           glove_kv.most_similar(["king", "woman"], ["man"], topn=10, restrict_vocab=30_000))
    for a, b in [("cat", "kitten"), ("car", "automobile"), ("good", "bad")]:
        assert glove.similarity(a, b) == pytest.approx(float(glove_kv.similarity(a, b)), abs=1e-5)
        assert glove.cosine_distance(a, b) == pytest.approx(float(glove_kv.distance(a, b)), abs=1e-5)
    words = ["breakfast", "cereal", "dinner", "lunch"]
    assert glove.odd_one_out(words) == glove_kv.doesnt_match(words) == "cereal"
    assert glove.rank("king", "queen") == glove_kv.rank("king", "queen")


def test_glove_king_queen_lecture_example(glove):
    assert glove.analogy("man", "king", "woman")[0].token == "queen"
    assert glove.similarity("cat", "kitten") > glove.similarity("cat", "car")


def test_nan_rows_never_win(tmp_path):
    (tmp_path / "g.txt").write_text("a 1 0\nb nan 1\nc 0.9 0.1\nd 0 1\n")
    v = tokvec.load(tmp_path / "g.txt", nonfinite="keep")
    assert [t for t, *_ in v.most_similar("a", topn=2)] == ["c", "d"]
    assert [t for t, *_ in v.most_similar_batch(["a", "d"], topn=1)[1]] == ["c"]


class _Pieces:
    """A stand-in tokenizer: splits a word into its letters (the Tokenizer protocol, nothing more)."""

    kind = "plain"

    def display(self, token):
        return token.upper()

    def raw_forms(self, word):
        return [word.lower()]

    def encode(self, text):
        return list(range(len(text))), list(text)


def test_tokenizer_given_at_construction_survives_every_derived_vectors():
    tokens = ["a", "b", "c", "x"]
    matrix = np.array([[1, 0], [0, 1], [1, 1], [np.nan, 0]], dtype=np.float32)
    v = Vectors(tokens, matrix, tokenizer=_Pieces())
    assert v.pieces("ab") == ["a", "b"] and v.display("a") == "A"
    for derived in (v.limit(3), v.select([2, 0, 1]), v.astype("float16"), v.select(np.array([1, 0]))):
        assert derived.tokenizer is v.tokenizer
        assert derived.pieces("ab") == ["a", "b"]  # rows found by piece strings, so a reordering is fine
        np.testing.assert_allclose(derived.vector("ab"), [0.5, 0.5])
    assert "'ab' is not a single token" in v.select([1, 0]).explain("ab")


def test_nonfinite_drop_keeps_the_tokenizer(tmp_path):
    v = Vectors(["a", "b", "c", "x"], np.array([[1, 0], [0, 1], [1, 1], [np.nan, 0]], dtype=np.float32),
                tokenizer=_Pieces())
    tokvec.save(v, tmp_path / "v.tokvec")
    loaded = tokvec.load(tmp_path / "v.tokvec", nonfinite="drop")
    assert loaded.tokens == ["a", "b", "c"]
    dropped = v.select([0, 1, 2])
    assert dropped.tokenizer is v.tokenizer and dropped.most_similar("ab", topn=1)[0].token == "c"


def test_neighbours_carry_their_row_ids(toy):
    found = toy.most_similar("cat", topn=3) + toy.most_similar_cosmul("cat", topn=2)
    for n in found + toy.similar_by_vector(toy["dog"]):
        assert toy.token(n.row) == n.token
        assert n == (n.token, n.score) and tuple(n) == (n.token, n.score)  # gensim's pair; row is an attribute
        word, score = n
        assert (word, score) == (n.token, n.score)
