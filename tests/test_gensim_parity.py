"""gensim's own KeyedVectors tests, ported: ``gensim/test/test_keyedvectors.py`` and the KeyedVectors parts of
``test_word2vec.py`` and ``test_fasttext.py`` (gensim 4.4), each run against gensim in the same test.

Each test keeps gensim's name and its assertion, applies it to gensim's object and to tokvec's (names mapped:
``similar_by_word`` -> ``most_similar``, ``restrict_vocab`` -> ``restrict``, ``get_mean_vector`` ->
``mean_vector``, ``add_vectors``/``__setitem__`` -> ``with_vectors``, ``get_vecattr(k, "count")`` ->
``counts``, ``copy_vecattrs`` -> ``copy_counts``, ``load_word2vec_format`` / ``load_facebook_model`` /
``Word2Vec.load`` -> ``tokvec.load``), and checks the two agree. A ``# deliberate:`` comment marks each place
where tokvec differs on purpose. Skipped, with the reason at the end of the file: training and
model-only tests (no KeyedVectors in them).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest

import tokvec
from oracles import assert_same_neighbours
from tokvec import FormatError, InvalidArgumentError, TokvecWarning, UnknownTokenError, Vectors

gensim = pytest.importorskip("gensim")
from gensim.models import FastText, KeyedVectors, Word2Vec  # noqa: E402
from gensim.models.fasttext import load_facebook_model  # noqa: E402
from gensim.test.utils import common_texts  # noqa: E402


def _words(neighbours) -> list[str]:
    return [word for word, _ in neighbours]


@pytest.fixture(scope="module")
def euclid(gensim_data):
    """TestKeyedVectors.setUp: euclidean_vectors.bin, as (tokvec, gensim)."""
    path = str(gensim_data / "euclidean_vectors.bin")
    return tokvec.load(path), KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.fixture(scope="module")
def lee(gensim_data):
    """TestFastTextModel.setUp: lee_fasttext.bin, as (tokvec, gensim's wv)."""
    return tokvec.load(gensim_data / "lee_fasttext.bin"), load_facebook_model(str(gensim_data / "lee_fasttext.bin")).wv


# ============================== test_keyedvectors.py: TestKeyedVectors ==============================
def test_most_similar(euclid):
    v, kv = euclid
    expected = ["conflict", "administration", "terrorism", "call", "israel"]
    assert _words(kv.most_similar("war", topn=5)) == expected == _words(v.most_similar("war", topn=5))


def test_most_similar_vector(euclid):
    v, kv = euclid
    positive = kv.vectors[0:5]  # a 2-D array: one query row each
    assert_same_neighbours(v.most_similar(positive=positive), kv.most_similar(positive=positive))


@pytest.mark.parametrize("method", ["most_similar", "most_similar_cosmul"])
def test_most_similar_parameter_types(euclid, method):
    for obj in euclid:
        partial = functools.partial(getattr(obj, method), topn=5)
        position = partial("war", "peace")
        assert position == partial(["war"], ["peace"]) == partial(positive="war", negative="peace") \
            == partial(positive=["war"], negative=["peace"])
    assert_same_neighbours(getattr(euclid[0], method)("war", "peace", topn=5),
                           getattr(euclid[1], method)("war", "peace", topn=5))


def test_vectors_for_all_list(euclid):
    words = ["conflict", "administration", "terrorism", "an out-of-vocabulary word", "another out-of-vocabulary word"]
    ours, theirs = euclid[0].vectors_for_all(words), euclid[1].vectors_for_all(words)
    assert len(ours) == len(theirs) == 3 and ours.tokens == theirs.index_to_key
    assert np.allclose(euclid[1]["conflict"], ours["conflict"]) and np.array_equal(ours.matrix, theirs.vectors)


def test_vectors_for_all_with_copy_vecattrs(euclid, lee):
    v, kv = euclid
    theirs = kv.vectors_for_all(["conflict"], copy_vecattrs=True)
    assert theirs.get_vecattr("conflict", "count") == kv.get_vecattr("conflict", "count")
    # deliberate: a word2vec file has no counts and tokvec invents none (gensim counts down from len(kv))
    assert v.counts is None and v.vectors_for_all(["conflict"], copy_counts=True).counts is None
    v, kv = lee  # a fastText .bin carries real counts: copied as gensim copies them
    theirs = kv.vectors_for_all(["night"], copy_vecattrs=True)
    assert v.vectors_for_all(["night"], copy_counts=True).counts.tolist() == [theirs.get_vecattr("night", "count")]


def test_vectors_for_all_without_copy_vecattrs(euclid):
    v, kv = euclid
    theirs = kv.vectors_for_all(["conflict"], copy_vecattrs=False)
    assert kv.get_vecattr("conflict", "count") != theirs.get_vecattr("conflict", "count")
    assert v.vectors_for_all(["conflict"]).counts is None  # deliberate: no counts rather than zeros


def test_most_similar_topn(euclid):
    for obj in euclid:
        assert len(obj.most_similar("war", topn=5)) == 5 and len(obj.most_similar("war", topn=10)) == 10
        assert len(obj.most_similar("war", topn=0)) == 0 == len(obj.most_similar("war", topn=np.uint8(0)))
    v, kv = euclid
    assert len(v.most_similar("war", topn=None)) == len(v) - 1  # deliberate: a ranked list without the query word
    np.testing.assert_allclose(v.scores("war"), kv.most_similar("war", topn=None), atol=1e-6)  # gensim's array


def test_relative_cosine_similarity(euclid):
    wordnet_syn = ["good", "goodness", "commodity", "trade_good", "full", "estimable", "honorable", "respectable",
                   "beneficial", "just", "upright", "adept", "expert", "practiced", "proficient", "skillful",
                   "skilful", "dear", "near", "dependable", "safe", "secure", "right", "ripe", "well", "effective",
                   "in_effect", "in_force", "serious", "sound", "salutary", "honest", "undecomposed", "unspoiled",
                   "unspoilt", "thoroughly", "soundly"]
    for obj in euclid:
        cos_sim = sorted((obj.similarity("good", s) for s in wordnet_syn if s in obj), reverse=True)
        rcs_wordnet = obj.similarity("good", "nice") / sum(cos_sim[:10])
        rcs = obj.relative_cosine_similarity("good", "nice", 10)
        assert rcs_wordnet >= rcs and np.allclose(rcs_wordnet, rcs, 0, 0.125)
        assert obj.relative_cosine_similarity("good", "worst", 10) < 0.10
    assert euclid[0].relative_cosine_similarity("good", "nice") == pytest.approx(
        euclid[1].relative_cosine_similarity("good", "nice"), rel=1e-6)


def test_most_similar_raises_keyerror(euclid):
    for obj in euclid:
        with pytest.raises(KeyError):
            obj.most_similar("not_in_vocab")
    with pytest.raises(UnknownTokenError):  # a KeyError that suggests close matches
        euclid[0].most_similar("not_in_vocab")


def test_most_similar_restrict_vocab(euclid):
    v, kv = euclid
    expected = set(kv.index_to_key[:5])
    assert set(_words(kv.most_similar("war", topn=5, restrict_vocab=5))) == expected
    assert set(_words(v.most_similar("war", topn=5, restrict=5))) == expected - {"war"}  # deliberate: query excluded


def test_most_similar_with_vector_input(euclid):
    expected = ["war", "conflict", "administration", "terrorism", "call"]
    for obj in euclid:
        assert _words(obj.most_similar([euclid[1]["war"]], topn=5)) == expected


def test_most_similar_to_given(euclid):
    for obj in euclid:
        assert obj.most_similar_to_given("war", ["terrorism", "call", "waging"]) == "terrorism"


def test_similar_by_word(euclid):
    expected = ["conflict", "administration", "terrorism", "call", "israel"]
    assert _words(euclid[1].similar_by_word("war", topn=5)) == expected == _words(euclid[0].most_similar("war", topn=5))


def test_similar_by_vector(euclid):
    expected = ["war", "conflict", "administration", "terrorism", "call"]
    for obj in euclid:
        assert _words(obj.similar_by_vector(euclid[1]["war"], topn=5)) == expected


def test_distance(euclid):
    v, kv = euclid
    assert np.allclose(kv.distance("war", "conflict"), 0.06694602) and kv.distance("war", "war") == 0
    # deliberate: gensim's distance (1 - cosine) is cosine_distance; distance is Euclidean
    assert np.allclose(v.cosine_distance("war", "conflict"), 0.06694602) and v.cosine_distance("war", "war") == 0


def test_similarity(euclid):
    for obj in euclid:
        assert np.allclose(obj.similarity("war", "war"), 1)
        assert np.allclose(obj.similarity("war", "conflict"), 0.93305397)


def test_closer_than(euclid):
    for obj in euclid:
        assert obj.closer_than("war", "war") == []
        assert set(obj.closer_than("war", "terrorism")) == {"conflict", "administration"}


def test_rank(euclid):
    for obj in euclid:
        assert obj.rank("war", "war") == 1 and obj.rank("war", "terrorism") == 3


def test_add_single(euclid):
    v, kv = euclid
    entities = [f"___some_entity{i}_not_present_in_keyed_vectors___" for i in range(5)]
    vectors = [np.random.default_rng(i).standard_normal(kv.vector_size) for i in range(5)]
    kv = KeyedVectors.load_word2vec_format(euclid[0].source, binary=True)  # gensim mutates: its own copy
    for ent, vector in zip(entities, vectors):
        kv.add_vectors(ent, vector)
        v = v.with_vectors([ent], vector)  # deliberate: a new object, this one untouched
    for ent, vector in zip(entities, vectors):
        assert np.allclose(kv[ent], vector) and np.allclose(v[ent], vector)
    empty = Vectors([], np.zeros((0, kv.vector_size), np.float32))
    for ent, vector in zip(entities, vectors):
        empty = empty.with_vectors([ent], vector)
    assert all(np.allclose(empty[ent], vector) for ent, vector in zip(entities, vectors))


def test_add_multiple(euclid):
    entities = [f"___some_entity{i}_not_present_in_keyed_vectors___" for i in range(5)]
    vectors = np.random.default_rng(0).standard_normal((5, euclid[1].vector_size))
    kv = KeyedVectors.load_word2vec_format(euclid[0].source, binary=True)
    kv.add_vectors(entities, vectors, replace=False)
    v = euclid[0].with_vectors(entities, vectors, replace=False)
    assert len(v) == len(kv) == len(euclid[0]) + 5 and v.tokens == kv.index_to_key
    assert np.array_equal(v.matrix, kv.vectors)


def test_add_type():
    kv = KeyedVectors(2)
    kv.add_vectors(["a"], np.array([1.0, 1.0], dtype=np.float64).reshape(1, -1))
    v = Vectors([], np.zeros((0, 2), np.float32)).with_vectors(["a"], np.array([[1.0, 1.0]], dtype=np.float64))
    assert kv.vectors.dtype == v.matrix.dtype == np.float32


def test_set_item(euclid):
    rng = np.random.default_rng(1)
    kv = KeyedVectors.load_word2vec_format(euclid[0].source, binary=True)
    v = euclid[0]
    entity, vector = "___some_new_entity___", rng.standard_normal(kv.vector_size)
    kv[entity] = vector
    v = v.with_vectors([entity], vector)
    vector = rng.standard_normal(kv.vector_size)
    kv["war"] = vector
    v = v.with_vectors(["war"], vector)  # replace=True: gensim's __setitem__
    entities = ["war", "___some_new_entity1___", "___some_new_entity2___", "terrorism", "conflict"]
    vectors = rng.standard_normal((5, kv.vector_size))
    kv[entities] = vectors
    v = v.with_vectors(entities, vectors)
    assert len(v) == len(kv) == len(euclid[0]) + 3 and v.tokens == kv.index_to_key
    assert np.array_equal(v.matrix, kv.vectors)


@pytest.mark.parametrize("errors", ["strict", "replace", "ignore"])
def test_load_model_and_vocab_file(gensim_data, errors):
    model = str(gensim_data / "w2v_keyedvectors_load_test.modeldata")
    vocab = str(gensim_data / "w2v_keyedvectors_load_test.vocab")
    if errors == "strict":
        with pytest.raises(UnicodeDecodeError):
            KeyedVectors.load_word2vec_format(model, fvocab=vocab, binary=False, unicode_errors="strict")
        with pytest.raises(FormatError, match="invalid UTF-8"):  # deliberate: a FormatError saying what to pass
            tokvec.load(model, counts=vocab)
        return
    kv = KeyedVectors.load_word2vec_format(model, fvocab=vocab, binary=False, unicode_errors=errors)
    v = tokvec.load(model, counts=vocab, errors=errors)
    suffix = "\ufffd" if errors == "replace" else ""
    expected = [("ありがとう", 123, [.6, .6, .6]), ("どういたしまして", 789, [.1, .2, .3])]
    for i, (word, count, vector) in enumerate(expected):
        assert kv.get_vecattr(word + suffix, "count") == count == v.counts[v.index(word + suffix)]
        assert kv.key_to_index[word + suffix] == i == v.index(word + suffix)
        assert np.array_equal(kv.get_vector(word + suffix), np.array(vector, np.float32)) \
            and np.array_equal(v[word + suffix], np.array(vector, np.float32))


@pytest.mark.parametrize("header", [True, False])
def test_save_reload(tmp_path, header):  # test_save_reload, test_no_header
    rng = np.random.default_rng(2)
    randkv = KeyedVectors(vector_size=100)
    keys = [str(i) for i in range(20)]
    randkv.add_vectors(keys, rng.uniform(-1, 1, (20, 100)).astype(np.float32))
    for binary in ([False, True] if header else [False]):
        path = str(tmp_path / f"tmp_kv.{'bin' if binary else 'txt'}")
        randkv.save_word2vec_format(path, binary=binary, write_header=header)
        reloaded = KeyedVectors.load_word2vec_format(path, binary=binary, no_header=not header)
        ours = tokvec.load(path, format=None if header else "glove")  # deliberate: no header = GloVe's format
        assert randkv.index_to_key == reloaded.index_to_key == ours.tokens
        assert (randkv.vectors == reloaded.vectors).all() and (randkv.vectors == ours.matrix).all()


def test_get_mean_vector(euclid):
    keys = ["conflict", "administration", "terrorism", "call", "an out-of-vocabulary word"]
    weights = [1, 2, 3, 1, 2]
    expected_1 = [0.02000151, -0.12685453, 0.09196121, 0.25514853, 0.25740655, -0.11134843, -0.0502661, -0.19278568,
                  -0.83346179, -0.12068878]
    expected_2 = [-0.0145228, -0.11530358, 0.1169825, 0.22537769, 0.29353586, -0.10458107, -0.05272481, -0.17547795,
                  -0.84245106, -0.10356515]
    expected_3 = [0.01343237, -0.47651053, 0.45645328, 0.98304356, 1.1840123, -0.51647933, -0.25308795, -0.77931081,
                  -3.55954733, -0.55429711]
    v, kv = euclid
    assert np.allclose(kv.get_mean_vector(keys), expected_1) and np.allclose(v.mean_vector(keys), expected_1)
    assert np.allclose(kv.get_mean_vector(keys, weights), expected_2)
    assert np.allclose(v.mean_vector(keys, weights), expected_2)
    assert np.allclose(kv.get_mean_vector(keys, pre_normalize=False), expected_3)
    assert np.allclose(v.mean_vector(keys, pre_normalise=False), expected_3)


def test_gensim320(gensim_data):  # Gensim320Test
    path = str(gensim_data / "old_keyedvectors_320.dat")
    kv, v = KeyedVectors.load(path), tokvec.load(path)  # tokvec: read without running the pickle
    assert kv.get_vector("computer") is not None and np.array_equal(v["computer"], kv.get_vector("computer"))


# -- LoadWord2VecFormatTest ---------------------------------------------------------------------------------
def _w2v_binary(path, d):
    with open(path, "wb") as f:
        f.write(f"{len(d)} {len(next(iter(d.values())))}\n".encode())
        for word, vector in d.items():
            f.write(word.encode() + b" " + np.array(vector).astype(np.float32).tobytes())


@pytest.mark.parametrize("d, limit", [
    ({"abc": [1, 2, 3], "cde": [4, 5, 6], "def": [7, 8, 9]}, None),  # test_load_word2vec_format_basic
    ({"abc": [1, 2, 3], "cdefg": [4, 5, 6], "d": [7, 8, 9]}, None),
    ({"abc": [1, 2, 3], "cde": [4, 5, 6], "def": [7, 8, 9]}, 1),  # test_load_word2vec_format_limit
    ({"abc": [1, 2, 3], "cdefg": [4, 5, 6], "d": [7, 8, 9]}, 2),
    ({"\nabc": [1, 2, 3], "cdefdg": [4, 5, 6], "\n\ndef": [7, 8, 9]}, None),  # ..._space_stripping
    ({"\nabc": [1, 2, 3], "cdefdg": [4, 5, 6], "\n\ndef": [7, 8, 9]}, 1),
])
def test_load_word2vec_format(tmp_path, d, limit):
    path = str(tmp_path / "tmp_w2v")
    _w2v_binary(path, d)
    expected = {k.lstrip(): d[k] for k in list(d)[:limit]}
    kv = KeyedVectors.load_word2vec_format(path, binary=True, limit=limit)
    v = tokvec.load(path, limit=limit)
    assert kv.index_to_key == v.tokens == list(expected)
    for word, vector in expected.items():
        assert list(kv[word]) == list(v[word]) == vector


# ============================== test_word2vec.py: the KeyedVectors parts ==============================
def test_similarities():
    model = Word2Vec(vector_size=2, min_count=1, sg=0, hs=0, negative=2, seed=1, workers=1)
    model.build_vocab(common_texts)
    model.train(common_texts, total_examples=model.corpus_count, epochs=model.epochs)
    v = Vectors(model.wv.index_to_key, model.wv.vectors)
    for obj in (model.wv, v):
        assert obj.n_similarity(["graph", "trees"], ["trees", "graph"])
        assert obj.n_similarity(["graph"], ["trees"]) == pytest.approx(obj.similarity("graph", "trees"), abs=1e-6)
    with pytest.raises(ZeroDivisionError):
        model.wv.n_similarity(["graph", "trees"], [])
    for a, b in ((["graph", "trees"], []), ([], ["graph", "trees"]), ([], [])):
        with pytest.raises(InvalidArgumentError):  # deliberate: an InvalidArgumentError saying what is missing
            v.n_similarity(a, b)


def test_similar_by():
    model = Word2Vec(common_texts, vector_size=2, min_count=1, hs=1, negative=0, seed=1, workers=1)
    v = Vectors(model.wv.index_to_key, model.wv.vectors)
    assert model.wv.similar_by_word("graph", topn=10) == model.wv.most_similar(positive="graph", topn=10)
    assert v.most_similar("graph", topn=10) == v.most_similar(positive="graph", topn=10)
    assert_same_neighbours(v.similar_by_vector(v["graph"], topn=10), model.wv.similar_by_vector(v["graph"], topn=10))
    assert v.similar_by_vector(v["graph"], topn=10) == v.most_similar([v["graph"]], topn=10)


@pytest.mark.parametrize("separately", [False, True])
def test_persistence(tmp_path, separately):  # also test_large_mmap: arrays stored apart, memory-mapped
    model = Word2Vec(common_texts, min_count=1, seed=1, workers=1)
    model.save(str(tmp_path / "w.model"), sep_limit=0 if separately else 10 << 20)
    loaded, v = Word2Vec.load(str(tmp_path / "w.model"), mmap="r"), tokvec.load(tmp_path / "w.model")
    assert np.array_equal(model.wv.vectors, loaded.wv.vectors) and np.array_equal(v.matrix, loaded.wv.vectors)
    assert len(model.wv) == len(loaded.wv) == len(v) and isinstance(v.matrix, np.memmap) == separately


@pytest.mark.parametrize("binary", [True, False])
def test_persistence_word2vec_format(tmp_path, binary):  # ..._non_binary too
    model = Word2Vec(common_texts, min_count=1, seed=1, workers=1)
    path = str(tmp_path / f"w.{'bin' if binary else 'txt'}")
    model.wv.save_word2vec_format(path, binary=binary)
    kv, v = KeyedVectors.load_word2vec_format(path, binary=binary), tokvec.load(path)
    assert len(kv) == len(v) == len(model.wv) and np.allclose(model.wv["human"], v["human"], atol=1e-6)
    assert np.array_equal(kv.vectors, v.matrix)


@pytest.mark.parametrize("name", ["word2vec_old", "word2vec_old_sep", "word2vec_3.3"]
                         + [f"old_w2v_models/w2v_{x}.mdl" for x in ["1.0.0", "1.0.1", "2.0.0", "2.1.0", "2.2.0",
                                                                   "2.3.0", "3.0.0", "3.1.0", "3.2.0", "3.3.0",
                                                                   "3.4.0"]])
def test_load_old_models(gensim_data, name):  # test_load_old_model(_separates), test_load_old_models_{1,2,3}_x
    model, v = Word2Vec.load(str(gensim_data / name)), tokvec.load(gensim_data / name)
    assert v.tokens == model.wv.index_to_key and np.array_equal(v.matrix, model.wv.vectors)
    assert v.counts.tolist() == [model.wv.get_vecattr(k, "count") for k in v.tokens]


def test_evaluate_word_pairs(gensim_data):
    model = Word2Vec(gensim.models.word2vec.LineSentence(str(gensim_data / "head500.noblanks.cor.bz2")), min_count=3,
                     epochs=5, seed=1, workers=1)
    pearson, spearman, oov = model.wv.evaluate_word_pairs(str(gensim_data / "wordsim353.tsv"))
    ours = tokvec.evaluate.evaluate_similarity(Vectors(model.wv.index_to_key, model.wv.vectors),
                                                str(gensim_data / "wordsim353.tsv"))
    assert (ours.pearson, ours.spearman) == (pearson[0], spearman[0])  # to the last digit
    assert ours.oov_ratio == pytest.approx(oov)


def test_wmd(euclid):  # TestWMD: test_nonzero, test_symmetry, test_identical_sentences
    pytest.importorskip("ot")
    model = Word2Vec(common_texts, min_count=2, seed=42, workers=1)
    v = Vectors(model.wv.index_to_key, model.wv.vectors)
    s1, s2 = ["human", "interface", "computer"], ["survey", "user", "computer", "system", "response", "time"]
    for obj in (model.wv, v):
        assert obj.wmdistance(s1, s2) != 0.0 and np.allclose(obj.wmdistance(s1, s2), obj.wmdistance(s2, s1))
        assert obj.wmdistance(s2, s2) == 0.0
    assert v.wmdistance(s1, s2) == pytest.approx(model.wv.wmdistance(s1, s2), rel=1e-12)


# ============================== test_fasttext.py: the KeyedVectors parts ==============================
def test_load_fasttext_format(lee, gensim_data):
    v, kv = lee
    assert v.matrix.shape == kv.vectors.shape == (1762, 10) and v.subwords.buckets.shape == (1000, 10)
    expected = [-0.57144, -0.0085561, 0.15748, -0.67855, -0.25459, -0.58077, -0.09913, 1.1447, 0.23418, 0.060007]
    assert np.allclose(v["hundred"], expected, atol=1e-4) and np.allclose(kv["hundred"], expected, atol=1e-4)
    oov = [-0.21929, -0.53778, -0.22463, -0.41735, 0.71737, -1.59758, -0.24833, 0.62028, 0.53203, 0.77568]
    assert np.allclose(v["rejection"], oov, atol=1e-4) and np.allclose(kv["rejection"], oov, atol=1e-4)
    assert (v.subwords.bucket, v.subwords.minn, v.subwords.maxn) == (kv.bucket, kv.min_n, kv.max_n) == (1000, 3, 6)
    new = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    assert new.matrix.shape == load_facebook_model(str(gensim_data / "lee_fasttext_new.bin")).wv.vectors.shape


def test_load_model_supervised(gensim_data):
    with pytest.raises(NotImplementedError):
        load_facebook_model(str(gensim_data / "pang_lee_polarity_fasttext.bin"))
    with pytest.raises(FormatError, match="supervised"):
        tokvec.load(gensim_data / "pang_lee_polarity_fasttext.bin")


@pytest.mark.parametrize("name, encoding", [("non_ascii_fasttext.bin", None), ("cp852_fasttext.bin", "cp852")])
def test_load_model_non_ascii_and_non_utf8(gensim_data, name, encoding):
    kv = load_facebook_model(str(gensim_data / name), **({"encoding": encoding} if encoding else {})).wv
    v = tokvec.load(gensim_data / name, encoding=encoding)
    assert "který" in kv and "který" in v and v["který"].shape == kv["který"].shape
    if encoding is None:
        assert np.allclose(v["který"], kv["který"], atol=1e-6)
    # deliberate: with encoding=cp852 tokvec hashes the n-grams in cp852, as fastText does (gensim hashes their
    # UTF-8 re-encoding), so the vectors of non-ASCII words differ from gensim's there


def test_oov_similarity(lee):
    for obj in lee:
        top_neighbor, top_similarity = obj.most_similar("someoovword")[0]
        direct = obj.cosine_similarities(obj["someoovword"], obj[top_neighbor].reshape(1, -1))[0]
        assert top_similarity == pytest.approx(direct, abs=1e-6)
    assert_same_neighbours(lee[0].most_similar("someoovword"), lee[1].most_similar("someoovword"))


def test_n_similarity(lee):
    for obj in lee:
        assert np.allclose(obj.n_similarity(["the", "and"], ["and", "the"]), 1.0)
        assert obj.n_similarity(["the"], ["and"]) == obj.n_similarity(["and"], ["the"])
        assert np.allclose(obj.n_similarity(["night", "nights"], ["nights", "night"]), 1.0)
        assert obj.n_similarity(["night"], ["nights"]) == obj.n_similarity(["nights"], ["night"])
    assert lee[0].n_similarity(["night"], ["nights"]) == pytest.approx(lee[1].n_similarity(["night"], ["nights"]),
                                                                       rel=1e-6)


def test_fasttext_similarity(lee):
    for obj in lee:
        assert np.allclose(obj.similarity("the", "the"), 1.0) and np.allclose(obj.similarity("nights", "nights"), 1.0)
        assert obj.similarity("the", "and") == obj.similarity("and", "the")
        assert obj.similarity("night", "nights") == obj.similarity("nights", "night")


@pytest.mark.parametrize("method", ["most_similar", "most_similar_cosmul"])
def test_fasttext_most_similar(lee, method):
    for obj in lee:
        search = getattr(obj, method)
        assert len(search(positive=["the", "and"], topn=5)) == 5 and len(search(["night", "nights"], topn=5)) == 5
        assert search("the") == search(positive=["the"]) and search("nights") == search(positive=["nights"])
    assert_same_neighbours(getattr(lee[0], method)("nights"), getattr(lee[1], method)("nights"))
    if method == "most_similar_cosmul":
        for obj in lee:
            assert obj.most_similar_cosmul("the", "and") == obj.most_similar_cosmul(positive=["the"], negative=["and"])


def test_lookup(lee):
    v, kv = lee
    assert "night" in kv.key_to_index and "night" in v
    assert "nights" not in kv.key_to_index and "nights" not in v
    for word in ("night", "nights"):
        assert np.allclose(kv[word], kv[[word]]) and np.allclose(v[word], v[[word]])
        assert np.allclose(v[word], kv[word], atol=1e-6)


def test_contains(lee):
    v, kv = lee
    assert "night" in kv and "night" in v
    assert not kv.has_index_for("nights") and "nights" in kv
    # deliberate: `in` is vocabulary membership (gensim's has_index_for); has_vector is gensim's fastText `in`
    assert "nights" not in v and v.has_vector("nights")


def test_wm_distance(lee):
    pytest.importorskip("ot")
    doc, oov_doc = ["night", "payment"], ["nights", "forests", "payments"]
    for obj in lee:
        assert obj.wmdistance(doc, oov_doc) != float("inf")
    assert lee[0].wmdistance(doc, oov_doc) == pytest.approx(lee[1].wmdistance(doc, oov_doc), rel=1e-5)


@pytest.mark.parametrize("inference", [True, False])
def test_vectors_for_all(lee, inference):  # test_vectors_for_all_with_inference, ..._without_inference
    words = ["responding", "approached", "chairman", "an out-of-vocabulary word", "another out-of-vocabulary word"]
    ours, theirs = lee[0].vectors_for_all(words, allow_inference=inference), \
        lee[1].vectors_for_all(words, allow_inference=inference)
    assert len(ours) == len(theirs) == (5 if inference else 3) and ours.tokens == theirs.index_to_key
    assert np.allclose(ours["responding"], lee[1]["responding"])
    np.testing.assert_allclose(ours.matrix, theirs.vectors, rtol=1e-5, atol=1e-7)
    if inference:
        for obj in (ours, theirs):
            assert np.linalg.norm(obj["an out-of-vocabulary word"] - obj["another out-of-vocabulary word"]) \
                < np.linalg.norm(obj["an out-of-vocabulary word"] - obj["responding"])


def test_fasttext_persistence_word2vec_format(tmp_path):
    model = FastText(common_texts, min_count=1, vector_size=12, bucket=10000, seed=1, workers=1)
    model.wv.save_word2vec_format(str(tmp_path / "f.bin"), binary=True)
    kv, v = KeyedVectors.load_word2vec_format(str(tmp_path / "f.bin"), binary=True), tokvec.load(tmp_path / "f.bin")
    assert len(model.wv) == len(kv) == len(v) and np.allclose(model.wv["human"], v["human"])


def test_fasttext_persistence_gensim_save(tmp_path):  # test_persistence: FastText.save -> load
    model = FastText(common_texts, min_count=1, vector_size=12, bucket=1000, seed=1, workers=1)
    model.save(str(tmp_path / "f.model"))
    loaded, v = FastText.load(str(tmp_path / "f.model")), tokvec.load(tmp_path / "f.model")
    assert np.array_equal(v.matrix, loaded.wv.vectors) and np.array_equal(v.subwords.buckets, loaded.wv.vectors_ngrams)
    assert np.allclose(v["nightmare"], loaded.wv["nightmare"], atol=1e-7)


@pytest.mark.parametrize("word", ["anarchist", "streamtrain"])
def test_zero_bucket(tmp_path, word):  # ZeroBucketTest: test_in_vocab, test_out_of_vocab
    model = FastText(common_texts + [["anarchist", "anarchism"]] * 5, bucket=0, vector_size=5, min_count=1, seed=1,
                     workers=1)
    model.save(str(tmp_path / "z.model"))
    v = tokvec.load(tmp_path / "z.model")
    assert v.subwords is None
    if word in model.wv.key_to_index:
        assert np.array_equal(v[word], model.wv[word])
        return
    with pytest.raises(KeyError):
        model.wv.get_vector(word)
    with pytest.raises(KeyError):
        v[word]


def test_native_in_vocab_and_out_of_vocab(gensim_data):  # NativeTrainingContinuationTest.test_in/out_of_vocab
    v, native = tokvec.load(gensim_data / "toy-model.bin"), load_facebook_model(str(gensim_data / "toy-model.bin"))
    expected = tokvec.load(gensim_data / "toy-model.vec")
    for word in expected.tokens:
        assert np.allclose(expected[word], v[word], atol=1e-5) and np.allclose(expected[word], native.wv[word],
                                                                              atol=1e-5)
    for word in ("quick", "zzzzzz", "brownish"):  # out of vocabulary: both from n-grams
        assert word not in v and np.allclose(v[word], native.wv[word], atol=1e-6)


@pytest.mark.parametrize("word", ["landlady", "хозяйка", "steamtrain", "паровоз",
                                  "rechtsschutzversicherungsgesellschaften"])
def test_ft_hash_results(gensim_data, word):  # FTHashResultsTest: test_ascii, test_unicode, test_out_of_vocab
    expected = tokvec.load(gensim_data / "crime-and-punishment.vec")
    v = tokvec.load(gensim_data / "crime-and-punishment.bin")
    kv = load_facebook_model(str(gensim_data / "crime-and-punishment.bin")).wv
    oov = {"steamtrain": [0.031988, 0.022966, 0.059483, 0.094547, 0.062693],
           "паровоз": [-0.0033987, 0.056236, 0.036073, 0.094008, 0.00085222],
           "rechtsschutzversicherungsgesellschaften": [-0.012889, 0.029756, 0.018020, 0.099077, 0.041939]}
    want = oov[word] if word in oov else expected[word]
    assert np.allclose(want, kv[word], atol=1e-5) and np.allclose(want, v[word], atol=1e-5)


@pytest.mark.parametrize("word", ["test", "at", "at test", "приве́т", "市场", "🚀🚀"])
def test_ngrams_and_hashes(word):  # NgramsTest, FTHashFunctionsTest: compute_ngrams_bytes, ft_ngram_hashes
    from gensim.models.fasttext import ft_ngram_hashes
    from gensim.models.fasttext_inner import compute_ngrams_bytes

    from tokvec.vocab.subwords import Subwords

    s = Subwords(np.zeros((2_000_000, 1), np.float32), 3, 6)
    assert [g.encode() for g in s.ngrams(word)] == compute_ngrams_bytes(word, 3, 6)
    assert s.hashes(word).tolist() == list(ft_ngram_hashes(word, 3, 6, 2_000_000))


def test_odd_one_out_with_unknown_words(euclid):  # doesnt_match (test_word2vec's, on the euclid vectors)
    v, kv = euclid
    words = ["war", "conflict", "notaword", "terrorism", "peace"]
    with pytest.warns(TokvecWarning):
        assert v.odd_one_out(words) == kv.doesnt_match(words)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TokvecWarning)
        with pytest.raises(InvalidArgumentError):  # gensim: ValueError for an empty list
            v.odd_one_out(["notaword", "zzz"])


# Not ported (no KeyedVectors in them, or gensim internals): test_word2vec's training, vocabulary building,
# online learning, callbacks, loss, sentence iterators, predict_output_word, cum_table/syn1neg checks; test_fasttext's
# training, estimate_memory, continuation of training, save_facebook_model byte identity (tokvec's .bin writer has
# its own round-trip tests in test_fasttext.py), UnpackTest (gensim's _unpack), FastTextKeyedVectorsTest (add_vector
# on a mutable object: with_vectors is tested above); test_keyedvectors' binary_chunk_size (a gensim reader detail).
