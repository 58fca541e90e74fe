"""Optional extras in one place: ``require(module, extra, feature)`` imports a module or explains the fix.

Every optional third-party package tokvec uses (torch, tokenizers, faiss, matplotlib, plotly,
scikit-learn, umap-learn, fastapi, the data packages) is imported through :func:`require`, so a
missing one always gives the same one-line ``MissingDependencyError`` naming the extra to install.
numba is a required dependency, but it is imported only where a kernel runs; that goes through here
too, so ``import tokvec`` stays light.

Deliberately left out: version checks (pip's resolver does them) and import hooks.

>>> require("json", "none", "reading JSON").dumps([1])
'[1]'
>>> require("no_such_module_xyz", "plot", "PNG plots")
Traceback (most recent call last):
...
tokvec.errors.MissingDependencyError: PNG plots needs the optional package 'no_such_module_xyz'. Install it with: pip install 'tokvec[plot]'
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingDependencyError


def require(module: str, extra: str, feature: str, *, package: str | None = None,
            install: str | None = None) -> ModuleType:
    """Import ``module`` (dotted names allowed) or raise ``MissingDependencyError``.

    ``extra`` is the tokvec extra that installs it (``pip install 'tokvec[extra]'``), ``feature``
    what needs it (the message starts with it), ``package`` the PyPI name when it differs from the
    module's (``scikit-learn`` for ``sklearn``), ``install`` a whole install command instead.
    Only a missing top-level package is reported this way: an ImportError raised *inside* an
    installed package (a broken install) propagates unchanged, so its real cause stays visible.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing != module.split(".")[0]:
            raise
        raise MissingDependencyError(package or missing, extra, feature, install=install) from None
