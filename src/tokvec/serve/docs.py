"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served offline, from the files ``fastapi-offline`` ships.

FastAPI's own docs pages load their scripts from a CDN and start them with an inline script; both
fail offline and under the explorer's Content-Security-Policy. These pages load the bundled files
from ``/docs-assets`` and start Swagger UI from ``/static/docs.js``.

Deliberately left out: the OpenAPI schema itself (FastAPI's ``/openapi.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._plumbing.optional import require

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"  # ReDoc's sidebar asks its CDN for this; we serve our own

_SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Swagger UI</title>
<link rel="icon" href="/docs-assets/favicon.png"><link rel="stylesheet" href="/docs-assets/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>
</body></html>
"""
_REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - ReDoc</title>
<link rel="icon" href="/docs-assets/favicon.png"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/docs-assets/redoc.local.js"></script>
</body></html>
"""


def assets_directory() -> Path:
    """The folder of Swagger UI's and ReDoc's files inside the installed ``fastapi_offline`` package."""
    package = require("fastapi_offline", "serve", "offline API docs (/docs, /redoc)", package="fastapi-offline")
    return Path(package.__file__).parent / "static"


def local_redoc() -> bytes:
    """ReDoc's bundle with the one request it makes elsewhere (its logo, from a CDN) pointed at our favicon."""
    script = (assets_directory() / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_LOGO.encode(), b"/docs-assets/favicon.png")


def add_docs_routes(app: Any) -> None:
    """Mount the assets at ``/docs-assets`` and add ``/docs`` and ``/redoc`` to ``app`` (created with
    ``docs_url=None, redoc_url=None``)."""
    HTMLResponse = require("fastapi.responses", "serve", "tokvec serve").HTMLResponse
    StaticFiles = require("fastapi.staticfiles", "serve", "tokvec serve").StaticFiles
    Response = require("fastapi.responses", "serve", "tokvec serve").Response
    redoc_js = local_redoc()

    @app.get("/docs-assets/redoc.local.js", include_in_schema=False)
    def redoc_script() -> Any:  # before the mount, which would answer for the whole folder
        return Response(redoc_js, media_type="text/javascript")

    app.mount("/docs-assets", StaticFiles(directory=assets_directory()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> Any:
        return HTMLResponse(_SWAGGER.format(title=app.title))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> Any:
        return HTMLResponse(_REDOC.format(title=app.title))


__all__ = ["REDOC_LOGO", "add_docs_routes", "assets_directory", "local_redoc"]
