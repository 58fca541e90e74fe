"""The JSON API and page of ``tokvec serve``: several vector sets, compared, mapped and searched.

Endpoints (JSON): ``/api/sets``, ``/api/info``, ``/api/similar``, ``/api/analogy``, ``/api/similarity``,
``/api/complete`` (vocabulary autocomplete), ``/api/compare`` (a word's neighbours in two sets),
``/api/projection`` (PCA, t-SNE or UMAP maps with per-point distortion; ``tokvec.serve.projection``),
``/api/jobs/{id}`` (t-SNE/UMAP progress; ``DELETE`` cancels), ``/api/tokens`` (transformer
vocabularies only). Every endpoint takes ``set=NAME`` (default: the first set). API docs at ``/docs``
and ``/redoc``, offline (``tokvec.serve.docs``).

Safety: the vectors are opened once, before the app starts; a request names a set, never a file
(an unknown set is 404 listing the names); ``topn`` <= 1,000, words <= 100 characters, word lists <= 50,
text <= 2,000 characters, t-SNE/UMAP <= 1,000 points within a time limit, one job at a time. Only
loopback ``Host`` names are answered unless allowed, and every response carries the security headers
(``tokvec.serve.security``). Unknown words are 404 with suggestions; bad parameters are 422.

Results are ``NeighbourOut`` records (token, display form, score and vocabulary row: the JSON form
of ``tokvec.vectors.Neighbour``).

Deliberately left out: authentication (bind to loopback, the default) and writing anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

from .._plumbing.optional import require
from ..errors import BusyError, InvalidArgumentError, TokvecError, UnknownNameError, UnknownTokenError
from ..search.exact import Method
from ..vectors import Neighbour, Vectors
from .docs import add_docs_routes
from .jobs import JobTable
from .models import (
    CompareOut,
    CompleteOut,
    ErrorOut,
    InfoOut,
    NeighbourOut,
    NeighboursOut,
    SetsOut,
    SimilarityOut,
    TokenOut,
    TokensOut,
)
from .projection import MAX_WORD, MAX_WORDS, SetName, add_projection_routes
from .security import Guard
from .sets import VectorSets

_fastapi = require("fastapi", "serve", "tokvec serve")
FastAPI, Query, Request = _fastapi.FastAPI, _fastapi.Query, _fastapi.Request
FileResponse = require("fastapi.responses", "serve", "tokvec serve").FileResponse
JSONResponse = require("fastapi.responses", "serve", "tokvec serve").JSONResponse
StaticFiles = require("fastapi.staticfiles", "serve", "tokvec serve").StaticFiles

STATIC = Path(__file__).parent / "static"
MAX_TOPN = 1_000
MAX_TEXT = 2_000

Word = Annotated[str, Query(min_length=1, max_length=MAX_WORD)]
TopN = Annotated[int, Query(ge=1, le=MAX_TOPN)]


def neighbours_out(vectors: Vectors, results: list[Neighbour]) -> list[NeighbourOut]:
    """Search results as response records."""
    return [NeighbourOut(token=n.token, display=vectors.display(n.token), score=n.score, row=n.row) for n in results]


def create_app(vectors: Vectors | Mapping[str, Vectors], name: str = "vectors", *, allowed_hosts: Iterable[str] = (),
               job_seconds: float = 120.0, max_jobs: int = 1) -> FastAPI:
    """The FastAPI app serving ``vectors`` (one set called ``name``, or ``{name: vectors}``; opened once,
    shared by every request). ``allowed_hosts``: ``Host`` names answered besides the loopback ones;
    ``job_seconds``, ``max_jobs``: the time limit and concurrency of t-SNE/UMAP jobs."""
    sets = VectorSets({name: vectors} if isinstance(vectors, Vectors) else vectors)
    jobs = JobTable(time_limit=job_seconds, max_running=max_jobs)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        jobs.close()  # no projection process outlives the server

    app = FastAPI(title="tokvec explorer", version="2", description=f"Token embeddings: {', '.join(sets.names)}",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    build = app.build_middleware_stack  # the guard goes outermost: even a 500 carries the headers
    app.build_middleware_stack = lambda: Guard(build(), allowed_hosts=allowed_hosts)
    _add_error_handlers(app)
    _add_vocabulary_routes(app, sets)
    _add_search_routes(app, sets)
    add_projection_routes(app, sets, jobs)
    add_docs_routes(app)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _add_error_handlers(app: FastAPI) -> None:
    """Unknown words are 404 with suggestions, unknown sets and jobs 404, too many jobs 429; any other
    tokvec error is a bad request (422)."""

    @app.exception_handler(UnknownTokenError)
    async def unknown(_: Request, exc: UnknownTokenError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"error": str(exc), "suggestions": exc.suggestions})

    @app.exception_handler(UnknownNameError)
    async def unknown_name(_: Request, exc: UnknownNameError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"error": str(exc), "suggestions": getattr(exc, "names", [])})

    @app.exception_handler(BusyError)
    async def busy(_: Request, exc: BusyError) -> JSONResponse:
        return JSONResponse(status_code=429, content={"error": str(exc), "suggestions": []})

    @app.exception_handler(TokvecError)
    async def bad(_: Request, exc: TokvecError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": str(exc), "suggestions": []})


def _info(name: str, v: Vectors) -> InfoOut:
    tokenizer = v.tokenizer.kind if v.tokenizer is not None else None
    return InfoOut(name=name, source=v.source, tokens=len(v), dim=v.dim, dtype=str(v.dtype), tokenizer=tokenizer,
                   sample=[v.display(v.token(i)) for i in range(min(10, len(v)))])


def _add_vocabulary_routes(app: FastAPI, sets: VectorSets) -> None:
    """``/api/sets``, ``/api/info``, ``/api/complete`` and ``/api/tokens``."""

    @app.get("/api/sets", response_model=SetsOut)
    def all_sets() -> SetsOut:
        return SetsOut(default=sets.default, sets=[_info(n, v) for n, v in sets.sets.items()])

    @app.get("/api/info", response_model=InfoOut, responses={404: {"model": ErrorOut}})
    def info(vector_set: SetName = None) -> InfoOut:
        return _info(*sets.get(vector_set))

    @app.get("/api/complete", response_model=CompleteOut, responses={404: {"model": ErrorOut}})
    def complete(prefix: Annotated[str, Query(min_length=1, max_length=MAX_WORD)],
                 limit: Annotated[int, Query(ge=1, le=50)] = 10, vector_set: SetName = None) -> CompleteOut:
        name, v = sets.get(vector_set)
        ids = sets.prefixes(name).complete(prefix, limit)
        return CompleteOut(prefix=prefix, tokens=[v.token(i) for i in ids])

    @app.get("/api/tokens", response_model=TokensOut, responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}})
    def tokens(text: Annotated[str, Query(min_length=1, max_length=MAX_TEXT)], vector_set: SetName = None) -> TokensOut:
        name, v = sets.get(vector_set)
        if v.tokenizer is None:
            raise InvalidArgumentError(f"{name!r} is a word-vector set without a tokenizer; "
                                       "serve a transformer (e.g. -v minilm) to tokenise text")
        ids, raw = v.tokenizer.encode(text)
        return TokensOut(text=text, tokens=[TokenOut(id=i, token=t, display=v.display(t)) for i, t in zip(ids, raw)])


def _notes(v: Vectors, words: list[str]) -> list[str]:
    return [n for n in (v.explain(w) for w in words) if n]


def _add_search_routes(app: FastAPI, sets: VectorSets) -> None:
    """``/api/similar``, ``/api/analogy``, ``/api/similarity`` and ``/api/compare``."""
    responses = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}

    @app.get("/api/similar", response_model=NeighboursOut, responses=responses)
    def similar(word: Word, topn: TopN = 10,
                neg: Annotated[list[str], Query(max_length=MAX_WORDS)] = [],  # noqa: B006 - FastAPI idiom
                method: Method = "cosadd", vector_set: SetName = None) -> NeighboursOut:
        if any(len(w) > MAX_WORD or not w for w in neg):
            raise InvalidArgumentError(f"each neg word must have 1..{MAX_WORD} characters")
        name, v = sets.get(vector_set)
        search = v.most_similar if method == "cosadd" else v.most_similar_cosmul
        results = search(positive=[word], negative=neg, topn=topn)
        return NeighboursOut(query=word, method=method, set=name, results=neighbours_out(v, results),
                             notes=_notes(v, [word, *neg]))

    @app.get("/api/analogy", response_model=NeighboursOut, responses=responses)
    def analogy(a: Word, b: Word, c: Word, topn: TopN = 5, method: Method = "cosadd",
                vector_set: SetName = None) -> NeighboursOut:
        name, v = sets.get(vector_set)
        results = v.analogy(a, b, c, topn=topn, method=method)
        return NeighboursOut(query=f"{b} - {a} + {c}", method=method, set=name, results=neighbours_out(v, results),
                             notes=_notes(v, [a, b, c]))

    @app.get("/api/similarity", response_model=SimilarityOut, responses=responses)
    def similarity(w1: Word, w2: Word, vector_set: SetName = None) -> SimilarityOut:
        _, v = sets.get(vector_set)
        return SimilarityOut(w1=w1, w2=w2, similarity=v.similarity(w1, w2), distance=v.distance(w1, w2),
                             notes=_notes(v, [w1, w2]))

    @app.get("/api/compare", response_model=CompareOut, responses=responses)
    def compare(word: Word, a: Annotated[str | None, Query(max_length=40)] = None,
                b: Annotated[str | None, Query(max_length=40)] = None, topn: Annotated[int, Query(ge=1, le=100)] = 10,
                ) -> CompareOut:
        """``word``'s ``topn`` neighbours in set ``a`` and in set ``b`` (default: the first two sets served)."""
        name_a, va = sets.get(a)
        name_b, vb = sets.get(b if b else (sets.names[1] if len(sets.names) > 1 else None))
        near_a, near_b = va.most_similar(word, topn=topn), vb.most_similar(word, topn=topn)
        in_b = {n.token for n in near_b}
        shared = [n.token for n in near_a if n.token in in_b]
        return CompareOut(word=word, a=name_a, b=name_b, neighbours_a=neighbours_out(va, near_a),
                          neighbours_b=neighbours_out(vb, near_b), shared=shared, overlap=len(shared) / topn)
