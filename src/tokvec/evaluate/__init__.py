"""Intrinsic evaluation: word-similarity correlations and analogy accuracy, with the protocol stated.

Two benchmark families, scored the way gensim 4.x scores them so numbers are comparable:

- **similarity** (WordSim-353, SimLex-999, MEN, RG-65, ...): cosine of each word pair against
  the human score; Spearman and Pearson correlation (NumPy, with p-values), pairs used, pairs
  skipped as out of vocabulary. Same result as ``KeyedVectors.evaluate_word_pairs``.
- **analogies** (Google ``questions-words.txt``): ``a : b :: c : ?`` per section and in total,
  by 3CosAdd or 3CosMul. Same correct/skipped counts as ``KeyedVectors.evaluate_word_analogies``.
  All questions are answered together (``tokvec.evaluate._analogy``): per chunk of vocabulary rows, a table
  of cosines with the few hundred distinct question words, then a compiled top-k scan per question;
  bounded memory, over ten times gensim's speed (``bench/evaluate.py``).

The protocol (gensim's, with ``dummy4unknown=False``), reported in every result:

- the vocabulary is the first ``restrict`` tokens (the most frequent, in frequency-sorted files);
  a pair or question with any word outside it is skipped, not counted wrong;
- ``case_insensitive`` upper-cases benchmark words and tokens (``str.upper``); when several
  tokens share a case-folded form, the first (most frequent) wins;
- an analogy is answered with the 5 best rows of the restricted vocabulary other than the rows
  of a, b and c; the prediction is the first of them whose (folded) form is not a, b or c.

Deliberate differences from gensim: malformed lines raise ``FormatError`` (gensim skips them
silently); ``#`` comment and blank lines are allowed in analogy files, and a file without
``: section`` headers is one section; similarity files may be tab, semicolon, comma or space
separated with a header row, and the score column is the first numeric one after the two words
(so SimLex-999's ``SimLex999`` and SimVerb's score columns are found). 3CosMul searches the
restricted vocabulary like 3CosAdd; gensim 4.4 ignores ``similarity_function`` and always uses
3CosAdd, and its ``most_similar_cosmul`` ignores ``restrict_vocab``. Scores are ranked in float64.

Deliberately left out: BATS-style folders, set-based analogy methods, dummy4unknown scoring.

>>> import tokvec, tokvec.evaluate as ev
>>> result = ev.evaluate_analogies(tokvec.load("glove"), restrict=30_000)   # doctest: +SKIP
>>> result.correct, result.total, round(result.accuracy, 4)                   # doctest: +SKIP
(7393, 14877, 0.4969)
"""

from __future__ import annotations

from .analogy import ANSWER_CANDIDATES, METHOD_NAMES, AnalogyResult, SectionResult, evaluate_analogies
from .datasets import (
    BUILTIN_ANALOGIES,
    BUILTIN_SETS,
    BUILTIN_SIMILARITY,
    DATA_DIR,
    AnalogySection,
    WordPairs,
    read_analogies,
    read_word_pairs,
    resolve,
)
from .protocol import DEFAULT_RESTRICT, Protocol
from .similarity import SimilarityResult, evaluate_similarity
from .statistics import correlation_p_value, pearson, rankdata, spearman

__all__ = [
    "AnalogyResult",
    "ANSWER_CANDIDATES",
    "AnalogySection",
    "BUILTIN_ANALOGIES",
    "BUILTIN_SETS",
    "BUILTIN_SIMILARITY",
    "DATA_DIR",
    "DEFAULT_RESTRICT",
    "METHOD_NAMES",
    "Protocol",
    "SectionResult",
    "SimilarityResult",
    "WordPairs",
    "correlation_p_value",
    "evaluate_analogies",
    "evaluate_similarity",
    "pearson",
    "rankdata",
    "read_analogies",
    "read_word_pairs",
    "resolve",
    "spearman",
]
