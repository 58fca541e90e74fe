"""Training token embeddings: word2vec (skip-gram and CBOW with negative sampling), and fastText's subword
variant of both (``tokvec.train.fasttext``: ``train(corpus, FastTextConfig(minn=3, maxn=6, bucket=2_000_000))``).

>>> from tokvec.train import train, Word2VecConfig    # doctest: +SKIP
>>> result = train("corpus.txt", Word2VecConfig(model="skipgram", threads=2))  # doctest: +SKIP
>>> result.vectors.most_similar("king")                # doctest: +SKIP

What the model learns is its config; how the run goes (checkpoints, resuming, progress, the corpus's spill to
disk) is ``train``'s keywords, the same for both trainers: the fields of ``TrainOptions`` (``train.options``).

Importing this package does not import numba; the kernels compile on first use. The tiny GPT
(``tokvec.train.lm``, torch) is a subpackage of its own, not imported here.

Deliberately left out: GloVe and other trainers.
"""

from ..errors import CheckpointError
from .corpus import CorpusError, EncodedCorpus, encode_corpus
from .fasttext import FastTextConfig
from .options import TrainOptions
from .word2vec import TrainResult, Word2VecConfig, train

__all__ = ["CheckpointError", "CorpusError", "EncodedCorpus", "FastTextConfig", "TrainOptions", "TrainResult",
           "Word2VecConfig", "encode_corpus", "train"]
