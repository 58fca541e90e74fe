"""Approximate search (tokvec.search.ann): recall against exact search, gensim semantics kept, files, errors."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import tokvec
from tokvec.errors import FormatError, InvalidArgumentError, MissingDependencyError
from tokvec.search import ann

pytest.importorskip("faiss")


def tokens_of(results):
    return [t for t, *_ in results]


@pytest.fixture(scope="module")
def frequent(glove):
    """The 30,000 most frequent GloVe tokens (a common restrict value): big enough to be realistic, fast."""
    return glove.limit(30_000)


@pytest.fixture(scope="module")
def ivf(frequent):
    return ann.build(frequent)


@pytest.fixture(scope="module")
def exhaustive(glove):
    """An IVF index that probes every list: its answers are exact search's."""
    small = glove.limit(5_000)
    index = ann.build(small, nlist=16)
    index.effort = 16
    return small, index


def test_default_index_reaches_target_recall_on_other_queries(frequent, ivf):
    assert ivf.kind == "ivf" and ivf.faiss_index.nlist == round(4 * 30_000**0.5)
    assert ivf.recall >= 0.95 and max(ivf.tuning) == ivf.effort < ivf.faiss_index.nlist  # tuned, not exhaustive
    rng = np.random.default_rng(123)  # other rows than the build's held-out sample
    queries = [frequent.token(int(i)) for i in rng.choice(len(frequent), 500, replace=False)]
    assert ann.recall(frequent, ivf, queries) >= 0.95


def test_query_words_excluded_and_negatives_honoured(frequent, ivf):
    got = frequent.most_similar(positive=["king", "woman"], negative=["man"], topn=5, index=ivf)
    assert got[0].token == "queen"
    assert not {"king", "woman", "man"} & set(tokens_of(got))
    assert tokens_of(got) == tokens_of(frequent.most_similar(positive=["king", "woman"], negative=["man"], topn=5))
    # a negative word changes the answer the same way as in exact search
    plain = frequent.most_similar("paris", topn=5, index=ivf)
    minus = frequent.most_similar("paris", negative=["france"], topn=5, index=ivf)
    assert tokens_of(minus) == tokens_of(frequent.most_similar("paris", negative=["france"], topn=5))
    assert tokens_of(minus) != tokens_of(plain)
    for word, results in zip(["cat", "dog"], frequent.most_similar_batch(["cat", "dog"], topn=10, index=ivf)):
        assert len(results) == 10 and word not in tokens_of(results)


def test_scores_are_exact_search_scores(frequent, ivf):
    approx = {n.token: n.score for n in frequent.most_similar("frog", topn=10, index=ivf)}
    exact = {n.token: n.score for n in frequent.most_similar("frog", topn=10)}
    for token in approx.keys() & exact.keys():
        assert approx[token] == pytest.approx(exact[token], abs=1e-6)


def test_exhaustive_index_equals_exact_search(exhaustive):
    small, index = exhaustive
    words = small.tokens[100:160]
    approx = small.most_similar_batch(words, topn=10, index=index)
    exact = small.most_similar_batch(words, topn=10)
    assert [tokens_of(a) for a in approx] == [tokens_of(e) for e in exact]
    assert np.allclose([[n.score for n in a] for a in approx], [[n.score for n in e] for e in exact], atol=1e-6)
    query = dict(positive=["king", "woman"], negative=["man"], topn=10)
    assert tokens_of(small.most_similar(**query, index=index)) == tokens_of(small.most_similar(**query))
    vector = small["paris"] - small["france"] + small["italy"]
    assert tokens_of(small.similar_by_vector(vector, index=index)) == tokens_of(small.similar_by_vector(vector))


def test_tiny_vocabulary(toy):
    index = ann.build(toy)
    assert toy.most_similar("cat", topn=3, index=index) == toy.most_similar("cat", topn=3)
    assert tokens_of(toy.most_similar("cat", topn=10, index=index)) == ["kitten", "dog", "car"]


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_other_kinds(glove, kind):
    sample = glove.limit(12_000)
    index = ann.build(sample, kind)
    assert index.kind == kind and index.recall >= 0.95
    got = sample.most_similar(positive=["king", "woman"], negative=["man"], topn=3, index=index)
    assert tokens_of(got) == tokens_of(sample.most_similar(positive=["king", "woman"], negative=["man"], topn=3))


def test_save_load_round_trip(tmp_path, exhaustive):
    small, index = exhaustive
    path = tmp_path / "small.ann"
    ann.save(index, path)
    assert [p.name for p in tmp_path.iterdir()] == ["small.ann"]  # written atomically, no temp file left
    loaded = ann.load(path, small)
    assert (loaded.kind, loaded.effort, loaded.tuning, loaded.checksum) == \
        (index.kind, index.effort, index.tuning, index.checksum)
    words = ["king", "paris", "seven"]
    assert small.most_similar_batch(words, index=loaded) == small.most_similar_batch(words, index=index)


@pytest.mark.parametrize("kind", ["ivf", "hnsw", "ivfpq"])
def test_every_kind_loads_memory_mapped(tmp_path, glove, kind):
    import faiss

    sample = glove.limit(10_000)
    index = ann.build(sample, kind, effort=8)
    ann.save(index, tmp_path / "i.ann")
    mapped, copied = ann.load(tmp_path / "i.ann", sample, mmap=True), ann.load(tmp_path / "i.ann", sample)
    assert copied.mapped is None
    assert (mapped.mapped is not None) == hasattr(faiss, "ZeroCopyIOReader")  # faiss reads the file in place
    assert mapped.effort == copied.effort == 8
    queries = np.stack([sample.vector(w, norm=True) for w in ("king", "paris", "seven", "water")])
    for got in (mapped, copied):
        np.testing.assert_array_equal(got.faiss_index.search(queries, 10)[1], index.faiss_index.search(queries, 10)[1])
    words = ["king", "paris", "seven"]
    assert sample.most_similar_batch(words, index=mapped) == sample.most_similar_batch(words, index=index)
    del index, copied
    assert sample.most_similar("king", index=mapped)  # the mapping outlives everything but the index


def test_checksum_of_a_mapped_file_equals_the_in_memory_one(tmp_path, glove):
    small = glove.limit(3_000)
    tokvec.save(small, tmp_path / "s.tokvec")
    on_disk = tokvec.load(tmp_path / "s.tokvec")
    assert isinstance(on_disk.matrix, np.memmap)
    assert ann.checksum(on_disk) == ann.checksum(tokvec.Vectors(small.tokens, np.array(small.matrix)))


def test_index_of_other_vectors_is_refused(tmp_path, glove, exhaustive):
    small, index = exhaustive
    path = tmp_path / "small.ann"
    ann.save(index, path)
    message = r"built for other vectors \(5,000 x 50.*tokvec.search.ann.build\(v\)"
    with pytest.raises(InvalidArgumentError, match=message):
        ann.load(path, glove.limit(4_000))
    same_shape = tokvec.Vectors(small.tokens, np.asarray(small.matrix) * 2)  # same rows and dim, other values
    with pytest.raises(InvalidArgumentError, match="built for other vectors"):
        ann.load(path, same_shape)
    with pytest.raises(InvalidArgumentError, match="built for other vectors"):
        same_shape.most_similar("king", index=index)


def test_bad_files_and_arguments(tmp_path, glove, exhaustive):
    small, index = exhaustive
    with pytest.raises(FormatError, match="no such index file"):
        ann.load(tmp_path / "missing.ann", small)
    tokvec.save(small.limit(10), tmp_path / "ten.tokvec")
    with pytest.raises(FormatError, match="not a tokvec ANN index"):
        ann.load(tmp_path / "ten.tokvec", small)
    with pytest.raises(InvalidArgumentError, match="restrict cannot be combined"):
        small.most_similar("king", restrict=100, index=index)
    with pytest.raises(InvalidArgumentError, match="unknown index kind 'lsh'"):
        ann.build(small, "lsh")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="'ivfpq' needs at least 9,984 rows"):
        ann.build(small, "ivfpq")
    with pytest.raises(InvalidArgumentError, match="kind 'hnsw' has none"):
        ann.build(small, "hnsw", nlist=10)
    ann.save(index, tmp_path / "cut.ann")
    data = (tmp_path / "cut.ann").read_bytes()
    (tmp_path / "cut.ann").write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="truncated; delete it and rebuild"):
        ann.load(tmp_path / "cut.ann", small)


def test_missing_faiss_says_how_to_install(monkeypatch, toy):
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"approximate search needs the optional package 'faiss-cpu'. "
                       r"Install it with: pip install 'tokvec\[ann\]'"):
        ann.build(toy)


def test_cli_builds_then_reuses_a_cached_index(capsys, tmp_path, glove, tokvec_home):
    from tokvec.cli import main

    path = tmp_path / "small.tokvec"
    tokvec.save(glove.limit(5_000), path)
    for expected_note in ("built an ivf index", "cached at"):
        assert main(["similar", "king", "woman", "--neg", "man", "-v", str(path), "--approximate", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["results"][0]["token"] == "queen"
        assert any(expected_note in note for note in data["notes"])
    assert len(list((tokvec_home / "ann").glob("*-ivf.ann"))) == 1
    tokvec.save(tokvec.Vectors(glove.limit(5_000).tokens, -np.asarray(glove.limit(5_000).matrix)), path)
    assert main(["similar", "king", "-v", str(path), "--approximate", "--json"]) == 0  # other vectors, same path
    assert any("built an ivf index" in note for note in json.loads(capsys.readouterr().out)["notes"])
    assert len(list((tokvec_home / "ann").glob("*-ivf.ann"))) == 2  # a stale index is never reused
    assert main(["similar", "king", "--method", "cosmul", "--approximate"]) == 1
    assert "--approximate works with --method cosadd only" in capsys.readouterr().err


def test_queries_in_blocks_give_the_same_answers(monkeypatch, exhaustive):
    small, index = exhaustive
    words = small.tokens[:50]
    whole = small.most_similar_batch(words, index=index)
    monkeypatch.setattr(ann, "DEFAULT_CHUNK_BYTES", 4 * 11 * small.dim * 7)  # 7 queries per block
    assert small.most_similar_batch(words, index=index) == whole
