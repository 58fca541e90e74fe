"""Analysis: how two vector sets relate, and how a token's neighbourhood changes between them.

- ``compare``: ``compare(a, b)`` for two corpora, two models or two snapshots of one training run
  (Procrustes alignment, neighbourhood overlap@k, the tokens that moved most);
- ``neighbourhoods``: the nearest-neighbour sets both ``compare`` and ``tokvec watch`` measure.
"""
