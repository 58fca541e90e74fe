"""Oracle helpers shared by tests: gensim views of our vectors, tolerant neighbour comparison."""

from __future__ import annotations

import numpy as np


def gensim_kv(vectors):
    """A gensim KeyedVectors over the same tokens and matrix, as the oracle."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.dim, count=0, dtype=np.float32)
    kv.index_to_key = list(vectors.tokens)
    kv.key_to_index = {t: i for i, t in enumerate(kv.index_to_key)}
    kv.vectors = np.ascontiguousarray(np.asarray(vectors.matrix, dtype=np.float32))
    kv.norms = None
    return kv


def assert_same_neighbours(ours, theirs, tol: float = 1e-5) -> None:
    """Same tokens in the same order and scores within ``tol``; near-ties may swap places."""
    assert len(ours) == len(theirs), (ours, theirs)
    our_tokens = [t for t, *_ in ours]
    their_tokens = [t for t, *_ in theirs]
    for i, ((t1, s1, *_), (t2, s2, *_)) in enumerate(zip(ours, theirs)):
        assert abs(s1 - s2) <= tol, (i, ours, theirs)
        if t1 != t2:  # allowed only for a tie: both tokens present, scores equal within tol
            assert t1 in their_tokens and t2 in our_tokens, (i, ours, theirs)
            j = their_tokens.index(t1)
            assert abs(theirs[j][1] - s1) <= tol, (i, ours, theirs)
