"""``/api/projection`` and ``/api/jobs/{id}``: maps of words and their neighbours, and where each map lies.

PCA (2-D or 3-D, ``tokvec.plot.projection.fit_pca`` with its sign convention) is answered at once;
t-SNE and UMAP start a job (``tokvec.serve.jobs``: bounded points, a time limit, progress, cancel by
``DELETE /api/jobs/{id}``) whose answer the page polls. Every finished map carries, per point, its
``k`` nearest points in the original space (cosine; the page highlights them) and its *distortion*:
the share of those k that are not among its k nearest in the picture (Euclidean). 0 means the
picture keeps the point's neighbourhood; 1 means it shows none of it.

Deliberately left out: the other routes (``tokvec.serve.app``) and the process handling (``jobs``).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np

from .._plumbing.optional import require
from ..analysis.neighbourhoods import nearest_cosine, nearest_euclidean, row_overlap
from ..errors import InvalidArgumentError
from ..plot.projection import Method, fit_pca
from ..vectors import Vectors
from .jobs import Job, JobTable
from .models import ErrorOut, Point, ProjectionOut
from .sets import VectorSets

Query = require("fastapi", "serve", "tokvec serve").Query
Path = require("fastapi", "serve", "tokvec serve").Path
MAX_WORD = 100
MAX_WORDS = 50
SetName = Annotated[str | None, Query(alias="set", max_length=40, description="A set served (see /api/sets).")]
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


def pca_coords(x: np.ndarray, dims: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``x`` (n, d) on their first ``dims`` principal components (``fit_pca``), and the variance share.

    Fewer points or dimensions give fewer components; the missing ones are zeros. Shapes (n, dims), (dims,).
    """
    pca = fit_pca(x, min(dims, *x.shape))
    coords = pca.transform(x)  # (n, c), c <= dims
    pad = dims - coords.shape[1]
    return np.pad(coords, ((0, 0), (0, pad))), np.pad(pca.explained_variance_ratio, (0, pad))


def pca_2d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pca_coords(x, 2)``: shapes (n, 2), (2,)."""
    return pca_coords(x, 2)


def choose_points(v: Vectors, words: str, per_word: int) -> tuple[list[tuple[str, str, bool]], np.ndarray]:
    """The map's points: each word, then its ``per_word`` nearest neighbours not yet drawn.

    Returns ``(token, group, is_query)`` per point and the rows ``(n, dim)`` float64.
    """
    chosen = [w.strip() for w in words.split(",") if w.strip()]
    if not chosen or len(chosen) > MAX_WORDS or any(len(w) > MAX_WORD for w in chosen):
        raise InvalidArgumentError(f"give 1..{MAX_WORDS} comma-separated words of at most {MAX_WORD} characters")
    labels: list[tuple[str, str, bool]] = []
    rows: list[np.ndarray] = []
    seen: set[str] = set(chosen)  # a query word is drawn once, as a query, even if it neighbours another
    for word in dict.fromkeys(chosen):
        rows.append(v.vector(word))
        labels.append((word, word, True))
        if per_word:
            for n in v.most_similar(word, topn=per_word):
                if n.token not in seen:
                    seen.add(n.token)
                    rows.append(v[n.row])
                    labels.append((n.token, word, False))
    return labels, np.stack(rows).astype(np.float64)


def distortion(x: np.ndarray, coords: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each point's k nearest points by cosine in ``x`` ``(n, d)`` ``(n, k')`` and ``1 - overlap@k'`` with
    its k nearest by Euclidean distance in ``coords`` ``(n, c)``: ``(n,)``. ``k' = min(k, n - 1)``."""
    k = min(k, len(x) - 1)
    if k < 1:
        return np.zeros((len(x), 0), dtype=np.int64), np.zeros(len(x))
    original = nearest_cosine(x, k)  # (n, k)
    return original, 1.0 - row_overlap(original, nearest_euclidean(coords, k))


def answer(meta: dict[str, Any], coords: np.ndarray | None, axes: list[str], variance: list[float],
           job: Job | None = None) -> ProjectionOut:
    """The JSON answer for a map: points with distortion once ``coords`` ``(n, dims)`` exist."""
    points: list[Point] = []
    mean = None
    if coords is not None:
        near, lost = distortion(meta["x"], coords, meta["k"])
        mean = float(lost.mean())
        points = [Point(token=t, display=meta["display"][i], x=float(c[0]), y=float(c[1]),
                        z=float(c[2]) if len(c) > 2 else None, group=g, query=q,
                        neighbours=near[i].tolist(), distortion=float(lost[i]))
                  for i, ((t, g, q), c) in enumerate(zip(meta["labels"], coords))]
    return ProjectionOut(
        status=job.status if job else "done", job=job.id if job else None,
        progress=job.progress if job else 1.0, stage=job.stage if job else "done",
        elapsed=job.elapsed if job else 0.0, time_limit=job.time_limit if job else 0.0,
        error=job.error if job else None, method=meta["method"], dims=meta["dims"], set=meta["set"],
        k=meta["k"], axes=axes, explained_variance=variance, distortion=mean, points=points)


def job_answer(job: Job) -> ProjectionOut:
    """A job's answer; a finished job's is computed once and kept."""
    if job.status == "running":
        return answer(job.meta, None, [], [], job)
    if job.status == "done" and "answer" not in job.meta:
        job.meta["answer"] = answer(job.meta, job.coords, job.axes, [], job)
    job.meta.pop("x", None)  # the rows are not needed once the job is over: kept jobs stay small
    job.coords = None
    if job.status != "done":
        return answer(job.meta, None, [], [], job)
    return job.meta["answer"].model_copy(update={"elapsed": job.elapsed})


def add_projection_routes(app: Any, sets: VectorSets, jobs: JobTable) -> None:
    """``GET /api/projection``, ``GET /api/jobs/{id}`` and ``DELETE /api/jobs/{id}``."""
    responses = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}}
    recent: dict[tuple, str] = {}  # request -> its job: asking again (Back, a reload) reuses a running or done job

    @app.get("/api/projection", response_model=ProjectionOut, responses=responses)
    def projection(words: Annotated[str, Query(min_length=1, max_length=MAX_WORDS * (MAX_WORD + 1))],
                   neighbours_per_word: Annotated[int, Query(alias="neighbours", ge=0, le=50)] = 8,
                   method: Method = "pca", dims: Annotated[int, Query(ge=2, le=3, description="2 or 3.")] = 2,
                   k: Annotated[int, Query(ge=1, le=50, description="Neighbours for the distortion.")] = 5,
                   vector_set: SetName = None) -> ProjectionOut:
        name, v = sets.get(vector_set)
        labels, x = choose_points(v, words, neighbours_per_word)
        meta = {"labels": labels, "display": [v.display(t) for t, _, _ in labels], "x": x, "k": k,
                "method": method, "dims": dims, "set": name}
        if method == "pca":
            coords, variance = pca_coords(x, dims)
            axes = [f"PC{i + 1} ({r:.0%} of variance)" for i, r in enumerate(variance)]
            return answer(meta, coords, axes, [float(r) for r in variance])
        if len(x) < 4:
            raise InvalidArgumentError(f"{method} needs at least 4 points and this map has {len(x)}; "
                                       "add words or neighbours, or use PCA")
        key = (name, tuple(t for t, _, _ in labels), method, dims, k)
        with jobs.lock:
            jobs.sweep()
            earlier = jobs.jobs.get(recent.get(key, ""))
            if earlier is not None and earlier.status in ("running", "done"):
                return job_answer(earlier)
            job = jobs.start(x, method, dims, meta)
            recent[key] = job.id
            for stale in [old for old, job_id in recent.items() if job_id not in jobs.jobs]:
                del recent[stale]
            return job_answer(job)

    @app.get("/api/jobs/{job_id}", response_model=ProjectionOut, responses=responses)
    def job_status(job_id: JobId) -> ProjectionOut:
        with jobs.lock:
            return job_answer(jobs.get(job_id))

    @app.delete("/api/jobs/{job_id}", response_model=ProjectionOut, responses=responses)
    def cancel_job(job_id: JobId) -> ProjectionOut:
        with jobs.lock:
            return job_answer(jobs.cancel(job_id))


__all__ = ["add_projection_routes", "choose_points", "distortion", "pca_2d", "pca_coords"]
