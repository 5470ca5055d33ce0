"""Running text is matched with the marks its writer put.

The fold (`kg.linking.text`) drops what people leave out when they type a term: Yoruba
tone marks and under-dots, the choice of katakana or hiragana, the space inside a Korean
compound. That is right for a typed term, which is looked up as such (`Normalizer.lookup`
keeps folding). In running text written with those marks it folds everyday words onto
medical terms: Yoruba èyí "this" onto ẹ̀yi (measles), ọ̀kan "one" onto ọkàn (heart), ète
"purpose" onto ẹ̀tẹ̀ (leprosy); Japanese これら "these" onto コレラ (cholera); Korean 한 방
"one shot" onto 한방 (Korean medicine). So a match in running text must agree with its term
in every distinction the text itself makes:

- Latin marks: compared for the marks the text uses anywhere. Yoruba written with tone marks
  matches only a term with the same tone marks (a word with no mark there is a mid tone, a
  different word); a text with under-dots but no tone marks compares under-dots only; a text
  without marks matches folded, as before.
- Kana: a hiragana span does not stand for a katakana term in a text that also writes
  katakana or kanji, whose writer would have written the loanword in katakana; a text in
  hiragana alone (for children, or typed without conversion) cannot show the difference.
  Katakana for a hiragana term is kept: writing ガン, メマイ, ケイレン in katakana is common.
- Hangul spacing: a space the text puts inside a Korean match must be in the term too (한 방
  is two words, 한방 one); a compound written without its space ("소화성궤양" for "소화성 궤양")
  still matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.linking.text import fold, fold_keeping, latin_marks

__all__ = ["TextMarks", "agrees"]

_HIRAGANA = re.compile("[\u3041-\u3096]")
_KATAKANA = re.compile("[\u30a1-\u30fa\uff66-\uff9d]")
_KATAKANA_OR_KANJI = re.compile("[\u30a1-\u30fa\uff66-\uff9d\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL_GAP = re.compile(r"(?<=[\uac00-\ud7a3])\s(?=[\uac00-\ud7a3])")


@dataclass(frozen=True, slots=True)
class TextMarks:
    """The distinctions a text makes: the Latin marks it uses, whether its hiragana is a
    choice (it also writes katakana or kanji), whether it spaces Korean words."""

    latin: frozenset[str] = frozenset()
    kana: bool = False
    spacing: bool = False

    @classmethod
    def of(cls, text: str) -> TextMarks:
        if text.isascii():  # the common case: nothing to distinguish
            return _PLAIN
        kana = bool(_HIRAGANA.search(text)) and bool(_KATAKANA_OR_KANJI.search(text))
        return cls(latin_marks(text), kana, bool(_HANGUL_GAP.search(text)))

    @property
    def plain(self) -> bool:
        return not (self.latin or self.kana or self.spacing)


_PLAIN = TextMarks()


def agrees(surface: str, term: str, marks: TextMarks) -> bool:
    """Whether `surface`, found in a text with `marks`, may be `term` (they fold alike)."""
    if marks.plain or surface == term:
        return True
    if marks.latin and fold_keeping(surface, marks.latin) != fold_keeping(term, marks.latin):
        return False
    if marks.kana and _HIRAGANA.search(surface) and _kana_for_katakana(surface, term):
        return False
    return not (marks.spacing and not _gaps(surface) <= _gaps(term))


def _kana_for_katakana(surface: str, term: str) -> bool:
    """Whether the surface writes in hiragana what the term writes in katakana."""
    if not _KATAKANA.search(term):
        return False
    written, held = fold_keeping(surface, frozenset(), katakana=True), fold_keeping(term, frozenset(), katakana=True)
    if len(written) != len(held):
        return False
    return any(
        w != h and "\u3041" <= w <= "\u3096" and "\u30a1" <= h <= "\u30f6" for w, h in zip(written, held, strict=True)
    )


@lru_cache(maxsize=65536)
def _gaps(text: str) -> frozenset[int]:
    """Where, in the folded text, a space between two Hangul syllables was removed."""
    pieces = _HANGUL_GAP.split(text)
    if len(pieces) == 1:
        return frozenset()
    gaps, at = set(), 0
    for piece in pieces[:-1]:
        at += len(fold(piece))
        gaps.add(at)
    return frozenset(gaps)
