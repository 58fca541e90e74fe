"""Rich display in Jupyter: tables, bars and small charts for tokvec's objects, and notebook-friendly progress.

tokvec's objects show themselves in a notebook (``_repr_html_``, and ``_repr_pretty_`` for IPython's
text view) without changing their ``repr``:

- ``Vectors``: size, dtype, storage, source, norms and the first tokens (``vectors.VectorsDisplay``);
- what ``most_similar``, ``analogy``, ``similar_by_vector`` return: ``Neighbours``, a list of
  ``Neighbour`` drawn as a table with similarity bars and rounded scores;
- evaluation results: one table per benchmark and per analogy section, with the protocol line;
  ``Report`` puts several side by side (``results``);
- ``Embedding`` (shape, init, a corner of the weights) and ``lookup_cost`` (``layers``);
- training results: loss per epoch (word2vec) or per evaluation (tiny GPT) as an inline SVG chart;
- plots: matplotlib figures show inline and plotly figures get an HTML fallback (``notebook``);
- progress bars: an HTML bar updated in place in Jupyter (no ipywidgets), rich on a terminal, one
  plain line in a log (``notebook.progress_kind``).

Every token is escaped (``_html``): shown verbatim, never as markup.

Deliberately left out: styling options and widgets (the interactive explorer is ``tokvec.plot.explorer``).
"""

from __future__ import annotations

from .neighbours import Neighbours as Neighbours
from .notebook import NotebookBar as NotebookBar
from .notebook import enable_figures as enable_figures
from .notebook import progress_kind as progress_kind
from .results import Report as Report

__all__ = ["Neighbours", "NotebookBar", "Report", "enable_figures", "progress_kind"]
