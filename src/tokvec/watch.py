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

Deliberately left out: training and anything that needs torch (``tokvec.train.lm``); aligning
snapshots (Procrustes); words that are several BPE pieces (a watched word must be one token);
t-SNE or UMAP views (each plot panel is a PCA of that snapshot's group tokens).

>>> report = watch("runs/tiny/snapshots", words=["monday", "three"])   # doctest: +SKIP
>>> report.snapshots[-1].overlap                                          # doctest: +SKIP
1.0
>>> print(format_report(report))                                           # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._io import atomic_write
from .errors import FormatError, InvalidArgumentError, MissingDependencyError
from .evaluate import WordPairs, evaluate_similarity, read_word_pairs
from .formats import load
from .plot._draw import PALETTE
from .plot.projection import fit_pca
from .vectors import Neighbour, Vectors

SNAPSHOT_NAME = re.compile(r"step-(\d+)\.tokvec")
GROUPS: dict[str, tuple[str, ...]] = {
    "digits": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    "numbers": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "days": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "months": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december"),
    "pronouns": ("i", "you", "he", "she", "it", "we", "they"),
    "colours": ("red", "blue", "green", "yellow", "black", "white", "brown"),
}
DEFAULT_WORDS: tuple[str, ...] = ("three", "monday", "he", "red", "water", "king")
IMAGE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_TRAIN_HINT = "write snapshots with `tokvec train-lm CORPUS --snapshots {}`"


@dataclass(frozen=True)
class Snapshot:
    """What one snapshot shows: its losses and the four measures (see the module docstring)."""

    step: int
    path: Path
    train_loss: float | None  # None at step 0 (written as "nan") or when not recorded
    val_loss: float | None  # None where validation did not run at this step
    tokens_seen: int | None
    neighbours: dict[str, tuple[Neighbour, ...]]  # watched word -> its k nearest non-special tokens
    overlap: float  # overlap@k with the final snapshot's probe neighbourhoods, in [0, 1]
    coherence: dict[str, float]  # group -> mean cosine within minus mean cosine to probe tokens outside it
    similarity: float | None  # WordSim-353 Spearman rho
    similarity_pairs: int  # WordSim-353 pairs with both words in the vocabulary
    group_vectors: dict[str, np.ndarray] = field(repr=False, compare=False)  # group -> (n_g, dim) unit rows


@dataclass(frozen=True)
class WatchReport:
    """Snapshots in step order, and what was watched in them."""

    directory: Path
    k: int
    probe_size: int  # m, tokens in the probe set
    words: tuple[str, ...]  # watched words found in the vocabulary
    missing_words: tuple[str, ...]  # watched words that are not one token of the vocabulary
    groups: dict[str, tuple[str, ...]]  # group -> its tokens present in the vocabulary (>= 2 each)
    skipped_groups: tuple[str, ...]  # groups with fewer than 2 tokens in the vocabulary
    snapshots: tuple[Snapshot, ...]

    def milestones(self) -> tuple[Snapshot, ...]:
        """The first, middle and final snapshots (fewer when there are fewer than 3)."""
        n = len(self.snapshots)
        return tuple(self.snapshots[i] for i in sorted({0, (n - 1) // 2, n - 1}))

    def to_json(self) -> dict[str, Any]:
        """A plain dict (JSON-ready) of everything but the group vectors."""
        return {
            "directory": str(self.directory), "k": self.k, "probe_size": self.probe_size,
            "words": list(self.words), "missing_words": list(self.missing_words),
            "groups": {name: list(tokens) for name, tokens in self.groups.items()},
            "skipped_groups": list(self.skipped_groups),
            "snapshots": [_snapshot_json(s) for s in self.snapshots],
        }


@dataclass(frozen=True)
class _Plan:
    """What to measure, fixed from one snapshot (all share the vocabulary)."""

    words: tuple[str, ...]
    missing_words: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    skipped_groups: tuple[str, ...]
    rows: np.ndarray  # (r,) vocabulary ids: the m probe tokens first, then group tokens outside it
    probe_size: int
    members: dict[str, np.ndarray]  # group -> positions of its tokens in rows
    outsiders: dict[str, np.ndarray]  # group -> positions of the probe tokens not in the group
    specials: int  # special tokens in the vocabulary (searched past, then dropped)


# -- public API ------------------------------------------------------------------------------------
def is_special(token: str) -> bool:
    """Whether ``token`` is a special token: bracketed, like ``[UNK]``, ``[EOS]`` or ``<|endoftext|>``.

    >>> is_special("[EOS]"), is_special("<pad>"), is_special("##day"), is_special("[")
    (True, True, False, False)
    """
    return len(token) > 2 and (token[0], token[-1]) in (("[", "]"), ("<", ">"))


def list_snapshots(directory: str | os.PathLike[str]) -> list[Path]:
    """The ``step-NNNNNNN.tokvec`` files in ``directory``, sorted by step.

    >>> list_snapshots("runs/tiny/snapshots")[:2]   # doctest: +SKIP
    [PosixPath('runs/tiny/snapshots/step-0000000.tokvec'), PosixPath('runs/tiny/snapshots/step-0000200.tokvec')]
    """
    path = Path(directory)
    if not path.is_dir():
        what = f"{path} is not a directory" if path.exists() else f"no such directory: {path}"
        raise InvalidArgumentError(f"{what}; give the snapshot directory of a training run, or "
                                   + _TRAIN_HINT.format(path))
    found = [p for p in path.iterdir() if SNAPSHOT_NAME.fullmatch(p.name)]
    if not found:
        raise InvalidArgumentError(f"{path} holds no snapshots (files named step-0000200.tokvec); "
                                   + _TRAIN_HINT.format(path))
    return sorted(found, key=_step)


def watch(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    words: Sequence[str] = DEFAULT_WORDS,
    *,
    k: int = 5,
    groups: Mapping[str, Sequence[str]] = GROUPS,
    probe: int = 500,
) -> WatchReport:
    """Measure every snapshot of a run (a snapshot directory, or a list of snapshot files).

    Watched ``words`` that are not tokens are listed in ``missing_words``; if none is, the error
    names frequent tokens to watch instead. ``k`` neighbours per word (and the k of overlap@k);
    ``probe`` most frequent tokens form the probe set.

    >>> report = watch("runs/tiny/snapshots", k=5)             # doctest: +SKIP
    >>> [n.token for n in report.snapshots[-1].neighbours["monday"]]   # doctest: +SKIP
    """
    paths = _snapshot_paths(source)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidArgumentError(f"k must be a positive number of neighbours, got {k!r}")
    final = load(paths[-1])
    plan = _plan(final, words, groups, int(k), probe)
    _, final_sims = _unit_rows_and_cosines(final, plan.rows)
    final_top = _probe_neighbours(final_sims, plan.probe_size, int(k))
    pairs = read_word_pairs("wordsim353")
    snapshots = []
    for path in paths:
        v = final if path == paths[-1] else load(path)
        _check_same_vocabulary(v, path, final, paths[-1])
        snapshots.append(_measure(v, path, plan, int(k), final_top, pairs))
    return WatchReport(
        directory=paths[0].parent, k=int(k), probe_size=plan.probe_size, words=plan.words,
        missing_words=plan.missing_words, groups=plan.groups, skipped_groups=plan.skipped_groups,
        snapshots=tuple(snapshots),
    )


def summary_table(report: WatchReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-snapshot table: val loss, overlap@k, coherence per group, WordSim ρ."""
    header = ["step", "val loss", f"overlap@{report.k}", *report.groups, "wordsim ρ"]
    rows = [[f"{s.step:,}", "-" if s.val_loss is None else f"{s.val_loss:.3f}", f"{s.overlap:.3f}",
             *(f"{s.coherence[g]:+.3f}" for g in report.groups), "-" if s.similarity is None else f"{s.similarity:+.3f}"]
            for s in report.snapshots]
    return header, rows


def neighbour_table(report: WatchReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the neighbours of each watched word at the first, middle and final snapshot."""
    milestones = report.milestones()
    header = ["word", *(f"step {s.step:,}" for s in milestones)]
    rows = [[word, *(", ".join(f"{t} {score:.2f}" for t, score, _ in s.neighbours[word]) for s in milestones)]
            for word in report.words]
    return header, rows


def report_notes(report: WatchReport) -> list[str]:
    """Lines that say what the columns measure, and which words and groups were not found."""
    pairs = report.snapshots[-1].similarity_pairs  # the same in every snapshot: it depends on the vocabulary only
    notes = [f"probe set: the {report.probe_size:,} most frequent non-special tokens; overlap@{report.k} = "
             f"share of each probe token's {report.k} nearest probe tokens that are its final ones; coherence = "
             "mean cosine within a group minus its mean cosine to the probe tokens outside it",
             f"wordsim ρ: Spearman over the {pairs} WordSim-353 pairs with both words in the vocabulary" if pairs
             else "wordsim ρ: no WordSim-353 pair has both words in the vocabulary"]
    if report.missing_words:
        notes.append("not in the vocabulary (watch single tokens): " + ", ".join(report.missing_words))
    if report.skipped_groups:
        notes.append("groups with fewer than 2 tokens in the vocabulary, skipped: " + ", ".join(report.skipped_groups))
    return notes


def format_report(report: WatchReport) -> str:
    """Both tables and the notes as plain text (the CLI prints the same cells as rich tables)."""
    parts = [_text_table(*summary_table(report), numeric=True)]
    if report.words:
        parts.append(_text_table(*neighbour_table(report), numeric=False))
    parts.append("\n".join(report_notes(report)))
    return "\n\n".join(parts)


def plot_watch(
    source: WatchReport | str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
) -> Any:
    """A matplotlib figure of a run: top, a PCA of the group tokens at the first, middle and final
    snapshot (each panel fitted on its own snapshot, coloured by group); bottom, the losses and
    the coherence of each group with overlap@k, against the step.

    ``source`` is a report or a snapshot directory (watched with the defaults). With ``out``
    (``.png``, ``.svg`` or ``.pdf``) the figure is rendered to memory, then written atomically.

    >>> fig = plot_watch(watch("runs/tiny/snapshots"), "watch.png")   # doctest: +SKIP
    """
    fmt = _image_format(out) if out is not None else None
    report = source if isinstance(source, WatchReport) else watch(source)
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError("matplotlib", "plot", "the watch plot") from None
    fig = Figure(figsize=(14.0, 9.0), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subfigures(2, 1, height_ratios=(1.2, 1.0))
    milestones = report.milestones()
    for ax, snapshot in zip(np.atleast_1d(top.subplots(1, len(milestones))), milestones):
        _draw_projection(ax, report, snapshot)
    loss_ax, structure_ax = bottom.subplots(1, 2)
    _draw_losses(loss_ax, report)
    _draw_structure(structure_ax, report)
    steps = report.snapshots
    fig.suptitle(title or f"watching {report.directory.name or report.directory} learn: {len(steps)} snapshots, "
                 f"steps {steps[0].step:,} to {steps[-1].step:,}", x=0.01, ha="left", fontweight="bold")
    if out is not None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        with atomic_write(out) as handle:
            handle.write(buffer.getvalue())
    return fig


# -- reading ---------------------------------------------------------------------------------------
def _step(path: Path) -> int:
    match = SNAPSHOT_NAME.fullmatch(path.name)
    if match is None:
        raise InvalidArgumentError(f"{path}: snapshot files are named by their step, like step-0000200.tokvec; "
                                   "pass the files the trainer wrote, or their directory")
    return int(match.group(1))


def _snapshot_paths(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(source, (str, os.PathLike)):
        return list_snapshots(source)
    paths = [Path(p) for p in source]
    if not paths:
        raise InvalidArgumentError("no snapshot files given; pass a snapshot directory or step-NNNNNNN.tokvec files")
    return sorted(paths, key=_step)


def _check_same_vocabulary(v: Vectors, path: Path, reference: Vectors, reference_path: Path) -> None:
    (buffer, offsets), (ref_buffer, ref_offsets) = v.vocab.packed(), reference.vocab.packed()
    if not (np.array_equal(offsets, ref_offsets) and np.array_equal(buffer, ref_buffer)):
        raise FormatError(f"{path} has a different vocabulary from {reference_path} ({len(v):,} vs "
                          f"{len(reference):,} tokens); the snapshots of one run share one tokenizer: "
                          "keep one run per directory")


def _metric(v: Vectors, key: str, path: Path) -> float | None:
    """A number from the snapshot's metadata; None when absent, empty or not finite ("nan" at step 0)."""
    text = v.metadata.get(key, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise FormatError(f"{path}: metadata {key}={text!r} is not a number; snapshots written by "
                          "`tokvec train-lm` hold numbers there (or '' when not measured)") from None
    return value if math.isfinite(value) else None


# -- measuring -------------------------------------------------------------------------------------
def _plan(v: Vectors, words: Sequence[str], groups: Mapping[str, Sequence[str]], k: int, probe: int) -> _Plan:
    special = np.fromiter((is_special(t) for t in v.tokens), dtype=bool, count=len(v))  # (n,)
    order = np.argsort(-np.asarray(v.counts), kind="stable") if v.counts is not None else np.arange(len(v))
    probe_ids = order[~special[order]][: max(0, int(probe))]  # (m,) most frequent first
    if len(probe_ids) <= k:
        fix = "raise probe or lower k" if len(probe_ids) == probe else "lower k"
        raise InvalidArgumentError(f"overlap@{k} needs more than {k} probe tokens, got {len(probe_ids)} "
                                   f"(probe={probe}, {len(v):,} tokens, {int(special.sum())} special); {fix}")
    wanted = list(dict.fromkeys([words] if isinstance(words, str) else words))
    present = tuple(w for w in wanted if w in v)
    if wanted and not present:
        frequent = ", ".join(v.token(int(i)) for i in probe_ids[:12])
        raise InvalidArgumentError(f"none of the watched words ({', '.join(wanted)}) is a token of these "
                                   f"snapshots ({len(v):,} tokens); the most frequent ones are: {frequent}")
    kept = {name: tuple(t for t in dict.fromkeys(tokens) if t in v) for name, tokens in groups.items()}
    rows = [int(i) for i in probe_ids]
    position = {i: p for p, i in enumerate(rows)}
    members, outsiders = {}, {}
    for name, tokens in kept.items():
        if len(tokens) < 2:
            continue
        for i in (v.index(t) for t in tokens):
            if i not in position:  # a group token outside the probe set gets a row after it
                position[i] = len(rows)
                rows.append(i)
        members[name] = np.array([position[v.index(t)] for t in tokens])
        outsiders[name] = np.setdiff1d(np.arange(len(probe_ids)), members[name])
        if not len(outsiders[name]):
            raise InvalidArgumentError(f"the probe set ({len(probe_ids)} tokens) holds only {name!r} tokens, "
                                       "leaving nothing to compare the group with; raise probe")
    return _Plan(
        words=present, missing_words=tuple(w for w in wanted if w not in v),
        groups={name: kept[name] for name in members},
        skipped_groups=tuple(name for name in kept if name not in members),
        rows=np.array(rows, dtype=np.int64), probe_size=len(probe_ids), members=members, outsiders=outsiders,
        specials=int(special.sum()),
    )


def _measure(v: Vectors, path: Path, plan: _Plan, k: int, final_top: np.ndarray, pairs: WordPairs) -> Snapshot:
    unit, sims = _unit_rows_and_cosines(v, plan.rows)
    top = _probe_neighbours(sims, plan.probe_size, k)
    similarity, similarity_pairs = _wordsim(v, pairs)
    tokens_seen = _metric(v, "tokens_seen", path)
    return Snapshot(
        step=_step(path), path=path, train_loss=_metric(v, "train_loss", path),
        val_loss=_metric(v, "val_loss", path), tokens_seen=None if tokens_seen is None else int(tokens_seen),
        neighbours=_neighbours(v, plan.words, k, plan.specials), overlap=_overlap(top, final_top),
        coherence={g: _coherence(sims, plan.members[g], plan.outsiders[g]) for g in plan.groups},
        similarity=similarity, similarity_pairs=similarity_pairs,
        group_vectors={g: unit[plan.members[g]].astype(np.float32) for g in plan.groups},
    )


def _unit_rows_and_cosines(v: Vectors, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of ``rows`` ``(r, dim)`` (zero rows stay zero) and their cosines ``(r, r)``, float64."""
    x = np.asarray(v.matrix[rows], dtype=np.float64)  # (r, dim)
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (r, 1)
    unit = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    return unit, unit @ unit.T  # (r, dim) @ (dim, r) -> (r, r)


def _probe_neighbours(sims: np.ndarray, m: int, k: int) -> np.ndarray:
    """``(m, k)`` positions of each probe token's k nearest other probe tokens, best first (ties: lower position)."""
    probe_sims = sims[:m, :m].copy()  # (m, m)
    np.fill_diagonal(probe_sims, -np.inf)
    return np.argsort(-probe_sims, axis=1, kind="stable")[:, :k]


def _overlap(top: np.ndarray, final_top: np.ndarray) -> float:
    """Mean of ``|top[i] ∩ final_top[i]| / k`` over rows; each row holds k distinct positions."""
    shared = (top[:, :, None] == final_top[:, None, :]).sum()  # (m, k, k) matches, at most one per (i, a)
    return float(shared) / top.size


def _coherence(sims: np.ndarray, members: np.ndarray, outsiders: np.ndarray) -> float:
    """Mean cosine over pairs of members minus the members' mean cosine to the probe tokens outside the group."""
    within = sims[np.ix_(members, members)]  # (g, g)
    g = len(members)
    pairs_mean = (within.sum() - np.trace(within)) / (g * (g - 1))
    return float(pairs_mean - sims[np.ix_(members, outsiders)].mean())


def _neighbours(v: Vectors, words: tuple[str, ...], k: int, specials: int) -> dict[str, tuple[Neighbour, ...]]:
    """Each word's k nearest non-special tokens: search k + (number of special tokens), drop the specials."""
    if not words:
        return {}
    found = v.most_similar_batch(list(words), topn=k + specials)
    return {w: tuple([n for n in near if not is_special(n.token)][:k]) for w, near in zip(words, found)}


def _wordsim(v: Vectors, pairs: WordPairs) -> tuple[float | None, int]:
    try:
        result = evaluate_similarity(v, pairs, restrict=None)
    except InvalidArgumentError:  # no pair has both words in the vocabulary
        return None, 0
    return (result.spearman if math.isfinite(result.spearman) else None), result.pairs_used


# -- output ----------------------------------------------------------------------------------------
def _snapshot_json(s: Snapshot) -> dict[str, Any]:
    return {
        "step": s.step, "path": str(s.path), "train_loss": s.train_loss, "val_loss": s.val_loss,
        "tokens_seen": s.tokens_seen, "overlap": s.overlap, "coherence": dict(s.coherence),
        "similarity": s.similarity, "similarity_pairs": s.similarity_pairs,
        "neighbours": {w: [{"token": t, "score": score} for t, score, _ in near] for w, near in s.neighbours.items()},
    }


def _text_table(header: list[str], rows: list[list[str]], *, numeric: bool) -> str:
    """Columns padded to their widest cell: right-aligned if ``numeric``, else left-aligned."""
    widths = [max(len(line[c]) for line in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if numeric else cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _image_format(out: str | os.PathLike[str]) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise InvalidArgumentError(f"cannot write {Path(out).name!r}: the watch plot is written as "
                                   f"{', '.join(IMAGE_FORMATS)}")
    return IMAGE_FORMATS[suffix]


def _group_colours(report: WatchReport) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(report.groups)}


def _draw_projection(ax: Any, report: WatchReport, snapshot: Snapshot) -> None:
    """Group tokens of one snapshot in the PCA plane of those tokens' unit vectors."""
    ax.set_title(f"step {snapshot.step:,}", loc="left", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    points = [snapshot.group_vectors[g] for g in report.groups]
    if not points:
        ax.text(0.5, 0.5, "no probe group has 2 tokens\nin this vocabulary", ha="center", va="center",
                transform=ax.transAxes, color="#555555")
        return
    pca = fit_pca(np.concatenate(points), 2)
    colours = _group_colours(report)
    for name, vectors in zip(report.groups, points):
        xy = pca.transform(vectors)  # (n_g, 2)
        ax.scatter(xy[:, 0], xy[:, 1], s=22, color=colours[name], label=name)
        for token, (x, y) in zip(report.groups[name], xy):
            ax.annotate(token, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=7, color=colours[name])
    ratio = pca.explained_variance_ratio
    ax.set_xlabel(f"PC1 ({ratio[0]:.0%})", fontsize=8)
    ax.set_ylabel(f"PC2 ({ratio[1]:.0%})", fontsize=8)
    if snapshot is report.snapshots[0]:
        ax.legend(fontsize=7, loc="best")


def _draw_losses(ax: Any, report: WatchReport) -> None:
    for attr, label, style in (("train_loss", "train", dict(color="#999999", lw=1.0)),
                               ("val_loss", "validation", dict(color="#1f77b4", lw=1.8, marker="o", ms=3))):
        points = [(s.step, getattr(s, attr)) for s in report.snapshots if getattr(s, attr) is not None]
        if points:
            ax.plot(*zip(*points), label=f"{label} loss", **style)
    if ax.lines:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no loss recorded in the snapshots", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("loss", loc="left", fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")


def _draw_structure(ax: Any, report: WatchReport) -> None:
    steps = [s.step for s in report.snapshots]
    for name, colour in _group_colours(report).items():
        ax.plot(steps, [s.coherence[name] for s in report.snapshots], color=colour, lw=1.5, label=f"{name} coherence")
    ax.plot(steps, [s.overlap for s in report.snapshots], color="black", ls="--", lw=1.5,
            label=f"overlap@{report.k} with the final")
    ax.axhline(0.0, color="#cccccc", lw=0.8, zorder=0)
    ax.set_title("structure", loc="left", fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel("cosine gap / share of neighbours")
    ax.legend(fontsize=7, loc="best")


__all__ = ["DEFAULT_WORDS", "GROUPS", "Snapshot", "WatchReport", "format_report", "is_special", "list_snapshots",
           "neighbour_table", "plot_watch", "report_notes", "summary_table", "watch"]
