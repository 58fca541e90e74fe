"""Projection jobs of ``tokvec serve``: t-SNE and UMAP in a child process, with progress, cancel and a time limit.

A job gets the rows to project (at most ``MAX_JOB_POINTS``, copied into the child: no file is named)
and runs ``tokvec.plot.projection.project`` in a *spawned* process, so cancelling or passing the time
limit kills it at once, whatever the library is doing. The child's own progress lines (t-SNE's
``Iteration N``, UMAP's ``N / M epochs``) become the job's progress. At most ``max_running`` jobs run
at once; finished ones are kept (the newest ``MAX_KEPT``) so a page can fetch its result.

The table is swept on every request that touches it: overdue jobs are killed there, finished
children joined. Deliberately left out: HTTP (``tokvec.serve.projection``) and choosing the points.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import BusyError, InvalidArgumentError, TokvecError, UnknownNameError
from ..plot.projection import project

MAX_JOB_POINTS = 1_000
MAX_KEPT = 16
_TSNE_ITERATIONS = 1_000  # scikit-learn's default max_iter
_ITERATION = re.compile(r"Iteration (\d+)")
_EPOCHS = re.compile(r"(\d+)\s*/\s*(\d+)")


class _ProgressWriter(io.TextIOBase):
    """A stdout/stderr stand-in in the child: progress lines become ``("progress", fraction)`` messages."""

    def __init__(self, conn: Any, method: str):
        self.conn, self.method, self.last = conn, method, -1.0

    def write(self, text: str) -> int:
        for piece in re.split(r"[\r\n]", text):
            fraction = None
            if self.method == "tsne" and (found := _ITERATION.search(piece)):
                fraction = int(found.group(1)) / _TSNE_ITERATIONS
            elif self.method == "umap" and "poch" in piece and (found := _EPOCHS.search(piece)):
                fraction = int(found.group(1)) / max(int(found.group(2)), 1)
            if fraction is not None and fraction > self.last:
                self.last = min(fraction, 1.0)
                self.conn.send(("progress", self.last))
        return len(text)


def _child(conn: Any, x: np.ndarray, method: str, dims: int) -> None:
    """The job's process: project ``x`` and send ``("done", coords, axes)`` or ``("error", message)``."""
    sys.stdout = sys.stderr = _ProgressWriter(conn, method)
    try:
        result = project(x, method, dims, seed=0, verbose=True)
        conn.send(("done", result.coords, list(result.axes)))
    except TokvecError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - the library's own failure, reported as one line to the page
        conn.send(("error", f"{method} failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


@dataclass
class Job:
    """One projection: its process while running, then its result (``coords``) or ``error``."""

    id: str
    method: str
    dims: int
    meta: dict[str, Any]  # what the caller needs to build the answer (tokens, groups, rows)
    time_limit: float
    started: float = field(default_factory=time.monotonic)
    status: str = "running"  # running | done | failed | cancelled
    progress: float = 0.0
    stage: str = "starting"
    error: str | None = None
    coords: np.ndarray | None = None  # (n, dims)
    axes: list[str] = field(default_factory=list)
    finished: float | None = None
    process: Any = field(default=None, repr=False)
    conn: Any = field(default=None, repr=False)

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def update(self) -> None:
        """Read the child's messages; kill it past the time limit; note an unexpected exit."""
        if self.status != "running":
            return
        try:
            while self.conn.poll():
                self._receive(self.conn.recv())
                if self.status != "running":
                    return
        except (EOFError, OSError):
            pass
        if not self.process.is_alive():
            self._finish("failed", f"the {self.method} process stopped unexpectedly "
                                   f"(exit code {self.process.exitcode}); try fewer points")
        elif self.elapsed > self.time_limit:
            self._finish("failed", f"{self.method} took longer than the {self.time_limit:g} s limit and was "
                                   "stopped; project fewer points, or use PCA")

    def _receive(self, message: tuple) -> None:
        if message[0] == "progress":
            self.progress, self.stage = float(message[1]), f"fitting {self.method}"
        elif message[0] == "done":
            self.coords, self.axes = np.asarray(message[1], dtype=np.float64), list(message[2])
            self._finish("done", None)
        else:
            self._finish("failed", str(message[1]))

    def cancel(self) -> None:
        if self.status == "running":
            self._finish("cancelled", None)

    def _finish(self, status: str, error: str | None) -> None:
        self.status, self.error, self.finished = status, error, time.monotonic()
        self.stage = {"done": "done", "failed": "failed", "cancelled": "cancelled"}[status]
        if status == "done":
            self.progress = 1.0
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class JobTable:
    """The server's jobs, by id (random, unguessable); bounded in running and kept jobs.

    Requests run on a thread pool, so every method holds one lock; a timer per job sweeps the table
    just after the job's time limit, so an overdue job dies even if no request comes.
    """

    def __init__(self, time_limit: float = 120.0, max_running: int = 1):
        self.time_limit, self.max_running = float(time_limit), int(max_running)
        self.jobs: dict[str, Job] = {}
        self.context = multiprocessing.get_context("spawn")  # a clean child: no threads, no locks inherited
        self.lock = threading.RLock()

    def sweep(self) -> None:
        with self.lock:
            for job in self.jobs.values():
                job.update()
            done = [j for j in self.jobs.values() if j.status != "running"]
            for job in sorted(done, key=lambda j: j.finished or 0)[: max(0, len(done) - MAX_KEPT)]:
                del self.jobs[job.id]

    def start(self, x: np.ndarray, method: str, dims: int, meta: dict[str, Any]) -> Job:
        """Start projecting ``x`` ``(n, d)``; refuses more than ``MAX_JOB_POINTS`` points or too many jobs."""
        if len(x) > MAX_JOB_POINTS:
            raise InvalidArgumentError(f"{method} is limited to {MAX_JOB_POINTS:,} points and this map has "
                                       f"{len(x):,}; use fewer words or neighbours, or PCA")
        with self.lock:
            self.sweep()
            running = sum(j.status == "running" for j in self.jobs.values())
            if running >= self.max_running:
                raise BusyError(f"{running} projection job(s) already running (the limit is {self.max_running}); "
                                "wait for it or cancel it")
            parent, child = self.context.Pipe(duplex=False)
            process = self.context.Process(target=_child, args=(child, np.ascontiguousarray(x), method, dims),
                                           daemon=True)
            process.start()
            child.close()
            job = Job(secrets.token_hex(8), method, dims, meta, self.time_limit, process=process, conn=parent)
            self.jobs[job.id] = job
        watchdog = threading.Timer(self.time_limit + 0.5, self.sweep)
        watchdog.daemon = True
        watchdog.start()
        return job

    def get(self, job_id: str) -> Job:
        with self.lock:
            self.sweep()
            if job_id not in self.jobs:
                raise UnknownNameError(f"no projection job {job_id!r} (finished jobs are kept for the newest "
                                       f"{MAX_KEPT}); request the projection again")
            return self.jobs[job_id]

    def cancel(self, job_id: str) -> Job:
        with self.lock:
            job = self.get(job_id)
            job.cancel()
            return job

    def close(self) -> None:
        """Stop every running job (the server is shutting down)."""
        with self.lock:
            for job in self.jobs.values():
                job.cancel()


__all__ = ["MAX_JOB_POINTS", "Job", "JobTable"]
