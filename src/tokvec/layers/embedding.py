"""The embedding layer: a ``(num_embeddings, dim)`` weight matrix, looked up by id.

Its forward pass picks rows by id and its backward pass adds the output gradient back into the
rows that were used. That is exactly ``one_hot(ids) @ W`` (what a Linear layer on one-hot inputs
computes), without building the one-hot matrix or doing ``V`` multiply-adds per output value.
``OneHotLinear`` computes the long way on purpose, for teaching and tests, and ``lookup_cost`` puts
numbers on the difference. ``padding_idx`` names a row that stays zero and gets no gradient, as in
torch. torch is optional: ``to_torch``/``from_torch`` convert when it is installed.

Deliberately left out: optimisers, max_norm, sparse gradients.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .._plumbing.budget import budget, human
from .._plumbing.optional import require
from ..display.layers import EmbeddingDisplay, LookupCostDisplay
from ..errors import InvalidArgumentError
from ._gather import gather_rows
from ._torch_rng import torch_normal


def _check_ids(ids: np.ndarray | int | list, num_embeddings: int, what: str = "token id") -> np.ndarray:
    ids = np.asarray(ids)
    if ids.dtype.kind not in "iu":
        if ids.size == 0:
            ids = ids.astype(np.int64)
        else:
            raise InvalidArgumentError(f"{what}s must be integers, got dtype {ids.dtype}")
    if ids.size:
        lo, hi = int(ids.min()), int(ids.max())
        if lo < 0 or hi >= num_embeddings:
            bad = lo if lo < 0 else hi
            raise InvalidArgumentError(
                f"{what} {bad} is out of range: this table has {num_embeddings:,} rows, so valid ids are "
                f"0..{num_embeddings - 1}"
            )
    return ids.astype(np.int64, copy=False)


def check_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """``padding_idx`` as a row number in ``0..num_embeddings-1`` (negative counts from the end, as in torch)."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool) \
            or not -num_embeddings <= padding_idx < num_embeddings:
        raise InvalidArgumentError(f"padding_idx {padding_idx!r} is outside the table of {num_embeddings:,} rows; "
                                   f"use a row in 0..{num_embeddings - 1} (or -{num_embeddings}..-1 from the end)")
    return int(padding_idx) % num_embeddings


def _init_weight(num_embeddings: int, dim: int, seed: int | None, init: str) -> np.ndarray:
    if num_embeddings < 1 or dim < 1:
        raise InvalidArgumentError(f"an embedding table needs num_embeddings >= 1 and dim >= 1, "
                                   f"got ({num_embeddings}, {dim})")
    if init == "torch":
        if seed is None:
            raise InvalidArgumentError("init='torch' reproduces torch.manual_seed(seed); pass seed=")
        return torch_normal(seed, (num_embeddings, dim))
    if init == "normal":
        return np.random.default_rng(seed).standard_normal((num_embeddings, dim), dtype=np.float32)
    raise InvalidArgumentError(f"unknown init {init!r}; use 'torch' (torch's N(0, 1) stream) or 'normal'")


class Embedding(EmbeddingDisplay):
    """A lookup table of ``num_embeddings`` rows of length ``dim``, initialised from N(0, 1).

    With ``init="torch"`` (the default) and a seed, the weights are those of
    ``torch.manual_seed(seed); torch.nn.Embedding(num_embeddings, dim)``, computed without torch
    (identical for tables under 16 values; otherwise about 86 % of values are identical and the rest
    within a few float32 ulp, at most 3 measured up to 1000 x 64 and 5 at 30,522 x 384: see ``_torch_rng``).
    ``padding_idx`` is a row that is zero (also in a given ``weight``) and gets no gradient.

    >>> emb = Embedding(6, 3, seed=123)
    >>> emb([2, 3, 5, 1]).round(4)
    array([[ 1.2753, -0.201 , -0.1606],
           [-0.4015,  0.9666, -1.1481],
           [-2.84  , -0.7849, -1.4096],
           [ 0.9178,  1.581 ,  1.301 ]], dtype=float32)
    """

    def __init__(
        self,
        num_embeddings: int,
        dim: int,
        *,
        seed: int | None = None,
        weight: np.ndarray | None = None,
        init: Literal["torch", "normal"] = "torch",
        padding_idx: int | None = None,
    ):
        given = weight is not None
        if weight is not None:
            weight = np.array(weight, dtype=np.float32)
            if weight.shape != (num_embeddings, dim):
                raise InvalidArgumentError(f"weight must have shape ({num_embeddings}, {dim}), got {weight.shape}")
        else:
            weight = _init_weight(num_embeddings, dim, seed, init if seed is not None else "normal")
        self.padding_idx = check_padding_idx(padding_idx, weight.shape[0])
        if self.padding_idx is not None:
            weight[self.padding_idx] = 0.0
        self.weight = weight  # (V, C)
        self.init = "given weights" if given else f"{init} seed {seed}" if seed is not None else "normal, unseeded"
        self.grad: np.ndarray | None = None
        self._last_ids: np.ndarray | None = None

    @property
    def num_embeddings(self) -> int:
        return self.weight.shape[0]

    @property
    def dim(self) -> int:
        return self.weight.shape[1]

    def __repr__(self) -> str:
        padding = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"Embedding({self.num_embeddings}, {self.dim}{padding})"

    _repr_pretty_ = EmbeddingDisplay._repr_pretty_  # IPython prefers a class's own __repr__ to inherited views

    def __call__(self, ids: np.ndarray | int | list) -> np.ndarray:
        return self.forward(ids)

    def forward(self, ids: np.ndarray | int | list) -> np.ndarray:
        """Rows for ``ids`` of any shape: ``(*ids.shape,) -> (*ids.shape, dim)``."""
        ids = _check_ids(ids, self.num_embeddings)
        self._last_ids = ids
        return gather_rows(self.weight, ids)  # (*ids.shape, C)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Gradient of the loss w.r.t. ``weight`` given d(loss)/d(output) of the last forward.

        Each output row's gradient is added to the row it came from; repeated ids accumulate; the
        ``padding_idx`` row gets none. The result is also stored in ``self.grad`` (accumulating across
        calls, like torch).
        """
        if self._last_ids is None:
            raise InvalidArgumentError("backward() needs a forward() first")
        ids = self._last_ids
        grad_output = np.asarray(grad_output, dtype=np.float32)
        if grad_output.shape != (*ids.shape, self.dim):
            raise InvalidArgumentError(f"grad_output must have shape {(*ids.shape, self.dim)}, got {grad_output.shape}")
        grad = np.zeros_like(self.weight)  # (V, C)
        np.add.at(grad, ids.reshape(-1), grad_output.reshape(-1, self.dim))
        if self.padding_idx is not None:
            grad[self.padding_idx] = 0.0
        self.grad = grad if self.grad is None else self.grad + grad
        return grad

    def zero_grad(self) -> None:
        self.grad = None

    # -- torch interop -------------------------------------------------------------------------
    def to_torch(self):
        """A ``torch.nn.Embedding`` holding a copy of these weights (and the same ``padding_idx``)."""
        torch = require("torch", "torch", "PyTorch interop")
        module = torch.nn.Embedding(self.num_embeddings, self.dim, padding_idx=self.padding_idx)
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(self.weight))
        return module

    @classmethod
    def from_torch(cls, module) -> Embedding:
        """Copy the weights of a ``torch.nn.Embedding`` (or any 2-D weight tensor)."""
        weight = getattr(module, "weight", module)
        array = weight.detach().cpu().float().numpy()
        return cls(array.shape[0], array.shape[1], weight=array, padding_idx=getattr(module, "padding_idx", None))


class OneHotLinear:
    """The same table used the long way: ``one_hot(ids, V) @ W`` (a bias-free Linear on one-hot rows).

    Gives exactly the rows ``Embedding`` looks up, at ``V`` multiply-adds per output value.
    """

    def __init__(self, weight: np.ndarray):
        self.weight = np.asarray(weight, dtype=np.float32)  # (V, C)

    def __call__(self, ids: np.ndarray | int | list) -> np.ndarray:
        ids = _check_ids(ids, self.weight.shape[0])
        one_hot = np.zeros((ids.size, self.weight.shape[0]), dtype=np.float32)  # (N, V)
        one_hot[np.arange(ids.size), ids.reshape(-1)] = 1.0
        return (one_hot @ self.weight).reshape(*ids.shape, self.weight.shape[1])  # (*ids.shape, C)


def one_hot(ids: np.ndarray | list, num_classes: int) -> np.ndarray:
    """``(*ids.shape, num_classes)`` float32 one-hot rows."""
    ids = _check_ids(ids, num_classes)
    out = np.zeros((*ids.shape, num_classes), dtype=np.float32)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


@dataclass(frozen=True)
class LookupCost(LookupCostDisplay):
    """What looking up ``n_ids`` rows of a ``(vocab, dim)`` table costs, both ways."""

    vocab: int
    dim: int
    n_ids: int
    lookup_bytes: int  # rows read + output written
    onehot_flops: int  # 2 * n * V * C multiply-adds
    onehot_bytes: int  # one-hot matrix + whole table + output
    lookup_seconds: float | None = None
    onehot_seconds: float | None = None
    _repr_pretty_ = LookupCostDisplay._repr_pretty_  # not a field: IPython's text view (see EmbeddingDisplay)

    @property
    def flop_ratio(self) -> float:
        """One-hot FLOPs per byte a lookup moves: the lookup itself does no arithmetic."""
        return self.onehot_flops / max(1, self.lookup_bytes)

    @property
    def speedup(self) -> float | None:
        if self.lookup_seconds and self.onehot_seconds:
            return self.onehot_seconds / self.lookup_seconds
        return None


def lookup_cost(vocab: int, dim: int, n_ids: int, *, measure: bool = False, seed: int = 0,
                repeat: int = 3) -> LookupCost:
    """FLOPs and bytes of lookup vs one-hot x Linear, and (``measure=True``) their measured times.

    Measuring builds a random ``(vocab, dim)`` table and runs both forms: the one-hot product does
    ``onehot_flops`` and allocates an ``(n_ids, vocab)`` one-hot matrix, so its time grows with
    ``n_ids`` (GPT-2's 50,257 x 768 table: about 0.15 s for 256 ids, 5 s for 8,192 on 2 cores). Each
    form is timed ``repeat`` times (best of), but a form that takes over a second is run only once;
    a one-hot matrix over the memory budget (``$TOKVEC_MEMORY_BUDGET``, default half the memory) is
    refused before anything is allocated.

    >>> cost = lookup_cost(50_257, 768, 8)
    >>> f"{cost.onehot_flops:,}"
    '617,558,016'
    """
    lookup_bytes = 2 * n_ids * dim * 4
    onehot_flops = 2 * n_ids * vocab * dim
    onehot_bytes = (n_ids * vocab + vocab * dim + n_ids * dim) * 4
    if not measure:
        return LookupCost(vocab, dim, n_ids, lookup_bytes, onehot_flops, onehot_bytes)
    if onehot_bytes > budget():
        raise InvalidArgumentError(f"measuring one-hot x Linear for {n_ids:,} ids of a {vocab:,} x {dim} table "
                                   f"would allocate {human(onehot_bytes)}, over the memory budget of "
                                   f"{human(budget())}; use fewer ids, or measure=False for the counts alone")
    rng = np.random.default_rng(seed)
    table = Embedding(vocab, dim, weight=rng.standard_normal((vocab, dim), dtype=np.float32))
    ids = rng.integers(0, vocab, n_ids)
    dense = OneHotLinear(table.weight)
    table(ids)  # compiles (or loads) the gather kernel outside the timing
    t_lookup, rows = _best_time(lambda: table(ids), repeat)
    t_onehot, product = _best_time(lambda: dense(ids), repeat)
    if not np.array_equal(rows, product):
        raise AssertionError("one-hot x Linear and lookup disagree")  # cannot happen: exact 0/1 products
    return LookupCost(vocab, dim, n_ids, lookup_bytes, onehot_flops, onehot_bytes, t_lookup, t_onehot)


def _best_time(func: Callable[[], np.ndarray], repeat: int, enough: float = 1.0) -> tuple[float, np.ndarray]:
    """The best of up to ``repeat`` timed calls (no more once one took over ``enough`` seconds), and the result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
        if best > enough:
            break
    return best, result
