"""The rest of gensim's KeyedVectors, with its semantics: hand-checked toys first, then gensim (and POT, the
original fastText) as oracles on gensim's own test files."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest

import tokvec
from oracles import assert_same_neighbours
from tokvec import FormatError, InvalidArgumentError, TokvecWarning, Vectors
from tokvec.cli import main
from tokvec.search.wmd import transport_cost

gensim_models = pytest.importorskip("gensim.models")


@pytest.fixture(scope="module")
def euclid(gensim_data):
    """gensim's euclidean_vectors.bin, read by both."""
    path = str(gensim_data / "euclidean_vectors.bin")
    return tokvec.load(path), gensim_models.KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.fixture(scope="module")
def lee_fasttext(gensim_data):
    """gensim's lee_fasttext.bin (fastText subwords), read by both."""
    path = str(gensim_data / "lee_fasttext.bin")
    return tokvec.load(path), gensim_models.fasttext.load_facebook_vectors(path)


# -- Word Mover's Distance -------------------------------------------------------------------------------------
def test_wmd_by_hand():
    # a=(0,0), b=(3,4), c=(6,8): [a, a] -> [b, c] moves half of a 5 to b and half 10 to c: 7.5
    v = Vectors(["a", "b", "c"], np.array([[0, 0], [3, 4], [6, 8]], dtype=np.float32))
    assert v.wmdistance(["a", "a"], ["b", "c"], norm=False) == 7.5
    assert v.wmdistance(["b", "c"], ["a", "a"], norm=False) == 7.5
    assert v.wmdistance(["b"], ["b", "b"]) == 0.0 and v.wmdistance(["a", "b"], ["b", "a"]) == 0.0
    # unit vectors: b and c are the same point (0.6, 0.8); a (zero) stays at the origin, 1 away
    assert v.wmdistance(["a", "b"], ["c", "c"]) == pytest.approx(0.5)
    with pytest.warns(TokvecWarning, match="no word these vectors can embed"):
        assert v.wmdistance(["zz"], ["a"]) == float("inf")
    with pytest.raises(InvalidArgumentError, match="two lists of words"):
        v.wmdistance("a b", ["a"])


def test_transport_cost_is_the_linear_programs_optimum():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(3)
    for n1, n2 in [(1, 4), (3, 3), (5, 8), (12, 7), (30, 25)]:
        supply, demand = rng.integers(1, 6, n1).astype(float), rng.integers(1, 6, n2).astype(float)
        demand[-1] += supply.sum() - demand.sum()
        if demand[-1] <= 0:
            continue
        cost = rng.random((n1, n2)) * rng.choice([1, 0], (n1, n2), p=[0.8, 0.2])  # ties and zero costs
        expected = ot.emd2(supply / supply.sum(), demand / demand.sum(), cost) * supply.sum()
        assert transport_cost(supply, demand, cost) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("norm", [True, False])
def test_wmdistance_equals_gensims(euclid, norm):
    pytest.importorskip("ot")
    v, kv = euclid
    texts = [("human interface computer".split(), "survey user computer system response time".split()),
             ("war conflict terrorism war".split(), "peace agreement signed war".split()),
             ("war".split(), "war war".split()),
             ("war unknownword conflict".split(), "terrorism unknownword".split())]
    for first, second in texts:
        assert v.wmdistance(first, second, norm=norm) == pytest.approx(kv.wmdistance(first, second, norm=norm),
                                                                       rel=1e-12, abs=1e-12)


def test_wmdistance_with_subwords_embeds_every_word(lee_fasttext):
    pytest.importorskip("ot")
    v, kv = lee_fasttext
    first, second = "the nighttime sky".split(), "a darkk nigth".split()
    assert v.wmdistance(first, second) == pytest.approx(kv.wmdistance(first, second), rel=1e-5)


# -- one word against many ---------------------------------------------------------------------------------
def test_one_to_many_by_hand(toy):
    # cat (1,0), kitten (.8,.6), dog (0,1), car (-1,0)
    assert toy.cosine_similarities(np.array([1.0, 0.0]), np.array([[0.8, 0.6], [0.0, 0.0]])).tolist() == [0.8, 0.0]
    np.testing.assert_allclose(toy.distances("cat"), [0, 0.2, 1, 2], atol=1e-7)
    np.testing.assert_allclose(toy.distances("cat", ["dog", "car"]), [1, 2], atol=1e-7)
    assert toy.closer_than("cat", "dog") == ["kitten"] == toy.words_closer_than("cat", "dog")
    assert toy.most_similar_to_given("cat", ["dog", "car", "kitten"]) == "kitten"
    # cat's neighbours: kitten .8, dog 0 (topn=2): rcs(cat, kitten) = .8 / .8
    assert toy.relative_cosine_similarity("cat", "kitten", topn=2) == pytest.approx(1.0)
    assert [n.token for n in toy.rank_by_centrality(["cat", "kitten", "dog"])] == ["kitten", "cat", "dog"]


def test_one_to_many_equals_gensim(euclid):
    v, kv = euclid
    assert np.array_equal(v.distances("war"), kv.distances("war"))
    assert np.array_equal(v.distances("war", ["terrorism", "call"]), kv.distances("war", ["terrorism", "call"]))
    vector = kv["war"] + kv["peace"]
    assert np.array_equal(v.distances(vector), kv.distances(vector))
    assert np.array_equal(Vectors.cosine_similarities(vector, kv.vectors[:50]),
                          kv.cosine_similarities(vector, kv.vectors[:50]))
    for a, b in [("war", "terrorism"), ("war", "conflict"), ("peace", "war"), ("war", "war")]:
        assert v.closer_than(a, b) == kv.closer_than(a, b)
        assert v.rank(a, b) == kv.rank(a, b) if a != b else True
        assert v.relative_cosine_similarity(a, b) == pytest.approx(kv.relative_cosine_similarity(a, b), rel=1e-6)
    candidates = ["terrorism", "call", "waging", "peace"]
    assert v.most_similar_to_given("war", candidates) == kv.most_similar_to_given("war", candidates)
    words = ["war", "conflict", "terrorism", "peace", "call"]
    ours, theirs = v.rank_by_centrality(words), kv.rank_by_centrality(words)
    assert [(w, pytest.approx(s, abs=1e-6)) for w, s in ours] == [(w, s) for s, w in theirs]


def test_normed_copies_leave_the_vectors_alone(euclid):
    v, kv = euclid
    before = np.array(v.matrix)
    unit = v.normed_matrix()
    np.testing.assert_allclose(unit, kv.get_normed_vectors(), rtol=1e-6, atol=1e-7)  # norms: 1 ulp apart
    copy = v.normalised()
    assert np.array_equal(v.matrix, before) and np.array_equal(copy.matrix, unit)
    np.testing.assert_allclose(copy.norms, 1, atol=1e-6) and copy.tokens == v.tokens
    zero = Vectors(["a", "b"], np.array([[0, 0], [3, 4]], dtype=np.float32))
    np.testing.assert_allclose(zero.normed_matrix(), [[0, 0], [0.6, 0.8]])
    assert zero.normalised().norms.tolist() == [0, 1]


# -- fastText: any word has a vector ---------------------------------------------------------------------------
def test_fasttext_semantics(lee_fasttext):
    v, kv = lee_fasttext
    assert "nights" not in v and v.has_vector("nights") and "nights" in kv  # `in` is the vocabulary, documented
    assert not v.with_counts(None).has_vector(1.5)
    assert v.n_similarity(["night"], ["nights"]) == pytest.approx(kv.n_similarity(["night"], ["nights"]), rel=1e-6)
    assert v.n_similarity(["night"], ["nights"]) == pytest.approx(0.986, abs=1e-3)
    words = ["night", "nightss", "sky"]
    np.testing.assert_allclose(v.mean_vector(words), kv.get_mean_vector(words), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(v.mean_vector(words, pre_normalise=False),
                               kv.get_mean_vector(words, pre_normalize=False), rtol=1e-5, atol=1e-7)
    ours = v.vectors_for_all(["night", "nightss", "night", "sky"])
    theirs = kv.vectors_for_all(["night", "nightss", "night", "sky"])
    assert ours.tokens == theirs.index_to_key and ours.subwords is None
    np.testing.assert_allclose(ours.matrix, theirs.vectors, rtol=1e-5, atol=1e-7)
    assert v.vectors_for_all(["night", "nightss"], allow_inference=False).tokens == ["night"]


def test_edited_copies_keep_the_ngrams(lee_fasttext, gensim_data, tmp_path):
    v, _ = lee_fasttext
    assert v.with_vectors(["brandnew"], np.ones((1, v.dim))).subwords is not None
    assert v.with_counts(np.ones(len(v), int)).subwords is not None
    assert v.normalised().subwords is not None and v.concat(v.limit(5)).subwords is not None
    tokvec.save(v, tmp_path / "c.txt", counts=tmp_path / "c.vocab")
    loaded = tokvec.load(gensim_data / "lee_fasttext.bin", counts=tmp_path / "c.vocab")
    assert loaded.subwords is not None and np.array_equal(loaded["nightss"], v["nightss"])


# -- counts files, row ids, odd one out ----------------------------------------------------------------------
@pytest.mark.parametrize("errors, tokens", [("replace", ["ありがとう\ufffd", "どういたしまして\ufffd"]),
                                            ("ignore", ["ありがとう", "どういたしまして"])])
def test_counts_file_honours_errors(gensim_data, errors, tokens):
    model = gensim_data / "w2v_keyedvectors_load_test.modeldata"
    vocab = model.with_suffix(".vocab")
    v = tokvec.load(model, counts=vocab, errors=errors)
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(model), fvocab=str(vocab), unicode_errors=errors)
    assert v.tokens == tokens == kv.index_to_key
    assert v.counts.tolist() == [123, 789] == [kv.get_vecattr(t, "count") for t in tokens]


def test_counts_file_strict_names_the_line(tmp_path):
    (tmp_path / "v.txt").write_text("1 2\na 1 2\n")
    (tmp_path / "v.vocab").write_bytes(b"a 3\n\xe3\x83 5\n")
    with pytest.raises(FormatError, match=r"v\.vocab, line 2: invalid UTF-8.*errors='replace'"):
        tokvec.load(tmp_path / "v.txt", counts=tmp_path / "v.vocab")


def test_an_int_is_a_row(euclid):
    v, kv = euclid
    for query in ([0], 0, [0, "war"], np.int64(3)):
        assert_same_neighbours(v.most_similar(query, topn=5), kv.most_similar(query, topn=5))
    assert v.most_similar_cosmul([0], [5], topn=5) == v.most_similar_cosmul([v.token(0)], [v.token(5)], topn=5)
    with pytest.raises(InvalidArgumentError, match="out of range"):
        v.most_similar([len(v)])


def test_odd_one_out_leaves_unknown_words_out(euclid):
    v, kv = euclid
    words = ["war", "conflict", "notaword", "terrorism", "peace"]
    with pytest.warns(TokvecWarning, match="left out 1 word.*'notaword'"):
        assert v.odd_one_out(words) == kv.doesnt_match(words)
    with warnings.catch_warnings(), pytest.raises(InvalidArgumentError, match="at least 2 known word"):
        warnings.simplefilter("ignore", TokvecWarning)
        v.odd_one_out(["war", "notaword", "zzzz"])


# -- .bin from vectors with subwords ------------------------------------------------------------------------------
def test_bin_keeps_subwords_else_word2vec(lee_fasttext, tmp_path, capsys):
    v, _ = lee_fasttext
    tokvec.save(v.limit(100), tmp_path / "s.tokvec")
    assert main(["convert", str(tmp_path / "s.tokvec"), str(tmp_path / "s.bin")]) == 0
    back = tokvec.load(tmp_path / "s.bin")
    assert back.metadata["loaded_format"] == "fasttext-bin" and np.array_equal(back["nightss"], v["nightss"])
    tokvec.save(v.limit(100).with_vectors([], np.zeros((0, v.dim))), tmp_path / "plain.bin")  # subwords kept too
    plain = Vectors(v.tokens[:10], np.asarray(v.matrix[:10]))
    tokvec.save(plain, tmp_path / "w.bin")
    assert tokvec.load(tmp_path / "w.bin").metadata["loaded_format"] == "word2vec-binary"
    capsys.readouterr()
    assert main(["convert", "--help"]) == 0
    assert "fastText's .bin when the vectors have subwords" in re.sub(r"[│\s]+", " ", capsys.readouterr().out)


@pytest.mark.skipif(shutil.which("fasttext") is None, reason="the original fastText CLI is not installed")
def test_original_fasttext_reads_a_bin_converted_from_a_gensim_model(tmp_path):
    corpus = [s.split() for s in ["the cat sat on the mat", "a dog and a cat ran", "the dog sat"]] * 20
    model = gensim_models.FastText(corpus, vector_size=8, min_count=1, epochs=2, seed=1, workers=1, bucket=200)
    model.save(str(tmp_path / "g.model"))
    assert main(["convert", str(tmp_path / "g.model"), str(tmp_path / "g.bin")]) == 0
    v = tokvec.load(tmp_path / "g.model")
    words = ["cat", "dog", "unseenword"]
    out = subprocess.run(["fasttext", "print-word-vectors", str(tmp_path / "g.bin")], input="\n".join(words),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    for line, word in zip(out, words):
        token, *values = line.split()
        assert token == word
        np.testing.assert_allclose(np.array(values, float), v[word], rtol=1e-4, atol=1e-5)  # printed to 5 digits
