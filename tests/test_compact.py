"""int8/float16 scan copies: kernels against their NumPy twins, bounds that hold, answers identical
to float32 exact search (and to gensim) on real files, the .tokvec features and their checks."""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import tokvec
from oracles import assert_same_neighbours, gensim_kv
from tokvec.errors import FormatError
from tokvec.search import bounded, compact, int8_batch
from tokvec.search import exact as search


def _random(n=3000, dim=24, seed=0, extras=True):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, dim)).astype(np.float32)
    if extras:
        m[7] = 0.0  # a zero row
        m[11] = m[12]  # exact duplicates tie
        m[13] = 3 * m[12]  # same direction, longer
    return tokvec.Vectors([f"w{i}" for i in range(n)], m)


def _rows(result):
    return [(n.token, n.row) for n in result]


def _same(ours, exact):
    """Identical tokens in the same order; scores equal up to float32 rounding of the rescoring GEMV."""
    assert _rows(ours) == _rows(exact)
    np.testing.assert_allclose([n.score for n in ours], [n.score for n in exact], rtol=0, atol=1e-6)


@pytest.fixture(scope="module")
def real(glove):
    return glove.limit(30_000)


@pytest.mark.parametrize("kind", ["int8", "float16"])
def test_scan_kernels_equal_their_twins(kind):
    v = _random()
    copy = compact.quantize(v.matrix, v.inv_norms, kind)
    queries = np.stack([v.vector(i, norm=True) for i in (1, 5, 99)])
    fast = bounded.scan(copy, queries, 10, 2900)
    twin = bounded.scores_reference(copy, queries, 10, 2900)
    np.testing.assert_allclose(fast, twin, rtol=0, atol=bounded.slack(v.dim) / 2)


def test_float16_rows_kernel_equals_twin_including_subnormals():
    rows = np.array([[1.0, -2.5, 6e-8, -3e-5], [65504, -65504, 0.0, -0.0]], np.float16)
    copy = compact.Compact("rows", rows, np.ones(2, np.float32), np.zeros(2, np.float32))
    q = np.array([[0.5, 0.25, 1e3, 1e4]], np.float32)
    np.testing.assert_allclose(bounded.scan(copy, q, 0, 2), bounded.scores_reference(copy, q, 0, 2), rtol=1e-6)


def test_select_kernel_equals_twin():
    rng = np.random.default_rng(3)
    approx = rng.standard_normal((3, 500)).astype(np.float32)
    approx[1, 17] = np.nan
    errors = rng.uniform(0, 0.2, 500).astype(np.float32)
    errors[40] = np.inf
    qnorms = np.array([1.0, 0.5, 2.0], np.float32)
    heaps = np.full((3, 5), -np.inf, np.float32)
    twin_heaps = heaps.copy()
    rows, uppers = np.empty((3, 500), np.int32), np.empty((3, 500), np.float32)
    counts = np.zeros(3, np.int64)
    bounded._kernels().select(approx, np.ones(500, np.float32), np.ones(3, np.float32), errors, qnorms,
                              np.full(3, 1e-4, np.float32), heaps, rows, uppers, counts)
    twin = bounded.select_reference(approx, errors, qnorms, 1e-4, twin_heaps)
    for q, (t_rows, t_ups) in enumerate(twin):
        np.testing.assert_array_equal(rows[q, : counts[q]], t_rows)
        np.testing.assert_array_equal(uppers[q, : counts[q]], t_ups)
        np.testing.assert_array_equal(np.sort(heaps[q]), np.sort(twin_heaps[q]))


@pytest.mark.parametrize("kind", ["int8", "float16"])
def test_error_bounds_hold(kind):
    v = _random(extras=False)
    copy = compact.quantize(v.matrix, v.inv_norms, kind)
    unit = v.matrix.astype(np.float64) * v.inv_norms.astype(np.float64)[:, None]
    approx = copy.scales.astype(np.float64)[:, None] * copy.rows.astype(np.float64)
    assert (np.linalg.norm(unit - approx, axis=1) <= copy.errors).all()
    q = np.random.default_rng(9).standard_normal((50, v.dim))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    assert (np.abs(q @ unit.T - q @ approx.T) <= copy.errors + 1e-12).all()
    assert copy.errors.max() < (0.05 if kind == "int8" else 1e-3)


def test_nonfinite_rows_get_infinite_error():
    m = np.ones((3, 4), np.float32)
    m[1, 2] = np.nan
    v = tokvec.Vectors(["a", "b", "c"], m)
    copy = compact.quantize(v.matrix, v.inv_norms, "int8")
    assert copy.errors[1] == np.inf and (copy.rows[1] == 0).all() and np.isfinite(copy.errors[[0, 2]]).all()


@pytest.mark.parametrize("kind,keep", [("int8", None), ("float16", True)])
def test_every_query_identical_to_float32(kind, keep):
    v = _random()
    c = v.astype(kind, keep_float32=keep)
    assert c.dtype == np.float32 and c.compact.kind == kind
    for word in ("w1", "w12", "w7", "w400"):
        _same(c.most_similar(word, topn=10), v.most_similar(word, topn=10))
    _same(c.most_similar(["w1", "w2"], ["w3"], topn=15), v.most_similar(["w1", "w2"], ["w3"], topn=15))
    _same(c.most_similar("w5", topn=5, restrict=700), v.most_similar("w5", topn=5, restrict=700))
    _same(c.similar_by_vector(v["w9"] + 0.1), v.similar_by_vector(v["w9"] + 0.1))
    _same(c.most_similar_cosmul(["w1", "w2"], ["w3"]), v.most_similar_cosmul(["w1", "w2"], ["w3"]))
    _same(c.analogy("w1", "w2", "w3", topn=3, method="cosmul"), v.analogy("w1", "w2", "w3", topn=3, method="cosmul"))
    for ours, exact in zip(c.most_similar_batch([f"w{i}" for i in range(40)], topn=8),
                           v.most_similar_batch([f"w{i}" for i in range(40)], topn=8)):
        _same(ours, exact)
    assert c.most_similar("w1", topn=5000)[-1].row == v.most_similar("w1", topn=5000)[-1].row  # k > n - 1
    for a, b in (("w1", "w2"), ("w12", "w11"), ("w5", "w7")):
        assert c.rank(a, b) == v.rank(a, b)


@pytest.mark.filterwarnings("ignore:invalid value")
def test_nonfinite_kept_rows_rank_as_float32_does():
    v = _random()
    m = np.array(v.matrix)
    m[[20, 30]] = np.nan
    m[40, 3] = np.inf
    nan = tokvec.Vectors(v.tokens, m)
    c = nan.astype("int8")
    _same(c.most_similar("w1"), nan.most_similar("w1"))
    assert all(n.row not in (20, 30, 40) for n in c.most_similar("w1", topn=100))


def test_float16_only_equals_float32_search_over_the_rounded_values(real):
    half = real.astype("float16")
    widened = tokvec.Vectors(real.tokens, np.asarray(half.matrix, np.float32))
    assert bounded.scan_copy(half).kind == "rows"
    for word in ("king", "frog", "paris"):
        _same(half.most_similar(word), widened.most_similar(word))
    _same(half.most_similar_cosmul(["king", "woman"], ["man"]), widened.most_similar_cosmul(["king", "woman"], ["man"]))
    assert half.rank("king", "queen") == widened.rank("king", "queen")


@pytest.mark.parametrize("kind", ["int8", "float16"])
def test_real_vectors_identical_to_float32_and_to_gensim(real, kind):
    c = real.astype(kind, keep_float32=True)
    kv = gensim_kv(real)
    words = ["king", "frog", "computer", "paris", "the", "running"]
    for word in words:
        _same(c.most_similar(word), real.most_similar(word))
        assert_same_neighbours(c.most_similar(word), kv.most_similar(word, topn=10))
    assert_same_neighbours(c.most_similar(["king", "woman"], ["man"]), kv.most_similar(["king", "woman"], ["man"]))
    assert_same_neighbours(c.most_similar_cosmul(["king", "woman"], ["man"]),
                           kv.most_similar_cosmul(["king", "woman"], ["man"]))
    for ours, word in zip(c.most_similar_batch(words), words):
        assert_same_neighbours(ours, kv.most_similar(word, topn=10))
    assert c.rank("king", "queen") == kv.rank("king", "queen")


def test_word2vec_file_against_gensim(gensim_data, tmp_path):
    from gensim.models import KeyedVectors

    path = gensim_data / "EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt"
    kv = KeyedVectors.load_word2vec_format(str(path))
    tokvec.save(tokvec.load(path), tmp_path / "en.tokvec", dtype="int8")
    c = tokvec.load(tmp_path / "en.tokvec")
    assert c.compact.kind == "int8"
    for word in kv.index_to_key[:30:3]:
        assert_same_neighbours(c.most_similar(word), kv.most_similar(word, topn=10))


def test_evaluation_identical(real, tmp_path):
    from tokvec import evaluate

    tokvec.save(real, tmp_path / "g.tokvec", dtype="int8")
    c = tokvec.load(tmp_path / "g.tokvec")
    ours, exact = evaluate.evaluate_similarity(c, "wordsim353"), evaluate.evaluate_similarity(real, "wordsim353")
    assert ours.spearman == exact.spearman


def test_file_round_trip_and_features(tmp_path):
    safetensors = pytest.importorskip("safetensors.numpy")
    v = _random()
    tokvec.save(v, tmp_path / "i8.tokvec", dtype="int8")
    tokvec.save(v.astype("float16", keep_float32=True), tmp_path / "h.tokvec")
    for name, kind, tensors in (("i8", "int8", {"int8.codes", "int8.scales", "int8.errors"}),
                                ("h", "float16", {"float16.unit", "float16.errors"})):
        back = tokvec.load(tmp_path / f"{name}.tokvec")
        assert set(back.metadata["features"].split(",")) == {"index", kind} and back.metadata["matrix"] == "float32"
        assert back.metadata["requires"] == "" and back.compact.kind == kind
        assert tensors <= set(safetensors.load_file(tmp_path / f"{name}.tokvec"))
        _same(back.most_similar("w3"), v.most_similar("w3"))
        _same(back.limit(1000).most_similar("w3"), v.limit(1000).most_similar("w3"))
    tokvec.save(tokvec.load(tmp_path / "i8.tokvec").astype("float32"), tmp_path / "plain.tokvec")
    plain = tokvec.load(tmp_path / "plain.tokvec")
    assert plain.compact is None and plain.metadata["features"] == "index" and "int8.check" not in plain.metadata


def test_int8_only_is_approximate_and_says_so(tmp_path):
    v = _random(extras=False)
    tokvec.save(v.astype("int8", keep_float32=False), tmp_path / "only.tokvec")
    full = tmp_path / "full.tokvec"
    tokvec.save(v, full, dtype="int8")
    only = tokvec.load(tmp_path / "only.tokvec")
    assert only.dtype == np.int8 and only.metadata["matrix"] == "none" and only.metadata["requires"] == "int8"
    recall = float(only.metadata["int8.recall@10"])
    rows = np.random.default_rng(0).choice(len(v), 200, replace=False)
    assert recall == pytest.approx(compact.recall_at_10(v, only), abs=1e-9) and 0.8 < recall < 1.0
    tokvec.save(v, tmp_path / "plain.tokvec")
    rows_bytes = len(v) * v.dim * 3  # float32 rows (4 bytes a value) replaced by int8 codes (1 byte)
    saved = (tmp_path / "plain.tokvec").stat().st_size - (tmp_path / "only.tokvec").stat().st_size
    assert saved >= rows_bytes - 8 * len(v) - 1024  # + scales, errors, header
    found = only.most_similar_batch([v.token(int(i)) for i in rows[:20]])
    assert np.mean([len({n.row for n in a} & {n.row for n in v.most_similar(v.token(int(i)))}) / 10
                    for a, i in zip(found, rows[:20])]) > 0.7


def _tamper(path, tensor, row):
    head = path.read_bytes()
    (length,) = struct.unpack("<Q", head[:8])
    info = json.loads(head[8 : 8 + length])[tensor]
    dim = info["shape"][1]
    itemsize = {"I8": 1, "F16": 2, "F32": 4}[info["dtype"]]
    at = 8 + length + info["data_offsets"][0] + row * dim * itemsize
    data = bytearray(head)
    data[at] = (data[at] + 1) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind,tensor", [("int8", "int8.codes"), ("float16", "float16.unit"), ("int8", "vectors")])
def test_mismatched_block_is_refused(tmp_path, kind, tensor):
    v = _random()
    path = tmp_path / "v.tokvec"
    tokvec.save(v.astype(kind, keep_float32=True), path)
    _tamper(path, tensor, 0)
    with pytest.raises(FormatError, match=f"the {kind} block does not match.*--dtype {kind}"):
        tokvec.load(path)


def test_int8_needs_tokvec_format(tmp_path):
    with pytest.raises(tokvec.InvalidArgumentError, match="int8"):
        tokvec.save(_random(), tmp_path / "v.txt", dtype="int8")


def test_cli_convert_int8(tmp_path, capsys):
    from tokvec.cli import main

    v = _random()
    src = tmp_path / "v.tokvec"
    tokvec.save(v, src)
    for extra, matrix in (([], "float32"), (["--no-keep-float32"], "none")):
        out = tmp_path / f"i8{len(extra)}.tokvec"
        assert main(["convert", str(src), str(out), "--dtype", "int8", *extra]) == 0
        assert tokvec.load(out).metadata["matrix"] == matrix
    text = capsys.readouterr().out
    assert "approximate" in text and "recall@10" in text


def test_search_module_untouched_for_float32():
    v = _random()
    assert bounded.scan_copy(v) is None
    ids, scores = bounded.top_k(v, v.vector("w1", norm=True)[None, :], 5, exclude=[[1]])
    ref_ids, ref_scores = search.top_k(v.matrix, v.inv_norms, v.vector("w1", norm=True)[None, :], 5, exclude=[[1]])
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_array_equal(scores, ref_scores)


def test_torch_int8_sums_equal_their_twin():
    pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    rows = rng.integers(-127, 128, (333, 301), dtype=np.int8)
    rows[0] = 127
    rows[1] = -127
    codes = rng.integers(-127, 128, (7, 301), dtype=np.int8)
    codes[0] = -127
    np.testing.assert_array_equal(int8_batch.torch_sums(codes, rows), int8_batch.sums_reference(codes, rows))
    assert int8_batch.torch_sums(codes[:1], rows[:2]).tolist() == [[-127 * 127 * 301, 127 * 127 * 301]]


def _flavours():
    old = pytest.mark.skipif(not int8_batch.kernels().AVAILABLE, reason="llvmlite before 0.44")
    return [pytest.param(False, marks=old),
            pytest.param(True, marks=pytest.mark.skipif(not int8_batch.vnni(), reason="no AVX-512 VNNI"))]


def _pending(native, rows, codes, rscales, errors, lanes, first=0, last=None):
    """The kernel over rows ``[first, last)`` for one group of queries: (rows returned, their 16 sums)."""
    last = len(rows) if last is None else last
    pending, row_sums = int8_batch.kernels().compiled(rows.shape[1], native)
    rowsums = np.empty(len(rows), np.int32)
    row_sums(rows.ctypes.data, 0, len(rows), rowsums.ctypes.data)
    np.testing.assert_array_equal(rowsums, rows.astype(np.int64).sum(axis=1))
    out_rows, out_sums = np.empty(last - first, np.int32), np.empty((last - first, 16), np.int32)
    quads = int8_batch.pack(codes)[0]
    count = pending(rows.ctypes.data, first, last, quads.ctypes.data, rowsums.ctypes.data, rscales.ctypes.data,
                    errors.ctypes.data, lanes.ctypes.data, out_rows.ctypes.data, out_sums.ctypes.data)
    return out_rows[:count] + first, out_sums[:count]


@pytest.mark.parametrize("native", _flavours())
@pytest.mark.parametrize("n,dim,m", [(333, 301, 7), (100, 300, 16), (61, 50, 16), (17, 3, 2), (9, 4, 1), (8, 1, 5)])
def test_int8_kernel_sums_equal_their_twin(native, n, dim, m):
    rng = np.random.default_rng(n + dim + m)
    rows = rng.integers(-127, 128, (n, dim), dtype=np.int8)
    rows[0], rows[-1] = 127, -127
    codes = rng.integers(-127, 128, (m, dim), dtype=np.int8)
    codes[0] = -127
    lanes = np.zeros((4, 16), np.float32)
    lanes[3] = -np.inf  # every row returned
    got, sums = _pending(native, rows, codes, np.ones(n, np.float32), np.zeros(n, np.float32), lanes)
    np.testing.assert_array_equal(got, np.arange(n))
    shifted = sums.astype(np.int64) - 128 * rows.astype(np.int64).sum(axis=1)[:, None]  # the kernel's shift
    np.testing.assert_array_equal(shifted[:, :m].T, int8_batch.sums_reference(codes, rows))
    assert shifted[0, 0] == -127 * 127 * dim
    twin_rows, twin_sums = int8_batch.pending_reference(rows, codes, np.ones(n, np.float32), np.zeros(n, np.float32),
                                                        lanes)
    np.testing.assert_array_equal(twin_rows, got)
    np.testing.assert_array_equal(twin_sums[:, :m], sums[:, :m])


@pytest.mark.parametrize("native", _flavours())
def test_int8_kernel_selection_equals_its_twin(native):
    rng = np.random.default_rng(7)
    n, dim, m = 1000, 37, 11
    rows = rng.integers(-127, 128, (n, dim), dtype=np.int8)
    codes = rng.integers(-127, 128, (m, dim), dtype=np.int8)
    rscales = rng.uniform(1e-3, 2e-3, n).astype(np.float32)
    errors = rng.uniform(0, 0.02, n).astype(np.float32)
    errors[40] = np.inf
    lanes = np.zeros((4, 16), np.float32)
    lanes[0, :m] = rng.uniform(1e-3, 2e-3, m)  # scale, norm, slack, threshold per lane
    lanes[1, :m], lanes[2, :m] = rng.uniform(0.9, 1.1, m), rng.uniform(0, 1e-3, m)
    lanes[3, :m], lanes[3, m:] = rng.uniform(0.2, 0.6, m), np.inf
    for first, last in ((0, n), (3, 500), (992, 1000), (5, 9)):
        got, sums = _pending(native, rows, codes, rscales, errors, lanes, first, last)
        twin_rows, twin_sums = int8_batch.pending_reference(rows[first:last], codes, rscales[first:last],
                                                            errors[first:last], lanes)
        np.testing.assert_array_equal(got, twin_rows + first)
        np.testing.assert_array_equal(sums[:, :m], twin_sums[:, :m])
    got, _ = _pending(native, rows, codes, rscales, errors, lanes)
    assert 40 in got and 0 < len(got) < n // 4


def test_int8_candidates_in_chunks_and_threads_equal_one_pass(monkeypatch):
    v = _random(n=5000, dim=30, extras=False)  # no rows sharing a direction: float32 ties would hang on BLAS order
    c = v.astype("int8")
    words = [f"w{i}" for i in range(0, 5000, 97)]
    whole = c.most_similar_batch(words, topn=7)
    monkeypatch.setattr(int8_batch, "FIRST_ROWS", 64)  # many passes, many calls, thresholds updated often
    monkeypatch.setattr(int8_batch, "CHUNK_ROWS", 700)
    monkeypatch.setattr(int8_batch, "BLOCK_ROWS", 96)
    bounded._ROW_SUMS.clear()
    assert c.most_similar_batch(words, topn=7) == whole
    for ours, exact in zip(whole, v.most_similar_batch(words, topn=7)):
        _same(ours, exact)


def test_pack_lays_queries_out_as_the_kernel_reads_them():
    codes = np.arange(-8, 9, dtype=np.int8).reshape(17, 1).repeat(5, axis=1)  # 17 queries: two groups
    quads = int8_batch.pack(codes)
    assert quads.shape == (2, 2 * 16) and quads.dtype == np.int32
    lanes = quads.view(np.uint8).reshape(2, 2, 16, 4)  # (groups, words, lanes, bytes)
    assert lanes[0, 0, 0].tolist() == [120] * 4 and lanes[0, 1, 0].tolist() == [120, 0, 0, 0]
    assert lanes[1, 0, 0].tolist() == [136] * 4 and (lanes[1, :, 1:] == 0).all()  # lanes past m: zero


def test_int8_batch_bounds_hold():
    v = _random(extras=False)
    copy = compact.quantize(v.matrix, v.inv_norms, "int8")
    queries = np.stack([v.vector(i, norm=True) for i in range(0, 3000, 150)])
    codes, qscales, qerrors = int8_batch.quantize_queries(queries)
    residual = queries.astype(np.float64) - qscales.astype(np.float64)[:, None] * codes
    assert (np.linalg.norm(residual, axis=1) <= qerrors).all() and (qerrors < 0.05).all()
    approx = int8_batch.sums_reference(codes, copy.rows).astype(np.float32) * copy.scales[None, :] * qscales[:, None]
    exact = search.cosine_scores(v.matrix, v.inv_norms, queries[0], len(v))
    bound = (1 + qerrors[0]) * copy.errors + qerrors[0] + bounded.slack(v.dim)
    assert (np.abs(exact - approx[0]) <= bound).all()
    assert int8_batch.ready(copy, queries)
    assert not int8_batch.ready(copy, np.zeros_like(queries))  # a zero query: float32 GEMM path


def _routes():
    return [pytest.param("vnni", marks=pytest.mark.skipif(not int8_batch.vnni(), reason="no AVX-512 VNNI")),
            pytest.param("torch", marks=pytest.mark.skipif(not importlib.util.find_spec("torch"), reason="no torch")),
            None]


@pytest.mark.parametrize("route", _routes())
def test_int8_batch_identical_to_float32_and_to_one_by_one(real, monkeypatch, route):
    if route == "torch":
        import torch  # noqa: F401  (the route taken where torch is imported and the CPU has no VNNI)
    monkeypatch.setattr(int8_batch, "route", lambda: route)
    c = real.astype("int8")
    words = [real.token(i) for i in range(0, 30_000, 150)]
    assert int8_batch.ready(c.compact, np.stack([c.vector(w, norm=True) for w in words]))
    for ours, exact in zip(c.most_similar_batch(words[:30], topn=5, restrict=7_000),  # row sums of 7,000 rows
                           real.most_similar_batch(words[:30], topn=5, restrict=7_000)):
        _same(ours, exact)
    batch = c.most_similar_batch(words, topn=10)  # then the rest of them
    for ours, exact, word in zip(batch, real.most_similar_batch(words, topn=10), words):
        _same(ours, exact)
        _same(ours, real.most_similar(word, topn=10))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_int8_batch_in_a_forked_child(tmp_path):
    tokvec.save(_random(n=3000, dim=24), tmp_path / "v.tokvec", dtype="int8")
    code = ("import os, sys, tokvec; v = tokvec.load(sys.argv[1]); words = ['w1', 'w2', 'w3'];"
            "first = v.most_similar_batch(words); pid = os.fork()\n"
            "if pid == 0:\n    os._exit(0 if v.most_similar_batch(words) == first else 3)\n"
            "print(os.waitpid(pid, 0)[1])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v.tokvec")], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "0"  # the child's batch ran on its own threads (the parent's are not there)


def test_int8_batch_imports_neither_torch_nor_numba(tmp_path):
    tokvec.save(_random(n=300, dim=8), tmp_path / "v.tokvec", dtype="int8")  # a stored token index: no numba
    code = ("import sys, tokvec; v = tokvec.load(sys.argv[1]); v.most_similar_batch(['w1', 'w2', 'w3']); "
            "print('torch' in sys.modules, 'numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v.tokvec")], capture_output=True, text=True,
                          check=True)
    torch, numba = done.stdout.split()
    assert torch == "False"
    assert numba == str(not int8_batch.vnni())  # without VNNI: the float32 GEMM and numba's selection kernel


def test_block_select_kernel_equals_twin():
    rng = np.random.default_rng(4)
    k = bounded._kernels()
    approx = rng.standard_normal(5000).astype(np.float32)
    approx[17] = np.nan
    errors = rng.uniform(0, 0.2, 5000).astype(np.float32)
    errors[40] = np.inf
    heaps = np.empty(((5000 + k.BLOCK - 1) // k.BLOCK, 6), np.float32)
    uppers = np.empty(5000, np.float32)
    k.block_select(approx, errors, np.float32(0.9), np.float32(1e-4), heaps, uppers)
    bound = np.float32(0.9) * errors + np.float32(1e-4)
    np.testing.assert_array_equal(uppers, approx + bound)
    for b in range(len(heaps)):  # each block's heap: its 6 largest lower bounds (NaN left out)
        lower = (approx - bound)[b * k.BLOCK : (b + 1) * k.BLOCK]
        np.testing.assert_array_equal(np.sort(heaps[b]), np.sort(lower[~np.isnan(lower)])[-6:])
        assert all(heaps[b][(i - 1) // 2] <= heaps[b][i] for i in range(1, 6))


@pytest.mark.parametrize("route", _routes())
def test_int8_batch_restrict_arrays_ties_and_a_zero_query(monkeypatch, route):
    if route == "torch":
        import torch  # noqa: F401
    monkeypatch.setattr(int8_batch, "route", lambda: route)
    v = _random()
    c = v.astype("int8")
    words = ["w12", "w11", "w13", "w1", "w2999"]
    for ours, exact in zip(c.most_similar_batch(words, topn=7, restrict=900),
                           v.most_similar_batch(words, topn=7, restrict=900)):
        _same(ours, exact)  # w11/w12/w13 share a direction: ties broken by the lower row, as float32 does
    arrays = np.stack([v["w3"], -v["w4"], 1e-3 * v["w5"]])
    for ours, exact in zip(c.most_similar_batch(arrays, topn=5), v.most_similar_batch(arrays, topn=5)):
        _same(ours, exact)
    with_zero = ["w7", "w1"]  # w7 is a zero row: the batch takes the float32 GEMM path, same answers
    for ours, exact in zip(c.most_similar_batch(with_zero), v.most_similar_batch(with_zero)):
        _same(ours, exact)


def test_gather_reads_rows_of_a_mapped_file(tmp_path):
    m = np.arange(40 * 6, dtype="<f4").reshape(40, 6)
    np.save(tmp_path / "m.npy", m)
    mapped = np.load(tmp_path / "m.npy", mmap_mode="r")
    rows = np.array([0, 3, 17, 39])
    for matrix, expect in ((mapped, m), (mapped[5:30], m[5:30]), (m, m)):
        got = search.gather(matrix, rows[rows < len(expect)])
        np.testing.assert_array_equal(got, expect[rows[rows < len(expect)]])
    assert search.gather(mapped, np.empty(0, np.int64)).shape == (0, 6)


def test_select_kernel_scales_int32_sums_as_its_twin_does():
    rng = np.random.default_rng(6)
    sums = rng.integers(-2**22, 2**22, (2, 700)).astype(np.int32)
    rscales, qscales = rng.uniform(1e-4, 1e-2, 700).astype(np.float32), np.array([3e-3, 5e-3], np.float32)
    errors = rng.uniform(0, 0.05, 700).astype(np.float32)
    heaps, rows = np.full((2, 4), -np.inf, np.float32), np.empty((2, 700), np.int32)
    uppers, counts = np.empty((2, 700), np.float32), np.zeros(2, np.int64)
    qnorms, slacks = np.ones(2, np.float32), np.full(2, 1e-3, np.float32)
    bounded._kernels().select(sums, rscales, qscales, errors, qnorms, slacks, heaps, rows, uppers, counts)
    twin_heaps = np.full((2, 4), -np.inf, np.float32)
    approx = (sums.astype(np.float32) * rscales) * qscales[:, None]
    for q, (t_rows, t_ups) in enumerate(bounded.select_reference(approx, errors, qnorms, slacks, twin_heaps)):
        np.testing.assert_array_equal(rows[q, : counts[q]], t_rows)
        np.testing.assert_array_equal(uppers[q, : counts[q]], t_ups)
