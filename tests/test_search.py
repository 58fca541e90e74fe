"""The chunked top-k kernel against its whole-matrix NumPy twin."""

from __future__ import annotations

import numpy as np
import pytest

from tokvec.search import exact as search


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("n_queries", [1, 3, 17])
@pytest.mark.parametrize("chunk_bytes", [1, 4096, 1 << 25])
def test_top_k_matches_reference(dtype, n_queries, chunk_bytes):
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(2000, 24)).astype(dtype)
    queries = _unit(rng.normal(size=(n_queries, 24)))
    exclude = [[int(i) for i in rng.choice(2000, 3, replace=False)] for _ in range(n_queries)]
    inv = search.inverse_norms(search.row_norms(matrix))
    ids, scores = search.top_k(matrix, inv, queries, 12, exclude=exclude, chunk_bytes=chunk_bytes)
    ref_ids, ref_scores = search.reference_top_k(matrix, queries, 12, exclude=exclude)
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_allclose(scores, ref_scores, atol=1e-5)


def test_stop_and_small_k():
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(50, 4)).astype(np.float32)
    q = _unit(rng.normal(size=(2, 4)))
    inv = search.inverse_norms(search.row_norms(matrix))
    ids, _ = search.top_k(matrix, inv, q, 100, stop=10, chunk_bytes=1)
    assert ids.shape == (2, 10) and ids.max() < 10
    ref, _ = search.reference_top_k(matrix, q, 100, stop=10)
    np.testing.assert_array_equal(ids, ref)


def test_excluded_rows_never_returned_even_when_k_exceeds_rest():
    matrix = np.eye(3, dtype=np.float32)
    ids, scores = search.top_k(matrix, np.ones(3, np.float32), matrix[:1], 5, exclude=[[0]])
    assert 0 not in ids[0] and ids.shape[1] == 2 and np.isfinite(scores).all()


def test_row_norms_chunked():
    matrix = np.random.default_rng(0).normal(size=(1000, 7)).astype(np.float16)
    np.testing.assert_allclose(search.row_norms(matrix, chunk_bytes=64),
                               np.linalg.norm(matrix.astype(np.float64), axis=1), rtol=1e-5)
