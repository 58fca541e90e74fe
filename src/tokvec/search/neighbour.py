"""``Neighbour``: one search result, a ``(token, score)`` pair as gensim returns, with its row id.

Deliberately left out: the list of them and its table view (``tokvec.display.neighbours``).
"""

from __future__ import annotations


class Neighbour(tuple):
    """One search result: a ``(token, score)`` pair, as gensim returns, that also knows its ``row``.

    It unpacks and compares like gensim's tuples (``for word, score in v.most_similar("king")``);
    ``score`` is the cosine similarity (or the 3CosMul objective); ``row`` is the row id that plots,
    the explorer and your own code index the matrix with (``v.matrix[n.row]`` is the neighbour's
    vector), so nobody has to map the token back.

    >>> n = Neighbour("queen", 0.85, 2060)
    >>> word, score = n
    >>> word, score, n.row, n == ("queen", 0.85)
    ('queen', 0.85, 2060, True)
    >>> n
    Neighbour(token='queen', score=0.85, row=2060)
    """

    row: int

    def __new__(cls, token: str, score: float, row: int = -1) -> Neighbour:
        self = super().__new__(cls, (token, score))
        self.row = row
        return self

    @property
    def token(self) -> str:
        """The neighbour's token, verbatim."""
        return self[0]

    @property
    def score(self) -> float:
        """Its cosine similarity with the query (or the 3CosMul objective)."""
        return self[1]

    def __getnewargs__(self) -> tuple[str, float, int]:  # pickle and copy keep the row
        return self[0], self[1], self.row

    def __repr__(self) -> str:
        return f"Neighbour(token={self[0]!r}, score={self[1]!r}, row={self.row!r})"

    def _replace(self, **changes: object) -> Neighbour:
        """A copy with some fields changed (``token``, ``score`` or ``row``), as a named tuple's ``_replace``."""
        fields = {"token": self[0], "score": self[1], "row": self.row}
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"Neighbour has no field {sorted(unknown)[0]!r}; its fields are token, score and row")
        fields.update(changes)
        return Neighbour(**fields)
