"""The ``demo`` command: the guided tour of token embeddings (``tokvec.cli.tour``), offline, in seconds.

Deliberately left out: the tour itself (``tokvec.cli.tour``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import render, tour
from ._app import command


@command()
def demo(
    section: Annotated[int | None, typer.Option("--section", "-s", min=1, max=len(tour.SECTIONS), metavar="N",
                                                help="Run one section: 1 one-hot, 2 pretrained, 3 layer, "
                                                     "4 one-hot cost, 5 transformer, 6 positions, 7 training.")]
    = None,
) -> None:
    """A guided tour of token embeddings on real data (offline, under 30 s)."""
    tour.run(section, render.console)
