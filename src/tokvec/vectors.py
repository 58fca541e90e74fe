"""Vectors: a vocabulary plus an ``(n, dim)`` matrix, and the classic queries on it.

This is the one object every part of tokvec produces or consumes. Queries follow gensim's ``KeyedVectors``
semantics so answers are comparable (unit-normalised 3CosAdd with the query words excluded, 3CosMul of Levy &
Goldberg), with two deliberate differences: ``distance`` is the Euclidean norm of the difference (the textbook
definition; gensim's ``distance`` is ``cosine_distance`` here), and ``most_similar_cosmul`` honours ``restrict``.

Every public member is in the class body below; the work is done by the packages beneath this module
(``search`` for neighbours and pairs, ``vocab`` for tokens, pieces and fastText n-grams, ``transfer``
for rows in your own model, ``display`` for notebooks), each method a short delegation.

Deliberately left out: loading and saving (``tokvec.formats``), approximate indexes
(``tokvec.search.ann``, passed in as ``index=``), and benchmarks (``tokvec.evaluate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from . import encode as encoding
from . import transfer
from .display import vectors as views
from .display.neighbours import Neighbours
from .errors import InvalidArgumentError, UnknownTokenError
from .search import bounded, compact, one_to_many, pairs, wmd
from .search import exact as search
from .search.exact import Neighbour, Query
from .search.queries import cosmul_query, has_vector, mean_query, unit_query
from .vocab import Tokenizer, Vocab, explain, word_rows
from .vocab import subwords as ngrams
from .vocab.subwords import Subwords


class Vectors:
    """Token vectors: ``v["king"]``, ``v.most_similar(positive=["king", "woman"], negative=["man"])``.

    ``matrix`` may be float32 or float16 (or int8 codes: an int8-only file), in memory or a read-only
    memory map. Norms are computed once (or read from a ``.tokvec`` file) and kept. ``scan_copy``
    (``tokvec.search.compact``) makes every search scan int8/float16 rows, then rescore exactly.
    ``subwords`` (fastText, ``tokvec.vocab.subwords``) gives unknown words vectors from their character n-grams.

    >>> v = Vectors(["cat", "kitten", "dog", "car"],
    ...             np.array([[1, 0.1], [0.9, 0.2], [0.6, 0.8], [-1, 0.2]], dtype=np.float32))
    >>> v.most_similar("cat", topn=1)
    [Neighbour(token='kitten', score=0.99..., row=1)]
    >>> round(v.similarity("cat", "car"), 3)
    -0.956
    """

    def __init__(
        self,
        tokens: Sequence[str] | Vocab,
        matrix: np.ndarray,
        *,
        counts: Sequence[int] | np.ndarray | None = None,
        norms: np.ndarray | None = None,
        source: str = "",
        metadata: dict[str, str] | None = None,
        tokenizer: Tokenizer | None = None,
        check_duplicates: bool = True,
        lower: bool = False,
        scan_copy: compact.Compact | None = None,
    ):
        if matrix.ndim != 2:
            raise InvalidArgumentError(f"matrix must be 2-D (tokens x dim), got shape {matrix.shape}")
        if matrix.dtype not in (np.float32, np.float16, np.int8):
            matrix = np.asarray(matrix, dtype=np.float32)
        vocab = tokens if isinstance(tokens, Vocab) else Vocab(tokens, counts)
        if len(vocab) != matrix.shape[0]:
            raise InvalidArgumentError(
                f"{len(vocab):,} tokens but the matrix has {matrix.shape[0]:,} rows; "
                "they must match one to one"
            )
        if check_duplicates and vocab.duplicates().any():
            vocab, kept = vocab.deduplicated(f" in {source}" if source else "")
            matrix, norms = matrix[kept], None if norms is None else norms[kept]
            scan_copy = None if scan_copy is None else scan_copy.take(kept)
        self.vocab = vocab
        self.matrix = matrix
        self.source = source
        self.metadata = dict(metadata or {})
        self._norms = None if norms is None else np.asarray(norms, dtype=np.float32)
        self._inv_norms: np.ndarray | None = None
        self.tokenizer = tokenizer  # transformer vocabularies: splits words that are not one token
        self.lower = lower  # a word not in the vocabulary falls back to its lower-case form
        self.compact = scan_copy  # int8/float16 rows that searches scan before rescoring (tokvec.search.compact)
        self.subwords: Subwords | None = None  # fastText n-gram buckets: vectors for unknown words

    # -- shape and membership ------------------------------------------------------------------
    def __len__(self) -> int:
        return self.matrix.shape[0]

    @property
    def dim(self) -> int:
        """Vector length."""
        return self.matrix.shape[1]

    @property
    def dtype(self) -> np.dtype:
        """Storage dtype (float32, float16, or int8 for an int8-only file); queries compute in float32."""
        return self.matrix.dtype

    @property
    def tokens(self) -> list[str]:
        """All tokens in row order."""
        return self.vocab.tokens

    @property
    def counts(self) -> np.ndarray | None:
        """Token frequencies if the source had them."""
        return self.vocab.counts

    def __contains__(self, token: object) -> bool:  # a token of the vocabulary; has_vector: can it be embedded
        return token in self.vocab

    def __iter__(self) -> Iterator[str]:
        return iter(self.vocab)

    def __repr__(self) -> str:
        mapped = " memory-mapped" if isinstance(self.matrix, np.memmap) else ""
        src = f" from {self.source}" if self.source else ""
        return f"<Vectors {len(self):,} x {self.dim} {self.dtype}{mapped}{src}>"

    def summary(self) -> str:
        """A few lines: shape, dtype and storage, source, norms, the first tokens (``display.vectors``)."""
        return views.summary(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython's text view
        printer.text(views.summary(self))

    def _repr_html_(self) -> str:  # a notebook's view: the summary beside the first tokens
        return views.html(self)

    # -- lookup --------------------------------------------------------------------------------
    def index(self, token: str) -> int:
        """Row id of ``token``; ``UnknownTokenError`` (a KeyError) with suggestions if absent."""
        return self.vocab.index(token)

    def token(self, i: int) -> str:
        """Token of row ``i``."""
        return self.vocab.token(i)

    def __getitem__(self, key: str | int | Sequence[str] | Sequence[int] | np.ndarray) -> np.ndarray:
        """Rows by word or id: a str or int gives ``(dim,)``, a list or array gives ``(len, dim)``.

        Rows are returned as float32 copies, whatever the storage dtype. Words are read as ``vector``
        reads them (lower-case fallback, the mean of a transformer's pieces).
        """
        if isinstance(key, (str, int, np.integer)):
            return self.vector(key)
        compact.check_scale(self, "rows' values")
        try:
            return np.asarray(self.matrix[self._ids(key)], dtype=np.float32)
        except UnknownTokenError:
            if self.tokenizer is None and not self.lower and self.subwords is None:
                raise
        return np.stack([self.vector(k) for k in key])

    def vector(self, token: str | int, norm: bool = False) -> np.ndarray:
        """One row as float32; ``norm=True`` scales it to unit length (a zero row stays zero).

        A word not in the vocabulary is its lower-case form when ``lower`` is set, with a transformer
        vocabulary the mean of its pieces, with fastText ``subwords`` built from its n-grams (``explain``).
        """
        ids = self._word_ids(token) if isinstance(token, str) else [self._check_id(int(token))]
        return self._ids_vector(ids, norm) if ids else self.subwords.vector(token, norm)  # [] : from n-grams

    def _ids_vector(self, ids: list[int], norm: bool) -> np.ndarray:
        """One row (or the mean of several, for a multi-piece word) as float32, optionally unit length."""
        if not norm:
            compact.check_scale(self, "a row's values")
        if len(ids) > 1:
            row = np.asarray(self.matrix[ids], dtype=np.float32).mean(axis=0)
            return search.unit(row) if norm else row
        row = search.gather(self.matrix, np.asarray(ids[:1]))[0].astype(np.float32)  # pread: maps no pages
        return row * self.inv_norms[ids[0]] if norm else row

    def pieces(self, word: str) -> list[str]:
        """The tokens ``word`` stands for: itself if it is one token, else its tokenizer pieces."""
        return [self.vocab.token(i) for i in self._word_ids(word)]

    def word_rows(self, word: str) -> list[int]:
        """The rows ``word`` stands for (one, or its pieces; [] when built from n-grams); ``UnknownTokenError``
        if none."""
        return self._word_ids(word)

    def explain(self, word: str) -> str | None:
        """A note when ``word`` is not itself a token (its lower-case form, or the mean of its pieces), else None."""
        return ngrams.note(self, word) or explain(self.vocab, self.tokenizer, word, self.lower)

    def display(self, token: str) -> str:
        """A token as a person should read it (``Ġking`` -> `` king`` for byte-level BPE)."""
        return self.tokenizer.display(token) if self.tokenizer is not None else token

    def from_ngrams(self, word: object) -> bool:
        """True when ``word`` is not in the vocabulary and is answered from its fastText n-grams (``subwords``)."""
        return ngrams.from_ngrams(self, word)

    def _word_ids(self, word: str) -> list[int]:  # [] for a word built from its n-grams (``subwords``)
        return [] if ngrams.from_ngrams(self, word) else word_rows(self.vocab, self.tokenizer, word, self.lower)

    def _check_id(self, i: int) -> int:
        return self.vocab.row(i)

    def _ids(self, keys: Iterable[str | int] | np.ndarray) -> np.ndarray:
        return self.vocab.rows(keys)

    # -- norms ---------------------------------------------------------------------------------
    @property
    def norms(self) -> np.ndarray:
        """Euclidean norm of every row, float32, shape (n,); computed once."""
        if self._norms is None:
            self._norms = search.row_norms(self.matrix)
        return self._norms

    @property
    def inv_norms(self) -> np.ndarray:
        """``1 / norms`` (0 for zero rows), float32, shape (n,)."""
        if self._inv_norms is None:
            self._inv_norms = search.inverse_norms(self.norms)
        return self._inv_norms

    # -- neighbours ----------------------------------------------------------------------------
    def most_similar(
        self,
        positive: Query | Sequence[Query] = (),
        negative: Query | Sequence[Query] = (),
        topn: int | None = 10,
        restrict: int | None = None,
        index: search.ApproximateIndex | None = None,
    ) -> list[Neighbour]:
        """Nearest tokens to the mean of unit-normalised ``positive`` minus ``negative`` (3CosAdd).

        Terms are words, vectors, rows of a 2-D array or ``(word or vector, weight)`` pairs (a
        pair's weight is subtracted in ``negative``). The query tokens themselves are never
        returned. ``topn=None`` ranks every row (or the first ``restrict``) and ``topn=0`` returns
        ``[]``; every row's score in row order (gensim's ``topn=None`` array) is ``scores``. ``restrict``
        searches only the first ``restrict`` rows (the most frequent tokens, in frequency-sorted files).
        ``index`` (from ``tokvec.search.ann.build``) searches approximately instead of scanning every row;
        same query, same exclusions, exact scores, only recall is approximate (not combinable with
        ``restrict``).

        >>> # v.most_similar(positive=["king", "woman"], negative=["man"], topn=1)  -> queen
        """
        query, exclude = mean_query(self, search.weighted(positive, negative), "most_similar")
        count = search.check_count(topn)
        return (self._search(query[None, :], self._count(count, restrict), restrict, [exclude], index)[0]
                if count != 0 else [])

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        topn: int | None = 1,
        method: search.Method = "cosadd",
        restrict: int | None = None,
    ) -> list[Neighbour]:
        """"``a`` is to ``b`` as ``c`` is to ?": tokens near ``b - a + c`` (3CosAdd) or by 3CosMul.

        ``analogy("man", "king", "woman")`` ranks "queen" first on GloVe.
        """
        if search.check_method(method) == "cosmul":
            return self.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn, restrict=restrict)
        return self.most_similar(positive=[b, c], negative=[a], topn=topn, restrict=restrict)

    def most_similar_cosmul(
        self,
        positive: Query | Sequence[Query] = (),
        negative: Query | Sequence[Query] = (),
        topn: int | None = 10,
        restrict: int | None = None,
    ) -> list[Neighbour]:
        """3CosMul (Levy & Goldberg 2014, eq. 4): ``prod (1+cos(x,p))/2 / (prod (1+cos(x,n))/2 + 1e-6)``.

        ``topn=None`` ranks every row, ``topn=0`` returns ``[]`` (see ``most_similar``); every row's
        score in row order is ``scores(..., method="cosmul")``.
        """
        terms, combine, exclude = cosmul_query(self, positive, negative, "most_similar_cosmul")
        count = search.check_count(topn)
        ids, scores = bounded.top_k(self, terms, max(self._count(count, restrict), 1),
                                    stop=search.check_restrict(restrict), exclude=[exclude], combine=combine)
        return self._neighbours(ids[0], scores[0]) if count != 0 else []

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict: int | None = None,
        index: search.ApproximateIndex | None = None,
    ) -> list[Neighbour]:
        """Tokens nearest (by cosine) to a raw vector; nothing is excluded. ``topn``, ``index``: see
        ``most_similar``."""
        query, count = unit_query(self, vector), search.check_count(topn)
        return (self._search(query[None, :], self._count(count, restrict), restrict, None, index)[0]
                if count != 0 else [])

    def most_similar_batch(
        self,
        queries: Sequence[str] | np.ndarray,
        topn: int | None = 10,
        restrict: int | None = None,
        index: search.ApproximateIndex | None = None,
    ) -> list[list[Neighbour]]:
        """Neighbours of many tokens (or rows of a ``(q, dim)`` array) with one GEMM per chunk.

        Equivalent to ``[most_similar(t, topn=topn) for t in queries]``, many times faster;
        with ``index`` (see ``most_similar``), one approximate batched search.
        """
        count = search.check_count(topn)
        if isinstance(queries, np.ndarray):
            if queries.ndim != 2 or queries.shape[1] != self.dim:
                raise InvalidArgumentError(f"query array must have shape (q, {self.dim}), got {queries.shape}")
            unit = np.stack([unit_query(self, row) for row in queries]) if len(queries) else queries
            exclude = None
        else:
            exclude = [self._word_ids(q) for q in queries]
            unit = np.stack([self.vector(q, norm=True) for q in queries]) if exclude else np.zeros((0, self.dim))
        if len(unit) == 0:
            return []
        return (self._search(unit, self._count(count, restrict), restrict, exclude, index) if count != 0
                else [[] for _ in unit])

    def _count(self, count: int | None, restrict: int | None) -> int:  # topn=None: every searched row
        return search.rows_to_rank(count, restrict, len(self))

    def _search(self, unit_queries: np.ndarray, topn: int, restrict: int | None,
                exclude: list[list[int]] | None, index: search.ApproximateIndex | None = None) -> list[list[Neighbour]]:
        if index is not None:
            if restrict is not None:
                raise InvalidArgumentError(
                    "restrict cannot be combined with an approximate index (it covers every row); "
                    "build the index on v.limit(N) and query that, or drop restrict"
                )
            ids, scores = index.top_k(self, unit_queries, search.check_topn(topn), exclude)
            return [self._neighbours(i[i >= 0], s[i >= 0]) for i, s in zip(ids, scores)]
        ids, scores = bounded.top_k(
            self, unit_queries, search.check_topn(topn), stop=search.check_restrict(restrict), exclude=exclude,
        )
        return [self._neighbours(i, s) for i, s in zip(ids, scores)]

    def _neighbours(self, ids: np.ndarray, scores: np.ndarray) -> Neighbours:
        token = self.vocab.tokens.__getitem__ if len(ids) > 1_000 else self.vocab.token  # many: decode all at once
        return Neighbours(Neighbour(token(i), s, i) for i, s in zip(ids.tolist(), scores.tolist()))

    # -- pairs and sets (``tokvec.search.pairs``) ------------------------------------------------------
    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words, in [-1, 1]; exactly 1.0 for a word and itself."""
        return pairs.similarity(self, a, b)

    def cosine_distance(self, a: str, b: str) -> float:
        """``1 - similarity(a, b)`` (what gensim calls ``distance``); exactly 0.0 for a word and itself."""
        return pairs.cosine_distance(self, a, b)

    def distance(self, a: str, b: str) -> float:
        """Euclidean distance ``||v[a] - v[b]||`` (the norm of the difference), computed in float64."""
        return pairs.distance(self, a, b)

    def odd_one_out(self, words: Sequence[str]) -> str:
        """The word least similar to the mean of all of them (gensim's ``doesnt_match``): 'cereal' of
        breakfast, cereal, dinner, lunch."""
        return pairs.odd_one_out(self, words)

    def rank(self, a: str, b: str) -> int:
        """Rank of ``b`` among the neighbours of ``a`` (1 = nearest), ``a`` itself not counted."""
        if self.compact is None or a not in self.vocab or b not in self.vocab:
            return pairs.rank(self, a, b)  # also words made of pieces, or found lower-cased
        return bounded.rank(self, self.vocab.index(a), self.vocab.index(b))

    def scores(self, positive: Query | Sequence[Query] = (), negative: Query | Sequence[Query] = (), *,
               restrict: int | None = None, method: search.Method = "cosadd") -> np.ndarray:
        """Every row's score for a query, in row order, query words included: shape (n,) or (restrict,).

        What gensim's ``most_similar(..., topn=None)`` returns: the cosine with the query that
        ``most_similar`` builds (``method="cosadd"``), or the 3CosMul objective of
        ``most_similar_cosmul`` (``method="cosmul"``). A unit vector as ``positive`` gives its cosine
        with every row.
        """
        if search.check_method(method) == "cosmul":
            terms, combine, _ = cosmul_query(self, positive, negative, "scores")
            return combine(np.stack([self._scores(t, restrict) for t in terms]))[0]
        return self._scores(mean_query(self, search.weighted(positive, negative), "scores")[0], restrict)

    def _scores(self, unit_query: np.ndarray, restrict: int | None = None) -> np.ndarray:
        """Cosine similarity of a unit vector with every row (or the first ``restrict``): shape (n,)."""
        stop = len(self) if restrict is None else min(len(self), search.check_restrict(restrict))
        return search.cosine_scores(self.matrix, self.inv_norms, unit_query, stop)

    # -- derived vectors -----------------------------------------------------------------------
    def limit(self, n: int) -> Vectors:
        """The first ``n`` tokens (a view, no copy of the matrix)."""
        n = max(0, min(int(n), len(self)))
        return self._derive(self.vocab.head(n), self.matrix[:n], None if self._norms is None else self._norms[:n],
                            None if self.compact is None else self.compact.head(n))

    def select(self, rows: Sequence[int] | np.ndarray) -> Vectors:
        """The given rows, in that order (a copy); counts, norms, metadata and tokenizer are kept.

        >>> v = Vectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
        >>> v.select([2, 0]).tokens
        ['c', 'a']
        """
        rows = self._ids(rows)
        norms = None if self._norms is None else self._norms[rows]
        return self._derive(self.vocab.select(rows), np.asarray(self.matrix[rows]), norms,
                            None if self.compact is None else self.compact.take(rows))

    def _derive(self, vocab: Vocab, matrix: np.ndarray, norms: np.ndarray | None,
                scan_copy: compact.Compact | None = None) -> Vectors:
        """The one way a derived ``Vectors`` is made: same source, metadata and tokenizer."""
        return ngrams.carry(self, Vectors(vocab, matrix, norms=norms, source=self.source, metadata=self.metadata,
                                           tokenizer=self.tokenizer, check_duplicates=False, lower=self.lower,
                                           scan_copy=scan_copy))

    def astype(self, dtype: str | np.dtype, keep_float32: bool | None = None) -> Vectors:
        """A copy as ``float32``, ``float16`` or ``int8`` (an int8 scan copy beside float32 rows):
        ``compact.astype``."""
        return compact.astype(self, dtype, keep_float32)

    # -- your own model, text and edited copies (``tokvec.transfer``) ----------------------------
    def matrix_for(self, tokens: Sequence[str], *, oov: transfer.matrix.Oov = "random", lower: bool = True,
                   seed: int = 0, specials: Mapping[str, transfer.matrix.SpecialInit] | Sequence[str] | None = None,
                   ) -> tuple[np.ndarray, transfer.MatrixReport]:
        """One float32 row per token, in order, and a report of how each was found (``transfer.matrix_for``).

        ``oov`` is ``random`` (seeded, the rows' mean and spread), ``zeros``, ``mean``, ``subwords``
        (fastText) or ``pieces`` (transformer vocabularies); ``lower`` tries the lower-case form first;
        ``specials`` (default ``<pad>`` zeros, ``<unk>`` the mean row).
        """
        return transfer.matrix_for(self, tokens, oov=oov, lower=lower, seed=seed, specials=specials)

    def to_torch(self, tokens: Sequence[str] | None = None, *, freeze: bool = True,
                 padding_idx: int | str | None = None, **options: Any) -> Any:
        """A ``torch.nn.Embedding`` of ``matrix_for(tokens, **options)``; ``padding_idx`` (row or token) is zero."""
        return transfer.to_torch(self, tokens, freeze=freeze, padding_idx=padding_idx, **options)

    def mean_vector(self, words: transfer.text.Words, weights: Sequence[float] | np.ndarray | None = None, *,
                    pre_normalise: bool = True, post_normalise: bool = False,
                    missing: list[str] | None = None) -> np.ndarray:
        """gensim's ``get_mean_vector``: words that cannot be embedded (``has_vector``) skipped, and appended
        to ``missing`` if given; with fastText subwords an unknown word is built from its n-grams."""
        return transfer.mean_vector(self, words, weights, pre_normalise=pre_normalise,
                                    post_normalise=post_normalise, missing=missing)

    def n_similarity(self, a: transfer.text.Words, b: transfer.text.Words) -> float:
        """Cosine of the mean vectors of two word lists (gensim's ``n_similarity``)."""
        return transfer.n_similarity(self, a, b)

    def sif_vectors(self, sentences: Sequence[transfer.text.Words], counts: Any = None, *, a: float = 1e-3,
                    components: int = 1) -> np.ndarray:
        """SIF sentence vectors (Arora et al. 2017): ``a/(a + p(w))`` weights, first component removed."""
        return transfer.sif_vectors(self, sentences, counts, a=a, components=components)

    def encode(self, texts: Sequence[str], *, normalize: bool | None = None,
               batch_size: int = encoding.DEFAULT_BATCH, threads: int | None = None) -> np.ndarray:
        """Sentence vectors, float32 ``(len(texts), dim)``: each text tokenised (the model's tokenizer, or words for
        word vectors; fastText vectors build unknown words from their n-grams), the mean of its rows, normalised as
        the model says or ``normalize`` (``tokvec.encode``)."""
        options = encoding.EncodeOptions(normalize=normalize, batch_size=batch_size, threads=threads)
        return encoding.encode(self, texts, options)

    def with_vectors(self, tokens: Sequence[str], rows: np.ndarray, *, replace: bool = True) -> Vectors:
        """A new ``Vectors`` with these rows added (new tokens) or replaced (known ones, unless ``replace=False``)."""
        return transfer.with_vectors(self, tokens, rows, replace=replace)

    def with_counts(self, counts: Sequence[int] | np.ndarray | None) -> Vectors:
        """A new ``Vectors`` with the same rows (not copied) and these token counts."""
        return transfer.edit.with_counts(self, counts)

    def concat(self, other: Vectors, *, replace: bool = False) -> Vectors:
        """A new ``Vectors``: these rows, then ``other``'s tokens that are not here (same dim required)."""
        return transfer.concat(self, other, replace=replace)

    # -- the rest of gensim's KeyedVectors (``search.one_to_many``, ``search.wmd``, ``transfer.edit``) ---------
    def has_vector(self, word: object) -> bool:
        """Whether ``v[word]`` gives a vector (a token, its lower-case form, a tokenizer's pieces, fastText
        n-grams: with ``subwords``, any word); ``word in v`` asks only whether it is a token."""
        return has_vector(self, word)

    def wmdistance(self, first: Sequence[str], second: Sequence[str], norm: bool = True) -> float:
        """Word Mover's Distance between two lists of words (gensim's ``wmdistance``, solved exactly)."""
        return wmd.wmdistance(self, first, second, norm)

    @staticmethod
    def cosine_similarities(vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Cosine of a ``(dim,)`` vector with each row of ``(n, dim)`` vectors: shape (n,); a zero scores 0."""
        return one_to_many.cosine_similarities(vector, vectors)

    def distances(self, word_or_vector: str | int | np.ndarray, others: Sequence[str] = ()) -> np.ndarray:
        """``1 - cosine`` to each of ``others``, or to every row (itself included) when none are given."""
        return one_to_many.distances(self, word_or_vector, others)

    def closer_than(self, a: str, b: str) -> list[str]:
        """Every token closer to ``a`` than ``b`` is, in row order (``a`` left out)."""
        return one_to_many.closer_than(self, a, b)

    def words_closer_than(self, a: str, b: str) -> list[str]:
        """gensim's older name of ``closer_than``."""
        return one_to_many.closer_than(self, a, b)

    def most_similar_to_given(self, word: str, candidates: Sequence[str]) -> str:
        """The one of ``candidates`` most similar to ``word``."""
        return one_to_many.most_similar_to_given(self, word, candidates)

    def relative_cosine_similarity(self, a: str, b: str, topn: int = 10) -> float:
        """``similarity(a, b)`` over the sum of ``a``'s ``topn`` neighbour scores (Leeuwenberg et al.)."""
        return one_to_many.relative_cosine_similarity(self, a, b, topn)

    def rank_by_centrality(self, words: Sequence[str], use_norm: bool = True) -> list[Neighbour]:
        """``words`` ranked by cosine with their unit mean, most central first, as (word, score) pairs."""
        return one_to_many.rank_by_centrality(self, words, use_norm)

    def normed_matrix(self) -> np.ndarray:
        """Every row at unit length, float32 ``(n, dim)`` (gensim's ``get_normed_vectors``; zero rows stay zero)."""
        return transfer.edit.normed_matrix(self)

    def normalised(self) -> Vectors:
        """A copy whose rows have unit length (gensim's ``unit_normalize_all``, without changing this one)."""
        return transfer.edit.normalised(self)

    def vectors_for_all(self, words: Sequence[str], *, allow_inference: bool = True,
                        copy_counts: bool = False) -> Vectors:
        """A new set of the ``words`` that have a vector here (with ``allow_inference``: from n-grams too)."""
        return transfer.edit.vectors_for_all(self, words, allow_inference=allow_inference, copy_counts=copy_counts)


__all__ = ["Neighbour", "Query", "Vectors", "UnknownTokenError"]
