"""``tokvec.engines``: encoding DataFrame partitions on Dask, tested with the local schedulers only.

A small Parquet file (two partitions) is read by ``dask.dataframe``, every partition goes through
``encode_partitions``, and the embeddings equal ``v.encode(texts)`` exactly, for word vectors loaded from a
file and for the builtin MiniLM token matrix (its own WordPiece tokenizer).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import tokvec
from tokvec.engines import encode_partitions, partitions
from tokvec.errors import InvalidArgumentError

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

TEXTS = ["the cat sat on the mat", "a dog ran", "", "zzz unknown words", "The Cat", "naïve café 東京",
         "tab\tand\nnew line", "cat " * 50, "red blue", "one more text"]


@pytest.fixture(scope="module")
def word_file(tmp_path_factory):
    words = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "red", "blue", "one", "more", "text"]
    rows = np.random.default_rng(1).normal(size=(len(words), 6)).astype(np.float32)
    path = tmp_path_factory.mktemp("engines") / "words.txt"
    tokvec.save(tokvec.Vectors(words, rows), path, format="glove")
    return path


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("engines") / "texts.parquet"
    pd.DataFrame({"id": range(len(TEXTS)), "text": TEXTS}).to_parquet(path)
    return path


def _run(step, parquet, scheduler):
    ddf = dd.read_parquet(parquet).repartition(npartitions=2)
    with dask.config.set(scheduler=scheduler):
        return ddf.map_partitions(step, meta=step.meta(ddf)).compute()


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
@pytest.mark.parametrize("model", ["words", "minilm"])
def test_dask_partitions_equal_encode(model, scheduler, word_file, parquet):
    source = str(word_file) if model == "words" else "minilm"
    step = encode_partitions(source, column="text")
    out = _run(step, parquet, scheduler)
    assert list(out.columns) == ["id", "text", "embedding"] and list(out["id"]) == list(range(len(TEXTS)))
    got = np.stack(out["embedding"].to_numpy())
    want = tokvec.load(source).encode(TEXTS)
    assert got.dtype == np.float32 and np.array_equal(got, want)


def test_to_parquet_and_back(word_file, parquet, tmp_path):
    step = encode_partitions(word_file)
    ddf = dd.read_parquet(parquet).repartition(npartitions=3)
    ddf.map_partitions(step, meta=step.meta(ddf)).to_parquet(tmp_path / "out", compute_kwargs={"scheduler": "threads"})
    back = dd.read_parquet(tmp_path / "out", dtype_backend="pyarrow").compute(scheduler="synchronous")
    got = np.stack(back.sort_values("id")["embedding"].to_numpy())
    assert np.array_equal(got, tokvec.load(word_file).encode(TEXTS))


def test_the_step_pickles_small_and_loads_once(word_file, parquet):
    step = encode_partitions(word_file, normalize=True)
    assert len(pickle.dumps(step)) < 1000
    partitions._MODELS.pop(str(word_file), None)
    out = _run(pickle.loads(pickle.dumps(step)), parquet, "threads")
    assert str(word_file) in partitions._MODELS
    want = tokvec.load(word_file).encode(TEXTS, normalize=True)
    assert np.array_equal(np.stack(out["embedding"].to_numpy()), want)


def test_inferred_meta_missing_texts_and_bad_input(word_file):
    step = encode_partitions(word_file)
    frame = pd.DataFrame({"text": ["the cat", None, float("nan")]}, index=[5, 6, 7])
    out = dd.from_pandas(frame, npartitions=1).map_partitions(step).compute(scheduler="synchronous")
    assert list(out.index) == [5, 6, 7]
    assert np.array_equal(np.stack(out["embedding"].to_numpy()), tokvec.load(word_file).encode(["the cat", "", ""]))
    assert len(step(frame.iloc[:0])) == 0
    with pytest.raises(InvalidArgumentError, match="no column 'body'"):
        encode_partitions(word_file, column="body")(frame)
    with pytest.raises(InvalidArgumentError, match="model path or builtin name"):
        encode_partitions(tokvec.load(word_file))


def test_import_tokvec_does_not_import_dask():
    import subprocess
    import sys
    code = "import sys, tokvec, tokvec.engines; print('dask' in sys.modules or 'pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
