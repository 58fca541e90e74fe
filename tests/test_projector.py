"""Embedding Projector export: exact files for a toy, exact round trips, tricky tokens as the
projector itself would parse them, errors, and ``tokvec export-projector``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokvec import FormatError, InvalidArgumentError, Vectors
from tokvec.cli import main
from tokvec.formats.projector import escape_token, export_projector, read_projector, unescape_token


def projector_metadata_labels(text: str) -> list[str | None]:
    """The first metadata column as the projector reads it: a Python twin of ``parseMetadata`` in
    TensorBoard's vz_projector/data-provider.ts (blank lines skipped, a first line holding a tab is the
    header, empty values become null)."""
    labels: list[str | None] = []
    has_header = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        if has_header is None:
            has_header = "\t" in line
            if has_header:
                continue
        value = line.split("\t")[0]
        labels.append(value if value != "" else None)
    return labels


def test_toy_files_exactly(tmp_path):
    v = Vectors(["cat", "dog"], np.array([[0.5, 1.0], [0.1, -2.0]], dtype=np.float32), counts=[7, 3])
    files = export_projector(v, tmp_path / "out", tensor_name="toy")
    assert files.vectors.read_text() == "0.5\t1\n0.1\t-2\n"
    assert files.metadata.read_text() == "token\tid\tcount\ncat\t0\t7\ndog\t1\t3\n"
    assert files.config_pbtxt.read_text() == (
        'embeddings {\n  tensor_name: "toy"\n  tensor_shape: 2\n  tensor_shape: 2\n'
        '  tensor_path: "vectors.tsv"\n  metadata_path: "metadata.tsv"\n}\n'
    )
    assert json.loads(files.config_json.read_text()) == {"embeddings": [
        {"tensorName": "toy", "tensorShape": [2, 2], "tensorPath": "vectors.tsv", "metadataPath": "metadata.tsv"}]}
    back = read_projector(tmp_path / "out")
    assert back.tokens == ["cat", "dog"] and back.counts.tolist() == [7, 3]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "metadata.tsv", "projector_config.json", "projector_config.pbtxt", "vectors.tsv"]


def test_glove_round_trips_to_the_same_float32_values(tmp_path, glove):
    files = export_projector(glove, tmp_path, limit=3000)
    assert (files.rows, files.dim) == (3000, 50)
    parsed = np.loadtxt(files.vectors, delimiter="\t", dtype=np.float32)  # as any TSV reader would
    np.testing.assert_array_equal(parsed, glove[np.arange(3000)])
    back = read_projector(tmp_path)
    assert back.tokens == glove.tokens[:3000]
    np.testing.assert_array_equal(np.asarray(back.matrix), glove[np.arange(3000)])
    assert projector_metadata_labels(files.metadata.read_text()) == glove.tokens[:3000]
    assert json.loads(files.config_json.read_text())["embeddings"][0]["tensorName"] == "glove"


def test_float16_vectors_are_written_as_the_float32_values_they_equal(tmp_path):
    matrix = np.random.default_rng(0).normal(size=(20, 6)).astype(np.float16)
    export_projector(Vectors([f"w{i}" for i in range(20)], matrix), tmp_path)
    np.testing.assert_array_equal(np.asarray(read_projector(tmp_path).matrix), matrix.astype(np.float32))


def test_values_that_need_nine_digits_are_exact(tmp_path):
    awkward = np.array([[np.float32(0.1) + np.float32(1e-8), np.nextafter(np.float32(1), np.float32(2)),
                         np.float32(3.4e38), np.float32(-1.17549435e-38)]], dtype=np.float32)
    export_projector(Vectors(["x"], awkward), tmp_path)
    np.testing.assert_array_equal(np.asarray(read_projector(tmp_path).matrix), awkward)


TRICKY = ["plain", "tab\there", "new\nline", "cr\rhere", "back\\slash", "", "   ", "\\t literally", "ünï ☃"]


def test_tricky_tokens_are_escaped_and_keep_their_row(tmp_path):
    v = Vectors(TRICKY, np.eye(len(TRICKY), dtype=np.float32))
    files = export_projector(v, tmp_path)
    assert files.escaped == 5
    lines = files.metadata.read_text(encoding="utf-8").split("\n")
    assert len(lines) == len(TRICKY) + 2 and lines[-1] == ""  # header, one line per token, final newline
    assert all(line.count("\t") == 1 for line in lines[:-1])
    labels = projector_metadata_labels(files.metadata.read_text(encoding="utf-8"))
    assert labels == [escape_token(t) or None for t in TRICKY]  # row i is still token i in the projector
    assert labels[1] == "tab\\there" and labels[2] == "new\\nline"
    assert read_projector(tmp_path).tokens == TRICKY


def test_tokens_error_policy_names_the_token(tmp_path):
    v = Vectors(["fine", "tab\there"], np.eye(2, dtype=np.float32))
    with pytest.raises(FormatError, match=r"'tab\\there' \(row 1\).*tokens='escape'"):
        export_projector(v, tmp_path / "out", tokens="error")
    assert not (tmp_path / "out" / "metadata.tsv").exists()
    with pytest.raises(InvalidArgumentError, match="'escape' or 'error'"):
        export_projector(v, tmp_path, tokens="drop")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_escape_round_trip(token):
    field = escape_token(token)
    assert "\t" not in field and "\n" not in field and "\r" not in field
    assert unescape_token(field) == token


def test_non_finite_rows_and_bad_arguments_are_refused(tmp_path):
    matrix = np.ones((3, 2), dtype=np.float32)
    matrix[1, 0] = np.nan
    with pytest.raises(InvalidArgumentError, match=r"'b' \(row 1\) holds NaN.*nonfinite='drop'"):
        export_projector(Vectors(["a", "b", "c"], matrix), tmp_path / "nan")
    assert not (tmp_path / "nan" / "vectors.tsv").exists()
    ok = Vectors(["a", "b"], np.ones((2, 2), dtype=np.float32))
    with pytest.raises(InvalidArgumentError, match="nothing to export"):
        export_projector(ok, tmp_path, limit=0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidArgumentError, match="not a directory"):
        export_projector(ok, tmp_path / "file")


def test_read_projector_checks_the_files(tmp_path):
    with pytest.raises(FormatError, match="not found"):
        read_projector(tmp_path)
    (tmp_path / "vectors.tsv").write_text("1\t2\n3\t4\n")
    (tmp_path / "metadata.tsv").write_text("a\n")  # single-column layout, one label short
    with pytest.raises(FormatError, match="1 rows but .* has 2"):
        read_projector(tmp_path)
    (tmp_path / "metadata.tsv").write_text("a\nb\n")
    assert read_projector(tmp_path).tokens == ["a", "b"]


def test_cli_export_projector(tmp_path, capsys, glove):
    code = main(["export-projector", str(tmp_path / "p"), "--limit", "500", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    info = json.loads(out)
    assert info["rows"] == 500 and info["dim"] == 50 and len(info["files"]) == 4
    back = read_projector(tmp_path / "p")
    np.testing.assert_array_equal(np.asarray(back.matrix), glove[np.arange(500)])
    code = main(["export-projector", str(tmp_path / "q"), "--limit", "5", "--tokens", "nope"])
    assert code == 1 and "unknown --tokens 'nope'; use escape or error" in capsys.readouterr().err
