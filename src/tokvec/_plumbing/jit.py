"""numba for tokvec's kernel modules, imported without the scipy import its BLAS probe makes on the way.

The first time a process compiles a numba function, or loads one from numba's cache, numba imports
``numba.np.arraymath``, whose module-level ``_check_blas()`` imports ``scipy.linalg.cython_blas`` only to
learn whether a BLAS is there: 0.15-0.2 s of a command that takes well under a second. What it learns picks
the inner product of ``np.correlate`` and ``np.convolve`` in compiled code (a plain loop without it);
``np.dot`` and ``np.linalg`` check for scipy themselves when they compile. tokvec's kernels use none of these,
so this module imports ``numba.np.arraymath`` with that one import made to fail, then lets it work again:
scipy is imported when something needs it. Every ``*_kernels`` module imports numba from here.
"""

from __future__ import annotations

import sys

import numba

_PROBE = "scipy.linalg.cython_blas"

if "numba.np.arraymath" not in sys.modules and _PROBE not in sys.modules:
    sys.modules[_PROBE] = None  # type: ignore[assignment]  # "import scipy.linalg.cython_blas" raises ImportError
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if sys.modules.get(_PROBE, 0) is None:
            del sys.modules[_PROBE]

__all__ = ["numba"]
