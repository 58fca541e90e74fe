"""``tokvec.watch``: the measures on hand-made snapshots, a synthetic run, errors, plot and CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tokvec
from tokvec import watch as watching
from tokvec.cli import main
from tokvec.errors import FormatError, InvalidArgumentError, MissingDependencyError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_snapshot(directory: Path, step: int, tokens: list[str], matrix: np.ndarray, counts=None, *,
                   train_loss: str = "nan", val_loss: str = "", tokens_seen: int = 0) -> Path:
    metadata = {"trainer": "tokvec tiny GPT", "step": str(step), "train_loss": train_loss, "val_loss": val_loss,
                "tokens_seen": str(tokens_seen)}
    path = directory / f"step-{step:07d}.tokvec"
    tokvec.save(tokvec.Vectors(tokens, np.asarray(matrix, dtype=np.float32), counts=counts, metadata=metadata), path)
    return path


def at_angles(degrees: list[float]) -> np.ndarray:
    radians = np.radians(degrees)
    return np.stack([np.cos(radians), np.sin(radians)], axis=1)  # (n, 2)


# -- the measures, on paper ------------------------------------------------------------------------
PAPER_TOKENS = ["[EOS]", "a", "b", "c", "d", "zz"]
PAPER_COUNTS = [100, 50, 40, 30, 20, 1]  # [EOS] most frequent but special; zz outside probe=4


@pytest.fixture()
def paper_run(tmp_path: Path) -> Path:
    """Two snapshots of 2-D unit vectors. Final: a 0°, b 10°, c 90°, d 100° (nearest: a-b, c-d).
    Step 0: d at 200° instead, so c's nearest is b and the other three keep theirs: overlap@1 = 3/4.
    [EOS] (1°) and zz (5°) sit next to a: only the vocabulary-wide neighbours may see zz, none [EOS]."""
    write_snapshot(tmp_path, 0, PAPER_TOKENS, at_angles([1, 0, 10, 90, 200, 5]), PAPER_COUNTS)
    write_snapshot(tmp_path, 100, PAPER_TOKENS, at_angles([1, 0, 10, 90, 100, 5]), PAPER_COUNTS,
                   train_loss="2.5", val_loss="2.75", tokens_seen=6400)
    return tmp_path


def test_overlap_and_coherence_on_paper(paper_run):
    report = watching.watch(paper_run, ["a"], k=1, probe=4, groups={"ab": ("a", "b"), "cx": ("c", "x")})
    first, final = report.snapshots
    assert report.probe_size == 4 and report.skipped_groups == ("cx",) and report.groups == {"ab": ("a", "b")}
    assert first.overlap == 0.75 and final.overlap == 1.0
    cos = lambda deg: math.cos(math.radians(deg))  # noqa: E731
    # within: cos(a, b) = cos 10°; baseline: a and b against c and d (float32 rows: 1e-7)
    assert final.coherence["ab"] == pytest.approx(cos(10) - (cos(90) + cos(100) + cos(80) + cos(90)) / 4, abs=1e-7)
    assert first.coherence["ab"] == pytest.approx(cos(10) - (cos(90) + cos(160) + cos(80) + cos(170)) / 4, abs=1e-7)
    assert [n.token for n in final.neighbours["a"]] == ["zz"]  # the whole vocabulary, [EOS] left out
    assert (first.step, first.train_loss, first.val_loss, first.tokens_seen) == (0, None, None, 0)
    assert (final.step, final.train_loss, final.val_loss, final.tokens_seen) == (100, 2.5, 2.75, 6400)


def loop_overlap_and_coherence(matrices: list[np.ndarray], probe: list[int], group: list[int], k: int):
    """The definitions written as plain loops: one (overlap, coherence) per matrix."""
    def cos(x, i, j):
        return float(np.dot(x[i], x[j]) / (np.linalg.norm(x[i]) * np.linalg.norm(x[j])))

    def nearest(x, i):
        others = [j for j in probe if j != i]
        ranked = sorted(others, key=lambda j: (-cos(x, i, j), probe.index(j)))
        return set(ranked[:k])

    final = {i: nearest(matrices[-1], i) for i in probe}
    results = []
    for x in matrices:
        overlap = sum(len(nearest(x, i) & final[i]) / k for i in probe) / len(probe)
        pairs = [cos(x, i, j) for a, i in enumerate(group) for j in group[a + 1:]]
        baseline = [cos(x, i, p) for i in group for p in probe if p not in group]
        results.append((overlap, sum(pairs) / len(pairs) - sum(baseline) / len(baseline)))
    return results


def test_measures_equal_the_loop_definitions(tmp_path):
    rng = np.random.default_rng(7)
    tokens = ["[UNK]", *(f"t{i}" for i in range(11))]
    counts = rng.permutation(len(tokens)) + 1
    matrices = [rng.normal(size=(len(tokens), 6)) for _ in range(3)]
    for step, matrix in enumerate(matrices):
        write_snapshot(tmp_path, step * 10, tokens, matrix, counts)
    order = [int(i) for i in np.argsort(-counts, kind="stable") if tokens[i] != "[UNK]"]
    probe = order[:8]
    group = [probe[0], probe[3], order[9]]  # one member outside the probe set
    report = watching.watch(tmp_path, [tokens[probe[0]]], k=3, probe=8,
                            groups={"g": tuple(tokens[i] for i in group)})
    expected = loop_overlap_and_coherence([m.astype(np.float32).astype(np.float64) for m in matrices], probe, group, 3)
    for snapshot, (overlap, coherence) in zip(report.snapshots, expected):
        assert snapshot.overlap == pytest.approx(overlap, abs=1e-12)
        assert snapshot.coherence["g"] == pytest.approx(coherence, abs=1e-9)


def test_counts_none_probes_the_first_rows(tmp_path):
    tokens = ["[PAD]", "a", "b", "c", "d"]
    write_snapshot(tmp_path, 0, tokens, at_angles([0, 0, 10, 90, 100]))
    report = watching.watch(tmp_path, ["a"], k=1, probe=3, groups={})
    assert report.probe_size == 3 and report.snapshots[0].overlap == 1.0


# -- a synthetic run: group members drift together -------------------------------------------------
NUMBERS = ["one", "two", "three", "four", "five"]
DAYS = ["monday", "tuesday", "wednesday", "friday"]
COLOURS = ["red", "blue", "green"]
OTHERS = ["the", "of", "and", "he", "she", "it", "we", "water", "king", "queen", "man", "woman", "money", "cash",
          "tiger", "cat", "may", "##day", "##s", *(f"w{i}" for i in range(20))]
SYNTH_TOKENS = ["[UNK]", "[EOS]", *NUMBERS, *DAYS, *COLOURS, *OTHERS]
STEPS = [0, 100, 200, 300, 400]


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory) -> Path:
    """Step 0 is random; each later step moves every group member a quarter of the way further
    towards its group's centre (plus its own small offset); other tokens keep their random rows."""
    directory = tmp_path_factory.mktemp("run")
    rng = np.random.default_rng(0)
    n, dim = len(SYNTH_TOKENS), 16
    start = rng.normal(size=(n, dim))
    target = start.copy()
    for members in (NUMBERS, DAYS, COLOURS, ["he", "she", "it", "we"]):
        centre = rng.normal(size=dim) * 2
        for token in members:
            target[SYNTH_TOKENS.index(token)] = centre + 0.3 * rng.normal(size=dim)
    counts = np.arange(n, 0, -1) * 10
    counts[1] = 10_000  # [EOS] is the most frequent token
    for t, step in enumerate(STEPS):
        alpha = t / (len(STEPS) - 1)
        write_snapshot(directory, step, SYNTH_TOKENS, (1 - alpha) * start + alpha * target, counts,
                       train_loss="nan" if step == 0 else f"{6 - t:.2f}", val_loss="" if t % 2 else f"{6.5 - t:.2f}",
                       tokens_seen=step * 64)
    (directory / ".step-0000500.tokvec.x1y2.tmp").write_bytes(b"half a file")  # a snapshot being written
    return directory


@pytest.fixture(scope="module")
def synthetic_report(synthetic_run) -> watching.WatchReport:
    return watching.watch(synthetic_run, ["three", "monday", "he", "zebra", "red"], k=4, probe=30)


def test_synthetic_run(synthetic_report):
    report = synthetic_report
    assert [s.step for s in report.snapshots] == STEPS
    assert report.missing_words == ("zebra",) and report.words == ("three", "monday", "he", "red")
    assert report.skipped_groups == ("digits", "months")  # no digit; of the months only "may" is there
    assert report.groups["days"] == tuple(DAYS) and report.groups["pronouns"] == ("he", "she", "it", "we")
    assert report.snapshots[-1].overlap == 1.0
    assert report.snapshots[0].overlap < 0.5
    for group in report.groups:
        curve = [s.coherence[group] for s in report.snapshots]
        assert curve == sorted(curve) and curve[-1] - curve[0] > 0.5, (group, curve)
    assert [s.train_loss for s in report.snapshots] == [None, 5.0, 4.0, 3.0, 2.0]
    assert [s.val_loss for s in report.snapshots] == [6.5, None, 4.5, None, 2.5]
    assert report.snapshots[-1].similarity_pairs >= 3


def test_neighbours_are_most_similar_without_special_tokens(synthetic_report):
    for snapshot in synthetic_report.snapshots:
        v = tokvec.load(snapshot.path)
        for word, found in snapshot.neighbours.items():
            expected = [n for n in v.most_similar(word, topn=10) if n.token not in ("[UNK]", "[EOS]")][:4]
            assert [n.token for n in found] == [n.token for n in expected]
            assert [n.score for n in found] == pytest.approx([n.score for n in expected], abs=1e-6)
    final = synthetic_report.snapshots[-1].neighbours
    assert {n.token for n in final["monday"][:3]} == {"tuesday", "wednesday", "friday"}


def test_json_and_text_report(synthetic_report):
    data = json.loads(json.dumps(synthetic_report.to_json(), allow_nan=False))
    assert [s["step"] for s in data["snapshots"]] == STEPS and data["missing_words"] == ["zebra"]
    assert data["snapshots"][0]["neighbours"]["three"][0].keys() == {"token", "score"}
    text = watching.format_report(synthetic_report)
    assert "overlap@4" in text and "step 200" in text and "zebra" in text and "months" in text
    header, rows = watching.neighbour_table(synthetic_report)
    assert header == ["word", "step 0", "step 200", "step 400"]
    assert [row[0] for row in rows] == ["three", "monday", "he", "red"]


def test_no_wordsim_pair_gives_none(paper_run):
    assert watching.watch(paper_run, ["a"], k=1, probe=4).snapshots[0].similarity is None


# -- errors ----------------------------------------------------------------------------------------
def test_missing_and_empty_directories(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"no such directory: .*tokvec train-lm CORPUS --snapshots"):
        watching.watch(tmp_path / "nope")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "step-final.tokvec").write_text("x")
    with pytest.raises(InvalidArgumentError, match=r"holds no snapshots .*step-0000200\.tokvec.*--snapshots"):
        watching.list_snapshots(tmp_path)
    with pytest.raises(InvalidArgumentError, match="named by their step"):
        watching.watch([tmp_path / "notes.txt"])


def test_no_watched_word_in_the_vocabulary(paper_run):
    with pytest.raises(InvalidArgumentError) as caught:
        watching.watch(paper_run, ["kitten", "zebra"], probe=4, k=1)
    message = str(caught.value)
    assert "none of the watched words (kitten, zebra)" in message and "most frequent ones are: a, b, c, d" in message


def test_probe_must_exceed_k(paper_run):
    with pytest.raises(InvalidArgumentError, match=r"overlap@5 needs more than 5 probe tokens, got 5 .*; lower k$"):
        watching.watch(paper_run, ["a"], k=5, probe=500)


def test_snapshots_of_another_run_are_refused(paper_run):
    write_snapshot(paper_run, 200, ["a", "b", "c", "d", "e", "f"], at_angles([0, 1, 2, 3, 4, 5]))
    with pytest.raises(FormatError, match="different vocabulary.*one run per directory"):
        watching.watch(paper_run, ["a"], k=1, probe=4)


def test_list_snapshots_sorts_by_step(tmp_path):
    for step in (1000, 0, 200):
        write_snapshot(tmp_path, step, ["a", "b"], np.eye(2))
    assert [p.name for p in watching.list_snapshots(tmp_path)] == [
        "step-0000000.tokvec", "step-0000200.tokvec", "step-0001000.tokvec"]


# -- plot ------------------------------------------------------------------------------------------
def test_plot_writes_png(synthetic_report, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "watch.png"
    figure = watching.plot_watch(synthetic_report, out)
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert len(figure.axes) == 5  # three PCA panels, loss, structure
    renderer = figure.canvas.get_renderer()
    for ax in figure.axes[:3]:  # the PCA panels: token labels never pile up on each other
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        assert boxes and not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    with pytest.raises(InvalidArgumentError, match=r"\.png, \.svg, \.pdf"):
        watching.plot_watch(synthetic_report, tmp_path / "watch.gif")
    assert not (tmp_path / "watch.gif").exists()


def test_plot_without_matplotlib_says_how_to_install_it(synthetic_report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # importing it now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"the watch plot needs .*'matplotlib'.*tokvec\[plot\]"):
        watching.plot_watch(synthetic_report)


# -- command line ----------------------------------------------------------------------------------
def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_tables(capsys, synthetic_run):
    code, out, err = run(capsys, "watch", str(synthetic_run), "--word", "monday", "-w", "zebra", "-k", "3",
                         "--probe", "30")
    assert code == 0, err
    assert "5 snapshots" in out and "overlap@3" in out and "tuesday" in out and "zebra" in out


def test_cli_json_and_plot(capsys, synthetic_run, tmp_path):
    pytest.importorskip("matplotlib")
    out_png = tmp_path / "w.png"
    code, out, err = run(capsys, "watch", str(synthetic_run), "-w", "three", "--probe", "30", "-o", str(out_png),
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["k"] == 5 and data["words"] == ["three"] and data["plot"] == str(out_png)
    assert data["snapshots"][-1]["overlap"] == 1.0
    assert out_png.read_bytes()[:8] == PNG_MAGIC


def test_cli_error_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "watch", str(tmp_path))
    assert code == 1 and err.startswith("error:") and "--snapshots" in err and "Traceback" not in err


def test_import_pulls_neither_torch_nor_matplotlib():
    code = ("import sys, tokvec.watch;"
            "print([m for m in ('torch', 'matplotlib') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
