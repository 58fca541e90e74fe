"""gensim's own saved models (``.save()``: a pickle and ``.npy`` files), read without running the pickle.

Models are trained and saved with gensim inside each test and compared with what gensim's ``load`` gives:
the same keys, bit-identical vectors, the same counts, the fastText n-grams. Pickles crafted to run code
are refused and run nothing (a sentinel file stays absent).
"""

from __future__ import annotations

import os
import pickle
import pickletools
import struct
import subprocess
import sys

import numpy as np
import pytest

import tokvec
from fuzz import Allocation
from oracles import assert_same_neighbours
from tokvec import FormatError, UnsafeFileError
from tokvec.cli import main

gensim_models = pytest.importorskip("gensim.models")

CORPUS = [s.split() for s in ["the cat sat on the mat", "a dog and a cat ran", "naïve 日本 words too",
                              "the dog sat on the log"]] * 15


def _same(v: tokvec.Vectors, kv) -> None:
    """Same keys, bit-identical vectors and the same counts as gensim's KeyedVectors ``kv``."""
    assert v.tokens == list(kv.index_to_key)
    assert np.array_equal(np.asarray(v.matrix), kv.vectors)
    assert v.counts.tolist() == [kv.get_vecattr(k, "count") for k in kv.index_to_key]


@pytest.mark.parametrize("separately", [False, True])
@pytest.mark.parametrize("kind", ["word2vec", "keyedvectors"])
def test_word2vec_and_keyedvectors_saves_read_as_gensim_reads_them(tmp_path, kind, separately):
    model = gensim_models.Word2Vec(CORPUS, vector_size=8, min_count=1, epochs=2, seed=1, workers=1)
    path = tmp_path / f"w.{'model' if kind == 'word2vec' else 'kv'}"
    (model if kind == "word2vec" else model.wv).save(str(path), sep_limit=0 if separately else 10 << 20)
    assert any(p.suffix == ".npy" for p in tmp_path.iterdir()) == separately
    loader = gensim_models.Word2Vec if kind == "word2vec" else gensim_models.KeyedVectors
    theirs = loader.load(str(path), mmap="r")
    theirs = getattr(theirs, "wv", theirs)
    v = tokvec.load(path)
    _same(v, theirs)
    assert isinstance(v.matrix, np.memmap) == separately  # the .npy file is mapped, as gensim's mmap='r'
    assert v.subwords is None and v.metadata["format"] == "gensim"
    assert not isinstance(tokvec.load(path, mmap=False).matrix, np.memmap)
    assert tokvec.load(path, limit=3).tokens == v.tokens[:3]
    assert_same_neighbours(v.most_similar("cat", topn=3), theirs.most_similar("cat", topn=3))


@pytest.mark.parametrize("save", ["model", "model-separately", "keyedvectors", "compressed"])
def test_fasttext_saves_keep_their_ngrams(tmp_path, save):
    model = gensim_models.FastText(CORPUS, vector_size=8, min_count=1, epochs=2, seed=1, workers=1, bucket=97,
                                   min_n=2, max_n=4)
    path = tmp_path / {"keyedvectors": "f.kv", "compressed": "f.model.gz"}.get(save, "f.model")
    target = model.wv if save == "keyedvectors" else model
    target.save(str(path), sep_limit=0 if save in ("model-separately", "compressed") else 10 << 20)
    theirs = gensim_models.FastText.load(str(path)).wv if save != "keyedvectors" else \
        gensim_models.fasttext.FastTextKeyedVectors.load(str(path))
    v = tokvec.load(path)
    _same(v, theirs)  # gensim recomposes the word vectors on load; so does tokvec, to the bit
    s = v.subwords
    assert (s.minn, s.maxn, s.bucket) == (2, 4, 97) and np.array_equal(s.buckets, theirs.vectors_ngrams)
    for word in ["cats", "dogsled", "naïveté", "zz"]:  # unknown words: fastText's mean of n-gram rows
        assert word not in v and v.from_ngrams(word)
        np.testing.assert_allclose(v[word], theirs[word], rtol=1e-6, atol=1e-7)
    if save != "keyedvectors":
        assert v.metadata["fasttext.minCount"] == "1" and v.metadata["fasttext.model"] == "1"  # cbow


def test_convert_makes_a_mappable_copy_with_subwords(tmp_path, capsys):
    model = gensim_models.FastText(CORPUS, vector_size=8, min_count=1, epochs=1, seed=2, workers=1, bucket=50)
    model.save(str(tmp_path / "m.model"))
    assert main(["convert", str(tmp_path / "m.model"), str(tmp_path / "m.tokvec")]) == 0
    copy, original = tokvec.load(tmp_path / "m.tokvec"), tokvec.load(tmp_path / "m.model")
    assert isinstance(copy.matrix, np.memmap) and copy.tokens == original.tokens
    assert np.array_equal(copy.matrix, original.matrix) and np.array_equal(copy["unseen"], original["unseen"])
    assert copy.counts.tolist() == original.counts.tolist()


@pytest.mark.parametrize("name", ["word2vec_old", "word2vec_old_sep", "word2vec_3.3", "model-from-gensim-3.8.0.w2v",
                                  "old_keyedvectors_320.dat", "old_w2v_models/w2v_1.0.0.mdl",
                                  "old_w2v_models/w2v_3.4.0.mdl", "compatible-hash-true.model"])
def test_gensim_1_to_3_saves_read_as_gensim_4_reads_them(gensim_data, name):
    from gensim.utils import SaveLoad

    theirs = SaveLoad.load(str(gensim_data / name))
    _same(tokvec.load(gensim_data / name), getattr(theirs, "wv", theirs))


@pytest.mark.parametrize("name, says", [
    ("ft_kv_3.6.0.model.gz", "before 3.8"),  # gensim 4 refuses it too
    ("lee_fasttext", "gensim.models.wrappers.fasttext.FastText"),  # gensim 4 cannot load it either
    ("d2v-lee-v0.13.0", "gensim.models.doc2vec.Doc2Vec; tokvec reads"),
])
def test_other_gensim_objects_are_named_and_refused(gensim_data, name, says):
    with pytest.raises(FormatError, match=says) as caught:
        tokvec.load(gensim_data / name)
    assert "\n" not in str(caught.value)


def test_a_missing_npy_file_says_which(tmp_path):
    model = gensim_models.Word2Vec(CORPUS, vector_size=4, min_count=1, epochs=1, workers=1)
    model.save(str(tmp_path / "w.model"), sep_limit=0)
    (tmp_path / "w.model.wv.vectors.npy").unlink()
    with pytest.raises(FormatError, match=r"saved beside it as w\.model\.wv\.vectors\.npy, which is missing"):
        tokvec.load(tmp_path / "w.model")


# -- pickles that try to run code ----------------------------------------------------------------------------
class _Calls:
    """Pickles as a call of ``function(*args)``, what a malicious file holds."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def _attacks(sentinel) -> dict[str, object]:
    touch = f"open({str(sentinel)!r}, 'w').close()"
    kv = gensim_models.KeyedVectors(2)
    kv.add_vectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.expandos["count"] = _Calls(os.system, f"touch {sentinel}")  # inside an otherwise genuine KeyedVectors
    return {
        "os.system": _Calls(os.system, f"touch {sentinel}"),
        "builtins.eval": _Calls(eval, touch),
        "builtins.exec": [1, {"x": _Calls(exec, touch)}],
        "subprocess.call": _Calls(subprocess.call, ["touch", str(sentinel)]),
        "subprocess.Popen": _Calls(subprocess.Popen, ["touch", str(sentinel)]),
        "nested in a KeyedVectors": kv,
    }


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_pickles_that_run_code_are_refused_and_run_nothing(tmp_path, protocol, capsys):
    sentinel = tmp_path / "SENTINEL"
    for name, attack in _attacks(sentinel).items():
        path = tmp_path / "evil.model"
        path.write_bytes(pickle.dumps(attack, protocol=protocol))
        with pytest.raises(UnsafeFileError, match="refused: its pickle calls .*tokvec ran nothing") as caught:
            tokvec.load(path)
        assert "\n" not in str(caught.value), name
        assert main(["convert", str(path), str(tmp_path / "out.tokvec")]) == 1
        assert "refused" in capsys.readouterr().err
        assert not sentinel.exists(), name
    assert not (tmp_path / "out.tokvec").exists()


def test_the_refusal_comes_before_the_call(tmp_path):
    """REDUCE never runs: the global is refused as it is looked up, with the whole file otherwise valid."""
    data = pickle.dumps(_Calls(print, "ran"), protocol=4)
    names = [arg for op, arg, _ in pickletools.genops(data) if op.name in ("SHORT_BINUNICODE", "GLOBAL")]
    assert "print" in names
    (tmp_path / "p.model").write_bytes(data)
    with pytest.raises(UnsafeFileError, match="builtins.print"):
        tokvec.load(tmp_path / "p.model")


@pytest.mark.parametrize("opcodes", [
    b"\x80\x04]r\xf0\xff\xff\x7f.",  # LONG_BINPUT 2**31 - 16: the C unpickler would allocate a 32 GB memo table
    b"\x80\x05\x96" + struct.pack("<Q", 1 << 40) + b".",  # BYTEARRAY8 of a terabyte the file does not hold
    b"\x80\x04\x8e" + struct.pack("<Q", 1 << 40) + b".",  # BINBYTES8 likewise
    b"\x80\x04P1\n.",  # a persistent id
    b"\x80\x04\x82\x01.",  # the copyreg extension registry
])
def test_forged_lengths_and_unsafe_opcodes_allocate_nothing(tmp_path, opcodes):
    path = tmp_path / "forged.model"
    path.write_bytes(opcodes)
    with Allocation() as memory, pytest.raises(FormatError):
        tokvec.load(path)
    assert memory.peak < 1 << 20


def test_arrays_are_plain_numbers_only(tmp_path):
    """An object array (whose bytes would be pickles) is refused; numpy is never asked to unpickle."""
    kv = gensim_models.KeyedVectors(2)
    kv.add_vectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.vectors = np.array([[1, 2], [3, 4]], dtype=object)
    (tmp_path / "o.kv").write_bytes(pickle.dumps(kv, protocol=4))
    with pytest.raises(FormatError, match="damaged|not a number type"):
        tokvec.load(tmp_path / "o.kv")


def test_gensim_itself_is_not_imported(tmp_path):
    model = gensim_models.Word2Vec(CORPUS, vector_size=4, min_count=1, epochs=1, workers=1)
    model.save(str(tmp_path / "w.model"))
    code = ("import sys, tokvec; v = tokvec.load(sys.argv[1]); "
            "assert not [m for m in sys.modules if m.startswith('gensim')], 'imported'; print(len(v))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "w.model")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(model.wv))
