"""Evaluation: hand-checked toys, the compiled scan against its NumPy twin, statistics against scipy,
and every benchmark against gensim's own evaluate_word_pairs / evaluate_word_analogies."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tokvec
import tokvec.evaluate as ev
from oracles import gensim_kv
from tokvec import FormatError, InvalidArgumentError, Vectors
from tokvec.cli import main
from tokvec.evaluate import _analogy


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# -- toy analogies you can check on paper ----------------------------------------------------------
# man (1,0), woman (0,1), king (.8,.6): the 3CosAdd query unit(king + woman - man) = unit(-.2, 1.6)
# scores queen (.6,.8) at .72 and car (-1,0) at .12. 3CosMul divides by (1 + cos(x, man))/2, which is
# ~0 for car (cos = -1), so 3CosMul answers car.
TOY = {"man": (1.0, 0.0), "woman": (0.0, 1.0), "king": (0.8, 0.6), "queen": (0.6, 0.8), "car": (-1.0, 0.0)}


def toy_vectors(items: dict[str, tuple[float, float]]) -> Vectors:
    return Vectors(list(items), np.array(list(items.values()), dtype=np.float32))


def at_angle(degrees: float) -> tuple[float, float]:
    return (math.cos(math.radians(degrees)), math.sin(math.radians(degrees)))


@pytest.fixture()
def toy_questions(tmp_path) -> Path:
    return write(tmp_path / "toy.txt", ": queen\nman king woman queen\n: car\nman king woman car\n"
                                       ": missing\nman king zebra queen\n")


@pytest.mark.parametrize("method,queen,car", [("cosadd", 1, 0), ("cosmul", 0, 1)])
def test_toy_analogies_by_hand(toy_questions, method, queen, car):
    result = ev.evaluate_analogies(toy_vectors(TOY), toy_questions, method=method)
    assert [(s.name, s.correct, s.total, s.skipped) for s in result.sections] == [
        ("queen", queen, 1, 0), ("car", car, 1, 0), ("missing", 0, 0, 1)]
    assert (result.correct, result.total, result.skipped, result.accuracy) == (1, 2, 1, 0.5)
    assert result.method == ev.METHOD_NAMES[method] and result.oov_words == ("ZEBRA",)
    assert result.protocol.vocabulary == 5 and result.protocol.case_insensitive
    assert result.sections[2].accuracy == 0.0  # nothing answered: 0.0, as gensim reports it


def test_toy_case_folding_and_restrict(tmp_path):
    # "Woman" points along the query, so it ranks first; "queen" beats "Queen".
    items = {"man": (1.0, 0.0), "woman": (0.0, 1.0), "king": (0.8, 0.6), "Woman": (-0.1, 1.0),
             "Queen": (0.6, 0.8), "queen": (0.5, 0.866), "car": (-1.0, 0.0)}
    v = toy_vectors(items)
    path = write(tmp_path / "q.txt", ": s\nman king woman queen\n")
    # case-insensitive: Woman folds to WOMAN, a question word, so it is passed over; queen folds to QUEEN
    assert ev.evaluate_analogies(v, path).correct == 1
    # case-sensitive: Woman is a different token, so it is the (wrong) answer
    assert ev.evaluate_analogies(v, path, case_insensitive=False).correct == 0
    # restrict=5: QUEEN means "Queen" (the first variant), the answer among rows 0-4 is Queen: correct
    assert ev.evaluate_analogies(v, path, restrict=5).correct == 1
    # restrict=4: no QUEEN in the vocabulary, the question is skipped
    restricted = ev.evaluate_analogies(v, path, restrict=4)
    assert (restricted.skipped, restricted.total) == (1, 0)


def test_toy_when_all_five_candidates_are_question_words_the_last_stands(tmp_path):
    # gensim takes topn=5 and, if every one folds to a, b or c, keeps the last as its prediction.
    q = 97.1  # the query's angle, unit(-.2, 1.6)
    items = {"man": (1.0, 0.0), "woman": (0.0, 1.0), "king": (0.8, 0.6), "Man": at_angle(q),
             "MAN": at_angle(q + 3), "Woman": at_angle(q + 8), "King": at_angle(q + 13), "KING": at_angle(q + 18),
             "queen": at_angle(q + 33)}
    v = toy_vectors(items)
    path = write(tmp_path / "q.txt", ": s\nman king woman king\nman king woman queen\n")
    result = ev.evaluate_analogies(v, path)
    # first question: the fifth candidate KING equals the expected KING; second: queen is sixth, never seen
    assert (result.correct, result.total) == (1, 2)
    assert ev.evaluate_analogies(v, path, case_insensitive=False).correct == 0


def test_toy_matches_gensim(toy_questions, tmp_path):
    pytest.importorskip("gensim")
    items = {"man": (1.0, 0.0), "woman": (0.0, 1.0), "king": (0.8, 0.6), "Woman": (-0.1, 1.0),
             "Queen": (0.6, 0.8), "queen": (0.5, 0.866), "car": (-1.0, 0.0), "Man": at_angle(97.1)}
    path = write(tmp_path / "q.txt", ": s\nman king woman queen\nman king woman king\nMan King Woman Queen\n")
    v = toy_vectors(items)
    for restrict in (None, 4, 5, 6):
        for case_insensitive in (True, False):
            assert_same_as_gensim(v, gensim_kv(v), path, restrict, case_insensitive)


# -- the compiled (LLVM IR) scan and its NumPy twin ----------------------------------------------------
def test_kernel_constants_match():
    from tokvec.evaluate import _analogy_kernels

    assert _analogy_kernels.EPS == np.float32(_analogy.COSMUL_EPSILON)
    assert _analogy.ROW_ALIGN % _analogy_kernels.BLOCK == 0


def test_cosine_table_kernel_equals_reference_exactly():
    rng = np.random.default_rng(5)
    words = rng.standard_normal((37, 50)).astype(np.float32)
    block_t = np.ascontiguousarray(rng.standard_normal((130, 50)).astype(np.float32).T)  # (dim, r)
    inv = rng.random(130).astype(np.float32)
    inv[3] = 0  # a zero row
    out = np.empty((37, 130), np.float32)
    _analogy.kernels()["table"](words, block_t, inv, out)
    expected = _analogy.cosine_table_reference(words, block_t, inv)
    assert np.array_equal(out, expected)  # same float32 operations in the same order
    assert np.allclose(out, (words @ block_t) * inv, atol=1e-5) and (out[:, 3] == 0).all()


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_scan_kernel_equals_reference_with_ties(method):
    rng = np.random.default_rng(7)
    words, rows_total, n_questions, k = 12, 3 * 150, 40, 8
    sims = rng.integers(-8, 9, (words, rows_total)).astype(np.float32) / 8  # exact eighths: many exact ties
    rows = rng.integers(0, words, (n_questions, 3))
    exclude = rng.integers(0, rows_total, (n_questions, 3))
    results = []
    for scan in (_analogy.kernels()[method], lambda *a: _analogy.scan_reference(*a[:4], method, *a[4:])):
        ids = np.full((n_questions, k), -1, np.int64)
        scores = np.full((n_questions, k), -np.inf, np.float32)
        for start in range(0, rows_total, 150):  # three chunks of 150: two full blocks of 64 and a tail
            scan(np.ascontiguousarray(sims[:, start:start + 150]), rows, exclude, start, ids, scores)
        results.append((ids, scores))
    (ids, scores), (ref_ids, ref_scores) = results
    assert (ids == ref_ids).all() and (scores == ref_scores).all()
    expected = _analogy.combine_reference(sims, rows, method)  # (Q, r): brute force, ties by lower id
    for q in range(n_questions):
        allowed = np.setdiff1d(np.arange(rows_total), exclude[q])
        order = allowed[np.lexsort((allowed, -expected[q, allowed]))][:k]
        assert ids[q].tolist() == order.tolist()


def test_kernels_refuse_arrays_they_cannot_read():
    kernels = _analogy.kernels()
    words, block_t = np.ones((3, 4), np.float32), np.ones((4, 5), np.float32)
    with pytest.raises(ValueError, match="words: the kernel reads C-ordered float32, got float64"):
        kernels["table"](words.astype(np.float64), block_t, np.ones(5, np.float32), np.empty((3, 5), np.float32))
    with pytest.raises(ValueError, match="out: .*not C-ordered"):
        kernels["table"](words, block_t, np.ones(5, np.float32), np.empty((5, 3), np.float32).T)
    with pytest.raises(ValueError, match="do not fit"):
        kernels["table"](words, block_t, np.ones(4, np.float32), np.empty((3, 5), np.float32))
    sims, ids, scores = np.zeros((2, 70), np.float32), np.full((1, 3), -1), np.full((1, 3), -np.inf, np.float32)
    with pytest.raises(ValueError, match="rows index past the 2 table rows"):
        kernels["cosadd"](sims, np.array([[0, 1, 2]]), np.zeros((1, 3), np.int64), 0, ids, scores)


def test_a_question_word_is_never_returned_even_when_it_scores_best():
    sims = np.array([[0.0] * 70, [1.0] * 70, [1.0] * 70], np.float32)  # the cosines of a, b, c with rows 100-169
    sims[1, 5] = sims[2, 5] = 2.0  # row 105 would win, but it is a question word; every other row ties at 2
    ids, scores = np.full((1, 4), -1), np.full((1, 4), -np.inf, np.float32)
    _analogy.kernels()["cosadd"](sims, np.array([[0, 1, 2]]), np.array([[105, 100, 101]]), 100, ids, scores)
    assert ids.tolist() == [[102, 103, 104, 106]] and scores.tolist() == [[2.0] * 4]  # ties keep the lowest ids


def test_the_eval_command_imports_no_numba(glove):
    code = ("import sys, contextlib, io; from tokvec.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    assert main(['eval', '--restrict', '3000', '--json']) == 0\n"
            "assert 'capital-common-countries' in out.getvalue()\n"
            "print([m for m in ('numba', 'torch', 'scipy') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_candidates_kernel_and_twin_agree_and_rescore_is_exact(method):
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((700, 6)).astype(np.float32)
    matrix[5] = 0  # a zero row scores 0, never NaN
    v = Vectors([f"w{i}" for i in range(700)], matrix)
    questions = rng.integers(0, 700, (50, 3))
    word_ids, rows = np.unique(questions, return_inverse=True)
    rows = rows.reshape(questions.shape)
    args = (v.matrix, v.inv_norms, word_ids, rows, questions)
    fast = _analogy.candidates(*args, method=method, k=8, stop=650, chunk_bytes=4096)
    slow = _analogy.candidates(*args, method=method, k=8, stop=650, chunk_bytes=4096, kernel=False)
    assert (fast[0] == slow[0]).all() and (fast[1] == slow[1]).all()
    ranked, scores = _analogy.rescore(v.matrix, questions, fast[0], method)
    exact = matrix.astype(np.float64)
    unit = exact / np.maximum(np.linalg.norm(exact, axis=1, keepdims=True), 1e-300)
    for q, (a, b, c) in enumerate(questions):
        cos = unit[:650] @ unit[[a, b, c]].T  # (rows, 3)
        if method == "cosadd":
            query = unit[b] + unit[c] - unit[a]
            truth = unit[:650] @ (query / np.linalg.norm(query))
        else:
            truth = (1 + cos[:, 1]) / 2 * (1 + cos[:, 2]) / 2 / ((1 + cos[:, 0]) / 2 + 1e-6)
        truth[[i for i in (a, b, c) if i < 650]] = -np.inf
        best = np.argsort(-truth, kind="stable")[:5]
        assert ranked[q, :5].tolist() == best.tolist()
        assert scores[q, :5] == pytest.approx(truth[best], abs=1e-12)


# -- statistics against scipy -----------------------------------------------------------------------
def test_rankdata_spearman_pearson_match_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for n in (3, 10, 353, 999):
        x = rng.integers(0, 6, n).astype(float)  # many ties
        y = x + rng.integers(0, 4, n)
        assert ev.rankdata(x).tolist() == stats.rankdata(x).tolist()
        rho, p = ev.spearman(x, y)
        ref = stats.spearmanr(x, y)
        assert rho == pytest.approx(ref[0], abs=1e-12) and p == pytest.approx(ref[1], rel=1e-9, abs=1e-300)
        r, p = ev.pearson(x, y)
        ref = stats.pearsonr(x, y)
        assert r == pytest.approx(ref[0], abs=1e-12) and p == pytest.approx(ref[1], rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("r,n", [(0.0, 10), (0.05, 999), (0.3, 50), (-0.7, 12), (0.99, 353), (0.5, 3), (0.9999, 1000)])
def test_p_value_matches_scipy(r, n):
    stats = pytest.importorskip("scipy.stats")
    t = r * math.sqrt((n - 2) / (1 - r * r))
    assert ev.correlation_p_value(r, n) == pytest.approx(2 * stats.t.sf(abs(t), n - 2), rel=1e-9, abs=1e-300)


def test_docstring_examples_hold():
    import doctest
    import importlib

    failed = attempted = 0
    for name in ("", ".datasets", ".statistics", ".protocol", ".similarity", ".analogy"):
        module = importlib.import_module("tokvec.evaluate" + name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        failed, attempted = failed + result.failed, attempted + result.attempted
    assert failed == 0 and attempted >= 8


def test_degenerate_correlations():
    assert math.isnan(ev.pearson([1, 1, 1], [1, 2, 3])[0])
    assert math.isnan(ev.spearman([1], [2])[0])
    rho, p = ev.spearman([1, 2, 3], [2, 4, 6])
    assert rho == pytest.approx(1.0) and p == pytest.approx(0.0, abs=1e-6)
    assert ev.correlation_p_value(-1.0, 10) == 0.0 and ev.correlation_p_value(0.3, 2) == 1.0
    with pytest.raises(InvalidArgumentError, match="same length"):
        ev.pearson([1, 2], [1, 2, 3])


# -- reading benchmark files -------------------------------------------------------------------------
def test_shipped_sets():
    assert [len(ev.read_word_pairs(name).pairs) for name in ("wordsim353", "simlex999")] == [353, 999]
    sections = ev.read_analogies("questions-words")
    assert len(sections) == 14 and sum(len(s.questions) for s in sections) == 19_544
    assert sections[-1].name == "gram9-plural-verbs"
    assert (ev.DATA_DIR / "README.md").read_text().count("licence") >= 1


@pytest.mark.parametrize("text,pairs,column", [
    # original SimLex-999: ten columns, the SimLex999 score is the fourth
    ("word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\tconcQ\tAssoc(USF)\tSimAssoc333\tSD(SimLex)\n"
     "old\tnew\tA\t1.58\t2.72\t2.81\t2\t7.25\t1\t0.41\n", [("old", "new", 1.58)], "SimLex999"),
    # original WordSim-353 combined.csv
    ("Word 1,Word 2,Human (mean)\nlove,sex,6.77\ntiger,cat,7.35\n", [("love", "sex", 6.77), ("tiger", "cat", 7.35)],
     "Human (mean)"),
    # MEN natural form: space separated
    ("sun sunlight 50.000000\nautomobile car 50.000000\n",
     [("sun", "sunlight", 50.0), ("automobile", "car", 50.0)], ""),
    # RG-65 as often distributed: semicolons
    ("cord;smile;0.02\nrooster;voyage;0.04\n", [("cord", "smile", 0.02), ("rooster", "voyage", 0.04)], ""),
    # SimVerb-3500: POS column before the score, a label after it
    ("take\tremove\tV\t6.81\tANTONYMS\n", [("take", "remove", 6.81)], ""),
    # gensim's own style: '#' comments (one of them the header), blank lines
    ("# a comment\n# Word 1\tWord 2\tHuman (mean)\n\nlove\tsex\t6.77\n", [("love", "sex", 6.77)], ""),
])
def test_similarity_formats(tmp_path, text, pairs, column):
    data = ev.read_word_pairs(write(tmp_path / "set.txt", text))
    assert list(data.pairs) == pairs and data.score_column == column and data.name == "set"


@pytest.mark.parametrize("read,name,text,needle", [
    (ev.read_word_pairs, "bad.tsv", "love\tsex\t6.77\ntiger\tcat\n", "line 2: expected 'word1 word2 score'"),
    (ev.read_word_pairs, "bad.tsv", "love\tsex\t6.77\ntiger\tcat\tmany\n", "line 2: expected 'word1 word2 score'"),
    (ev.read_word_pairs, "bad.tsv", "# only comments\n\n", "no word pairs found"),
    (ev.read_word_pairs, "bad.tsv", "Word 1\tWord 2\tScore\nlove\tsex\tmuch\n", "line 2"),
    (ev.read_word_pairs, "bad.tsv", b"love\tsex\t6.77\ncaf\xe9\ttea\t5\n", "line 2: invalid UTF-8 at byte 3"),
    (ev.read_analogies, "bad.txt", ": s\nman king woman queen\nman king woman\n",
     "line 3: expected four words 'a b c d'"),
    (ev.read_analogies, "bad.txt", ": s\nman king woman queen extra\n", "got 5 words"),
    (ev.read_analogies, "bad.txt", ": s\n", "no analogy questions found"),
    (ev.read_analogies, "bad.txt", b": s\nman king woman qu\xffeen\n", "line 2: invalid UTF-8"),
])
def test_malformed_similarity_and_analogy_files(tmp_path, read, name, text, needle):
    path = write(tmp_path / name, text)
    with pytest.raises(FormatError) as err:
        read(path)
    assert str(path) in str(err.value) and needle in str(err.value)


def test_analogy_file_without_headers_is_one_section(tmp_path):
    path = write(tmp_path / "mine.txt", "# my questions\nman king woman queen\n\n  # a b c\nman king woman car\n")
    (section,) = ev.read_analogies(path)
    assert section.name == "mine" and len(section.questions) == 2
    sections = ev.read_analogies(write(tmp_path / "named.txt", ": a b c\nman king woman queen\n"))
    assert [(s.name, len(s.questions)) for s in sections] == [("a b c", 1)]


def test_unknown_benchmark_and_bad_arguments(toy_questions):
    with pytest.raises(InvalidArgumentError, match="shipped sets: wordsim353"):
        ev.resolve("wordsim999")
    with pytest.raises(InvalidArgumentError, match="unknown analogy method"):
        ev.evaluate_analogies(toy_vectors(TOY), toy_questions, method="cosine")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="restrict must be a positive"):
        ev.evaluate_analogies(toy_vectors(TOY), toy_questions, restrict=0)
    with pytest.raises(InvalidArgumentError, match="no pair of wordsim353"):
        ev.evaluate_similarity(toy_vectors({"zzz": (1.0, 0.0), "yyy": (0.0, 1.0)}), "wordsim353")


# -- against gensim -----------------------------------------------------------------------------------
def assert_same_as_gensim(v: Vectors, kv, path: Path, restrict: int | None, case_insensitive: bool) -> ev.AnalogyResult:
    """Same correct and answered counts per section and in total as gensim's evaluate_word_analogies."""
    _, gensim_sections = kv.evaluate_word_analogies(
        str(path), restrict_vocab=restrict, case_insensitive=case_insensitive, dummy4unknown=False)
    ours = ev.evaluate_analogies(v, path, restrict=restrict, case_insensitive=case_insensitive)
    theirs = [(s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in gensim_sections]
    assert [(s.name, s.correct, s.total) for s in ours.sections] + [("Total accuracy", ours.correct, ours.total)] \
        == theirs
    questions = sum(len(s.questions) for s in ev.read_analogies(path))
    assert ours.total + ours.skipped == questions
    return ours


def gensim_cosmul(v: Vectors, path: Path, restrict: int | None, case_insensitive: bool) -> list[tuple[str, int, int]]:
    """gensim's evaluate_word_analogies loop with most_similar_cosmul, over the restricted vocabulary.

    gensim 4.4 accepts similarity_function but never uses it (it always answers with most_similar),
    and its most_similar_cosmul ignores restrict_vocab; this is what it would do if it honoured both.
    """
    stop = len(v) if restrict is None else min(restrict, len(v))
    kv = gensim_kv(v.limit(stop))
    fold = str.upper if case_insensitive else (lambda w: w)
    ok_vocab = {fold(k): i for i, k in reversed(list(enumerate(kv.index_to_key)))}
    out = []
    for section in ev.read_analogies(path):
        correct = total = 0
        for question in section.questions:
            a, b, c, expected = (fold(w) for w in question)
            if not all(w in ok_vocab for w in (a, b, c, expected)):
                continue
            key = kv.index_to_key
            sims = kv.most_similar_cosmul(positive=[key[ok_vocab[b]], key[ok_vocab[c]]], negative=[key[ok_vocab[a]]],
                                          topn=5)
            predicted = None
            for token, *_ in sims:
                predicted = fold(token)
                if predicted not in {a, b, c}:
                    break
            correct += predicted == expected
            total += 1
        out.append((section.name, correct, total))
    return out


def subset(path: Path, sizes: dict[str, int]) -> Path:
    """A questions file holding the first ``sizes[name]`` questions of each named Google section."""
    lines = []
    for section in ev.read_analogies("questions-words"):
        if section.name in sizes:
            lines.append(f": {section.name}")
            lines += [" ".join(q) for q in section.questions[: sizes[section.name]]]
    return write(path, "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def question_subset(tmp_path_factory) -> Path:
    """Four whole sections of the Google set (2,862 questions, semantic and syntactic): gensim's side stays quick."""
    names = ("capital-common-countries", "family", "gram3-comparative", "gram8-plural")
    return subset(tmp_path_factory.mktemp("qw") / "questions-subset.txt", dict.fromkeys(names, 10**6))


@pytest.mark.parametrize("case_insensitive", [True, False])
def test_glove_analogies_equal_gensim_restricted(glove, question_subset, case_insensitive):
    pytest.importorskip("gensim")
    ours = assert_same_as_gensim(glove, gensim_kv(glove), question_subset, 10_000, case_insensitive)
    assert ours.total > 1000 and ours.correct > 0.4 * ours.total


def test_glove_analogies_equal_gensim_unrestricted(glove, tmp_path):
    pytest.importorskip("gensim")
    v = glove.limit(40_000)  # unrestricted search over all of a smaller vocabulary keeps gensim's side short
    path = subset(tmp_path / "some.txt", {"capital-world": 300, "family": 300, "gram7-past-tense": 300})
    ours = assert_same_as_gensim(v, gensim_kv(v), path, None, True)
    assert ours.total > 700


@pytest.mark.parametrize("name,binary", [("euclidean_vectors.bin", True), ("lee_fasttext.vec", False)])
@pytest.mark.parametrize("restrict", [None, 500])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_gensim_test_vectors_full_google_set(gensim_data, name, binary, restrict, case_insensitive):
    from gensim.models import KeyedVectors

    v = tokvec.load(gensim_data / name)
    kv = KeyedVectors.load_word2vec_format(str(gensim_data / name), binary=binary)
    assert_same_as_gensim(v, kv, gensim_data / "questions-words.txt", restrict, case_insensitive)


@pytest.fixture(scope="module")
def case_variants(glove) -> Vectors:
    """5,000 GloVe rows plus capitalised and upper-cased variants of question words, some placed before
    the lower-case token (so they win the fold), some near other answers (so the walk must skip them)."""
    rng = np.random.default_rng(11)
    base = glove.limit(5000)
    tokens, matrix = list(base.tokens), np.asarray(base.matrix, dtype=np.float32)
    words = sorted({w.lower() for s in ev.read_analogies("questions-words") for q in s.questions for w in q}
                   & set(tokens))
    chosen = rng.choice(words, 300, replace=False)
    front, back = [], []
    for i, word in enumerate(chosen):
        variant = word.capitalize() if i % 2 else word.upper()
        source = matrix[tokens.index(str(rng.choice(chosen)))]  # near some other question word
        row = (source + 0.05 * rng.standard_normal(50)).astype(np.float32)
        (front if i % 3 == 0 else back).append((variant, row))
    tokens = [t for t, *_ in front] + tokens + [t for t, *_ in back]
    rows = [r for _, r in front] + [matrix] + [r for _, r in back]
    return Vectors(tokens, np.vstack([np.atleast_2d(r) for r in rows]))


@pytest.mark.parametrize("restrict", [None, 3000])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_case_variants_equal_gensim(case_variants, question_subset, restrict, case_insensitive):
    pytest.importorskip("gensim")
    assert_same_as_gensim(case_variants, gensim_kv(case_variants), question_subset, restrict, case_insensitive)


@pytest.mark.parametrize("restrict,case_insensitive", [(3000, True), (None, False)])
def test_cosmul_equals_gensim_cosmul_loop(case_variants, question_subset, restrict, case_insensitive):
    pytest.importorskip("gensim")
    ours = ev.evaluate_analogies(case_variants, question_subset, method="cosmul", restrict=restrict,
                                 case_insensitive=case_insensitive)
    assert [(s.name, s.correct, s.total) for s in ours.sections] == \
        gensim_cosmul(case_variants, question_subset, restrict, case_insensitive)


def test_gensim_ignores_similarity_function(glove, toy_questions):
    """Why our 3CosMul has its own oracle: gensim 4.4's evaluate_word_analogies answers with 3CosAdd
    whatever similarity_function says (on the toy set 3CosMul and 3CosAdd answer differently)."""
    pytest.importorskip("gensim")
    v = toy_vectors(TOY)
    kv = gensim_kv(v)
    _, sections = kv.evaluate_word_analogies(str(toy_questions), similarity_function="most_similar_cosmul")
    assert [len(s["correct"]) for s in sections[:2]] == [1, 0]  # the 3CosAdd answers
    cosmul = ev.evaluate_analogies(v, toy_questions, method="cosmul")
    assert [s.correct for s in cosmul.sections[:2]] == [0, 1]


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
@pytest.mark.parametrize("restrict", [300_000, 10_000, None])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_glove_similarity_equals_gensim(glove, name, restrict, case_insensitive):
    pytest.importorskip("gensim")
    kv = gensim_kv(glove)
    path = ev.resolve(name)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(
        str(path), restrict_vocab=restrict, case_insensitive=case_insensitive, dummy4unknown=False)
    ours = ev.evaluate_similarity(glove, name, restrict=restrict, case_insensitive=case_insensitive)
    assert ours.oov_ratio == pytest.approx(oov_ratio, abs=1e-12)
    assert ours.pairs_used + ours.pairs_skipped == len(ev.read_word_pairs(name).pairs)
    assert (ours.spearman, ours.pearson) == (spearman[0], pearson[0])  # to the last digit: computed as gensim does
    assert ours.spearman_p == pytest.approx(spearman[1], rel=1e-11)
    assert ours.pearson_p == pytest.approx(pearson[1], rel=1e-11)
    assert len(ours.oov_pairs) == ours.pairs_skipped


def test_similarity_on_gensim_test_vectors(gensim_data):
    from gensim.models import KeyedVectors

    v = tokvec.load(gensim_data / "lee_fasttext.vec")
    kv = KeyedVectors.load_word2vec_format(str(gensim_data / "lee_fasttext.vec"))
    for name in ("wordsim353", "simlex999"):
        pearson, spearman, oov_ratio = kv.evaluate_word_pairs(str(ev.resolve(name)), restrict_vocab=None)
        ours = ev.evaluate_similarity(v, name, restrict=None)
        assert ours.oov_ratio == pytest.approx(oov_ratio) and ours.spearman == spearman[0]
        assert ours.pearson == pearson[0]


def test_simlex_oov_pair_and_protocol(glove):
    result = ev.evaluate_similarity(glove, "simlex999")
    assert result.oov_pairs == (("disorganize", "organize"),) and result.pairs_used == 998
    text = str(result.protocol)
    assert "first 300,000 tokens" in text and "case-insensitive" in text and "skipped" in text
    data = result.to_dict(oov=False)
    assert data["oov_pairs"] is None and data["protocol"]["restrict"] == 300_000 and data["oov_ratio"] > 0


# -- the command line ------------------------------------------------------------------------------
def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_eval_shipped_sets_json(capsys, glove):
    code, out, err = run(capsys, "eval", "--restrict", "30000", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [r["name"] for r in data["similarity"]] == ["wordsim353", "simlex999"]
    api = ev.evaluate_analogies(glove, restrict=30_000)
    analogies = data["analogies"]
    assert (analogies["correct"], analogies["total"], analogies["skipped"]) == (api.correct, api.total, api.skipped)
    assert analogies["method"] == "3CosAdd" and analogies["protocol"]["vocabulary"] == 30_000
    assert analogies["sections"][0]["name"] == "capital-common-countries" and analogies["oov_words"] is None


def test_cli_eval_table_with_files_and_oov(capsys, toy_questions, tmp_path):
    vec = tmp_path / "toy.vec"
    tokvec.save(toy_vectors(TOY), vec)
    pairs = write(tmp_path / "pairs.tsv", "man\twoman\t5\nking\tqueen\t8\ncar\tman\t1\nzebra\tcar\t2\n")
    code, out, err = run(capsys, "eval", "-v", str(vec), "--similarity", str(pairs), "--analogies",
                         str(toy_questions), "--method", "cosmul", "--show-oov")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Total accuracy" in text and "3CosMul" in text and "zebra-car" in text and "ZEBRA" in text
    assert "pairs skipped pairs: zebra-car" in text


def test_cli_eval_errors(capsys, tmp_path):
    bad = write(tmp_path / "bad.txt", ": s\nman king woman\n")
    code, _, err = run(capsys, "eval", "--analogies", str(bad))
    assert code == 1 and "line 2: expected four words" in " ".join(err.split()) and "Traceback" not in err
    assert "'#' comment" in " ".join(err.split())
    code, _, err = run(capsys, "eval", "--analogies", "questions-words", "--method", "bogus")
    assert code == 1 and "unknown --method 'bogus'" in err


def test_cli_eval_restrict_zero_means_whole_vocabulary(capsys, tmp_path):
    vec = tmp_path / "toy.vec"
    tokvec.save(toy_vectors(TOY), vec)
    pairs = write(tmp_path / "pairs.tsv", "man\twoman\t5\nking\tqueen\t8\ncar\tman\t1\n")
    code, out, err = run(capsys, "eval", "-v", str(vec), "--similarity", str(pairs), "--restrict", "0", "--json")
    assert code == 0, err
    (result,) = json.loads(out)["similarity"]
    assert result["protocol"]["restrict"] is None and result["protocol"]["vocabulary"] == 5
    assert result["pairs_used"] == 3 and json.loads(out)["analogies"] is None
