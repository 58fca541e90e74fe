"""Static sentence encoders: model2vec/StaticEmbedding folders, ``v.encode``, ``tokvec.distill``, ``tokvec encode``.

Oracles: model2vec's ``StaticModel`` and sentence-transformers' ``SentenceTransformer`` (dev dependencies, like
gensim). The fast tests use a tiny WordPiece vocabulary and a tiny random BERT teacher built here; the real
MiniLM distillation is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokvec
from tokvec.cli import main
from tokvec.encode import EncodeOptions
from tokvec.encode import mean as mean_module
from tokvec.encode.encoder import _prepare
from tokvec.errors import FormatError, InvalidArgumentError

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
tokenizers = pytest.importorskip("tokenizers")

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "fast", "slow", "house", "big", "small", "red", "blue",
         "##s", "##ed", "##ing", "##er", "run", "walk", "tree", "car", "c", "d", "e", "f", "g", "h", "i", "m", "n",
         "o", "r", "s", "t", "##a", "##t", "##e", "##o", "##r", "##n", ".", ",", "!", "'", "?", "-", "_", "1", "2"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXTS = ["The cat sat on the mat.", "a dog ran fast!", "", "zzz qqq", "cats walked, dogs running?",
         "RED house_blue-car 12", "naïve café 東京 cat", "tab\tand\nnew line\x0bcat\x01dog", "[UNK] [CLS] cat",
         " ".join(["tree"] * 700), "x" * 300 + " cat"]


def _tokenizer():
    vocab = {t: i for i, t in enumerate(SPECIALS + WORDS)}
    tk = tokenizers.Tokenizer(tokenizers.models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tk.normalizer = tokenizers.normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = tokenizers.pre_tokenizers.BertPreTokenizer()
    tk.post_processor = tokenizers.processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tk.add_special_tokens(SPECIALS)
    return tk


@pytest.fixture(scope="session")
def tiny_folder(tmp_path_factory):
    """A model2vec folder written by model2vec itself: the tiny WordPiece tokenizer, random float32 rows."""
    model2vec = pytest.importorskip("model2vec")
    tk = _tokenizer()
    rows = np.random.default_rng(0).normal(size=(tk.get_vocab_size(), 12)).astype(np.float32)
    folder = tmp_path_factory.mktemp("m2v") / "tiny"
    model2vec.StaticModel(vectors=rows, tokenizer=tk, normalize=True).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_teacher(tmp_path_factory):
    """A random 2-layer BERT with the tiny tokenizer, saved as a sentence-transformers directory (mean pooling)."""
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("teacher") / "tiny-bert"
    tk = _tokenizer()
    config = transformers.BertConfig(vocab_size=tk.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    transformers.BertModel(config).save_pretrained(directory)
    tk.save(str(directory / "tokenizer.json"))
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]",
                                                cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(directory)
    (directory / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
    (directory / "1_Pooling").mkdir()
    (directory / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True}))
    return directory


# -- reading and encoding: the same vectors as model2vec -----------------------------------------------------------
def test_a_model2vec_folder_loads_as_queryable_vectors_with_its_tokenizer(tiny_folder):
    v = tokvec.load(tiny_folder)
    assert v.metadata["format"] == "model2vec" and v.metadata["normalize"] == "true" and len(v) == 56
    assert v.tokenizer is not None and v.pieces("cats") == ["cat", "##s"]
    assert v.most_similar("cat", topn=2)[0].token != "cat"


def test_encode_equals_model2vec(tiny_folder):
    from model2vec import StaticModel

    v, oracle = tokvec.load(tiny_folder), StaticModel.from_pretrained(tiny_folder)
    np.testing.assert_allclose(v.encode(TEXTS), oracle.encode(TEXTS), atol=1e-6)
    np.testing.assert_allclose(v.encode(TEXTS, normalize=False), oracle.encode(TEXTS, normalize=False), atol=1e-6)
    np.testing.assert_allclose(v.encode(TEXTS, batch_size=2, threads=1), oracle.encode(TEXTS), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("catsdogrun .,!'_-\t\nÉé東[]UNK\x01")), max_size=40),
                max_size=6))
def test_the_fast_split_equals_the_tokenizers_own(tiny_folder, texts):
    splitter = _prepare(tokvec.load(tiny_folder)).splitter
    fast = splitter.split(texts)
    words, splitter._words = splitter._words, None
    try:
        slow = splitter.split(texts)
    finally:
        splitter._words = words
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])


def test_the_mean_kernel_equals_its_twin():
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(50, 7)).astype(np.float32)
    lengths = rng.integers(0, 6, size=40)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    rows = rng.integers(0, 50, size=offsets[-1])
    for normalize in (False, True):
        kernel = mean_module.mean_rows(matrix, rows, offsets, normalize, threads=1)
        twin = mean_module.mean_rows_reference(matrix, rows, offsets, normalize)
        np.testing.assert_allclose(kernel, twin, rtol=1e-6, atol=1e-7)
        if not normalize:
            np.testing.assert_array_equal(kernel, twin)


@pytest.mark.parametrize("dim", [16, 50, 300])
def test_the_mean_kernel_equals_its_twin_on_threads(dim):
    rng = np.random.default_rng(dim)
    matrix = rng.normal(size=(300, dim)).astype(np.float32)
    lengths = rng.integers(0, 12, size=3000)  # about 16,000 rows: split between threads; some texts empty
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    rows = rng.integers(0, 300, size=offsets[-1])
    for normalize in (False, True):
        kernel = mean_module.mean_rows(matrix, rows, offsets, normalize)
        twin = mean_module.mean_rows_reference(matrix, rows, offsets, normalize)
        np.testing.assert_allclose(kernel, twin, rtol=1e-6, atol=1e-7)
        if not normalize:
            np.testing.assert_array_equal(kernel, twin)
        assert not kernel[lengths == 0].any()


def test_the_mean_kernel_refuses_rows_outside_the_matrix():
    with pytest.raises(ValueError, match="a row outside the matrix's 3"):
        mean_module.mean_rows(np.zeros((3, 4), np.float32), np.array([0, 3]), np.array([0, 2]), False)


def test_word_vectors_encode_with_a_word_tokenizer(toy):
    v = tokvec.Vectors(["the", "cat", "sat", "'", "s"], np.eye(5, dtype=np.float32))
    out = v.encode(["The CAT's", "sat!", "unknown words only"])
    np.testing.assert_allclose(out[0], [0.25, 0.25, 0, 0.25, 0.25])
    np.testing.assert_allclose(out[1], [0, 0, 1, 0, 0])
    assert not out[2].any()


def test_fasttext_vectors_encode_unknown_words_from_their_ngrams(gensim_data):
    v = tokvec.load(gensim_data / "lee_fasttext.bin")
    assert "nights" not in v.vocab and v.subwords is not None
    texts = ["the nights", "xyzzyplugh", "café xyzzyplugh nights", "Ünïcode XYZZYPLUGH!", "the"]
    got = v.encode(texts)
    words = [["the", "nights"], ["xyzzyplugh"], ["café", "xyzzyplugh", "nights"], ["Ünïcode", "XYZZYPLUGH", "!"],
             ["the"]]  # ASCII texts take the fast split, the others the tokenizer's (offsets name the words)
    for row, split in zip(got, words):
        np.testing.assert_allclose(row, np.mean([v.vector(w) for w in split], axis=0), atol=1e-6)
    again = v.encode(texts[::-1], batch_size=2)  # the unknown words' rows are kept between batches
    np.testing.assert_allclose(again[::-1], got, atol=1e-6)
    rows, offsets = tokvec.encode.token_rows(v, ["the xyzzyplugh the", "xyzzyplugh"])
    assert offsets.tolist() == [0, 2, 2] and (rows == v.vocab.get("the")).all()  # rows to train: known words only


# -- writing: model2vec and sentence-transformers load tokvec's folders --------------------------------------------
@pytest.mark.parametrize("kind", ["model2vec", "sentence-transformers"])
def test_written_folders_load_in_tokvec_model2vec_and_sentence_transformers(tiny_folder, tmp_path, kind):
    from model2vec import StaticModel
    from sentence_transformers import SentenceTransformer

    v = tokvec.load(tiny_folder)
    texts = TEXTS[:3] + TEXTS[4:5]  # no unknown token: StaticEmbedding averages [UNK]'s row, model2vec drops it
    expected = v.encode(texts)
    out = tokvec.save(v, tmp_path / kind, format=kind)
    back = tokvec.load(out)
    assert back.metadata["format"] == kind and back.tokens == v.tokens
    np.testing.assert_allclose(back.encode(texts), expected, atol=1e-6)
    np.testing.assert_allclose(SentenceTransformer(str(out), device="cpu").encode(texts), expected, atol=1e-6)
    if kind == "model2vec":
        np.testing.assert_allclose(StaticModel.from_pretrained(out).encode(texts), expected, atol=1e-6)
    tokvec.save(v, out, format=kind)  # an existing static folder is replaced


def test_word_vectors_written_as_model2vec_give_the_same_vectors(tmp_path):
    from model2vec import StaticModel

    v = tokvec.Vectors(["the", "cat", "sat", "."], np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32))
    out = tokvec.save(v, tmp_path / "words", format="model2vec")
    texts = ["The cat sat.", "cat", "nothing known"]
    np.testing.assert_allclose(StaticModel.from_pretrained(out).encode(texts), v.encode(texts, normalize=True),
                               atol=1e-6)


def test_a_folder_is_not_written_over_other_files_nor_from_edited_rows(tiny_folder, tmp_path):
    v = tokvec.load(tiny_folder)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(InvalidArgumentError, match="not a static model folder"):
        tokvec.save(v, tmp_path / "taken", format="model2vec")
    with pytest.raises(InvalidArgumentError, match="not their tokenizer's ids"):
        tokvec.save(v.select([3, 4, 5]), tmp_path / "subset", format="model2vec")
    assert not (tmp_path / "subset").exists() and (tmp_path / "taken" / "notes.txt").read_text() == "mine"


# -- distillation ----------------------------------------------------------------------------------------------------
def test_distill_follows_model2vec_on_a_tiny_teacher(tiny_teacher):
    from model2vec.distill import distill as m2v_distill

    v = tokvec.distill(tiny_teacher, dim=8)
    assert v.dim == 8 and len(v) == 56 and v.metadata["pooling"] == "mean" and v.tokenizer is not None
    oracle = m2v_distill(str(tiny_teacher), pca_dims=8, quantize_to="float32")
    texts = TEXTS[:6]
    np.testing.assert_allclose(v.encode(texts), oracle.encode(texts), atol=2e-4)


def test_distill_with_a_vocabulary_of_words(tiny_teacher):
    v = tokvec.distill(tiny_teacher, dim=4, vocabulary=["cats", "cat", "walked"])
    assert {"cats", "walked"} <= set(v.tokens) and len(v) == 58
    assert v.pieces("cats") == ["cats"]
    assert v.encode(["cats walked"]).shape == (1, 4)


def test_distill_refuses_bad_teachers_and_dimensions(tiny_teacher, tmp_path):
    with pytest.raises(InvalidArgumentError, match="larger than the teacher's 32 dimensions"):
        tokvec.distill(tiny_teacher, dim=64)
    empty = tmp_path / "no-weights"
    empty.mkdir()
    (empty / "tokenizer.json").write_text("{}")
    with pytest.raises(FormatError, match="holds no model weights"):
        tokvec.distill(empty)
    no_tokenizer = tmp_path / "no-tokenizer"
    no_tokenizer.mkdir()
    (no_tokenizer / "model.safetensors").write_bytes((tiny_teacher / "model.safetensors").read_bytes())
    with pytest.raises(FormatError, match="no tokenizer.json"):
        tokvec.distill(no_tokenizer)


@pytest.mark.parametrize("texts, message", [("one string", "pass \\[text\\]"), (["ok", 3], "texts\\[1\\] is int"),
                                            ([b"bytes"], "texts\\[0\\] is bytes")])
def test_texts_that_are_not_strings_are_one_clear_error(tiny_folder, texts, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tokvec.load(tiny_folder).encode(texts)


def test_encode_options_are_validated():
    with pytest.raises(InvalidArgumentError, match="batch_size"):
        EncodeOptions(batch_size=0)


def test_encoding_texts_imports_no_numba():
    code = ("import sys, numpy as np, tokvec\n"
            "v = tokvec.Vectors(['the', 'cat', 'sat'], np.eye(3, dtype=np.float32))\n"
            "print(v.encode(['the cat', 'sat']).round(3).tolist(), 'numba' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]] False"


def test_import_tokvec_stays_light():
    code = ("import sys, tokvec, tokvec.encode, tokvec.distillation; "
            "print([m for m in ('torch', 'transformers', 'numba', 'sentence_transformers') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# -- the command line ------------------------------------------------------------------------------------------------
def test_cli_distill_then_encode_to_npy_and_parquet(tiny_teacher, tmp_path):
    out = tmp_path / "static"
    assert main(["distill", str(tiny_teacher), "-o", str(out), "--dim", "6", "-q"]) == 0
    texts = tmp_path / "texts.txt"
    texts.write_text("the cat sat\n\na dog ran fast!\n", encoding="utf-8")
    assert main(["encode", str(texts), "-o", str(tmp_path / "out.npy"), "-v", str(out)]) == 0
    array = np.load(tmp_path / "out.npy")
    np.testing.assert_allclose(array, tokvec.load(out).encode(["the cat sat", "", "a dog ran fast!"]), atol=1e-6)
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pq.write_table(pa.table({"id": [1, 2], "sentence": ["the cat", "dogs"]}), tmp_path / "in.parquet")
    assert main(["encode", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), "-v", str(out),
                 "--column", "sentence", "--batch-size", "1"]) == 0
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == ["id", "sentence", "embedding"]
    np.testing.assert_allclose(np.array(table.column("embedding").to_pylist()),
                               tokvec.load(out).encode(["the cat", "dogs"]), atol=1e-6)


@pytest.mark.parametrize("content, message", [(b"", "is empty"), (b"caf\xe9\n", "not UTF-8")])
def test_cli_encode_refuses_empty_and_undecodable_files(tiny_folder, tmp_path, capsys, content, message):
    source = tmp_path / "in.txt"
    source.write_bytes(content)
    assert main(["encode", str(source), "-o", str(tmp_path / "o.npy"), "-v", str(tiny_folder)]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o.npy").exists()


# -- the real teacher (slow) -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_minilm_distilled_loads_in_model2vec_and_sentence_transformers(tmp_path):
    from model2vec import StaticModel
    from sentence_transformers import SentenceTransformer

    v = tokvec.distill("minilm", dim=64)
    out = tokvec.save(v, tmp_path / "minilm64", format="model2vec")
    texts = ["A cat sat on the mat.", "Stock markets fell sharply today.", "naïve café"]
    expected = v.encode(texts)
    np.testing.assert_allclose(StaticModel.from_pretrained(out).encode(texts), expected, atol=1e-6)
    np.testing.assert_allclose(SentenceTransformer(str(out), device="cpu").encode(texts), expected, atol=1e-6)


def test_an_interrupted_encode_leaves_no_output(tiny_folder, tmp_path):
    from tokvec.encode.stream import encode_file

    source = tmp_path / "in.txt"
    source.write_text("the cat\n" * 50, encoding="utf-8")

    def stop(done: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode_file(tokvec.load(tiny_folder), source, tmp_path / "out.npy", options=EncodeOptions(batch_size=10),
                    progress=stop)
    assert list(tmp_path.iterdir()) == [source]
    done = encode_file(tokvec.load(tiny_folder), source, tmp_path / "out.npy", options=EncodeOptions(batch_size=7))
    assert done.texts == 50 and np.load(tmp_path / "out.npy").shape == (50, 12)


def test_parquet_columns_are_checked(tiny_folder, tmp_path):
    from tokvec.encode.stream import encode_file

    pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"n": [1, 2]}), tmp_path / "in.parquet")
    v = tokvec.load(tiny_folder)
    with pytest.raises(FormatError, match="no column 'text'"):
        encode_file(v, tmp_path / "in.parquet", tmp_path / "o.npy")
    with pytest.raises(FormatError, match="holds int64, not strings"):
        encode_file(v, tmp_path / "in.parquet", tmp_path / "o.npy", column="n")


# -- fitting the rows to the teacher's sentence vectors on a corpus (tokenlearn's step) -----------------------------
FIT_WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "fast", "slow", "house", "big", "small", "red",
             "blue", "run", "walk", "tree", "car", "cats", "walked", "running"]
CORPUS = [" ".join(np.random.default_rng(i).choice(FIT_WORDS, 3 + i % 7)) for i in range(120)]


@pytest.fixture(scope="module")
def fitted(tiny_teacher):
    from tokvec.distillation import FitConfig

    return tokvec.distill(tiny_teacher, dim=8, corpus=CORPUS, fit=FitConfig(epochs=15))


def _spearman_of_cosines(a: np.ndarray, b: np.ndarray) -> float:
    def cosines(x):
        x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)
        return (x @ x.T)[np.triu_indices(len(x), 1)]

    ranks = [np.argsort(np.argsort(cosines(x))) for x in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def test_fitting_lowers_the_loss_and_raises_agreement_with_the_teacher(tiny_teacher, fitted):
    from tokvec.distillation.steps import DistillConfig, forward
    from tokvec.distillation.teacher import find_teacher

    meta = fitted.metadata
    assert meta["fit_texts"] == "120" and meta["fit_validation_texts"] == "12" and meta["fit_epochs"] == "15"
    assert float(meta["fit_loss_after"]) < 0.5 * float(meta["fit_loss_before"])
    assert fitted.source.endswith("fitted on 120 texts") and fitted.dim == 8 and len(fitted) == 56
    teacher = forward(find_teacher(tiny_teacher), [_tokenizer().encode(t).ids for t in CORPUS], "mean",
                      DistillConfig())
    plain = tokvec.distill(tiny_teacher, dim=8)
    before, after = (_spearman_of_cosines(v.encode(CORPUS), teacher) for v in (plain, fitted))
    assert after > before + 0.04, (before, after)


def test_fitting_is_deterministic_with_a_seed(tiny_teacher, fitted):
    from tokvec.distillation import FitConfig

    again = tokvec.distill(tiny_teacher, dim=8, corpus=CORPUS, fit=FitConfig(epochs=15))
    np.testing.assert_array_equal(again.matrix, fitted.matrix)
    other = tokvec.distill(tiny_teacher, dim=8, corpus=CORPUS, fit=FitConfig(epochs=15, seed=1))
    assert not np.array_equal(other.matrix, fitted.matrix)


@pytest.mark.parametrize("kind", ["model2vec", "sentence-transformers"])
def test_a_fitted_model_loads_in_model2vec_and_sentence_transformers(fitted, tmp_path, kind):
    from model2vec import StaticModel
    from sentence_transformers import SentenceTransformer

    texts = CORPUS[:5] + TEXTS[:2] + TEXTS[4:5]  # no unknown token (StaticEmbedding averages [UNK]'s row in)
    expected = fitted.encode(texts)
    out = tokvec.save(fitted, tmp_path / kind, format=kind)
    np.testing.assert_allclose(tokvec.load(out).encode(texts), expected, atol=1e-6)
    np.testing.assert_allclose(SentenceTransformer(str(out), device="cpu").encode(texts), expected, atol=1e-6)
    if kind == "model2vec":
        np.testing.assert_allclose(StaticModel.from_pretrained(out).encode(texts), expected, atol=1e-6)


@pytest.mark.parametrize("corpus, error, message", [
    ([], "CorpusError", "holds no text"), (["  ", "\t"], "CorpusError", "holds no text"),
    (["a cat", 3], "CorpusError", "corpus\\[1\\] is int"), (b"bytes", "CorpusError", "got bytes"),
    ("missing.txt", "CorpusError", "does not exist"), (b"the cat\ncaf\xe9\n", "CorpusError", "line 2 is not UTF-8"),
    (b"", "CorpusError", "holds no text"), (CORPUS[:8], "CorpusTooSmallError", "needs more than 8"),
    (["zzz qqq", "[UNK]"] * 20, "CorpusTooSmallError", "0 texts with a token"),
])
def test_bad_corpora_are_one_clear_error(tiny_teacher, tmp_path, corpus, error, message):
    if isinstance(corpus, bytes) and corpus != b"bytes":
        (tmp_path / "corpus.txt").write_bytes(corpus)
        corpus = tmp_path / "corpus.txt"
    elif corpus == "missing.txt":
        corpus = tmp_path / corpus
    with pytest.raises(getattr(tokvec, error), match=message) as caught:
        tokvec.distill(tiny_teacher, dim=8, corpus=corpus)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("settings, message", [({"epochs": 0}, "epochs"), ({"learning_rate": 2.0}, "learning_rate"),
                                               ({"validation": 1.0}, "validation"), ({"seed": "1"}, "seed"),
                                               ({"sif_coefficient": 0}, "sif_coefficient")])
def test_fit_settings_are_validated(settings, message):
    from tokvec.distillation import FitConfig

    with pytest.raises(InvalidArgumentError, match=message):
        FitConfig(**settings)


def test_fit_settings_without_a_corpus_are_refused(tiny_teacher):
    from tokvec.distillation import FitConfig

    with pytest.raises(InvalidArgumentError, match="pass corpus= too"):
        tokvec.distill(tiny_teacher, dim=8, fit=FitConfig(epochs=3))


def test_cli_distill_fits_on_a_corpus_file(tiny_teacher, tmp_path, capsys):
    source = tmp_path / "corpus.txt"
    source.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    out = tmp_path / "fitted"
    assert main(["distill", str(tiny_teacher), "-o", str(out), "--dim", "8", "--corpus", str(source), "--epochs",
                 "3", "-q", "--json"]) == 0
    fit = json.loads(capsys.readouterr().out)["fit"]
    assert fit["texts"] == 120 and fit["epochs"] == 3 and fit["loss_after"] < fit["loss_before"]
    assert tokvec.load(out).encode(["the cat sat"]).shape == (1, 8)
    source.write_bytes(b"caf\xe9\n")
    assert main(["distill", str(tiny_teacher), "-o", str(tmp_path / "bad"), "--corpus", str(source), "-q"]) == 1
    err = capsys.readouterr().err
    assert "line 1 is not UTF-8" in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "bad").exists()
    assert main(["distill", str(tiny_teacher), "-o", str(tmp_path / "bad"), "--epochs", "3", "-q"]) == 1
    assert "give --corpus FILE too" in capsys.readouterr().err and not (tmp_path / "bad").exists()
