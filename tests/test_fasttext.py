"""fastText .bin reading/writing and subword vectors: oracle tests against gensim and fastText itself."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokvec
from tokvec.errors import FormatError, InvalidArgumentError, UnknownTokenError
from tokvec.formats import detect, fasttext
from tokvec.vocab import _subword_kernels
from tokvec.vocab import subwords as sw

gf = pytest.importorskip("gensim.models.fasttext")
from gensim.models.fasttext_inner import compute_ngrams_bytes, ft_hash_bytes  # noqa: E402

UTF8_BINS = ["lee_fasttext.bin", "lee_fasttext_new.bin", "toy-model.bin", "toy-model-pretrained.bin",
             "crime-and-punishment.bin", "non_ascii_fasttext.bin"]
UNKNOWN = ["zzqx", "nightx", "Nights", "qj", "", "naïve", "Привет", "преступление", "日本語", "żółć", "🙂x", "</s>"]


@pytest.fixture(scope="module", params=UTF8_BINS)
def pair(request, gensim_data):
    path = gensim_data / request.param
    return tokvec.load(path), gf.load_facebook_vectors(str(path)), path


def test_every_gensim_bin_is_detected_by_its_bytes(gensim_data):
    for name in [*UTF8_BINS, "cp852_fasttext.bin", "pang_lee_polarity_fasttext.bin"]:
        assert detect.sniff(gensim_data / name) == "fasttext-bin", name
    assert detect.identify(gensim_data / "lee_fasttext.bin")[1].layout == "old"
    assert detect.identify(gensim_data / "lee_fasttext_new.bin")[1].layout == "new"


def test_vocabulary_words_equal_gensim(pair):
    v, g, _ = pair
    assert v.tokens == list(g.index_to_key)
    for word in v.tokens:
        if word != sw.EOS:  # gensim adds n-grams to </s>; fastText does not (test below)
            np.testing.assert_allclose(v[word], g.get_vector(word), atol=1e-6, rtol=0)
            assert v.explain(word) is None and not v.from_ngrams(word)


def test_unknown_words_equal_gensim(pair):
    v, g, _ = pair
    for word in [w for w in UNKNOWN + [w + "q" for w in v.tokens[:50]] if w not in v]:
        np.testing.assert_allclose(v[word], g.get_vector(word), atol=1e-6, rtol=0)
        np.testing.assert_allclose(v.subwords.vector(word), g.get_vector(word), atol=1e-6, rtol=0)
        assert v.vector(word).dtype == np.float32 and v.vector(word).shape == (v.dim,)


def test_ngrams_and_hashes_equal_gensim(pair):
    v, _, _ = pair
    s = v.subwords
    for word in UNKNOWN + v.tokens[:30]:
        expected = compute_ngrams_bytes(word, s.minn, s.maxn)
        assert [g.encode() for g in s.ngrams(word)] == expected
        assert s.hashes(word).tolist() == [ft_hash_bytes(g) % s.bucket for g in expected]


def test_end_of_sentence_is_its_own_row_as_in_fasttext(gensim_data):
    """fastText's initNgrams gives </s> no n-grams; gensim 4.4 adds them (a documented deviation)."""
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    g = gf.load_facebook_vectors(str(gensim_data / "lee_fasttext_new.bin"))
    row = v.subwords.word_rows[v.index(sw.EOS)]
    np.testing.assert_array_equal(v[sw.EOS], row)
    assert np.abs(g.get_vector(sw.EOS) - row).max() > 1e-3
    # fastText 0.9 (commit 1142dc4) `print-word-vectors lee_fasttext_new.bin`, 5 significant digits
    fasttext_says = {"</s>": [-0.05794, -0.076554, 2.4925e-05, -0.50568, -0.29976, -0.39977, 0.26805, -0.099168,
                              -0.27452, 0.23988],
                     "zzqx": [-0.15904, -0.043614, -0.018724, -0.98137, 0.2584, -1.0924, 0.51105, 0.027645,
                              -0.23083, 0.024158]}
    for word, values in fasttext_says.items():
        np.testing.assert_allclose(v[word], values, rtol=1e-4, atol=1e-5)


def _fasttext_bytes_vector(s: sw.Subwords, word_bytes: bytes, own: np.ndarray | None) -> np.ndarray:
    """fastText's getWordVector from the bytes, with gensim's hash as the oracle of the hash."""
    ids = [ft_hash_bytes(g) % s.bucket for g in sw.ngram_bytes_reference(b"<" + word_bytes + b">", s.minn, s.maxn)]
    rows = ([own] if own is not None else []) + [np.asarray(s.buckets[i], np.float32) for i in ids]
    return np.mean(rows, axis=0)


def test_cp852_hashes_the_files_own_bytes_as_fasttext_does(gensim_data):
    path = gensim_data / "cp852_fasttext.bin"
    with pytest.raises(FormatError, match="encoding="):
        tokvec.load(path)
    v = tokvec.load(path, encoding="cp852")
    g = gf.load_facebook_vectors(str(path), encoding="cp852")
    assert v.tokens == list(g.index_to_key) and "který" in v
    s, differ = v.subwords, 0
    for i, word in enumerate(v.tokens):
        own = np.asarray(s.word_rows[i], np.float32)
        np.testing.assert_allclose(v[word], _fasttext_bytes_vector(s, word.encode("cp852"), own), atol=1e-6)
        if word.isascii():  # every n-gram's bytes are the same in cp852 and UTF-8
            np.testing.assert_allclose(v[word], g.get_vector(word), atol=1e-6)
        else:
            differ += bool(np.abs(v[word] - g.get_vector(word)).max() > 1e-4)  # gensim hashes UTF-8 instead
    assert differ > 10
    for word in ["Příliš", "žluťoučký", "kůň", "xyz"]:
        np.testing.assert_allclose(v[word], _fasttext_bytes_vector(s, word.encode("cp852"), None), atol=1e-6)
    # fastText 0.9 `print-word-vectors` on this model (rewritten in the new layout, which it requires), cp852 input
    fasttext_says = {"který": [-0.90811, 1.6411], "Příliš": [-0.21606, 0.65469], "žluťoučký": [-0.20971, 0.5672]}
    for word, values in fasttext_says.items():
        np.testing.assert_allclose(v[word], values, rtol=1e-4)


def test_kernels_equal_their_numpy_twins():
    rng = np.random.default_rng(7)
    alphabet = list("abcz<>") + ["é", "ж", "日", "🙂"]
    words = ["".join(rng.choice(alphabet, rng.integers(0, 9))) for _ in range(300)]
    raw = [w.encode() for w in words] + [bytes(rng.integers(0, 256, rng.integers(0, 12), dtype=np.uint8))
                                         for _ in range(300)] + [b"</s>"]
    buckets = rng.standard_normal((97, 4)).astype(np.float32)
    for minn, maxn in [(1, 1), (2, 4), (3, 6), (1, 10), (5, 5)]:
        starts, ids = sw.hash_packed(*sw.pack(raw, vocabulary=True), minn, maxn, 97)
        grams = [[] if w == b"</s>" else sw.ngram_bytes_reference(b"<" + w + b">", minn, maxn) for w in raw]
        expected = [[sw.hash_reference(g) % 97 for g in gs] for gs in grams]
        assert [ids[starts[i] : starts[i + 1]].tolist() for i in range(len(raw))] == expected
        s = sw.Subwords(buckets, minn, maxn)
        own = rng.standard_normal((len(raw), 4)).astype(np.float32)
        np.testing.assert_array_equal(s.compose(raw, own), sw.compose_reference(own, buckets, expected))
        np.testing.assert_array_equal(s.vectors(words), sw.compose_reference(None, buckets, expected[: len(words)]))
        np.testing.assert_array_equal(np.stack([s.vector(w) for w in words]), s.vectors(words))  # one_vector
    for data in raw:  # the hash twin against gensim's (the sign extension of bytes >= 0x80 included)
        assert sw.hash_reference(data) == ft_hash_bytes(data)


def test_supervised_models_are_refused_saying_what_they_are(gensim_data):
    with pytest.raises(FormatError, match="supervised fastText model"):
        tokvec.load(gensim_data / "pang_lee_polarity_fasttext.bin")


def test_writer_round_trips_through_gensim_and_tokvec(gensim_data, tmp_path):
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    out = tokvec.save(v, tmp_path / "out.bin", format="fasttext-bin")
    again, g = tokvec.load(out), gf.load_facebook_vectors(str(out))
    for word in v.tokens[:200] + UNKNOWN:
        np.testing.assert_array_equal(again[word], v[word])
        if word != sw.EOS:
            np.testing.assert_allclose(g.get_vector(word), v[word], atol=1e-6)
    first = tokvec.load(gensim_data / "toy-model.bin", limit=5)  # raw rows dropped: recovered from the vectors
    first.subwords.word_rows = None
    tokvec.save(first, tmp_path / "five.bin", format="fasttext-bin")
    five = tokvec.load(tmp_path / "five.bin")
    assert five.tokens == first.tokens
    np.testing.assert_allclose(five.matrix, first.matrix, atol=1e-6)


def test_vectors_without_subwords_write_with_no_buckets(tmp_path):
    v = tokvec.Vectors(["cat", "dog"], np.array([[1, 2], [3, 4]], np.float32))
    tokvec.save(v, tmp_path / "plain.bin", format="fasttext-bin")
    back = tokvec.load(tmp_path / "plain.bin")
    assert back.subwords is None and back.tokens == ["cat", "dog"]
    np.testing.assert_array_equal(back.matrix, v.matrix)
    with pytest.raises(UnknownTokenError):
        back["cow"]
    np.testing.assert_array_equal(gf.load_facebook_vectors(str(tmp_path / "plain.bin")).vectors, v.matrix)


def test_tokvec_file_keeps_subwords_memory_mapped(gensim_data, tmp_path):
    v = tokvec.load(gensim_data / "crime-and-punishment.bin")
    tokvec.save(v, tmp_path / "c.tokvec")
    w = tokvec.load(tmp_path / "c.tokvec")
    assert isinstance(w.subwords.buckets, np.memmap) and w.subwords.bucket == v.subwords.bucket
    assert {"subwords"} <= set(w.metadata["requires"].split(",")) and w.metadata["subwords.hash"] == sw.HASH
    for word in v.tokens + UNKNOWN:
        np.testing.assert_array_equal(w[word], v[word])
    safetensors = pytest.importorskip("safetensors.numpy")
    assert "subwords.buckets" in safetensors.load_file(str(tmp_path / "c.tokvec"))
    limited = tokvec.load(tmp_path / "c.tokvec", limit=3)
    np.testing.assert_array_equal(limited["преступление"], v["преступление"])


def test_queries_use_subwords_for_unknown_words(gensim_data):
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    g = gf.load_facebook_vectors(str(gensim_data / "lee_fasttext_new.bin"))
    assert v.from_ngrams("nightx") and "n-grams" in v.explain("nightx")
    got = v.most_similar("nightx", topn=5)
    want = g.most_similar("nightx", topn=5)
    assert [n.token for n in got] == [t for t, _ in want]
    np.testing.assert_allclose([n.score for n in got], [s for _, s in want], atol=1e-5)
    assert v.similarity("nightx", "nightx") == 1.0
    assert v.similarity("nightx", "night") == pytest.approx(float(g.similarity("nightx", "night")), abs=1e-5)
    np.testing.assert_array_equal(v[["night", "nightx"]], np.stack([v["night"], v["nightx"]]))
    assert [n.token for n in v.most_similar_batch(["nightx"], topn=3)[0]] == [t for t, _ in want[:3]]
    assert v.analogy("night", "day", "nightx", topn=1)


def _toy(gensim_data) -> bytes:
    return (gensim_data / "toy-model.bin").read_bytes()


def test_truncated_files_give_one_clear_error(gensim_data, tmp_path):
    data = _toy(gensim_data)
    for cut in sorted({*range(0, 120, 7), *range(120, len(data), 97), len(data) - 1}):
        path = tmp_path / "cut.bin"
        path.write_bytes(data[:cut])
        with pytest.raises(FormatError) as err:
            tokvec.load(path, format="fasttext-bin")
        assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_truncated_old_layout_files_give_one_clear_error(gensim_data, tmp_path):
    data = (gensim_data / "lee_fasttext.bin").read_bytes()
    for cut in [0, 10, 55, 60, 100, 5000, 40_000, len(data) // 2, len(data) - 1]:
        path = tmp_path / "old.bin"
        path.write_bytes(data[:cut])
        with pytest.raises(FormatError) as err:
            tokvec.load(path, format="fasttext-bin")
        assert "\n" not in str(err.value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=14), max_size=8), st.integers(1, 7), st.integers(0, 4), st.integers(1, 50))
def test_kernels_equal_twins_on_any_bytes(words, minn, extra, bucket):
    maxn = minn + extra
    starts, ids = sw.hash_packed(*sw.pack(words), minn, maxn, bucket)
    for i, w in enumerate(words):
        grams = sw.ngram_bytes_reference(b"<" + w + b">", minn, maxn)
        assert ids[starts[i] : starts[i + 1]].tolist() == [sw.hash_reference(g) % bucket for g in grams]
        assert [sw.hash_reference(g) for g in grams] == [ft_hash_bytes(g) for g in grams]


def _patched(data: bytes, offset: int, fmt: str, value) -> bytes:
    return data[:offset] + struct.pack(fmt, value) + data[offset + struct.calcsize(fmt):]


@pytest.mark.parametrize(("offset", "fmt", "value", "match"), [
    (4, "<i", 13, "version 13"),
    (4, "<i", -5, "version -5"),
    (8, "<i", 1 << 30, "dim="),  # dim
    (8, "<i", -3, "dim="),
    (8 + 4 * 8, "<i", 2**31 - 1, "input matrix"),  # bucket: the input matrix would not fit the file
    (8 + 4 * 8, "<i", -1, "bucket=-1"),
    (8 + 4 * 9, "<i", 9, "minn=9 > maxn=6"),
    (8 + 56, "<i", 2**31 - 1, "dictionary says"),  # size
    (8 + 56 + 4, "<i", 3, "dictionary says"),  # nwords != size
    (8 + 56 + 20, "<q", 2**62, "pruned n-gram index"),  # pruneidx_size
    (8 + 56 + 20, "<q", -7, "dictionary says"),
])
def test_absurd_headers_are_refused_without_allocating(gensim_data, tmp_path, offset, fmt, value, match):
    path = tmp_path / "bad.bin"
    path.write_bytes(_patched(_toy(gensim_data), offset, fmt, value))
    tracemalloc.start()
    with pytest.raises(FormatError, match=match):
        tokvec.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**20


def test_wrong_magic_and_quantized_models(gensim_data, tmp_path):
    data = _toy(gensim_data)
    path = tmp_path / "m.bin"
    path.write_bytes(_patched(data, 0, "<i", 12345) [:8] + b"\xff" * 200)
    with pytest.raises(FormatError, match="magic number 793712314"):
        tokvec.load(path, format="fasttext-bin")
    with pytest.raises(FormatError, match="cannot tell the format"):
        tokvec.load(path)
    v = tokvec.load(gensim_data / "toy-model.bin")
    quant_at = len(data) - 2 * (16 + 1) - 4 * v.dim * (len(v) + v.subwords.bucket) - 4 * v.dim * len(v)
    assert data[quant_at] == 0
    path.write_bytes(data[:quant_at] + b"\x01" + data[quant_at + 1:])
    with pytest.raises(FormatError, match="quantized fastText model"):
        tokvec.load(path)


def test_encoding_is_only_for_fasttext(tmp_path):
    path = tokvec.save(tokvec.Vectors(["a"], np.ones((1, 2), np.float32)), tmp_path / "a.txt")
    with pytest.raises(InvalidArgumentError, match="encoding= is for fastText"):
        tokvec.load(path, encoding="cp852")


def test_tokens_the_format_cannot_store_are_refused(tmp_path):
    with pytest.raises(FormatError, match="NUL"):
        tokvec.save(tokvec.Vectors(["a\0b"], np.ones((1, 2), np.float32)), tmp_path / "n.bin", format="fasttext-bin")
    assert fasttext.FORMAT.options == ("encoding",)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    from tokvec.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_convert_keeps_subwords_and_commands_say_so(gensim_data, tmp_path, capsys):
    out = tmp_path / "lee.tokvec"
    code, _, err = _run(capsys, "convert", str(gensim_data / "lee_fasttext_new.bin"), str(out))
    assert code == 0, err
    for args in (["similar", "nightx"], ["analogy", "night", "day", "nightx"], ["similarity", "nightx", "night"],
                 ["distance", "nightx", "night"], ["lookup", "nightx"]):
        code, stdout, err = _run(capsys, *args, "-v", str(out))
        assert code == 0, err
        said = " ".join((stdout + err).split())
        assert "'nightx' is not in the vocabulary; built from its 18 character n-grams" in said
    code, stdout, _ = _run(capsys, "info", str(out), "--json")
    assert json.loads(stdout)["subwords"] == {"minn": 3, "maxn": 6, "bucket": 1000}
    code, stdout, _ = _run(capsys, "similar", "nightx", "-v", str(out), "--json", "-n", "3")
    data = json.loads(stdout)
    assert any("n-grams" in note for note in data["notes"])
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    assert [r["token"] for r in data["results"]] == [n.token for n in v.most_similar("nightx", topn=3)]
    code, _, err = _run(capsys, "convert", str(gensim_data / "cp852_fasttext.bin"), str(tmp_path / "c.tokvec"),
                        "--encoding", "cp852")
    assert code == 0, err
    np.testing.assert_array_equal(tokvec.load(tmp_path / "c.tokvec")["Příliš"],
                                  tokvec.load(gensim_data / "cp852_fasttext.bin", encoding="cp852")["Příliš"])


def test_eval_oov_subwords_reports_those_pairs_separately(gensim_data, capsys):
    from tokvec import evaluate as ev
    from tokvec.evaluate.statistics import spearman

    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    skip = ev.evaluate_similarity(v, "wordsim353", restrict=None, case_insensitive=False)
    built = ev.evaluate_similarity(v, "wordsim353", restrict=None, case_insensitive=False, oov="subwords")
    assert built.pairs_skipped == 0 and built.pairs_used == skip.pairs_used + skip.pairs_skipped
    assert set(built.subword_pairs) == set(skip.oov_pairs) and built.protocol.oov == "subwords"
    g = gf.load_facebook_vectors(str(gensim_data / "lee_fasttext_new.bin"))
    pairs = ev.read_word_pairs("wordsim353").pairs
    gold = [s for a, b, s in pairs if (a, b) in set(built.subword_pairs)]
    model = [g.similarity(a, b) for a, b, s in pairs if (a, b) in set(built.subword_pairs)]
    assert built.subword_spearman == pytest.approx(spearman(gold, model)[0], abs=1e-6)
    with pytest.raises(InvalidArgumentError, match="needs vectors with fastText subwords"):
        ev.evaluate_similarity(tokvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32)), "wordsim353", oov="subwords")
    code, stdout, err = _run(capsys, "eval", "--similarity", "wordsim353", "--oov", "subwords", "--restrict", "0",
                             "--case-sensitive", "-v", str(gensim_data / "lee_fasttext_new.bin"))
    assert code == 0, err
    said = " ".join(stdout.split())
    assert f"{len(built.subword_pairs)} of the {built.pairs_used} pairs have a word built from" in said


def test_pairs_and_ranks_with_words_built_from_ngrams(gensim_data):
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    g = gf.load_facebook_vectors(str(gensim_data / "lee_fasttext_new.bin"))
    assert v.cosine_distance("nightx", "nightx") == 0.0 and v.distance("nightx", "nightx") == 0.0
    gap = g.get_vector("nightx") - g.get_vector("night")
    assert v.distance("nightx", "night") == pytest.approx(float(np.linalg.norm(gap)), abs=1e-5)
    assert v.rank("night", "nightx") == 1 + sum(v.similarity("night", t) > v.similarity("night", "nightx")
                                                for t in v.tokens if t != "night")
    assert v.rank("nightx", "night") == 1 + sum(v.similarity("nightx", t) > v.similarity("nightx", "night")
                                                for t in v.tokens if t != "night")


def test_compressed_bin_and_mmap_false_read_the_same(gensim_data, tmp_path):
    import gzip

    data = (gensim_data / "toy-model.bin").read_bytes()
    (tmp_path / "toy.bin.gz").write_bytes(gzip.compress(data))
    plain = tokvec.load(gensim_data / "toy-model.bin")
    for v in (tokvec.load(tmp_path / "toy.bin.gz"), tokvec.load(gensim_data / "toy-model.bin", mmap=False)):
        assert v.tokens == plain.tokens
        np.testing.assert_array_equal(v.matrix, plain.matrix)
        np.testing.assert_array_equal(v["zzqx"], plain["zzqx"])


def test_limit_keeps_subwords_and_derived_vectors_keep_them(gensim_data):
    full = tokvec.load(gensim_data / "lee_fasttext_new.bin")
    v = tokvec.load(gensim_data / "lee_fasttext_new.bin", limit=100)
    assert len(v) == 100 and v.subwords.word_rows.shape == (100, v.dim)
    np.testing.assert_array_equal(v.matrix, full.matrix[:100])
    np.testing.assert_array_equal(v["nightx"], full["nightx"])
    for derived in (full.limit(10), full.select([3, 1]), full.astype("float16")):
        np.testing.assert_array_equal(derived.subwords.vector("nightx"), full["nightx"])
    assert full.astype("float16").subwords is full.subwords and full.limit(10).subwords.word_rows is None


def test_a_real_ftz_is_refused_as_the_supervised_model_it_is():
    from pathlib import Path

    path = Path(__file__).parent / "data" / "supervised_quantized.ftz"  # made by fastText 0.9: tests/data/README.md
    assert detect.sniff(path) == "fasttext-bin"
    with pytest.raises(FormatError, match=r"supervised fastText model \(a text classifier; every \.ftz is one\)"):
        tokvec.load(path)


def test_eval_analogies_build_question_words_from_ngrams_as_gensim_answers_them(gensim_data):
    from tokvec import evaluate as ev

    path = gensim_data / "lee_fasttext_new.bin"
    v, g = tokvec.load(path), gf.load_facebook_vectors(str(path))
    skip = ev.evaluate_analogies(v, restrict=None, case_insensitive=False)
    built = ev.evaluate_analogies(v, restrict=None, case_insensitive=False, oov="subwords")
    assert built.protocol.oov == "subwords" and built.total > skip.total
    assert built.total - built.subword_questions == skip.total and built.correct - built.subword_correct == skip.correct
    correct = answered = 0
    for section in ev.read_analogies(ev.BUILTIN_ANALOGIES):
        for a, b, c, d in section.questions:
            if d not in v:
                continue
            answered += 1
            found = [w for w, _ in g.most_similar(positive=[b, c], negative=[a], topn=5) if w not in (a, b, c)]
            correct += bool(found) and found[0] == d
    assert (built.total, built.correct) == (answered, correct)
    with pytest.raises(InvalidArgumentError, match="without subwords"):
        ev.evaluate_analogies(tokvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32)), oov="subwords")


# -- the compiled (LLVM IR) n-gram kernels against their twins -----------------------------------------
@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.text(max_size=9), max_size=12), minn=st.integers(1, 4), extra=st.integers(0, 3),
       bucket=st.integers(1, 5000))
def test_hash_kernels_equal_their_twins(words, minn, extra, bucket):
    maxn = minn + extra
    encoded = [w.encode("utf-8") for w in words]
    data, offsets = sw.pack(encoded)
    starts, ids = sw.hash_packed(data, offsets, minn, maxn, bucket)
    for w, word in enumerate(encoded):
        grams = sw.ngram_bytes_reference(b"<" + word + b">", minn, maxn)
        assert ids[starts[w]:starts[w + 1]].tolist() == [sw.hash_reference(g) % bucket for g in grams]


@pytest.mark.parametrize("dim", [5, 16, 37])
@pytest.mark.parametrize("own_dtype", [np.float32, np.float16, None])
@pytest.mark.parametrize("bucket_dtype", [np.float32, np.float16])
def test_compose_kernel_equals_its_twin_in_every_dtype(dim, own_dtype, bucket_dtype):
    rng = np.random.default_rng(dim)
    buckets = rng.normal(size=(97, dim)).astype(bucket_dtype)
    grams = [list(rng.integers(0, 97, int(rng.integers(0, 9)))) for _ in range(30)]
    starts = np.concatenate([[0], np.cumsum([len(g) for g in grams])]).astype(np.int64)
    hashes = np.array([i for g in grams for i in g], np.int64)
    own = None if own_dtype is None else rng.normal(size=(30, dim)).astype(own_dtype)
    out = np.empty((30, dim), np.float32)
    _subword_kernels.compose(np.zeros((0, dim), np.float32) if own is None else own, buckets, starts, hashes, out)
    np.testing.assert_array_equal(out, sw.compose_reference(own, buckets, grams))


def test_a_fasttext_query_imports_no_numba(gensim_data):
    code = ("import sys, tokvec; v = tokvec.load(sys.argv[1]); print(v.most_similar('nightz', topn=1)[0][0], "
            "'numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(gensim_data / "lee_fasttext.bin")], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split()[-1] == "False"


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_one_word_kernel_equals_the_batch_and_the_twin(dtype):
    rng = np.random.default_rng(2)
    s = sw.Subwords(rng.normal(size=(211, 19)).astype(dtype), 2, 5)
    words = ["", "a", "night", "nuit\u00e9e", "\u65e5\u672c\u8a9e", "x" * 40]
    batch = s.vectors(words)
    for w, word in enumerate(words):
        grams = [sw.hash_reference(g) % 211 for g in sw.ngram_bytes_reference(b"<" + word.encode() + b">", 2, 5)]
        np.testing.assert_array_equal(s.vector(word), batch[w])
        np.testing.assert_array_equal(batch[w], sw.compose_reference(None, s.buckets, [grams])[0])
