"""One line of the little query language ``tokvec shell`` answers, as fastText's ``nn``/``analogies`` prompts do.

    king                       neighbours of king
    king + woman - man         neighbours of king + woman - man (3CosAdd)
    man : king :: woman        man is to king as woman is to ?  (a trailing ": ?" is allowed)
    sim cat dog                cosine similarity (also: similarity)
    dist cat dog               Euclidean distance (also: distance)
    odd breakfast cereal lunch the odd one out

Words are separated by spaces, so ``+``, ``-``, ``:`` and ``::`` must stand alone; any other string is a
word (``e-mail`` and ``[CLS]`` too). A blank line or one starting with ``#`` asks nothing.

Deliberately left out: answering (``Vectors``) and printing (``tokvec.cli.shell``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import InvalidArgumentError
from ..printable import brief

Kind = Literal["similar", "analogy", "similarity", "distance", "odd-one-out"]
HELP = "a word, 'king + woman - man', 'man : king :: woman', 'sim cat dog', 'dist cat dog' or 'odd a b c'"
_PAIRS: dict[str, Kind] = {"sim": "similarity", "similarity": "similarity", "dist": "distance", "distance": "distance"}


@dataclass(frozen=True)
class Line:
    """What a line asks: its kind and words (``negative`` only for ``similar``; an analogy's are a, b, c)."""

    kind: Kind
    words: tuple[str, ...]
    negative: tuple[str, ...] = ()


def parse(text: str) -> Line | None:
    """The question ``text`` asks, None for a blank or ``#`` line; ``InvalidArgumentError`` saying what
    a line may be otherwise.

    >>> parse("king + woman - man")
    Line(kind='similar', words=('king', 'woman'), negative=('man',))
    >>> parse("man : king :: woman : ?"), parse("sim cat dog").kind
    (Line(kind='analogy', words=('man', 'king', 'woman'), negative=()), 'similarity')
    """
    words = text.split()
    if not words or words[0].startswith("#"):
        return None
    head, rest = words[0].lower(), tuple(words[1:])
    if head in _PAIRS and rest:
        if len(rest) != 2:
            raise InvalidArgumentError(f"{head} takes two words, got {len(rest)} in {brief(text)}; "
                                       f"e.g. '{head} cat dog'")
        return Line(_PAIRS[head], rest)
    if head == "odd" and rest:
        if len(rest) < 2:
            raise InvalidArgumentError(f"odd takes at least two words, got {brief(text)}; "
                                       "e.g. 'odd breakfast cereal lunch'")
        return Line("odd-one-out", rest)
    if "::" in words or ":" in words:
        return _analogy(words, text)
    return _expression(words, text)


def _analogy(words: list[str], text: str) -> Line:
    if words[-2:] == [":", "?"]:
        words = words[:-2]
    if len(words) != 5 or words[1] != ":" or words[3] != "::" or {words[0], words[2], words[4]} & {":", "::"}:
        raise InvalidArgumentError(f"cannot read the analogy {brief(text)}; write it as 'man : king :: woman'")
    return Line("analogy", (words[0], words[2], words[4]))


def _expression(words: list[str], text: str) -> Line:
    positive: list[str] = []
    negative: list[str] = []
    sign: str | None = "+"
    for word in words:
        if word in ("+", "-"):
            if sign is not None:
                raise InvalidArgumentError(f"{brief(text)} has {word!r} where a word should be; write {HELP}")
            sign = word
            continue
        if sign is None:  # two words in a row: both positive, as in 'tokvec similar king woman'
            sign = "+"
        (positive if sign == "+" else negative).append(word)
        sign = None
    if sign is not None:
        raise InvalidArgumentError(f"{brief(text)} ends with {sign!r}; write {HELP}")
    return Line("similar", tuple(positive), tuple(negative))


__all__ = ["HELP", "Kind", "Line", "parse"]
