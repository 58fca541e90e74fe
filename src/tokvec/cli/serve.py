"""The ``serve`` command: a local web explorer (neighbours, analogies, compare, maps) and JSON API.

Serves one or more vector sets (``-v glove -v minilm -v mine=runs/final.tokvec``), each opened once
before the server starts. Binds 127.0.0.1 unless told otherwise (with a warning: the explorer has no
authentication) and answers only loopback ``Host`` names plus those given with ``--allow-host``.

Deliberately left out: the application (``tokvec.serve.app``); it, fastapi and uvicorn (optional
extras) are imported only when the server starts, so ``tokvec --help`` stays fast.
"""

from __future__ import annotations

import errno
import os
import re
import socket
from pathlib import Path
from typing import Annotated

import typer

from .. import serve as explorer  # the application (and fastapi) load when the server starts
from .._plumbing.optional import require
from ..errors import InvalidArgumentError, TokvecError
from . import render
from ._app import command, load_vectors

LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NAMED = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.+-]{0,39})=(.+)")


def set_names(specs: list[str]) -> list[tuple[str, str]]:
    """``(name, path or builtin)`` for each ``-v``: ``NAME=PATH``, or the builtin name, or the file's stem.

    >>> set_names(["glove", "mine=runs/final.tokvec", "other/vectors.bin"])
    [('glove', 'glove'), ('mine', 'runs/final.tokvec'), ('vectors', 'other/vectors.bin')]
    """
    named: list[tuple[str, str]] = []
    for spec in specs:
        found = _NAMED.fullmatch(spec)
        if found and not os.path.exists(spec):
            named.append((found.group(1), found.group(2)))
        else:
            stem = Path(spec).name.split(".")[0] if os.sep in spec or "." in spec else spec
            named.append((re.sub(r"[^A-Za-z0-9_.+-]", "_", stem)[:40] or "vectors", spec))
    names = [n for n, _ in named]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidArgumentError(f"two vector sets are called {', '.join(repeated)}; "
                                   "name them with -v NAME=PATH")
    return named


@command()
def serve(
    vectors: Annotated[list[str] | None, typer.Option(
        "--vectors", "-v", metavar="[NAME=]PATH|NAME",
        help="Vector set to serve (repeatable; switch between them in the page). Default: glove.")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind; keep 127.0.0.1 unless you mean to expose it.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port).")] = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", metavar="NAME",
        help="Also answer requests for this Host name (repeatable); loopback names always work.")] = None,
    job_seconds: Annotated[float, typer.Option(min=1, max=3600, help="Time limit of a t-SNE/UMAP map.")] = 120.0,
) -> None:
    """A local web explorer: neighbours, analogies, compare sets, PCA/t-SNE/UMAP maps, with a JSON API at /api."""
    uvicorn = require("uvicorn", "serve", "tokvec serve")
    named = set_names(vectors or ["glove"])
    sets = {name: load_vectors(spec) for name, spec in named}
    allowed = list(allow_host or [])
    if host not in LOOPBACK:
        render.warnings([f"binding {host} exposes the explorer to your network; it has no authentication"])
        if host not in ("0.0.0.0", "::"):
            allowed.append(host)  # the address it was asked to listen on
    app = explorer.create_app(sets, allowed_hosts=allowed, job_seconds=job_seconds)
    sock = _bound(host, port)  # before the banner: a busy port is an error, not a success message
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    listing = ", ".join(f"{name} ({len(v):,} x {v.dim})" for name, v in sets.items())
    render.line(f"tokvec explorer for {listing} on http://{host}:{port}/  (Ctrl-C stops)")
    server.run(sockets=[sock])


def _bound(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a port in use or an address that is not ours is one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise TokvecError(f"port {port} on {host} is in use; choose another with --port "
                              "(--port 0 picks a free one)") from None
        raise TokvecError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); check --host and --port") from None
    sock.listen(2048)
    return sock
