"""The ``>>>`` examples in docstrings are true (those that need big data are marked SKIP)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["tokvec", "tokvec.vocab", "tokvec.vocab.table", "tokvec.vocab.tokenizer", "tokvec.search", "tokvec.layers",
           "tokvec.layers.embedding", "tokvec.layers.positional", "tokvec._plumbing.files",
           "tokvec._plumbing.optional", "tokvec._plumbing.threads", "tokvec.encode.mean", "tokvec.vectors",
           "tokvec.formats", "tokvec.train.corpus", "tokvec.train.word2vec", "tokvec.train.tables",
           "tokvec.train.fasttext", "tokvec.train.options",
           "tokvec.watch", "tokvec.watch.snapshots", "tokvec.train.lm.data", "tokvec.train.lm.config",
           "tokvec.train.lm.model", "tokvec.train.lm.trainer", "tokvec.train._common", "tokvec.search.ann",
           "tokvec.transfer", "tokvec.transfer.matrix", "tokvec.transfer.text", "tokvec.transfer.edit",
           "tokvec.transfer.build", "tokvec.search.exact", "tokvec.search.neighbour", "tokvec.vocab.subwords",
           "tokvec.display.vectors", "tokvec.display.neighbours", "tokvec.vocab.hf_tokenizer", "tokvec.search.wmd",
           "tokvec.search.one_to_many", "tokvec.search.queries", "tokvec.formats._pickled", "tokvec.formats.gensim",
           "tokvec.evaluate.statistics", "tokvec.cli._failures", "tokvec.engines", "tokvec.distillation.steps",
           "tokvec.distillation.fitting", "tokvec.encode.encoder"]
NEEDS = {"tokvec.train.lm.config": "torch", "tokvec.train.lm.model": "torch", "tokvec.train.lm.trainer": "torch",
         "tokvec.train.lm.data": "torch", "tokvec.search.ann": "faiss", "tokvec.transfer.build": "tokenizers",
         "tokvec.distillation.fitting": "torch"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
