"""Distillation: a transformer's token matrix made into a static sentence encoder (model2vec's idea).

>>> import tokvec
>>> v = tokvec.distill("minilm", dim=256)                 # doctest: +SKIP
>>> tokvec.save(v, "minilm-static", format="model2vec")   # doctest: +SKIP
>>> fitted = tokvec.distill("minilm", dim=256, corpus="sentences.txt")  # doctest: +SKIP

- ``teacher``: which directory, which pooling, which special tokens (``find_teacher``);
- ``steps``: the steps (``forward`` through the teacher, ``pca``, ``weights``) and ``DistillConfig``;
- ``fitting``: the rows fitted to the teacher's sentence vectors on a corpus (``FitConfig``, tokenlearn's step);
- ``static_model``: ``distill`` itself, and ``read_vocabulary`` for a word list of your own.

Needs torch and transformers (``pip install 'tokvec[distill]'``), imported only when a distillation runs.
Deliberately left out: encoding (``tokvec.encode``) and the folder formats (``tokvec.formats.static``).
"""

from __future__ import annotations

from .fitting import FitConfig as FitConfig
from .fitting import read_corpus as read_corpus
from .static_model import distill as distill
from .static_model import read_vocabulary as read_vocabulary
from .steps import DistillConfig as DistillConfig
from .teacher import find_teacher as find_teacher

__all__ = ["DistillConfig", "FitConfig", "distill", "find_teacher", "read_corpus", "read_vocabulary"]
