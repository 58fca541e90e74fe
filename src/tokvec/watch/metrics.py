"""The measures of a run (see ``tokvec.watch``): neighbours, overlap@k, group coherence, WordSim ρ.

``watch`` reads every snapshot once and returns a ``WatchReport`` of ``Snapshot`` records. All
measures are cosines, so snapshots need no alignment; the probe set and groups are fixed from the
final snapshot (every snapshot of a run shares its vocabulary).

Deliberately left out: tables and text (``tokvec.watch.report``), the figure
(``tokvec.watch.figure``) and reading files (``tokvec.watch.snapshots``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.neighbourhoods import mean_overlap, nearest, unit_rows
from ..errors import InvalidArgumentError
from ..evaluate import WordPairs, evaluate_similarity, read_word_pairs
from ..formats import load
from ..vectors import Neighbour, Vectors
from .snapshots import check_same_vocabulary, is_special, metadata_number, snapshot_paths, step_of

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
    paths = snapshot_paths(source)
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
        check_same_vocabulary(v, path, final, paths[-1])
        snapshots.append(_measure(v, path, plan, int(k), final_top, pairs))
    return WatchReport(
        directory=paths[0].parent, k=int(k), probe_size=plan.probe_size, words=plan.words,
        missing_words=plan.missing_words, groups=plan.groups, skipped_groups=plan.skipped_groups,
        snapshots=tuple(snapshots),
    )


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
    tokens_seen = metadata_number(v, "tokens_seen", path)
    return Snapshot(
        step=step_of(path), path=path, train_loss=metadata_number(v, "train_loss", path),
        val_loss=metadata_number(v, "val_loss", path), tokens_seen=None if tokens_seen is None else int(tokens_seen),
        neighbours=_neighbours(v, plan.words, k, plan.specials), overlap=mean_overlap(top, final_top),
        coherence={g: _coherence(sims, plan.members[g], plan.outsiders[g]) for g in plan.groups},
        similarity=similarity, similarity_pairs=similarity_pairs,
        group_vectors={g: unit[plan.members[g]].astype(np.float32) for g in plan.groups},
    )


def _unit_rows_and_cosines(v: Vectors, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of ``rows`` ``(r, dim)`` (zero rows stay zero) and their cosines ``(r, r)``, float64."""
    unit = unit_rows(v.matrix[rows])  # (r, dim)
    return unit, unit @ unit.T  # (r, dim) @ (dim, r) -> (r, r)


def _probe_neighbours(sims: np.ndarray, m: int, k: int) -> np.ndarray:
    """``(m, k)`` positions of each probe token's k nearest other probe tokens, best first (ties: lower position)."""
    return nearest(sims[:m, :m], k)


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


def _snapshot_json(s: Snapshot) -> dict[str, Any]:
    return {
        "step": s.step, "path": str(s.path), "train_loss": s.train_loss, "val_loss": s.val_loss,
        "tokens_seen": s.tokens_seen, "overlap": s.overlap, "coherence": dict(s.coherence),
        "similarity": s.similarity, "similarity_pairs": s.similarity_pairs,
        "neighbours": {w: [{"token": t, "score": score} for t, score in near] for w, near in s.neighbours.items()},
    }


__all__ = ["DEFAULT_WORDS", "GROUPS", "Snapshot", "WatchReport", "watch"]
