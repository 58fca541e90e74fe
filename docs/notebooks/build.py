"""Write the lecture notebooks' cells (``python docs/notebooks/build.py``); outputs come from running them.

The ``.ipynb`` files are what people open; this script is how their cells were written, kept so a
change to the lecture is one reviewable diff. After editing, regenerate and execute:

    python docs/notebooks/build.py && python tests/notebooks.py --write

Deliberately left out: outputs (``tests/notebooks.py`` executes the notebooks with nbclient and
stores them; ``tests/test_notebooks.py`` checks a fresh run reproduces them).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

NOTEBOOKS: dict[str, list[str]] = {}


def notebook(name: str, *cells: str) -> None:
    NOTEBOOKS[name] = [c.strip("\n") for c in cells]


notebook(
    "01-why-embeddings",
    """# 01 · Why embeddings

A model cannot read the word *cat*; it reads numbers. The simplest numbering is **one-hot**: a vector
as long as the vocabulary with a single 1. This notebook shows why that is not enough, and what a
dense embedding gives instead. Everything runs offline on data shipped with tokvec.""",
    """import numpy as np
import tokvec

words = ["cat", "kitten", "dog", "car"]
one_hot = tokvec.Vectors(words, np.eye(len(words), dtype=np.float32))
one_hot.matrix""",
    """Every pair of distinct one-hot vectors is orthogonal, so *cat* is exactly as unrelated to *kitten* as to
*car*: the cosine similarity is 0 for all of them.""",
    """one_hot.most_similar("cat")""",
    """## Dense vectors

GloVe gives each of 400,000 words 50 learned numbers. `tokvec.load("glove")` opens them memory-mapped
(milliseconds after the first run). The object shows its size, storage and norms.""",
    """v = tokvec.load("glove")
v""",
    """Now *kitten* is close to *cat*, and *car* is not:""",
    """for a, b in [("cat", "kitten"), ("cat", "dog"), ("cat", "car")]:
    print(f"{a:>4} · {b:<7} {v.similarity(a, b):+.3f}")""",
    """v.most_similar("cat", topn=8)""",
    """The result is still a plain list of `Neighbour(token, score, row)`; in a notebook it shows as a table.
A heatmap of the cosine similarities makes the structure visible (a matplotlib figure, shown inline):""",
    """tokvec.plot.heatmap(v, ["cat", "kitten", "dog", "puppy", "car", "truck"])""",
    """One-hot needs one dimension per word (400,000 here) and says nothing about meaning; an embedding needs
50 and puts related words near each other.""",
    """print(f"one-hot: {len(v):,} numbers per word, embedding: {v.dim}")""",
)

notebook(
    "02-pretrained-vectors",
    """# 02 · Pretrained vectors

Neighbours, the famous analogy *king − man + woman*, similarities of word pairs, and the norm of a
difference, on GloVe 6B 50d; then a benchmark evaluation and an interactive explorer.""",
    """import numpy as np
import tokvec
import tokvec.evaluate as ev

v = tokvec.load("glove")
v.most_similar("king", topn=8)""",
    """## king − man + woman

`most_similar(positive=[...], negative=[...])` averages unit vectors (3CosAdd, as gensim does); the
query words themselves are never returned.""",
    """v.most_similar(positive=["king", "woman"], negative=["man"], topn=5)""",
    """v.analogy("paris", "france", "rome", topn=3)   # paris is to france as rome is to ?""",
    """## Similarity of pairs, and the norm of the difference

Cosine similarity ignores length; the Euclidean distance `‖v[a] − v[b]‖` does not.""",
    """pairs = [("king", "queen"), ("man", "woman"), ("king", "man"), ("cat", "kitten"), ("cat", "democracy")]
for a, b in pairs:
    diff = v[a] - v[b]
    print(f"{a:>5} · {b:<9} cosine {v.similarity(a, b):+.3f}   ‖a − b‖ {np.linalg.norm(diff):.3f}"
          f" (= v.distance: {v.distance(a, b):.3f})")""",
    """## How good are they? Benchmarks with the protocol stated

WordSim-353 (human similarity ratings) and the Google analogy questions, scored as gensim scores them;
each result shows its own table and the protocol line.""",
    """similarity = ev.evaluate_similarity(v, "wordsim353")
analogies = ev.evaluate_analogies(v, restrict=10_000)
tokvec.display.Report([similarity, analogies])""",
    """## Explore

`tokvec.plot.explorer` embeds the 2,000 most frequent words (plus a few chosen ones) in this page:
search a word for its neighbours, try an analogy, and watch them light up on the PCA map. It needs no
server and no widget library; on GitHub (where scripts do not run) the map still shows.""",
    """tokvec.plot.explorer(v, top=2000, words=["queen", "prince", "kitten", "paris", "rome"])""",
)

notebook(
    "03-embedding-layer",
    """# 03 · The embedding layer

An embedding layer is a `(num_embeddings, dim)` weight matrix looked up by id. tokvec's `Embedding`
draws the same numbers as `torch.manual_seed(123); torch.nn.Embedding(6, 3)`, without torch.""",
    """import numpy as np
import tokvec

emb = tokvec.Embedding(6, 3, seed=123)
emb""",
    """ids = [2, 3, 5, 1]
emb(ids)   # rows 2, 3, 5 and 1 of the weight matrix, in that order""",
    """## A batch of sequences

Ids of shape `(batch, seq)` give vectors of shape `(batch, seq, dim)`: the lookup adds one axis.""",
    """batch = np.array([[2, 3, 5, 1], [1, 1, 4, 0]])   # (B, T)
out = emb(batch)                                # (B, T, C)
out.shape""",
    """## Side by side with torch""",
    """import torch

torch.manual_seed(123)
reference = torch.nn.Embedding(6, 3)
with torch.no_grad():
    theirs = reference(torch.tensor(ids)).numpy()
print("torch:\\n", theirs.round(4))
print("same to 4 decimals:", np.array_equal(emb(ids).round(4), theirs.round(4)),
      f"(max difference {np.abs(emb(ids) - theirs).max():.1e})")""",
    """The backward pass adds the output gradient back into the rows that were used (an id used twice gets
both gradients), exactly what torch computes:""",
    """grad = np.ones((4, 3), dtype=np.float32)
emb(ids)
emb.backward(grad)
emb.grad""",
)

notebook(
    "04-one-hot-times-linear",
    """# 04 · One-hot × Linear ≡ lookup, and what it costs

Multiplying a one-hot matrix by the weight matrix of a Linear layer picks the same rows a lookup picks.
The result is identical; the work is not.""",
    """import numpy as np
import tokvec
from tokvec.layers import OneHotLinear, lookup_cost, one_hot

emb = tokvec.Embedding(6, 3, seed=123)
ids = [2, 3, 5, 1]
one_hot(ids, 6)   # (4, 6)""",
    """long_way = one_hot(ids, 6) @ emb.weight           # (4, 6) @ (6, 3) -> (4, 3)
print(np.array_equal(long_way, emb(ids)), np.array_equal(OneHotLinear(emb.weight)(ids), emb(ids)))""",
    """For 4 ids in a 6 × 3 table the difference is small:""",
    """lookup_cost(6, 3, 4)""",
    """## At GPT-2 scale

GPT-2's token table is 50,257 × 768. For a context of 256 ids, one-hot × Linear multiplies a
256 × 50,257 matrix (almost all zeros) by the whole table; the lookup copies 256 rows. Measured here
(times vary with the machine; the FLOPs and bytes do not):""",
    """cost = lookup_cost(50_257, 768, 256, measure=True, repeat=2)
cost""",
    """print(f"{cost.onehot_flops:,} multiply-adds for one-hot; 0 for the lookup")
print(f"one-hot touches {cost.onehot_bytes / cost.lookup_bytes:,.0f}x the bytes")""",
    """That is why frameworks implement `nn.Embedding` as indexing, not as a matrix product.""",
)

notebook(
    "05-transformer-token-matrix",
    """# 05 · A real transformer's token matrix

all-MiniLM-L6-v2 (a sentence-transformers model) begins with a 30,522 × 384 table of WordPiece
tokens. tokvec ships it as a data package and opens it like any other vectors.""",
    """import tokvec

v = tokvec.load("minilm")
v""",
    """Token ids index its rows like any table; neighbours are as meaningful as GloVe's, even though the
model never trained these vectors on their own:""",
    """v.most_similar("king", topn=8)""",
    """print("id of 'paris':", v.index("paris"))
v.most_similar("paris", topn=5)""",
    """## Words that are not one token

WordPiece splits rare words into pieces (`##` marks a continuation). A word that is not a token is
the mean of its pieces' vectors, and tokvec says so:""",
    """print(v.pieces("embeddings"))
print(v.explain("embeddings"))
v.most_similar("embeddings", topn=5)""",
    """Norms differ a lot between tokens (frequent tokens and special tokens stand out):""",
    """norms = v.norms
for token in ["[PAD]", "[CLS]", "the", "king", "##ing"]:
    print(f"{token:>6} norm {norms[v.index(token)]:.3f}")""",
)

notebook(
    "06-positions-and-gpt-input",
    """# 06 · Positional embeddings and the GPT input

Attention alone does not know word order, so a GPT adds a **position** vector to each token vector.
Its input layer is token embedding + position embedding.""",
    """import numpy as np
from tokvec.layers import TokenAndPositionEmbedding, sinusoidal_table

layer = TokenAndPositionEmbedding(vocab_size=6, context_length=4, dim=3, seed=123)
ids = np.array([[2, 3, 5, 1], [1, 1, 4, 0]])   # (B, T)
x = layer(ids)                                  # (B, T, C)
x.shape""",
    """Token 1 appears at three places; its input vectors differ because its positions differ:""",
    """for b, t in [(0, 3), (1, 0), (1, 1)]:
    print(f"batch {b}, position {t}, token {ids[b, t]}: {x[b, t].round(4)}")""",
    """The sum is exactly token row + position row:""",
    """token_part = layer.tokens(ids)                 # (B, T, C)
position_part = layer.positions(np.arange(4))   # (T, C), broadcast over the batch
np.allclose(x, token_part + position_part)""",
    """## The sinusoidal table

*Attention Is All You Need* used fixed sines and cosines instead of learned positions:""",
    """sinusoidal_table(4, 6).round(4)""",
)

notebook(
    "07-embeddings-are-learned",
    """# 07 · Embeddings are learned

An embedding matrix starts random and is trained. First word2vec skip-gram on 300,000 words of WordNet
glosses (shipped with tokvec), then a short run of a tiny GPT, watching its token matrix.""",
    """from importlib import resources

import tokvec
from tokvec.train import Word2VecConfig, train
from tokvec.train.word2vec import initial_weights

glosses = resources.files("tokvec") / "data" / "wordnet-glosses.txt.gz"
config = Word2VecConfig(model="skipgram", dim=50, epochs=3, min_count=3, threads=1, seed=1)
result = train(str(glosses), config)   # the progress bar is HTML here: no ipywidgets needed
result""",
    """Neighbours at random initialisation and after training:""",
    """v = result.vectors
before = tokvec.Vectors(v.tokens, initial_weights(len(v), config.dim, config.seed)[0], check_duplicates=False)
for word in ["three", "he", "red", "water"]:
    print(f"{word:>6}  random: {', '.join(n.token for n in before.most_similar(word, topn=4))}")
    print(f"{'':>6}  trained: {', '.join(n.token for n in v.most_similar(word, topn=4))}")""",
    """v.most_similar("three", topn=6)""",
    """## A tiny GPT learns its token matrix too

A language model learns its embeddings as a side effect of predicting the next token. A very short
run (a few dozen steps of a 2-layer model on a slice of the glosses) already moves the loss; `tokvec
train-lm` and `tokvec watch` do the long version.""",
    """import gzip
import tempfile
from pathlib import Path

from tokvec.train.lm import LMConfig, train_lm

lines = gzip.open(glosses, "rt", encoding="utf-8").read().splitlines()[:1500]
corpus = Path(tempfile.mkdtemp()) / "glosses.txt"
corpus.write_text("\\n".join(lines), encoding="utf-8")
lm_config = LMConfig(vocab_size=400, context=16, dim=32, layers=2, heads=2, batch_size=8, steps=40,
                     warmup=5, eval_every=10, eval_batches=4, snapshot_every=10, checkpoint_every=1000, seed=1)
lm = train_lm(corpus, lm_config, threads=1)
lm""",
    """The token matrix after training is a `Vectors` like any other:""",
    """lm.vectors""",
)

notebook(
    "08-from-token-matrix-to-sentence-encoder",
    """# 08 · From a token matrix to a sentence encoder

Notebook 05 opened MiniLM's 30,522 × 384 input matrix. MiniLM itself turns a sentence into one vector by
running six transformer layers over those rows and averaging the outputs. A **static** encoder skips the
layers: a sentence is the (weighted) mean of its tokens' rows, as model2vec does. Which rows? Averaging the
input rows as they are is one answer; **distilling** is a better one: every token goes through the teacher
once, alone, and its pooled output becomes its row (then PCA, then weights that favour rare tokens).""",
    """import os
import time
import warnings

os.environ["HF_HUB_OFFLINE"] = "1"   # everything below runs offline, on the packaged MiniLM
warnings.filterwarnings("ignore", message="IProgress not found")   # tqdm's notebook bar, no ipywidgets here
import numpy as np
import tokvec

matrix = tokvec.load("minilm")
matrix""",
    """## Distilling MiniLM

`tokvec.distill` runs all 30,522 tokens through MiniLM (pooled as MiniLM pools: the mean), reduces the
outputs to 64 dimensions with PCA and folds Zipf weights into the rows. The result keeps MiniLM's tokenizer
and is a `Vectors` like any other (`tokvec distill minilm -o folder --dim 64` writes it as a model2vec folder).""",
    """start = time.perf_counter()
static = tokvec.distill("minilm", dim=64)
print(f"distilled in {time.perf_counter() - start:.1f} s")
static""",
    """Its rows are still tokens, so it can be queried like word vectors:""",
    """static.most_similar("king", topn=5)""",
    """## Sentences, three ways

The teacher is the full MiniLM through sentence-transformers. Both static encoders split each sentence
with MiniLM's own WordPiece tokenizer and average its rows; `encode` normalises as the model says.""",
    """import transformers
from sentence_transformers import SentenceTransformer

transformers.logging.set_verbosity_error()   # no load report
transformers.logging.disable_progress_bar()   # no loading bar
teacher = SentenceTransformer(matrix.metadata["tokenizer_dir"], device="cpu")

sentences = ["A man is playing a guitar.", "Someone plays an instrument.",
             "The stock market fell sharply today.", "Shares dropped in early trading.",
             "A cat sleeps on the sofa.", "The kitten is napping on the couch."]


def cosines(vectors):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit.T


encoders = {"input rows": matrix.encode, "distilled": static.encode,
            "teacher": lambda texts: teacher.encode(texts, convert_to_numpy=True)}
sims = {name: cosines(encode(sentences)) for name, encode in encoders.items()}
for number, sentence in enumerate(sentences):
    print(number, sentence)
print()
print(f"{'pair':<18}" + "".join(f"{name:>12}" for name in encoders))
for i, j, kind in [(0, 1, "paraphrase"), (2, 3, "paraphrase"), (4, 5, "paraphrase"),
                   (0, 2, "unrelated"), (1, 5, "unrelated"), (3, 4, "unrelated")]:
    print(f"{i} · {j} {kind:<12}" + "".join(f"{sims[name][i, j]:>12.2f}" for name in encoders))""",
    """The plain input rows find every pair fairly similar, related or not (shared tokens such as *a*, *the* and
the period weigh as much as the rest). The distilled rows bring two of the three unrelated pairs down near the
teacher's zero and still score the paraphrases high; neither static model matches the teacher pair by pair. Agreement over
many sentences: the Spearman correlation of all pairwise cosines of 300 WordNet glosses (shipped with tokvec)
with the teacher's.""",
    """import gzip
from importlib import resources

glosses_file = resources.files("tokvec") / "data" / "wordnet-glosses.txt.gz"
with gzip.open(glosses_file, "rt", encoding="utf-8") as f:
    glosses = [line.strip() for line, _ in zip(f, range(2_000))]



def ranks(values):
    return np.argsort(np.argsort(values))


upper = np.triu_indices(300, k=1)
reference = ranks(cosines(encoders["teacher"](glosses[:300]))[upper])
for name in ["input rows", "distilled"]:
    rho = np.corrcoef(ranks(cosines(encoders[name](glosses[:300]))[upper]), reference)[0, 1]
    print(f"{name:>10}: Spearman {rho:.2f} with the teacher")""",
    """## Speed

The static encoder is a tokenizer and a mean; the teacher runs six layers of attention per sentence.""",
    """start = time.perf_counter()
static.encode(glosses)
static_s = time.perf_counter() - start
start = time.perf_counter()
teacher.encode(glosses[:300])
teacher_s = (time.perf_counter() - start) * len(glosses) / 300
print(f"distilled: {static_s * 1000:.1f} ms for {len(glosses):,} glosses")
print(f"teacher:   {teacher_s:.1f} s for the same (measured on 300)")
print(f"the teacher is {teacher_s / static_s:,.0f}× slower")""",
    """The price is quality (see the table in the static-encoders guide), the gain is speed and size:
30,522 × 64 floats, no transformer at encoding time.""",
)


def write() -> list[Path]:
    """Write every notebook's cells (no outputs) and return the paths."""
    paths = []
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for k, source in enumerate(cells):
            is_markdown = source[0] == "#" or source[0].isupper()  # prose starts with a heading or a capital
            make = nbformat.v4.new_markdown_cell if is_markdown else nbformat.v4.new_code_cell
            cell = make(source)
            cell["id"] = f"{name[:2]}-{k:02d}"
            nb.cells.append(cell)
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write():
        print(p)
