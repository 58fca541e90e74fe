"""Build a real English training corpus from WordNet 3.0 glosses (Debian package ``dict-wn``).

``/usr/share/dictd/wn.dict.dz`` is gzip-compressed dictd text: a headword line at column 0, then
indented sense lines (``n 1: gloss; "example"  [syn: {a}, {b}]``). Every sense's gloss text (with
its examples; without the ``[syn: ...]``/``[ant: ...]`` cross-references) becomes one line,
lowercased and tokenised on letters, digits and apostrophes. The same gloss appears under each of
its synonyms' headwords, as in the dictionary; that repetition is kept (it is how the file reads).

WordNet alone gives about 2.7 million words; to reach ``target_words`` (default 3.5 million) the
definitions of GCIDE (Webster's 1913 dictionary, Debian package ``dict-gcide``) are appended, taken in
dictionary order, with pronunciations, etymologies in brackets and ``[1913 Webster]`` source tags removed.

Usage: ``python bench/make_corpus.py [OUT]`` (default: a file in a new temp dir); prints the path
and the number of words. ``python bench/make_corpus.py --demo [OUT]`` rebuilds the small corpus that
ships with tokvec for ``tokvec demo`` (300,000 words of distinct glosses, gzip). Install the source with
``apt-get install -y dict-wn dict-gcide``.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

WN_DICT = Path("/usr/share/dictd/wn.dict.dz")
GCIDE_DICT = Path("/usr/share/dictd/gcide.dict.dz")
_SENSE = re.compile(r"^\s*(?:(?:n|v|adj|adv)\s+)?\d+:\s*|^\s*(?:n|v|adj|adv)\s+")
_XREF = re.compile(r"\[(?:syn|ant|also|see)[^\]]*\]?", re.S)
_TOKEN = re.compile(r"[a-z0-9']+")


def gloss_lines(source: Path = WN_DICT):
    """Yield one tokenised, lowercased line per WordNet sense gloss."""
    with gzip.open(source, "rt", encoding="utf-8", errors="replace") as f:
        entry: list[str] = []
        for raw in f:
            if raw[:1] not in (" ", "\t"):  # a headword: flush the previous entry
                yield from _senses(entry)
                entry = []
            else:
                entry.append(raw.strip())
        yield from _senses(entry)


def _senses(lines: list[str]):
    text = " ".join(lines)
    text = _XREF.sub(" ", text)
    for sense in re.split(r"(?:\b(?:n|v|adj|adv)\s+)?\b\d+:\s", text):
        words = _TOKEN.findall(sense.lower())
        if len(words) > 1:
            yield " ".join(words)


def gcide_lines(source: Path = GCIDE_DICT):
    """Yield one tokenised, lowercased line per GCIDE definition paragraph."""
    with gzip.open(source, "rt", encoding="utf-8", errors="replace") as f:
        paragraph: list[str] = []
        for raw in f:
            if raw.startswith("   ") and "[1913 Webster]" not in raw and "[PJC]" not in raw:
                paragraph.append(raw.strip())
                continue
            if paragraph:
                text = _BRACKETS.sub(" ", " ".join(paragraph))
                words = _TOKEN.findall(text.lower().replace("{", "").replace("}", ""))
                if len(words) > 2:
                    yield " ".join(words)
            paragraph = []


_BRACKETS = re.compile(r"\[[^\]]*\]|\\[^\\]*\\|\([^)]*\)")


def make_corpus(out: str | Path | None = None, target_words: int = 3_500_000) -> tuple[Path, int]:
    """Write WordNet glosses, then GCIDE definitions until ``target_words``; return (path, words)."""
    path = Path(out) if out else Path(tempfile.mkdtemp(prefix="tokvec-wn-")) / "wordnet_gcide.txt"
    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for source in (gloss_lines(), gcide_lines() if GCIDE_DICT.exists() else iter(())):
            for line in source:
                if words >= target_words:
                    break
                words += line.count(" ") + 1
                f.write(line + "\n")
    return path, words


def make_demo_corpus(out: str | Path, target_words: int = 300_000) -> tuple[Path, int]:
    """The corpus shipped as ``tokvec/data/wordnet-glosses.txt.gz``: distinct glosses, shuffled (seed 1)."""
    import random

    distinct = list(dict.fromkeys(gloss_lines()))
    random.Random(1).shuffle(distinct)
    chosen, words = [], 0
    for line in distinct:
        if words >= target_words:
            break
        chosen.append(line)
        words += line.count(" ") + 1
    path = Path(out)
    # no file name and mtime 0 in the gzip header: the same bytes on every build
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(("\n".join(chosen) + "\n").encode("utf-8"))
    return path, words


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--demo"]:
        corpus, n = make_demo_corpus(args[1] if len(args) > 1 else "src/tokvec/data/wordnet-glosses.txt.gz")
    else:
        corpus, n = make_corpus(args[0] if args else None)
    print(f"{corpus}\t{n} words")
