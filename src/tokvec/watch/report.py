"""A watch report as tables and text: per-snapshot measures, watched words' neighbours, notes.

The CLI prints the same cells as rich tables; ``format_report`` lays them out as plain text.

Deliberately left out: measuring (``tokvec.watch.metrics``) and the figure (``tokvec.watch.figure``).
"""

from __future__ import annotations

from .metrics import WatchReport


def summary_table(report: WatchReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-snapshot table: val loss, overlap@k, coherence per group, WordSim ρ."""
    header = ["step", "val loss", f"overlap@{report.k}", *report.groups, "wordsim ρ"]
    rows = [[f"{s.step:,}", "-" if s.val_loss is None else f"{s.val_loss:.3f}", f"{s.overlap:.3f}",
             *(f"{s.coherence[g]:+.3f}" for g in report.groups),
             "-" if s.similarity is None else f"{s.similarity:+.3f}"]
            for s in report.snapshots]
    return header, rows


def neighbour_table(report: WatchReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the neighbours of each watched word at the first, middle and final snapshot."""
    milestones = report.milestones()
    header = ["word", *(f"step {s.step:,}" for s in milestones)]
    rows = [[word, *(", ".join(f"{t} {score:.2f}" for t, score in s.neighbours[word]) for s in milestones)]
            for word in report.words]
    return header, rows


def report_notes(report: WatchReport) -> list[str]:
    """Lines that say what the columns measure, and which words and groups were not found."""
    pairs = report.snapshots[-1].similarity_pairs  # the same in every snapshot: it depends on the vocabulary only
    notes = [f"probe set: the {report.probe_size:,} most frequent non-special tokens; overlap@{report.k} = "
             f"share of each probe token's {report.k} nearest probe tokens that are its final ones; coherence = "
             "mean cosine within a group minus its mean cosine to the probe tokens outside it",
             f"wordsim ρ: Spearman over the {pairs} WordSim-353 pairs with both words in the vocabulary" if pairs
             else "wordsim ρ: no WordSim-353 pair has both words in the vocabulary"]
    if report.missing_words:
        notes.append("not in the vocabulary (watch single tokens): " + ", ".join(report.missing_words))
    if report.skipped_groups:
        notes.append("groups with fewer than 2 tokens in the vocabulary, skipped: " + ", ".join(report.skipped_groups))
    return notes


def format_report(report: WatchReport) -> str:
    """Both tables and the notes as plain text (the CLI prints the same cells as rich tables)."""
    parts = [_text_table(*summary_table(report), numeric=True)]
    if report.words:
        parts.append(_text_table(*neighbour_table(report), numeric=False))
    parts.append("\n".join(report_notes(report)))
    return "\n\n".join(parts)


def _text_table(header: list[str], rows: list[list[str]], *, numeric: bool) -> str:
    """Columns padded to their widest cell: right-aligned if ``numeric``, else left-aligned."""
    widths = [max(len(line[c]) for line in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if numeric else cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


__all__ = ["format_report", "neighbour_table", "report_notes", "summary_table"]
