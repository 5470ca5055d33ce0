"""The language contract: each chain and each final answer must be written in the language
it was asked in. A text is identified offline by lingua (`lingua-language-detector`: Apache
2.0, models shipped in the wheel, maintained, and among the few identifiers that cover
Yoruba, Swahili and Zulu as well as Chinese, Japanese, Korean and Thai; short texts are its
strength).

Latin-script words inside a text expected in another script (drug names in Japanese or Thai,
"artemether-lumefantrineを投与") are left out before identifying it: they are how those
languages write such names, not a switch of language. A text with nothing left is a text in
Latin script, and is identified as it stands.

The question asked is narrow: is this text in the expected language or in the other one of
the run (English for a local text, the local language for an English one)? Chinese, Japanese
and Korean are always weighed together, since they share Han characters. A wide question (any
of 75 languages) mistakes short Latin-script medical prose for Yoruba or Zulu; the narrow one
is what a wrong-language reply actually looks like.

A verdict is `ok` (the expected language comes first), `violation` (the other comes first,
with confidence), or `uncertain` (too short, no model for the language, or no clear winner);
the pipeline re-asks a violation once and records what it finally got.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["LanguageVerdict", "identify"]

_HAN = ("zh", "ja", "ko")  # weighed together: they share Han characters
_NON_LATIN = {"zh", "ja", "ko", "th", "ar", "fa", "he", "hi", "ru", "uk", "el", "ka", "hy", "bn", "ta", "te", "ur"}
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-'.]*")
# Shorter texts are not identified: a few words of an alphabet (often names: "P. falciparum
# parasitaemia") say little; a few characters of Han, kana, Hangul or Thai say which script.
_MIN_LATIN_LETTERS, _MIN_LATIN_WORDS, _MIN_OTHER_LETTERS = 20, 4, 4
_CONFIDENT = 0.5


class LanguageVerdict(NamedTuple):
    expected: str
    detected: str | None
    confidence: float
    verdict: Literal["ok", "violation", "uncertain"]
    why: str = ""  # why nothing was identified

    def describe(self) -> str:
        if self.detected is None:
            return f"{self.verdict}: {self.why}"
        return f"{self.verdict}: {self.detected} ({self.confidence:.2f})"


def identify(text: str, expected: str, other: str = "en") -> LanguageVerdict:
    """Whether `text` is written in `expected` rather than `other` (ISO 639-1 codes)."""
    if expected == other:
        return LanguageVerdict(expected, None, 0.0, "uncertain", "no other language to tell it from")
    detector = _detector(expected, other)
    if detector is None:
        return LanguageVerdict(expected, None, 0.0, "uncertain", f"no language model for {expected} or {other}")
    measured = _measured_part(text, expected)
    if _too_short(measured):
        return LanguageVerdict(expected, None, 0.0, "uncertain", "too short to tell")
    ranked = detector.compute_language_confidence_values(measured)
    top = ranked[0]
    code = top.language.iso_code_639_1.name.lower()
    if code == expected:
        return LanguageVerdict(expected, code, top.value, "ok")
    return LanguageVerdict(expected, code, top.value, "violation" if top.value >= _CONFIDENT else "uncertain")


def _too_short(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if all(ch.isascii() or ord(ch) < 0x250 for ch in letters):  # Latin script: letters and words
        return len(letters) < _MIN_LATIN_LETTERS or len(text.split()) < _MIN_LATIN_WORDS
    return len(letters) < _MIN_OTHER_LETTERS


def _measured_part(text: str, expected: str) -> str:
    if expected not in _NON_LATIN:
        return text
    without_latin = _LATIN_WORD.sub(" ", text)
    return without_latin if any(ch.isalpha() for ch in without_latin) else text


@cache
def _detector(expected: str, other: str) -> LanguageDetector | None:
    from lingua import Language, LanguageDetectorBuilder

    by_code = {lang.iso_code_639_1.name.lower(): lang for lang in Language.all()}
    if expected not in by_code or other not in by_code:
        return None
    weighed = {expected, other, *(_HAN if {expected, other} & set(_HAN) else ())}
    languages = [by_code[code] for code in sorted(weighed)]
    return LanguageDetectorBuilder.from_languages(*languages).build()
