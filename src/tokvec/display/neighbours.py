"""``Neighbours``: what ``most_similar``, ``analogy`` and friends return, a list that shows itself as a table.

It is a plain ``list`` of :class:`~tokvec.search.exact.Neighbour` (indexing, slicing, ``==`` with a list and
``repr`` all behave as before), with two views for notebooks: ``_repr_html_`` (rank, token, a similarity
bar, the score rounded to 4 places, the row) and ``_repr_pretty_``, IPython's text view (the same table
in plain text). Tokens are escaped, never interpreted.

Deliberately left out: sorting or filtering helpers (a list comprehension does it) and any change to
``repr`` (doctests and existing code print the list as they always did).

>>> from tokvec.search import Neighbour
>>> found = Neighbours([Neighbour("queen", 0.8523, 2), Neighbour("<unk>", 0.5, 7)])
>>> found[0].token, isinstance(found, list)
('queen', True)
>>> print(found.text())
#  token   score  row
1  queen  0.8523    2
2  <unk>  0.5000    7
>>> "&lt;unk&gt;" in found._repr_html_()
True
"""

from __future__ import annotations

from ..printable import clip, visible
from ..search.exact import Neighbour
from . import _html


class Neighbours(list):
    """A list of ``Neighbour`` (token, score, row) with a table view in notebooks."""

    title = "neighbours"

    def _numbered(self) -> list[tuple[int, Neighbour]]:
        return list(enumerate(self, 1))

    def text(self) -> str:
        """The neighbours as a plain-text table: rank, token (verbatim, control characters escaped), score, row."""
        rows = [[str(k), clip(visible(n.token), _html.TOKEN_LIMIT), f"{n.score:.4f}", str(n.row)]
                for k, n in self._numbered()]
        return _html.text_table(["#", "token", "score", "row"], rows, ">" + "<>>")

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text("Neighbours([])" if not self else self.text())

    def _repr_html_(self) -> str:
        if not self:
            return "<i>no neighbours</i>"
        low = min(0.0, min(n.score for n in self))
        high = max(1.0, max(n.score for n in self))
        rows = [[str(k), _html.token(n.token), _html.bar((n.score - low) / (high - low)), f"{n.score:.4f}",
                 f"{n.row:,}"] for k, n in self._numbered()]
        return _html.table(["#", "token", "similarity", "score", "row"], rows, ["right", "left", "left", "right",
                                                                                "right"])

