"""``tokvec serve``: a local web explorer over one or more ``Vectors`` (FastAPI JSON API + one static page).

``app.create_app(vectors)`` (or ``create_app({"a": va, "b": vb})``) builds the application from
``sets`` (the named sets), ``projection`` + ``jobs`` (maps; t-SNE/UMAP in a child process),
``security`` (headers, Host allow-list), ``docs`` (offline /docs and /redoc) and ``models`` (the
JSON records); ``static/`` holds the page (``app.js``, ``map.js``), with every asset local (the page
works offline). Optional: needs ``tokvec[serve]`` (fastapi, uvicorn, fastapi-offline).
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    """``tokvec.serve.create_app`` imports ``serve.app`` (and fastapi) on first use, not with the package."""
    if name == "create_app":
        return importlib.import_module("tokvec.serve.app").create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["create_app"]
