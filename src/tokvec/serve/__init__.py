"""``tokvec serve``: a local web explorer over any ``Vectors`` (FastAPI JSON API + one static page).

``app.create_app(vectors)`` builds the application; ``static/`` holds the page, with every asset
local (the page works offline). Optional: needs ``tokvec[serve]`` (fastapi, uvicorn).
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    """``tokvec.serve.create_app`` imports ``serve.app`` (and fastapi) on first use, not with the package."""
    if name == "create_app":
        return importlib.import_module("tokvec.serve.app").create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["create_app"]
