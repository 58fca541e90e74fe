"""Training token embeddings: word2vec (skip-gram and CBOW with negative sampling).

>>> from tokvec.train import train, Word2VecConfig    # doctest: +SKIP
>>> result = train("corpus.txt", Word2VecConfig(model="skipgram", threads=2))  # doctest: +SKIP
>>> result.vectors.most_similar("king")                # doctest: +SKIP

Importing this package does not import numba; the kernels compile on first use. The tiny GPT
(``tokvec.train.lm``, torch) is a subpackage of its own, not imported here.

Deliberately left out: fastText, GloVe and other trainers.
"""

from ..errors import CheckpointError
from .corpus import CorpusError, EncodedCorpus, encode_corpus
from .word2vec import TrainResult, Word2VecConfig, train

__all__ = ["CheckpointError", "CorpusError", "EncodedCorpus", "TrainResult", "Word2VecConfig", "encode_corpus", "train"]
