"""The JSON records of ``tokvec serve`` (pydantic models: the OpenAPI schema at ``/openapi.json``).

Deliberately left out: the routes (``tokvec.serve.app``, ``tokvec.serve.projection``).
"""

from __future__ import annotations

from typing import Literal

from .._plumbing.optional import require

BaseModel = require("pydantic", "serve", "tokvec serve", package="fastapi").BaseModel

JobStatus = Literal["running", "done", "failed", "cancelled"]


class NeighbourOut(BaseModel):
    """One ``tokvec.vectors.Neighbour`` as JSON, with the token's display form."""

    token: str
    display: str
    score: float
    row: int


class NeighboursOut(BaseModel):
    query: str
    method: str
    set: str
    results: list[NeighbourOut]
    notes: list[str]


class InfoOut(BaseModel):
    name: str
    source: str
    tokens: int
    dim: int
    dtype: str
    tokenizer: str | None
    sample: list[str]


class SetsOut(BaseModel):
    default: str
    sets: list[InfoOut]


class SimilarityOut(BaseModel):
    w1: str
    w2: str
    similarity: float
    distance: float
    notes: list[str] = []  # e.g. a word built from its character n-grams (fastText subwords)


class CompleteOut(BaseModel):
    prefix: str
    tokens: list[str]


class CompareOut(BaseModel):
    """A word's neighbours in set ``a`` and set ``b``; ``overlap`` = |shared| / topn."""

    word: str
    a: str
    b: str
    neighbours_a: list[NeighbourOut]
    neighbours_b: list[NeighbourOut]
    shared: list[str]
    overlap: float


class Point(BaseModel):
    """One projected token. ``neighbours``: positions (in ``points``) of its k nearest points in the original
    space; ``distortion``: the share of those that are not among its k nearest in the projection."""

    token: str
    display: str
    x: float
    y: float
    z: float | None
    group: str
    query: bool
    neighbours: list[int]
    distortion: float


class ProjectionOut(BaseModel):
    """A projection, finished or not: t-SNE and UMAP run as jobs (poll ``/api/jobs/{job}``)."""

    status: JobStatus
    job: str | None
    progress: float  # 0..1
    stage: str
    elapsed: float  # seconds since the job started
    time_limit: float  # seconds a job may run
    error: str | None
    method: str
    dims: int
    set: str
    k: int
    axes: list[str]
    explained_variance: list[float]
    distortion: float | None  # mean over the points
    points: list[Point]


class TokenOut(BaseModel):
    id: int
    token: str
    display: str


class TokensOut(BaseModel):
    text: str
    tokens: list[TokenOut]


class ErrorOut(BaseModel):
    error: str
    suggestions: list[str] = []
