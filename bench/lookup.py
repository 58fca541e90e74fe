"""Embedding lookup at GPT-2 shape: tokvec vs torch.nn.Embedding vs one-hot x Linear, in one run.

Table 50,257 x 768 (GPT-2's ``wte``), 8,192 random ids. Times (best of several runs):

- tokvec ``Embedding.__call__`` (parallel row gather)
- ``torch.nn.Embedding`` forward (no grad)
- one-hot x Linear in NumPy (``one_hot(ids) @ W``, building the one-hot included) and in torch
  (``F.one_hot(ids).float() @ W``)
- a plain memory copy of the same number of bytes (``np.copyto``): the bandwidth ceiling

    python bench/lookup.py [--ids 8192] [--onehot-ids 8192]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import environment, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", type=int, default=50_257)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--ids", type=int, default=8_192)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    import torch

    from tokvec.layers import Embedding, OneHotLinear

    rng = np.random.default_rng(0)
    weight = rng.standard_normal((args.vocab, args.dim), dtype=np.float32)
    ids = rng.integers(0, args.vocab, args.ids)
    ours = Embedding(args.vocab, args.dim, weight=weight)
    module = torch.nn.Embedding(args.vocab, args.dim)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(weight))
    torch_ids = torch.from_numpy(ids)
    dense = OneHotLinear(weight)
    torch_weight = torch.from_numpy(weight)
    out = np.empty((args.ids, args.dim), np.float32)
    source = weight[: args.ids].copy()

    t_ours, result = timed(lambda: ours(ids), repeat=args.repeat)
    with torch.no_grad():
        t_torch, theirs = timed(lambda: module(torch_ids), repeat=args.repeat)
        t_torch_onehot, torch_dense = timed(
            lambda: torch.nn.functional.one_hot(torch_ids, args.vocab).float() @ torch_weight, repeat=2)
    t_copy, _ = timed(lambda: np.copyto(out, source), repeat=args.repeat)
    t_onehot, numpy_dense = timed(lambda: dense(ids), repeat=2)
    assert np.array_equal(result, theirs.numpy()) and np.array_equal(result, numpy_dense)
    assert np.array_equal(result, torch_dense.numpy())

    moved = 2 * args.ids * args.dim * 4  # read the rows, write the output
    print(f"lookup of {args.ids:,} ids in a {args.vocab:,} x {args.dim} table; {environment()}, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads)\n")
    print("| method | time | vs tokvec | effective bandwidth |")
    print("|---|---:|---:|---:|")
    rows = [("tokvec Embedding (lookup)", t_ours), ("torch.nn.Embedding forward", t_torch),
            ("memory copy of the same bytes (np.copyto)", t_copy),
            ("one-hot x Linear, NumPy", t_onehot), ("one-hot x Linear, torch", t_torch_onehot)]
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1e3:.3f} ms | {seconds / t_ours:.2f}x | {moved / seconds / 1e9:.1f} GB/s |")
    print(f"\ntokvec lookup: {t_onehot / t_ours:,.0f}x faster than one-hot x Linear (NumPy), "
          f"{t_torch_onehot / t_ours:,.0f}x faster than one-hot x Linear (torch), "
          f"{t_torch / t_ours:.2f}x torch.nn.Embedding's speed, {t_copy / t_ours:.0%} of copy bandwidth. "
          "All four give identical rows.")


if __name__ == "__main__":
    main()
