"""Snapshot files of a training run: finding ``step-NNNNNNN.tokvec`` files and reading their metadata.

``tokvec.train.lm`` writes one file per N steps; this module lists them in step order, checks that
they share one vocabulary, and reads the numbers the trainer stores in their metadata (losses,
tokens seen). Files that do not match the name pattern (a snapshot being written) are ignored.

Deliberately left out: measuring the snapshots (``tokvec.watch.metrics``) and writing them.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import FormatError, InvalidArgumentError
from ..vectors import Vectors
from ..vocab.tokenizer import is_special as is_special

SNAPSHOT_NAME = re.compile(r"step-(\d+)\.tokvec")
_TRAIN_HINT = "write snapshots with `tokvec train-lm CORPUS --snapshots {}`"


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
    return sorted(found, key=step_of)


def step_of(path: Path) -> int:
    match = SNAPSHOT_NAME.fullmatch(path.name)
    if match is None:
        raise InvalidArgumentError(f"{path}: snapshot files are named by their step, like step-0000200.tokvec; "
                                   "pass the files the trainer wrote, or their directory")
    return int(match.group(1))


def snapshot_paths(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(source, (str, os.PathLike)):
        return list_snapshots(source)
    paths = [Path(p) for p in source]
    if not paths:
        raise InvalidArgumentError("no snapshot files given; pass a snapshot directory or step-NNNNNNN.tokvec files")
    return sorted(paths, key=step_of)


def check_same_vocabulary(v: Vectors, path: Path, reference: Vectors, reference_path: Path) -> None:
    (buffer, offsets), (ref_buffer, ref_offsets) = v.vocab.packed(), reference.vocab.packed()
    if not (np.array_equal(offsets, ref_offsets) and np.array_equal(buffer, ref_buffer)):
        raise FormatError(f"{path} has a different vocabulary from {reference_path} ({len(v):,} vs "
                          f"{len(reference):,} tokens); the snapshots of one run share one tokenizer: "
                          "keep one run per directory")


def metadata_number(v: Vectors, key: str, path: Path) -> float | None:
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


__all__ = ["SNAPSHOT_NAME", "check_same_vocabulary", "is_special", "list_snapshots", "metadata_number",
           "snapshot_paths", "step_of"]
