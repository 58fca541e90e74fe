"""Shared fixtures: a private TOKVEC_HOME, gensim's test data, toy vectors, the builtin GloVe, a live
server on loopback, and the resume check both trainers share."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session", autouse=True)
def tokvec_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run builds caches in its own directory, never in ~/.cache."""
    home = Path(os.environ.get("TOKVEC_HOME") or tmp_path_factory.mktemp("tokvec_home"))
    os.environ["TOKVEC_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def gensim_data() -> Path:
    gensim = pytest.importorskip("gensim")
    return Path(gensim.__file__).parent / "test" / "test_data"


@pytest.fixture(scope="session")
def glove():
    import tokvec

    return tokvec.load("glove")


@pytest.fixture()
def toy():
    """Four 2-D vectors whose answers can be checked on paper."""
    import tokvec

    return tokvec.Vectors(
        ["cat", "kitten", "dog", "car"],
        np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]], dtype=np.float32),
    )


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server():
    """Serve an ASGI app with uvicorn on a free loopback port, in a thread: ``url, port = live_server(app)``.

    Waits (up to 20 s) until the server is up; every server started this way stops after the module's tests.
    """
    running = []

    def start(app) -> tuple[str, int]:
        import uvicorn

        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "server did not start within 20 s"
        return f"http://127.0.0.1:{port}", port

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def check_resume(tmp_path):
    """A run stopped mid-epoch and resumed from its checkpoint ends exactly where an uninterrupted run does.

    ``whole, resumed = check_resume(train, corpus, config, stop_after=n)``, for word2vec's and fastText's ``train``.
    """

    def check(train, corpus, config, stop_after: int):
        whole = train(corpus, config, progress=False)
        ckpt = tmp_path / "run.ckpt.npz"
        with pytest.raises(KeyboardInterrupt):
            train(corpus, config, progress=False, checkpoint=ckpt, stop_after=stop_after)
        assert ckpt.exists() and not list(tmp_path.glob("*.tmp"))
        resumed = train(corpus, None, progress=False, resume=ckpt)
        assert np.array_equal(whole.vectors.matrix, resumed.vectors.matrix)
        assert whole.epoch_loss == resumed.epoch_loss and resumed.config == config
        return whole, resumed

    return check
