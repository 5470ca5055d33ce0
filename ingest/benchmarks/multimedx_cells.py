"""MultiMed-X cells: "Premise: ... Hypothesis: ..." (BioNLI) and "Question: ... Answer: ..."
(LiveQA), each with its language's markers.

The released cells are uneven: leading newlines, half- or full-width colons, spaces around
them, a marker sometimes mid-line after the previous sentence. A marker is therefore its
word, optional spaces and a colon, at the start of the cell or after a space or a sentence
end; a marker word inside a sentence ("我々の仮説は", "仮説を立てた") has no colon and is
text. The split is never guessed: a cell without both markers, or with the second one
twice, is an error, for the caller to name the file, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CellError", "Parts", "nli_text", "split_nli", "split_qa"]

# The LiveQA markers of each language, as the authors' own loader splits the cells (the
# shared README). Thai cells use the English ones; Yoruba answers are also marked with the
# authors' misspelling "IÌdáhùn".
_Pair = tuple[tuple[str, ...], tuple[str, ...]]  # (first-part markers, second-part markers)
_QA: dict[str, _Pair] = {
    "zh": (("问题",), ("答案",)),
    "ja": (("質問",), ("回答",)),
    "ko": (("질문",), ("답변",)),
    "sw": (("Swali",), ("Jibu",)),
    "yo": (("Ìbéèrè",), ("Ìdáhùn", "IÌdáhùn")),
    "zu": (("Umbuzo",), ("Impendulo",)),
}
# BioNLI's local markers are published for Japanese only; every language also takes the
# English ones (and only those, where no local ones are known).
_NLI: dict[str, _Pair] = {"ja": (("前提",), ("仮説",))}
_ENGLISH_QA: _Pair = (("Question",), ("Answer",))
_ENGLISH_NLI: _Pair = (("Premise",), ("Hypothesis",))


class CellError(ValueError):
    """A cell that cannot be split; the message names what is missing. `unmarked`: the
    cell does not even start with a marker (it may be a bare question)."""

    def __init__(self, message: str, *, unmarked: bool = False) -> None:
        super().__init__(message)
        self.unmarked = unmarked


@dataclass(frozen=True)
class Parts:
    """A split cell: each part's marker as the cell spells it, and its text."""

    first_marker: str
    first: str
    second_marker: str
    second: str


def _markers(table: dict[str, _Pair], english: _Pair, lang: str) -> tuple[_Pair, str]:
    """The language's markers with the English ones, and how to name them in a message."""
    pairs = [table[lang], english] if lang in table else [english]
    known = " or ".join(f"{firsts[0]}/{seconds[0]}" for firsts, seconds in pairs)
    return (tuple(w for p in pairs for w in p[0]), tuple(w for p in pairs for w in p[1])), known


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so that "IÌdáhùn" is not read as "I" + "Ìdáhùn".
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\s。．.!?！？])({alternatives})[ \t\u3000]*[:：]", re.IGNORECASE)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t\u3000]+\n", "\n", text.strip())
    return re.sub(r"\n{3,}", "\n\n", text)


def _split(text: str, firsts: tuple[str, ...], seconds: tuple[str, ...], names: tuple[str, str], known: str) -> Parts:
    text = unicodedata.normalize("NFC", text)  # Yoruba tone marks come composed or not
    opening = _pattern(firsts).match(text, len(text) - len(text.lstrip()))
    if opening is None:
        raise CellError(f"no {names[0]} marker at the start ({known})", unmarked=True)
    closings = list(_pattern(seconds).finditer(text, opening.end()))
    if not closings:
        raise CellError(f"no {names[1]} marker ({known})")
    if len(closings) > 1:
        found = ", ".join(m.group(0) for m in closings)
        raise CellError(f"{len(closings)} {names[1]} markers ({found}); cannot tell where the {names[1]} starts")
    closing = closings[0]
    first, second = _tidy(text[opening.end() : closing.start()]), _tidy(text[closing.end() :])
    for name, part in zip(names, (first, second), strict=True):
        if not part:
            raise CellError(f"empty {name}")
    return Parts(opening.group(1), first, closing.group(1), second)


def split_nli(text: str, lang: str) -> Parts:
    """The premise and the hypothesis of a BioNLI cell in `lang` (an ISO 639-1 code).

    Raises:
        CellError: no premise marker at the start, no hypothesis marker or more than one,
            or an empty part.
    """
    (firsts, seconds), known = _markers(_NLI, _ENGLISH_NLI, lang)
    return _split(text, firsts, seconds, ("premise", "hypothesis"), known)


def split_qa(text: str, lang: str) -> Parts:
    """The question and the reference answer of a LiveQA cell in `lang`.

    Raises:
        CellError: no question marker at the start, no answer marker or more than one,
            or an empty part.
    """
    (firsts, seconds), known = _markers(_QA, _ENGLISH_QA, lang)
    return _split(text, firsts, seconds, ("question", "answer"), known)


def nli_text(parts: Parts) -> str:
    """The premise and hypothesis as one readable text, with the markers the cell had."""
    return f"{parts.first_marker}: {parts.first}\n{parts.second_marker}: {parts.second}"
