"""Watch a tiny GPT learn: how its token embeddings change from random init to the end of training.

``tokvec.train.lm`` saves the token-embedding matrix every N steps as ``DIR/step-0000200.tokvec``
(step 0 is the random initialisation; every snapshot has the same tokens, counts and metadata keys
``step``, ``train_loss``, ``val_loss``, ``tokens_seen``). ``watch`` reads the snapshots in step
order and measures, for each one:

- **neighbours**: each watched word's ``k`` nearest tokens by cosine (``Vectors.most_similar``),
  special tokens (``[UNK]``, ``[EOS]``, ``<|endoftext|>``: anything in brackets) left out. At step 0
  they are arbitrary; by the end ``he``'s are ``she``, ``we``, ``i``...
- **overlap@k**: how much of the final neighbourhood structure already exists. The probe set ``P``
  is the ``probe`` most frequent non-special tokens (by ``counts``; the first rows when a snapshot
  has none), ``m = |P|``. ``N_t(i)`` is the set of the ``k`` tokens of ``P \\ {i}`` with the largest
  cosine to ``i`` at snapshot ``t`` (ties: the more frequent first). Then
  ``overlap_t = 1/m · Σ_{i ∈ P} |N_t(i) ∩ N_T(i)| / k`` with ``T`` the last snapshot, so
  ``overlap_T = 1`` by construction and a random matrix scores about ``k / (m - 1)``.
  Neighbours are chosen among the probe set, not the whole vocabulary: rare tokens get few gradient
  updates in a short CPU run and stay near their random start, so as candidates they would add the
  same noise at every step; among frequent tokens the number tracks what was learnt. It also keeps
  the cost to one ``(r, r)`` product per snapshot (``r`` = probe plus group tokens).
- **coherence** of each probe group (numbers, days, months, ...): with ``G`` the group's tokens
  present in the vocabulary, ``mean_{i<j ∈ G} cos(i, j) − mean_{i ∈ G, p ∈ P \\ G} cos(i, p)``:
  how much more alike the members are than each member is to frequent tokens outside the group
  (a difference of mean cosines, so within [-2, 2]). About 0 at init, growing as the model learns
  that the members play the same role. Groups with fewer than 2 tokens in the vocabulary are
  skipped and listed.
- **similarity**: WordSim-353 Spearman ρ (``tokvec.evaluate``, whole vocabulary, case-folded) and
  the number of pairs it used; None when no pair is in the vocabulary. A BPE vocabulary of a few
  thousand tokens holds few WordSim words, so read it next to ``similarity_pairs``.

All measures are cosines, unchanged by any rotation of the embedding space, so snapshots need no
alignment to each other. Files that do not match ``step-NNNNNNN.tokvec`` (such as the temporary
file of a snapshot being written) are ignored, so a run can be watched while it trains.

The package: ``snapshots`` (finding and reading the files), ``metrics`` (``watch`` and the
measures), ``report`` (tables and text), ``figure`` (``plot_watch``, matplotlib).

Deliberately left out: training and anything that needs torch (``tokvec.train.lm``); aligning
snapshots (Procrustes); words that are several BPE pieces (a watched word must be one token);
t-SNE or UMAP views (each plot panel is a PCA of that snapshot's group tokens).

>>> report = watch("runs/tiny/snapshots", words=["monday", "three"])   # doctest: +SKIP
>>> report.snapshots[-1].overlap                                          # doctest: +SKIP
1.0
>>> print(format_report(report))                                           # doctest: +SKIP
"""

from __future__ import annotations

from .figure import IMAGE_FORMATS, plot_watch
from .metrics import DEFAULT_WORDS, GROUPS, Snapshot, WatchReport, watch
from .report import format_report, neighbour_table, report_notes, summary_table
from .snapshots import SNAPSHOT_NAME, is_special, list_snapshots

__all__ = ["DEFAULT_WORDS", "GROUPS", "IMAGE_FORMATS", "SNAPSHOT_NAME", "Snapshot", "WatchReport", "format_report",
           "is_special", "list_snapshots", "neighbour_table", "plot_watch", "report_notes", "summary_table", "watch"]
