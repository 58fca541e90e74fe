"""The ``serve`` command: a local web explorer (neighbours, analogies, autocomplete, a 2-D map) and JSON API.

Binds 127.0.0.1 unless told otherwise (with a warning: the explorer has no authentication).

Deliberately left out: the application (``tokvec.serve.app``); it, fastapi and uvicorn (optional
extras) are imported only when the server starts, so ``tokvec --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import serve as explorer  # the application (and fastapi) load when the server starts
from .._optional import require
from . import render
from ._app import VectorsOpt, command, load_vectors

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@command()
def serve(
    vectors: VectorsOpt = "glove",
    host: Annotated[str, typer.Option(help="Interface to bind; keep 127.0.0.1 unless you mean to expose it.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port).")] = 8000,
) -> None:
    """A local web explorer: neighbours, analogies, autocomplete and a 2-D map, with a JSON API at /api."""
    uvicorn = require("uvicorn", "serve", "tokvec serve")
    v = load_vectors(vectors)
    if host not in LOOPBACK:
        render.warnings([f"binding {host} exposes the explorer to your network; it has no authentication"])
    config = uvicorn.Config(explorer.create_app(v, name=vectors), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    render.line(f"tokvec explorer for {vectors} ({len(v):,} x {v.dim}) on http://{host}:{port}/  (Ctrl-C stops)")
    server.run()
