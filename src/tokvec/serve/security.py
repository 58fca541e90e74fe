"""What every response of ``tokvec serve`` carries, and which ``Host`` it answers (DNS rebinding).

``Guard`` (ASGI middleware) wraps the whole app, outside Starlette's error middleware, so that even
a 500 gets the headers:

- a request whose ``Host`` header (port stripped) is not in the allow-list is refused with 421 and a
  one-line JSON error naming ``--allow-host``. A page on ``evil.example`` whose name is rebound to
  127.0.0.1 sends ``Host: evil.example``, so it cannot read the explorer. The default list is the
  loopback names (``127.0.0.1``, ``localhost``, ``[::1]``);
- every response gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
  ``Content-Security-Policy`` allowing only this origin (no inline script, no frames, no form posts
  elsewhere) and ``Referrer-Policy: no-referrer``. The API docs pages (Swagger UI, ReDoc) insert their
  own styles, so there (only) inline styles, ``data:`` images and ``blob:`` workers are allowed too.

A plain ASGI wrapper rather than a Starlette middleware class: it adds no task switch per request.
Deliberately left out: authentication and TLS (bind to loopback, the default).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
_COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"no-referrer"), (b"cross-origin-opener-policy", b"same-origin")]


def host_name(header: str) -> str:
    """The host of a ``Host`` header, lower case, without its port: ``[::1]:8000`` -> ``[::1]``.

    >>> host_name("LocalHost:8000"), host_name("[::1]:80"), host_name("127.0.0.1")
    ('localhost', '[::1]', '127.0.0.1')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def normalise_host(name: str) -> str:
    """An allow-list entry as ``host_name`` reports it: ``::1`` -> ``[::1]``, case folded, port dropped."""
    name = name.strip().lower()
    if ":" in name and not name.startswith("[") and name.count(":") > 1:
        return f"[{name}]"
    return host_name(name)


class Guard:
    """ASGI middleware: answers only the loopback names plus ``allowed_hosts``, adds the security headers.

    ``Guard(app, allowed_hosts=["my-laptop"])`` or ``app.add_middleware(Guard, allowed_hosts=[...])``.
    """

    def __init__(self, app: Any, allowed_hosts: Iterable[str] = ()):
        self.app = app
        self.allowed = frozenset(normalise_host(h) for h in (*LOOPBACK_HOSTS, *allowed_hosts) if h.strip())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        policy = DOCS_POLICY if scope["path"] in DOCS_PATHS else PAGE_POLICY
        headers = [*_COMMON, (b"content-security-policy", policy.encode())]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        if host_name(host) not in self.allowed:
            return await _refuse(host, sorted(self.allowed), send_with_headers)
        return await self.app(scope, receive, send_with_headers)


async def _refuse(host: str, allowed: list[str], send: Any) -> None:
    name = host_name(host) or "(none)"
    body = json.dumps({"error": f"this explorer does not answer requests for host {name!r} (it answers "
                                f"{', '.join(allowed)}); if you opened it by that name on purpose, restart "
                                f"it with --allow-host {name}", "suggestions": []}).encode()
    await send({"type": "http.response.start", "status": 421,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


__all__ = ["DOCS_POLICY", "LOOPBACK_HOSTS", "PAGE_POLICY", "Guard", "host_name", "normalise_host"]
