"""The JSON API and page of ``tokvec serve``.

Endpoints (all GET, JSON): ``/api/info``, ``/api/similar``, ``/api/analogy``, ``/api/similarity``,
``/api/complete`` (vocabulary autocomplete), ``/api/projection`` (2-D PCA map of words and their
neighbours), ``/api/tokens`` (transformer vocabularies only). OpenAPI docs at ``/docs``.

Safety: the vectors are opened once, before the app starts; no request can name a file or load
other vectors; ``topn`` <= 1,000, words <= 100 characters, word lists <= 50, text <= 2,000
characters. Unknown words are 404 with suggestions; bad parameters are 422.

Results are ``NeighbourOut`` records (token, display form, score and vocabulary row: the JSON form
of ``tokvec.vectors.Neighbour``); the map is ``tokvec.plot.projection.fit_pca`` of the vectors, with
its sign convention.

Deliberately left out: authentication (bind to loopback, the default) and writing anything.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Annotated

import numpy as np

from .._optional import require
from ..errors import InvalidArgumentError, TokvecError, UnknownTokenError
from ..plot.projection import fit_pca
from ..search import Method
from ..vectors import Neighbour, Vectors

_fastapi = require("fastapi", "serve", "tokvec serve")
FastAPI, Query, Request = _fastapi.FastAPI, _fastapi.Query, _fastapi.Request
FileResponse = require("fastapi.responses", "serve", "tokvec serve").FileResponse
JSONResponse = require("fastapi.responses", "serve", "tokvec serve").JSONResponse
StaticFiles = require("fastapi.staticfiles", "serve", "tokvec serve").StaticFiles
BaseModel = require("pydantic", "serve", "tokvec serve", package="fastapi").BaseModel

STATIC = Path(__file__).parent / "static"
MAX_TOPN = 1_000
MAX_WORD = 100
MAX_WORDS = 50
MAX_TEXT = 2_000

Word = Annotated[str, Query(min_length=1, max_length=MAX_WORD)]
TopN = Annotated[int, Query(ge=1, le=MAX_TOPN)]


class NeighbourOut(BaseModel):
    """One ``tokvec.vectors.Neighbour`` as JSON, with the token's display form."""

    token: str
    display: str
    score: float
    row: int


class NeighboursOut(BaseModel):
    query: str
    method: str
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


class SimilarityOut(BaseModel):
    w1: str
    w2: str
    similarity: float
    distance: float
    notes: list[str] = []  # e.g. a word built from its character n-grams (fastText subwords)


class CompleteOut(BaseModel):
    prefix: str
    tokens: list[str]


class Point(BaseModel):
    token: str
    display: str
    x: float
    y: float
    group: str
    query: bool


class ProjectionOut(BaseModel):
    method: str
    explained_variance: list[float]
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


def pca_2d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``x`` (n, d) on their first two principal components (``fit_pca``), and the variance share.

    Fewer than two points or dimensions give fewer components; the missing ones are zeros. Shapes (n, 2), (2,).
    """
    pca = fit_pca(x, min(2, *x.shape))
    coords = pca.transform(x)  # (n, k), k <= 2
    pad = 2 - coords.shape[1]
    return np.pad(coords, ((0, 0), (0, pad))), np.pad(pca.explained_variance_ratio, (0, pad))


class _Prefixes:
    """Sorted tokens for prefix search; results come back in vocabulary (frequency) order."""

    def __init__(self, tokens: list[str]):
        order = sorted(range(len(tokens)), key=tokens.__getitem__)
        self.sorted_tokens = [tokens[i] for i in order]
        self.ids = np.array(order, dtype=np.int64)

    def complete(self, prefix: str, limit: int) -> list[int]:
        lo = bisect.bisect_left(self.sorted_tokens, prefix)
        hi = bisect.bisect_left(self.sorted_tokens, prefix + "\U0010ffff")
        return sorted(self.ids[lo:hi].tolist())[:limit]


def neighbours_out(vectors: Vectors, results: list[Neighbour]) -> list[NeighbourOut]:
    """Search results as response records."""
    return [NeighbourOut(token=n.token, display=vectors.display(n.token), score=n.score, row=n.row) for n in results]


def create_app(vectors: Vectors, name: str = "vectors") -> FastAPI:
    """The FastAPI app serving ``vectors`` (opened once, shared by every request)."""
    app = FastAPI(title="tokvec explorer", version="1", description=f"Token embeddings: {name}")
    _add_error_handlers(app)
    _add_vocabulary_routes(app, vectors, name)
    _add_search_routes(app, vectors)
    _add_projection_route(app, vectors)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _add_error_handlers(app: FastAPI) -> None:
    """Unknown words are 404 with suggestions; any other tokvec error is a bad request (422)."""

    @app.exception_handler(UnknownTokenError)
    async def unknown(_: Request, exc: UnknownTokenError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"error": str(exc), "suggestions": exc.suggestions})

    @app.exception_handler(TokvecError)
    async def bad(_: Request, exc: TokvecError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": str(exc), "suggestions": []})


def _add_vocabulary_routes(app: FastAPI, vectors: Vectors, name: str) -> None:
    """``/api/info``, ``/api/complete`` and ``/api/tokens``."""
    prefixes: dict[str, _Prefixes] = {}

    def completer() -> _Prefixes:
        if "p" not in prefixes:
            prefixes["p"] = _Prefixes(vectors.tokens)
        return prefixes["p"]

    @app.get("/api/info", response_model=InfoOut)
    def info() -> InfoOut:
        tokenizer = vectors.tokenizer.kind if vectors.tokenizer is not None else None
        return InfoOut(name=name, source=vectors.source, tokens=len(vectors), dim=vectors.dim,
                       dtype=str(vectors.dtype), tokenizer=tokenizer,
                       sample=[vectors.display(vectors.token(i)) for i in range(min(10, len(vectors)))])

    @app.get("/api/complete", response_model=CompleteOut)
    def complete(prefix: Annotated[str, Query(min_length=1, max_length=MAX_WORD)],
                 limit: Annotated[int, Query(ge=1, le=50)] = 10) -> CompleteOut:
        ids = completer().complete(prefix, limit)
        return CompleteOut(prefix=prefix, tokens=[vectors.token(i) for i in ids])

    @app.get("/api/tokens", response_model=TokensOut, responses={422: {"model": ErrorOut}})
    def tokens(text: Annotated[str, Query(min_length=1, max_length=MAX_TEXT)]) -> TokensOut:
        if vectors.tokenizer is None:
            raise InvalidArgumentError(f"{name!r} is a word-vector set without a tokenizer; "
                                       "serve a transformer (e.g. -v minilm) to tokenise text")
        ids, raw = vectors.tokenizer.encode(text)
        return TokensOut(text=text, tokens=[TokenOut(id=i, token=t, display=vectors.display(t))
                                            for i, t in zip(ids, raw)])


def _add_search_routes(app: FastAPI, vectors: Vectors) -> None:
    """``/api/similar``, ``/api/analogy`` and ``/api/similarity``."""

    def notes(words: list[str]) -> list[str]:
        return [n for n in (vectors.explain(w) for w in words) if n]

    @app.get("/api/similar", response_model=NeighboursOut, responses={404: {"model": ErrorOut}})
    def similar(word: Word, topn: TopN = 10,
                neg: Annotated[list[str], Query(max_length=MAX_WORDS)] = [],  # noqa: B006 - FastAPI idiom
                method: Method = "cosadd") -> NeighboursOut:
        if any(len(w) > MAX_WORD or not w for w in neg):
            raise InvalidArgumentError(f"each neg word must have 1..{MAX_WORD} characters")
        search = vectors.most_similar if method == "cosadd" else vectors.most_similar_cosmul
        results = search(positive=[word], negative=neg, topn=topn)
        return NeighboursOut(query=word, method=method, results=neighbours_out(vectors, results),
                             notes=notes([word, *neg]))

    @app.get("/api/analogy", response_model=NeighboursOut, responses={404: {"model": ErrorOut}})
    def analogy(a: Word, b: Word, c: Word, topn: TopN = 5, method: Method = "cosadd") -> NeighboursOut:
        results = vectors.analogy(a, b, c, topn=topn, method=method)
        return NeighboursOut(query=f"{b} - {a} + {c}", method=method, results=neighbours_out(vectors, results),
                             notes=notes([a, b, c]))

    @app.get("/api/similarity", response_model=SimilarityOut, responses={404: {"model": ErrorOut}})
    def similarity(w1: Word, w2: Word) -> SimilarityOut:
        return SimilarityOut(w1=w1, w2=w2, similarity=vectors.similarity(w1, w2), distance=vectors.distance(w1, w2),
                             notes=notes([w1, w2]))


def _add_projection_route(app: FastAPI, vectors: Vectors) -> None:
    """``/api/projection``: a 2-D PCA map of words and their nearest neighbours."""

    @app.get("/api/projection", response_model=ProjectionOut, responses={404: {"model": ErrorOut}})
    def projection(words: Annotated[str, Query(min_length=1, max_length=MAX_WORDS * (MAX_WORD + 1))],
                   neighbours_per_word: Annotated[int, Query(alias="neighbours", ge=0, le=50)] = 8) -> ProjectionOut:
        chosen = [w.strip() for w in words.split(",") if w.strip()]
        if not chosen or len(chosen) > MAX_WORDS or any(len(w) > MAX_WORD for w in chosen):
            raise InvalidArgumentError(f"give 1..{MAX_WORDS} comma-separated words of at most {MAX_WORD} characters")
        labels: list[tuple[str, str, bool]] = []  # (token, group, is_query)
        rows: list[np.ndarray] = []
        seen: set[str] = set(chosen)  # a query word is drawn once, as a query, even if it neighbours another
        for word in dict.fromkeys(chosen):
            rows.append(vectors.vector(word))
            labels.append((word, word, True))
            if neighbours_per_word:
                for n in vectors.most_similar(word, topn=neighbours_per_word):
                    if n.token not in seen:
                        seen.add(n.token)
                        rows.append(vectors[n.row])
                        labels.append((n.token, word, False))
        coords, variance = pca_2d(np.stack(rows))
        points = [Point(token=t, display=vectors.display(t), x=float(x), y=float(y), group=g, query=q)
                  for (t, g, q), (x, y) in zip(labels, coords)]
        return ProjectionOut(method="pca", explained_variance=[float(v) for v in variance], points=points)
