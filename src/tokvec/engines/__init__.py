"""Encoding past one machine on an existing engine: a picklable per-partition step for Dask (or Ray Data).

>>> from tokvec.engines import encode_partitions
>>> step = encode_partitions("minilm-static", column="text")   # nothing is loaded yet
>>> step
encode_partitions('minilm-static', column='text')

``ddf.map_partitions(step)`` adds an ``embedding`` column to every partition of a Dask DataFrame; the model is
loaded lazily, once per worker process, from its path or builtin name (``partitions``).

This package sits above ``tokvec.formats`` (it loads models by name) and ``tokvec.encode`` (it encodes).
Deliberately left out: scheduling, clusters and I/O, which stay the engine's (``dask.distributed.Client``).
"""

from __future__ import annotations

from .partitions import EncodePartitions as EncodePartitions
from .partitions import encode_partitions as encode_partitions

__all__ = ["EncodePartitions", "encode_partitions"]
