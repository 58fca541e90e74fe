"""Benchmark files: the shipped word-pair and analogy sets, and readers for any file in their formats.

``resolve`` turns a shipped set name (``wordsim353``, ``simlex999``, ``questions-words``) into its
path; ``read_word_pairs`` parses word-similarity files (tab, ``;``, ``,`` or space separated, an
optional header row, the score in the first numeric column or SimLex's ``SimLex999`` column) and
``read_analogies`` the Google ``questions-words.txt`` format. Malformed lines raise ``FormatError``
with the line number (gensim skips them silently).

Deliberately left out: scoring (``tokvec.evaluate.similarity``, ``tokvec.evaluate.analogy``),
downloading benchmarks, and BATS-style folders.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FormatError, InvalidArgumentError

DATA_DIR = Path(__file__).parent.parent / "data"
BUILTIN_SETS = {
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "questions-words": "questions-words.txt",
}
"""Benchmarks shipped with the package (see ``data/README.md`` for sources and licences)."""
BUILTIN_SIMILARITY = ("wordsim353", "simlex999")
BUILTIN_ANALOGIES = "questions-words"


@dataclass(frozen=True)
class WordPairs:
    """A parsed similarity set: ``pairs[i] = (word1, word2, human_score)``."""

    name: str
    pairs: tuple[tuple[str, str, float], ...]
    score_column: str = ""


@dataclass(frozen=True)
class AnalogySection:
    """A parsed analogy section: ``questions[i] = (a, b, c, expected)``."""

    name: str
    questions: tuple[tuple[str, str, str, str], ...]


def resolve(name_or_path: str | Path) -> Path:
    """A shipped benchmark name (``wordsim353``, ``simlex999``, ``questions-words``) or a file path.

    >>> resolve("wordsim353").name
    'wordsim353.tsv'
    """
    text = str(name_or_path)
    if text in BUILTIN_SETS and not Path(text).exists():
        return DATA_DIR / BUILTIN_SETS[text]
    path = Path(text).expanduser()
    if not path.is_file():
        raise InvalidArgumentError(
            f"no such benchmark file: {text}. Give a path, or one of the shipped sets: {', '.join(BUILTIN_SETS)}"
        )
    return path


def _lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidArgumentError(f"cannot read benchmark file {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise FormatError(
            f"{path}, line {line_no}: invalid UTF-8 at byte {column} of the line; save the file as UTF-8"
        ) from None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_word_pairs(path: str | Path) -> WordPairs:
    """Read a word-similarity file: ``word1 word2 score`` per line.

    Accepted: tab, ``;``, ``,`` or space separated (decided by the first data line); ``#``
    comment and blank lines; one header row (``Word 1<TAB>Word 2<TAB>Human (mean)``, SimLex's
    ``word1 word2 POS SimLex999 ...``). The score is the first numeric column after the two
    words. Anything else raises ``FormatError`` with the line number.

    >>> p = read_word_pairs("wordsim353")
    >>> len(p.pairs), p.pairs[0]
    (353, ('love', 'sex', 6.77))
    """
    path = resolve(path)
    delimiter: str | None = None
    column: int | None = None
    header: list[str] | None = None
    pairs: list[tuple[str, str, float]] = []
    expected = "'word1 word2 score' (tab, ';', ',' or space separated)"
    for line_no, line in enumerate(_lines(path), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if delimiter is None:
            delimiter = next((d for d in ("\t", ";", ",") if d in stripped), " ")
        fields = [f.strip() for f in (stripped.split(delimiter) if delimiter != " " else stripped.split())]
        if column is None:
            numeric = [i for i in range(2, len(fields)) if _number(fields[i]) is not None]
            if len(fields) >= 3 and not numeric and header is None and not pairs:
                header = fields  # a header row: names the columns
                continue
            if len(fields) < 3 or not numeric:
                raise FormatError(f"{path}, line {line_no}: expected {expected}, got {line!r}; "
                                  "fix the line or turn it into a '#' comment")
            column = numeric[0]
            if header is not None:
                named = [i for i, name in enumerate(header) if re.sub(r"\W", "", name).lower() == "simlex999"]
                column = named[0] if named else column
        score = _number(fields[column]) if len(fields) > column else None
        if score is None or len(fields) < 3 or not fields[0] or not fields[1]:
            raise FormatError(
                f"{path}, line {line_no}: expected {expected} with the score in column {column + 1}, "
                f"got {line!r}; fix the line or turn it into a '#' comment"
            )
        pairs.append((fields[0], fields[1], score))
    if not pairs:
        raise FormatError(f"{path}: no word pairs found; expected lines of {expected}")
    score_column = header[column] if header is not None and column is not None and column < len(header) else ""
    return WordPairs(path.stem, tuple(pairs), score_column)


def read_analogies(path: str | Path) -> tuple[AnalogySection, ...]:
    """Read an analogy file in the Google ``questions-words.txt`` format.

    ``: section name`` lines start sections; every other line is four words ``a b c d`` ("a is
    to b as c is to d"). Blank and ``#`` lines are skipped; questions before any header form a
    section named after the file. Any other line raises ``FormatError`` with its line number.

    >>> sections = read_analogies("questions-words")
    >>> len(sections), sections[0].name, sections[0].questions[0]
    (14, 'capital-common-countries', ('Athens', 'Greece', 'Baghdad', 'Iraq'))
    """
    path = resolve(path)
    sections: list[AnalogySection] = []
    name: str | None = None
    questions: list[tuple[str, str, str, str]] = []
    for line_no, line in enumerate(_lines(path), 1):
        words = line.split()
        if len(words) == 4 and words[0][0] != "#" and not line.startswith(": "):  # the common case first
            questions.append(tuple(words))  # type: ignore[arg-type]
            continue
        if line.startswith(": "):
            if name is not None or questions:
                sections.append(AnalogySection(name or path.stem, tuple(questions)))
            name, questions = line.lstrip(": ").strip(), []  # gensim's section-name rule
            continue
        if not words or words[0].startswith("#"):
            continue
        raise FormatError(
            f"{path}, line {line_no}: expected four words 'a b c d' (a is to b as c is to d) "
            f"or a ': section' header, got {len(words)} word{'s' if len(words) != 1 else ''}: {line!r}; "
            "fix the line or turn it into a '#' comment"
        )
    if name is not None or questions:
        sections.append(AnalogySection(name or path.stem, tuple(questions)))
    if not any(s.questions for s in sections):
        raise FormatError(f"{path}: no analogy questions found; expected lines 'a b c d' under ': section' headers")
    return tuple(sections)

