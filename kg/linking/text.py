"""Text folding for matching: one fold, applied alike to lexicon terms and to free text.

The fold is script-aware rather than language-aware, so a Latin drug name inside a Thai
sentence folds exactly as it does in English, and a term and the text that contains it
always meet in the same form:

- Unicode NFKC: full-width Latin and digits become ASCII, half-width katakana full-width;
- case folding;
- Latin diacritics dropped (Yoruba tone marks and under-dots, so "ibà" = "iba"), while
  the marks that carry meaning in other scripts (Thai vowels and tones, Japanese voicing)
  are kept;
- traditional Chinese characters mapped to simplified ones (character level, OpenCC t2s;
  `kg.linking.chinese_scripts` says why characters with several simplified forms are safe);
- katakana mapped to hiragana: Japanese writes many medical words either way
  ("けいれん", "ケイレン"), and loanwords fold alike on both sides;
- hyphen and dash variants and most punctuation become a space, apostrophes and the
  katakana middle dot vanish, whitespace runs collapse to one space;
- a space between two Hangul syllables vanishes: Korean spacing of compounds varies
  ("B형 간염" and "B형간염" are the same term), and Hangul, like Han and Thai, is matched
  without word boundaries anyway.

`fold_spans` also keeps, for each folded character, where it came from in the original,
so a match in folded text maps back to a span of what the user wrote.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from kg.linking.chinese_scripts import t2s_characters

__all__ = ["fold", "fold_keeping", "fold_spans", "Folded", "is_latin_word_char", "latin_marks"]

# Combining marks of Latin-script diacritics (NFD leaves these after the base letter).
_LATIN_MARKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))
_VANISH = {"'", "\u2019", "\u2018", "`", "\u00b4", "\u30fb", "\u00b7", "\u200b", "\u200c", "\u200d", "\ufeff"}
_KEEP_PUNCT = {"+", "%", "&"}  # meaningful inside medical terms ("HIV+", "5%")
_HALFWIDTH_VOICING = ("\uff9e", "\uff9f")
_HANGUL_GAP = re.compile(r"(?<=[\uac00-\ud7a3])\s(?=[\uac00-\ud7a3])")
_MARK = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _LATIN_MARKS) + "]")
# Latin letters that carry a mark when precomposed (Latin-1 to Latin Extended-B, Latin
# Extended Additional), or a lone combining mark: what a text without marks never holds.
_MAY_BE_MARKED = re.compile("[\u00c0-\u024f\u1e00-\u1eff" + _MARK.pattern[1:])


def _is_latin_mark(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _LATIN_MARKS)


def _separates(char: str) -> bool:
    """Spaces, controls, dashes and punctuation (bar a few that carry meaning) part words."""
    category = unicodedata.category(char)
    if category.startswith(("Z", "Cc", "Pd")):
        return True
    return category.startswith("P") and char not in _KEEP_PUNCT


def _fold_char(char: str, keep: frozenset[str] | None = frozenset(), katakana: bool = False) -> str:
    """One character folded; `keep` names the Latin marks kept (None: all of them), and
    `katakana` keeps katakana apart from hiragana (see `fold_keeping`)."""
    out = []
    for piece in unicodedata.normalize("NFKC", char).casefold():
        for part in unicodedata.normalize("NFD", piece):
            if part in _VANISH or (_is_latin_mark(part) and keep is not None and part not in keep):
                continue
            out.append(" " if _separates(part) else part)
    folded = unicodedata.normalize("NFC", "".join(out))
    if not katakana and len(folded) == 1 and "\u30a1" <= folded <= "\u30f6":  # katakana -> hiragana
        return chr(ord(folded) - 0x60)
    return t2s_characters().get(folded, folded)


class _FoldTable(dict[int, str]):
    """`str.translate` table that folds each character once, on first sight."""

    def __init__(self, keep: frozenset[str] | None = frozenset(), katakana: bool = False) -> None:
        super().__init__()
        self.keep = keep
        self.katakana = katakana

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code), self.keep, self.katakana)
        self[code] = folded
        return folded


_TABLE = _FoldTable()
_KEEPING: dict[tuple[frozenset[str] | None, bool], _FoldTable] = {}


def fold(text: str) -> str:
    """The matching form of `text` (see the module docstring); trimmed, single-spaced."""
    composed = unicodedata.normalize("NFKC", text) if "\uff9e" in text or "\uff9f" in text else text
    folded = " ".join(composed.translate(_TABLE).split())
    return _HANGUL_GAP.sub("", folded) if " " in folded else folded


@lru_cache(maxsize=65536)
def fold_keeping(text: str, keep: frozenset[str] | None = None, *, katakana: bool = False) -> str:
    """`fold`, except that the Latin marks in `keep` stay (None: every mark) and, with
    `katakana`, katakana stays katakana. Running text written with its marks is compared
    in this form (`kg.linking.marks`): "èyí" (this) and "ẹ̀yi" (measles) fold alike, but
    differ in the marks their writer put."""
    table = _KEEPING.get((keep, katakana))
    if table is None:
        table = _KEEPING[(keep, katakana)] = _FoldTable(keep, katakana)
    composed = unicodedata.normalize("NFKC", text) if "\uff9e" in text or "\uff9f" in text else text
    folded = unicodedata.normalize("NFC", " ".join(composed.translate(table).split()))
    return _HANGUL_GAP.sub("", folded) if " " in folded else folded


def latin_marks(text: str) -> frozenset[str]:
    """The Latin combining marks `text` carries (tone marks, under-dots, accents)."""
    if text.isascii() or not _MAY_BE_MARKED.search(text):
        return frozenset()
    return frozenset(_MARK.findall(unicodedata.normalize("NFD", text)))


def is_latin_word_char(char: str) -> bool:
    """True for characters that continue a space-separated word (ASCII letters and digits,
    after folding), where a dictionary match must not start or end."""
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class Folded:
    """Folded text plus where each folded character came from in the original."""

    text: str
    original: str
    # Folded length after each original character (None: one folded character each).
    cumulative: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) behind folded [start, end)."""
        if self.cumulative is None:
            return start, end
        cumulative = self.cumulative
        first = bisect_right(cumulative, start)
        last = bisect_right(cumulative, end - 1)
        # Characters that folded to nothing right after the match (a half-width voiced
        # mark, combining tone marks) belong to its last character.
        while (
            last + 1 < len(cumulative)
            and cumulative[last + 1] == cumulative[last]
            and not self.original[last + 1].isspace()
        ):
            last += 1
        return first, last + 1


def fold_spans(text: str) -> Folded:
    """Fold free text keeping offsets. Unlike `fold` it neither trims nor collapses
    spaces, so that folding stays one pass in C for most text."""
    folded = text.translate(_TABLE)
    voiced = "\uff9e" in text or "\uff9f" in text
    gaps = [m.start() for m in _HANGUL_GAP.finditer(text)]
    if len(folded) == len(text) and not voiced and not gaps:
        return Folded(folded, text)
    pieces = list(map(_TABLE.__getitem__, map(ord, text)))
    if voiced:
        _join_voicing(text, pieces)
    for i in gaps:
        pieces[i] = ""
    return Folded("".join(pieces), text, list(accumulate(map(len, pieces))))


def _join_voicing(text: str, pieces: list[str]) -> None:
    """A half-width voiced mark joins the kana before it (ｻﾞ -> ザ)."""
    for i, char in enumerate(text):
        if char in _HALFWIDTH_VOICING and i and pieces[i - 1]:
            pieces[i - 1] = _fold_char(unicodedata.normalize("NFKC", text[i - 1 : i + 1]))
            pieces[i] = ""
