"""The embedding layer against torch (when installed) and hand-computed cases."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from tokvec import InvalidArgumentError
from tokvec.layers import (
    Embedding,
    OneHotLinear,
    PositionalEmbedding,
    TokenAndPositionEmbedding,
    embedding,
    lookup_cost,
    one_hot,
    sinusoidal_table,
)
from tokvec.layers._gather import gather_rows, gather_rows_reference
from tokvec.layers._torch_rng import torch_normal

# -- without torch: hand-checked cases ----------------------------------------------------------


def test_lookup_shapes_and_values():
    emb = Embedding(5, 2, weight=np.arange(10, dtype=np.float32).reshape(5, 2))
    assert emb(3).tolist() == [6.0, 7.0]
    assert emb([0, 4]).tolist() == [[0.0, 1.0], [8.0, 9.0]]
    assert emb(np.array([[1, 1], [2, 0]])).shape == (2, 2, 2)


def test_backward_accumulates_repeated_ids():
    emb = Embedding(4, 2, weight=np.zeros((4, 2), np.float32))
    emb(np.array([1, 3, 1]))
    grad = emb.backward(np.array([[1, 2], [3, 4], [10, 20]], np.float32))
    assert grad.tolist() == [[0, 0], [11, 22], [0, 0], [3, 4]]


def test_out_of_range_ids_are_clear():
    emb = Embedding(6, 3, seed=1)
    message = "token id 6 is out of range: this table has 6 rows, so valid ids are 0..5"
    with pytest.raises(InvalidArgumentError, match=message):
        emb([1, 6])
    with pytest.raises(InvalidArgumentError, match="token id -1 is out of range"):
        emb([-1])
    with pytest.raises(InvalidArgumentError, match="must be integers"):
        emb([1.5])


def test_one_hot_linear_equals_lookup_exactly():
    emb = Embedding(50, 7, seed=3)
    ids = np.random.default_rng(0).integers(0, 50, (3, 5))
    np.testing.assert_array_equal(OneHotLinear(emb.weight)(ids), emb(ids))
    assert one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_lookup_cost_numbers():
    cost = lookup_cost(50_257, 768, 8)
    assert cost.onehot_flops == 2 * 8 * 50_257 * 768
    assert cost.lookup_bytes == 2 * 8 * 768 * 4
    measured = lookup_cost(2_000, 64, 32, measure=True, repeat=1)
    assert measured.lookup_seconds > 0 and measured.onehot_seconds > 0


def test_measuring_lookup_cost_is_bounded(monkeypatch):
    with pytest.raises(InvalidArgumentError, match=r"would allocate .* over the memory budget.*measure=False"):
        lookup_cost(10**6, 10**4, 10**6, measure=True)  # a 4 TB one-hot matrix: refused, nothing allocated
    monkeypatch.setenv("TOKVEC_MEMORY_BUDGET", "1M")
    with pytest.raises(InvalidArgumentError):
        lookup_cost(2_000, 64, 256, measure=True)
    calls = []
    assert embedding._best_time(lambda: calls.append(1) or np.zeros(1), 5, enough=-1.0)[1] is not None
    assert len(calls) == 1  # a slow form runs once, not `repeat` times
    embedding._best_time(lambda: calls.append(1) or np.zeros(1), 5, enough=10.0)
    assert len(calls) == 6


def test_sinusoidal_hand_computed():
    table = sinusoidal_table(3, 4)
    # pos 2: dims (0,1) use rate 1, dims (2,3) use rate 1/100
    expected = [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)]
    np.testing.assert_allclose(table[2], expected, rtol=1e-6)
    assert table[0].tolist() == [0, 1, 0, 1]
    assert sinusoidal_table(2, 5).shape == (2, 5)  # odd dim: the last column is a sine


def test_token_and_position_embedding():
    layer = TokenAndPositionEmbedding(10, 4, 3, positions="sinusoidal", seed=0)
    ids = np.array([[1, 2, 3], [4, 5, 6]])
    out = layer(ids)
    assert out.shape == (2, 3, 3)
    np.testing.assert_allclose(out[1, 2], layer.tokens.weight[6] + sinusoidal_table(4, 3)[2], rtol=1e-6)
    learned = TokenAndPositionEmbedding(10, 4, 3, seed=0)
    np.testing.assert_allclose(learned(ids)[0, 1], learned.tokens.weight[2] + learned.positions.weight[1])
    with pytest.raises(InvalidArgumentError, match="exceeds the context length 4"):
        layer(np.zeros((1, 5), int))
    with pytest.raises(InvalidArgumentError, match="position 9 is out of range"):
        PositionalEmbedding(4, 3)([9])


@pytest.mark.parametrize("shape", [(10,), (3, 7), (2, 3, 4), (9000,)])
def test_gather_kernel_equals_numpy_twin(shape):
    table = np.random.default_rng(0).standard_normal((300, 16)).astype(np.float32)
    ids = np.random.default_rng(1).integers(0, 300, shape)
    np.testing.assert_array_equal(gather_rows(table, ids), gather_rows_reference(table, ids))


def test_import_without_torch_in_subprocess():
    code = "import sys; sys.modules['torch'] = None; import tokvec, tokvec.layers; " \
           "e = tokvec.layers.Embedding(6, 3, seed=123); print(e([2]).shape)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "(1, 3)"


# -- torch as the oracle ---------------------------------------------------------------------------
torch = pytest.importorskip("torch")


def test_seed_123_reproduces_torch():
    torch.manual_seed(123)
    expected = torch.nn.Embedding(6, 3).weight.detach().numpy()
    ours = Embedding(6, 3, seed=123).weight
    np.testing.assert_allclose(ours, expected, rtol=0, atol=3e-7)  # one float32 ulp at most
    assert np.array_equal(ours.round(4), expected.round(4))


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many float32 steps apart each pair of values is."""
    def ordered(x):
        bits = x.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    return np.abs(ordered(a) - ordered(b))


@pytest.mark.parametrize(("shape", "seed", "most_ulps"), [((6, 3), 123, 1), ((100, 50), 123, 3), ((1000, 64), 123, 3),
                                                          ((1000, 64), 0, 3), ((4097, 3), 5, 3)])
def test_seeded_weights_are_the_documented_ulps_from_torchs(shape, seed, most_ulps):
    torch.manual_seed(seed)
    expected = torch.nn.Embedding(*shape).weight.detach().numpy()
    ours = Embedding(*shape, seed=seed).weight
    ulps = _ulps(ours, expected)
    assert ulps.max() <= most_ulps and (ulps == 0).mean() > 0.8  # the README's and _torch_rng's numbers
    assert np.abs(ours - expected).max() < 1e-6
    if ours.size <= 5000:
        assert np.array_equal(ours.round(4), expected.round(4))


@pytest.mark.parametrize("shape", [(2, 3), (3, 5), (50, 7), (1000, 16), (17, 1)])
def test_torch_normal_stream(shape):
    torch.manual_seed(7)
    expected = torch.empty(shape).normal_().numpy()
    np.testing.assert_allclose(torch_normal(7, shape), expected, rtol=0, atol=5e-7)


@pytest.mark.parametrize("ids", [np.int64(2), np.array([2, 3, 5, 1]), np.array([[2, 3, 5, 1], [0, 0, 4, 4]])])
def test_lookup_equals_torch(ids):
    emb = Embedding(6, 3, seed=123)
    module = emb.to_torch()
    expected = module(torch.as_tensor(ids)).detach().numpy()
    np.testing.assert_array_equal(emb(ids), expected)


def test_backward_equals_autograd_with_repeats():
    emb = Embedding(8, 4, seed=5)
    module = emb.to_torch()
    ids = np.array([[1, 3, 1], [7, 1, 0]])
    grad_out = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    out = module(torch.as_tensor(ids))
    out.backward(torch.from_numpy(grad_out))
    emb(ids)
    np.testing.assert_allclose(emb.backward(grad_out), module.weight.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_from_torch_round_trip():
    module = torch.nn.Embedding(5, 2)
    emb = Embedding.from_torch(module)
    np.testing.assert_array_equal(emb.weight, module.weight.detach().numpy())


# -- padding_idx, against torch.nn.Embedding -------------------------------------------------------
@pytest.mark.parametrize("padding_idx", [0, 3, -1])
def test_padding_idx_init_equals_torch(padding_idx):
    torch.manual_seed(11)
    expected = torch.nn.Embedding(6, 4, padding_idx=padding_idx).weight.detach().numpy()
    ours = Embedding(6, 4, seed=11, padding_idx=padding_idx)
    np.testing.assert_allclose(ours.weight, expected, rtol=0, atol=5e-7)
    assert not ours.weight[padding_idx].any()
    assert ours.padding_idx == padding_idx % 6


def test_padding_idx_gets_no_gradient_like_torch():
    emb = Embedding(8, 4, seed=5, padding_idx=1)
    module = emb.to_torch()
    assert module.padding_idx == 1
    ids = np.array([[1, 3, 1], [7, 1, 0]])  # the padding row is used three times
    grad_out = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    module(torch.as_tensor(ids)).backward(torch.from_numpy(grad_out))
    emb(ids)
    ours = emb.backward(grad_out)
    np.testing.assert_allclose(ours, module.weight.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert not ours[1].any() and ours[3].any()
    np.testing.assert_array_equal(emb([1, 1]), np.zeros((2, 4), np.float32))
    assert Embedding.from_torch(module).padding_idx == 1


@pytest.mark.parametrize("bad", [6, -7, 2.0, True])
def test_padding_idx_outside_the_table_is_one_clear_error(bad):
    from tokvec.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="padding_idx .* outside the table of 6 rows"):
        Embedding(6, 3, seed=1, padding_idx=bad)
