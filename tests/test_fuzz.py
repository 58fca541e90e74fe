"""Issue 15's fuzz suite: random mutations of valid files of every format, for every reader.

Property: loading a mutated file (and then using what loaded: tokens, matrix, lookups, neighbours)
either works or raises a ``TokvecError`` whose message is one line (or an ``OSError`` with its errno),
never another exception, a crash, or a peak allocation over ``PEAK`` (tracemalloc, with the memory
budget set to ``BUDGET``). The short runs here are derandomized and bounded (well under 60 s in all);
``-m slow`` runs many more random examples. Crashing inputs found are kept as ``@example`` cases.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings

import tokvec
from fuzz import Allocation, mutate, mutations, one_line
from tokvec.errors import TokvecError, TokvecWarning

safetensors_numpy = pytest.importorskip("safetensors.numpy")

BUDGET = "64M"  # $TOKVEC_MEMORY_BUDGET during the suite: absurd headers are refused against it
PEAK = 96 << 20  # no example may allocate more (Python and NumPy allocations, traced)
TOKENS = ["the", "", "a\tb", "x\u00a0", "\u3000y", "naïve", "日本", "tail\t", "z"]
SHORT = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
LONG = settings(max_examples=2_000, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _vectors() -> tokvec.Vectors:
    rng = np.random.default_rng(15)
    return tokvec.Vectors(TOKENS, rng.standard_normal((len(TOKENS), 6)).astype(np.float32),
                          counts=np.arange(len(TOKENS), 0, -1))


@pytest.fixture(scope="module", autouse=True)
def budget():
    old = os.environ.get("TOKVEC_MEMORY_BUDGET")
    os.environ["TOKVEC_MEMORY_BUDGET"] = BUDGET
    yield
    if old is None:
        del os.environ["TOKVEC_MEMORY_BUDGET"]
    else:
        os.environ["TOKVEC_MEMORY_BUDGET"] = old


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """Valid files of every format (their bytes), each loaded once (this also compiles the kernels)."""
    root = tmp_path_factory.mktemp("seeds")
    v = _vectors()
    paths = {
        "tokvec": tokvec.save(v, root / "v.tokvec"),
        "tokvec-int8": tokvec.save(v, root / "q.tokvec", dtype="int8"),
        "tokvec-float16": tokvec.save(v, root / "h.tokvec", dtype="float16"),
        "word2vec-binary": tokvec.save(v, root / "v.bin"),
        "word2vec-text": tokvec.save(v, root / "v.txt"),
        "fasttext-vec": tokvec.save(v, root / "v.vec"),
        "glove": tokvec.save(tokvec.Vectors(["first", *TOKENS], np.vstack([np.ones((1, 6)), v.matrix])),
                             root / "v.glove", format="glove"),
        "word2vec-binary-gz": tokvec.save(v, root / "v.bin.gz"),
        "fasttext-bin": tokvec.save(_with_subwords(v), root / "f.bin", format="fasttext-bin"),
        "tokvec-subwords": tokvec.save(_with_subwords(v), root / "s.tokvec"),
    }
    paths.update(_gensim_seeds(root, v))
    for name, path in paths.items():
        assert len(tokvec.load(path).most_similar("the", topn=2)) == 2, name
    return {name: path.read_bytes() for name, path in paths.items()}


def _with_subwords(v: tokvec.Vectors) -> tokvec.Vectors:
    """``v`` with a small fastText n-gram table (2-3 characters, 64 buckets), as a .bin or .tokvec holds it."""
    from tokvec.vocab.subwords import Subwords

    rng = np.random.default_rng(17)
    out = tokvec.Vectors(v.tokens, v.matrix, counts=v.counts)
    out.subwords = Subwords(rng.standard_normal((64, v.dim)).astype(np.float32), 2, 3, word_rows=v.matrix)
    return out


def _gensim_seeds(root, v: tokvec.Vectors) -> dict:
    """gensim's own saves (pickles read by tokvec's restricted unpickler): a KeyedVectors with counts, and a
    FastText model (n-gram buckets, word vectors recomposed on load); none without gensim."""
    if importlib.util.find_spec("gensim") is None:  # a dev dependency
        return {}
    from gensim.models import FastText, KeyedVectors

    kv = KeyedVectors(v.dim)
    kv.add_vectors(v.tokens, np.asarray(v.matrix))
    for token, count in zip(v.tokens, v.counts.tolist()):
        kv.set_vecattr(token, "count", count)
    kv.save(str(root / "g.kv"), pickle_protocol=2)
    model = FastText([["the", "naïve", "日本"], ["the", "z"]] * 3, vector_size=4, min_count=1, epochs=1, bucket=16,
                     workers=1, seed=1)
    model.save(str(root / "f.model"))
    return {"gensim-kv": root / "g.kv", "gensim-fasttext": root / "f.model"}


def _use(v: tokvec.Vectors) -> None:
    """Touch everything a loaded file offers, so a bad offset or index shows here, not later."""
    if v.subwords is not None:  # an unknown word is built from its n-grams: bucket rows are read
        v["unseen-word"]
        v.most_similar("unseen-word", topn=2)
    tokens = v.tokens
    assert len(tokens) == len(v)
    np.asarray(v.matrix, dtype=np.float32).sum()
    np.asarray(v.norms).sum()
    for i in (0, len(v) - 1) if len(v) else ():
        token = v.token(i)
        j = v.index(token)  # its first occurrence; a damaged stored index raises FormatError, never misses
        assert token == tokens[i] and v.token(j) == token and j <= i
        v[token]
        v.most_similar(token, topn=3)


def _check(load) -> None:
    with Allocation() as memory, warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", TokvecWarning)  # duplicate tokens in a mutated file: warned, dropped
        try:
            _use(load())
        except TokvecError as exc:
            assert one_line(exc), repr(str(exc))
        except OSError as exc:  # the Python API may raise an OSError, with its errno
            assert exc.errno is not None, repr(exc)
    assert memory.peak < PEAK, f"peak allocation {memory.peak:,} bytes"


def _file_property(seed_name: str, tmp_path, errors: str = "strict"):
    ext = {"tokvec-int8": ".tokvec", "tokvec-float16": ".tokvec", "tokvec-subwords": ".tokvec",
           "word2vec-binary-gz": ".bin.gz"}.get(seed_name, "")

    def check(seeds, steps):
        path = tmp_path / f"fuzzed{ext}"
        path.write_bytes(mutate(seeds[seed_name], steps))
        _check(lambda: tokvec.load(path, errors=errors, nonfinite="keep", mmap=errors == "strict"))  # long runs: both

    return check


FILES = ["tokvec", "tokvec-int8", "tokvec-float16", "word2vec-binary", "word2vec-text", "fasttext-vec", "glove",
         "word2vec-binary-gz", "fasttext-bin", "tokvec-subwords", "gensim-kv", "gensim-fasttext"]


@pytest.mark.parametrize("name", FILES)
def test_mutated_vector_files_load_or_raise_one_line_tokvec_errors(seeds, tmp_path, name):
    if name not in seeds:
        pytest.skip("gensim is not installed")
    SHORT(given(steps=mutations)(_file_property(name, tmp_path)))(seeds)


@pytest.mark.slow
@pytest.mark.parametrize("errors", ["strict", "replace"])
@pytest.mark.parametrize("name", FILES)
def test_mutated_vector_files_long_run(seeds, tmp_path, name, errors):
    if name not in seeds:
        pytest.skip("gensim is not installed")
    LONG(given(steps=mutations)(_file_property(name, tmp_path, errors)))(seeds)


# inputs the long runs found (each failed before its fix), kept as regression cases
REGRESSIONS = [
    ("word2vec-binary", [("delete", 34, 1), ("delete", 34, 3)]),  # duplicate tokens: a TokvecWarning, not an error
    ("tokvec-int8", [("flip", [(9590, 1)])]),  # 'the' became 'uhe' under a stored index: lookups missed it
    ("tokvec-subwords", [("number", 47, b"0")]),  # subwords.encoding 'utf-0': a LookupError at the first unknown word
]


@pytest.mark.parametrize("name, steps", REGRESSIONS)
def test_inputs_the_fuzzer_found(seeds, tmp_path, name, steps):
    _file_property(name, tmp_path)(seeds, steps)


def test_the_sniffer_on_raw_garbage(tmp_path):
    from hypothesis import strategies as st

    @SHORT
    @given(data=st.binary(max_size=512))
    @example(data=b"1 1\n \x00\x00\x80\x7f\n")
    @example(data=b"\xef\xbb\xbf")
    def check(data):
        path = tmp_path / "garbage"
        path.write_bytes(data)
        _check(lambda: tokvec.load(path))

    check()


# -- Hugging Face model directories ------------------------------------------------------------
@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    model = tmp_path_factory.mktemp("hf") / "model"
    model.mkdir()
    safetensors_numpy.save_file({"embeddings.word_embeddings.weight": np.eye(5, 4, dtype=np.float32)},
                                str(model / "model.safetensors"))
    vocab = {"[PAD]": 0, "the": 1, "cat": 2, "##s": 3, "[UNK]": 4}
    (model / "tokenizer.json").write_text(json.dumps({"model": {"type": "WordPiece", "vocab": vocab,
                                                                "unk_token": "[UNK]"}}))
    (model / "config.json").write_text(json.dumps({"model_type": "bert", "vocab_size": 5, "hidden_size": 4}))
    assert tokvec.load(model).tokens == list(vocab)
    return model


MEMBERS = ["model.safetensors", "tokenizer.json", "config.json"]


def _model_property(model_dir, tmp_path, member):
    def check(steps):
        copy = tmp_path / "model"
        copy.mkdir(exist_ok=True)
        for f in model_dir.iterdir():
            data = f.read_bytes()
            (copy / f.name).write_bytes(mutate(data, steps) if f.name == member else data)
        _check(lambda: tokvec.load(copy))

    return given(steps=mutations)(check)


@pytest.mark.parametrize("member", MEMBERS)
def test_mutated_model_directories(model_dir, tmp_path, member):
    SHORT(_model_property(model_dir, tmp_path, member))()


@pytest.mark.slow
@pytest.mark.parametrize("member", MEMBERS)
def test_mutated_model_directories_long_run(model_dir, tmp_path, member):
    settings(LONG, max_examples=500)(_model_property(model_dir, tmp_path, member))()


# -- word2vec training checkpoints -------------------------------------------------------------
TOY = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"]] * 6


@pytest.fixture(scope="module")
def checkpoint_bytes(tmp_path_factory) -> bytes:
    from tokvec.train import Word2VecConfig, train

    config = Word2VecConfig(model="skipgram", dim=8, min_count=1, threads=1, chunk_words=7, epochs=2, seed=3, sample=0)
    seed = tmp_path_factory.mktemp("ckpt") / "seed.ckpt.npz"
    with pytest.raises(KeyboardInterrupt):
        train(TOY, config, progress=False, checkpoint=seed, stop_after=3)
    return seed.read_bytes()


def _checkpoint_property(good: bytes, tmp_path):
    from tokvec.train import train

    def check(steps):
        path = tmp_path / "fuzzed.ckpt.npz"
        path.write_bytes(mutate(good, steps))
        _check(lambda: train(TOY, None, progress=False, resume=path).vectors)

    return given(steps=mutations)(check)


def test_mutated_training_checkpoints(checkpoint_bytes, tmp_path):
    settings(SHORT, max_examples=25)(_checkpoint_property(checkpoint_bytes, tmp_path))()


@pytest.mark.slow
def test_mutated_training_checkpoints_long_run(checkpoint_bytes, tmp_path):
    settings(LONG, max_examples=500)(_checkpoint_property(checkpoint_bytes, tmp_path))()


def test_gzip_of_a_mutated_file_is_read_like_the_plain_one(seeds, tmp_path):
    """The same mutated bytes, plain and gzip-compressed, load to the same result or both fail."""
    @settings(SHORT, max_examples=20)
    @given(steps=mutations)
    def check(steps):
        data = mutate(seeds["word2vec-text"], steps)
        (tmp_path / "p.txt").write_bytes(data)
        (tmp_path / "p.txt.gz").write_bytes(gzip.compress(data))
        outcomes = []
        for name in ("p.txt", "p.txt.gz"):
            try:
                v = tokvec.load(tmp_path / name, nonfinite="keep")
                outcomes.append((v.tokens, np.asarray(v.matrix).tobytes()))
            except TokvecError as exc:
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1]

    check()


# -- evaluation data sets ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["wordsim353.tsv", "questions-words.txt"])
def test_mutated_evaluation_files(tmp_path, name):
    from importlib import resources

    from tokvec.evaluate import datasets

    read = datasets.read_word_pairs if name.endswith(".tsv") else datasets.read_analogies
    good = (resources.files("tokvec") / "data" / name).read_bytes()[:4000]  # the first lines are enough
    good = good[: good.rfind(b"\n") + 1]

    @settings(SHORT, max_examples=30)
    @given(steps=mutations)
    def check(steps):
        path = tmp_path / name
        path.write_bytes(mutate(good, steps))
        with Allocation() as memory:
            try:
                read(path)
            except TokvecError as exc:
                assert one_line(exc), repr(str(exc))
        assert memory.peak < PEAK

    check()
