"""Time the projections behind ``tokvec plot`` on the N most frequent GloVe tokens (default 10,000).

PCA is tokvec's NumPy SVD against scikit-learn's ``PCA(svd_solver="full")`` (best of 3); t-SNE
(scikit-learn) and UMAP (umap-learn) run once each, as ``tokvec plot --method tsne|umap`` runs them
(seeded; a seeded UMAP uses one thread). UMAP's first call compiles its numba kernels: that is
timed separately on 200 points; an unseeded run (``--unseeded``, all threads) is timed too.
Each row also shows the CPU time the process used: on a machine shared with other work, CPU time
well below wall time x threads means the run waited for a core.

    python bench/plot_projection.py [--points 10000] [--skip-tsne] [--skip-umap]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import tokvec
from tokvec.plot.projection import fit_pca, project

sys.path.insert(0, str(Path(__file__).parent))
from _common import environment  # noqa: E402


def measure(func: Callable[[], object], repeat: int = 1) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of the fastest of ``repeat`` calls."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        result = (time.perf_counter() - wall, time.process_time() - cpu)
        best = min(best, result)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--skip-tsne", action="store_true")
    parser.add_argument("--skip-umap", action="store_true")
    args = parser.parse_args()

    v = tokvec.load("glove")
    n = args.points
    unit = v[np.arange(n)] * v.inv_norms[:n, None]  # (n, 50) unit vectors, as tokvec plot projects them
    print(environment())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{n:,} points x {v.dim} dims (the most frequent GloVe 6B tokens)\n")
    rows: list[tuple[str, tuple[float, float], str]] = []

    ours = measure(lambda: fit_pca(unit, 2).transform(unit), repeat=3)
    rows.append(("PCA, tokvec (NumPy SVD)", ours, "best of 3"))
    try:
        from sklearn.decomposition import PCA

        theirs = measure(lambda: PCA(2, svd_solver="full").fit_transform(unit.astype(np.float64)), repeat=3)
        rows.append(("PCA, scikit-learn (svd_solver='full')", theirs, f"best of 3; tokvec {theirs[0] / ours[0]:.1f}x"))
    except ImportError:
        pass

    if not args.skip_tsne:
        rows.append(("t-SNE, scikit-learn (Barnes-Hut, seeded)", measure(lambda: project(unit, "tsne", 2, seed=0)),
                     "one run"))

    if not args.skip_umap:
        first = measure(lambda: project(unit[:200], "umap", 2, seed=0))  # numba compiles umap's kernels
        rows.append(("UMAP first call, 200 points (import + numba compile)", first, "once"))
        rows.append(("UMAP, umap-learn (seeded, the default: one thread)",
                     measure(lambda: project(unit, "umap", 2, seed=0)), "one run"))
        rows.append(("UMAP, umap-learn (unseeded, `--unseeded`: all threads)",
                     measure(lambda: project(unit, "umap", 2, seed=None)), "one run"))

    print(f"| projection of {n:,} points to 2-D | wall time | CPU time | note |\n|---|---:|---:|---|")
    for name, (wall, cpu), note in rows:
        print(f"| {name} | {_fmt(wall)} | {_fmt(cpu)} | {note} |")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


if __name__ == "__main__":
    main()
