"""Neighbourhoods and the comparison of two vector sets: toy cases first, then oracles (SciPy, brute force)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tokvec
from tokvec.analysis.compare import compare, procrustes
from tokvec.analysis.neighbourhoods import (
    cosines,
    mean_overlap,
    nearest,
    nearest_cosine,
    nearest_euclidean,
    row_overlap,
)
from tokvec.cli import main
from tokvec.errors import InvalidArgumentError


def _random_set(rng, n=60, dim=8, prefix="w"):
    return tokvec.Vectors([f"{prefix}{i}" for i in range(n)], rng.standard_normal((n, dim)).astype(np.float32))


# -- neighbourhoods -------------------------------------------------------------------------------------
def test_nearest_on_paper():
    sims = np.array([[1.0, 0.9, 0.1, 0.9], [0.9, 1.0, 0.2, 0.0], [0.1, 0.2, 1.0, 0.3], [0.9, 0.0, 0.3, 1.0]])
    assert nearest(sims, 2).tolist() == [[1, 3], [0, 2], [3, 1], [0, 2]]  # the tie 0.9/0.9 goes to position 1
    assert row_overlap(np.array([[1, 3]]), np.array([[3, 2]])).tolist() == [0.5]
    with pytest.raises(InvalidArgumentError, match="need more than 4 points"):
        nearest(sims, 4)


def test_nearest_matches_brute_force():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 6))
    brute_cos = [sorted((j for j in range(40) if j != i), key=lambda j: -float(x[i] @ x[j] / np.linalg.norm(x[i])
                                                                              / np.linalg.norm(x[j])))[:5]
                 for i in range(40)]
    assert nearest(cosines(x), 5).tolist() == brute_cos
    assert nearest_cosine(x, 5, block=7).tolist() == brute_cos  # blocked: the same answer
    brute_euc = [sorted((j for j in range(40) if j != i), key=lambda j: float(np.linalg.norm(x[i] - x[j])))[:5]
                 for i in range(40)]
    assert nearest_euclidean(x, 5).tolist() == brute_euc
    assert mean_overlap(nearest_cosine(x, 5), nearest_cosine(x * 3.0, 5)) == 1.0  # cosines ignore scale


# -- Procrustes -----------------------------------------------------------------------------------------
def test_procrustes_matches_scipy():
    linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((50, 7)), rng.standard_normal((50, 7))
    expected, _ = linalg.orthogonal_procrustes(x, y)
    r = procrustes(x, y)
    assert np.allclose(r, expected) and np.allclose(r @ r.T, np.eye(7))


def test_rotated_copy_is_recovered():
    rng = np.random.default_rng(3)
    a = _random_set(rng)
    q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    b = tokvec.Vectors(a.tokens[::-1], (a.matrix @ q)[::-1].copy())  # rotated, rows in another order
    result = compare(a, b, k=5, probe=60)
    assert result.shared == 60 and result.probe_size == 60
    assert result.overlap == 1.0 and result.aligned_cosine == pytest.approx(1.0)
    assert result.residual < 1e-6 and np.allclose(result.rotation, q, atol=1e-5)


def test_drift_ranks_the_moved_token_first():
    rng = np.random.default_rng(4)
    a = _random_set(rng)
    moved = a.matrix.copy()
    moved[7] = a.matrix[30] * 1.01 + 0.01  # w7 now sits on top of w30
    b = tokvec.Vectors(a.tokens, moved)
    result = compare(a, b, k=5, probe=60, words=["w7", "w1", "nope"], top=3)
    assert result.drift[0].token == "w7" and result.drift[0].overlap < 1.0
    assert result.drift[0].neighbours_b[0] == "w30"
    assert [w.token for w in result.words] == ["w7", "w1"] and result.missing_words == ("nope",)
    expected = row_overlap(nearest_cosine(a.matrix, 5), nearest_cosine(moved, 5))
    assert result.overlap == pytest.approx(expected.mean())
    assert len(result.drift) == 3 and [d.overlap for d in result.drift] == sorted(d.overlap for d in result.drift)


def test_different_dimensions_and_partial_vocabularies():
    rng = np.random.default_rng(5)
    a = _random_set(rng, n=40, dim=6)
    b = tokvec.Vectors([f"w{i}" for i in range(20, 70)], rng.standard_normal((50, 9)).astype(np.float32))
    result = compare(a, b, k=3, probe=100)
    assert result.shared == 20 and result.probe_size == 20 and result.rotation.shape == (9, 9)
    assert 0.0 <= result.overlap <= 1.0 and json.loads(json.dumps(result.to_json()))["shared"] == 20


@pytest.mark.parametrize("kwargs,needle", [({"k": 0}, "k must be"), ({"probe": 1}, "probe must be"),
                                           ({"k": 60}, "share"), ({"top": -1}, "top must be")])
def test_bad_arguments(kwargs, needle):
    rng = np.random.default_rng(6)
    a = _random_set(rng)
    with pytest.raises(InvalidArgumentError, match=needle):
        compare(a, a, **{"k": 5, **kwargs})


def test_nothing_shared():
    rng = np.random.default_rng(7)
    with pytest.raises(InvalidArgumentError, match="share 0 non-special"):
        compare(_random_set(rng), _random_set(rng, prefix="x"))


def test_public_name_and_cli(capsys, tmp_path):
    rng = np.random.default_rng(8)
    a = _random_set(rng)
    path = tmp_path / "a.tokvec"
    tokvec.save(a, path)
    b = tokvec.Vectors(a.tokens, a.matrix + 0.3 * rng.standard_normal(a.matrix.shape).astype(np.float32))
    tokvec.save(b, tmp_path / "b.tokvec")
    assert tokvec.compare is compare
    code = main(["compare", str(path), str(tmp_path / "b.tokvec"), "-w", "w3", "-k", "4", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["overlap"] == pytest.approx(compare(a, b, k=4).overlap, abs=1e-6)
    assert data["words"][0]["token"] == "w3" and len(data["words"][0]["neighbours_a"]) == 4
    code = main(["compare", str(path), str(tmp_path / "b.tokvec"), "-w", "w3", "-k", "4"])
    out, _ = capsys.readouterr()
    assert code == 0 and "overlap@4" in out and "drifted most" in out
    code = main(["compare", str(path), str(path), "-k", "100"])
    _, err = capsys.readouterr()
    assert code == 1 and "lower k" in err and "Traceback" not in err
