"""Search: every way tokvec finds a token's neighbours, exact or approximate.

- ``exact``: float32 top-k cosine in bounded memory, and the vocabulary every search speaks
  (``Query``, ``Neighbour``, the analogy ``Method``);
- ``queries``: a query built from words (unit rows, gensim's weighted mean, 3CosMul's terms);
- ``compact``: int8 and float16 scan copies with a per-row error bound; ``bounded``: exact answers
  through them (scan the copy, rescore the few rows that can still win); ``_compact_kernels``: their
  numba kernels; ``int8_batch``: many queries at once over int8 codes, with ``_int8_kernels`` (LLVM IR
  compiled by llvmlite: no numba or torch import before the first batch);
- ``ann``: approximate search with faiss, behind the same ``most_similar(index=...)`` calls;
- ``pairs``: questions about two words or a few (similarity, distances, rank, odd one out).

Every module takes a ``Vectors`` as an argument and reads it through its public attributes: this
package sits below ``tokvec.vectors``, whose methods delegate here.
"""

from __future__ import annotations

from .exact import METHODS, Method, Neighbour, Query, top_k

__all__ = ["METHODS", "Method", "Neighbour", "Query", "top_k"]
