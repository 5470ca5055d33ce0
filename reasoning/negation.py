"""Negation cues in a concept's own words: "no signs of severe malaria", "hakuna dalili za
malaria kali", "発熱なし". The abstraction stage says whether each concept is present,
absent or possible; these cues are a second, independent reading of the same words, and a
concept either reading calls absent is absent. Absent concepts never enter the scaffold as
findings and never drive retrieval, so a missed negation is the costly error; the cues are
few and certain rather than many.

Cues are matched on the folded words (`kg.linking.text.fold`: case, width, Yoruba tone marks)
at the start of the phrase, or at its end where the language puts negation last. Left out on
purpose: Chinese 无 and 不 and Japanese 不, which begin terms that are findings (无尿 anuria,
无菌性脑膜炎 aseptic meningitis, 不整脈 arrhythmia); Thai ไม่ alone (ไม่สบาย, unwell).
"""

from __future__ import annotations

import re
from functools import cache

from kg.linking.text import fold

__all__ = ["negation_cue"]

_LEADING = {
    "en": ("no", "not", "without", "absence of", "absent", "denies", "denied", "negative for", "free of"),
    "sw": ("hakuna", "hana", "bila", "hakuwa na"),
    "zh": ("没有", "未见", "否认", "未发现", "无明显"),
    "th": ("ไม่มี", "ไม่พบ"),
    "yo": ("kò sí", "kò ní"),
}
_TRAILING = {
    "en": ("absent", "ruled out", "excluded"),
    "ja": ("なし", "がない", "はない", "を認めない", "は認めない"),
    "ko": ("없음", "없다", "없는"),
}


def negation_cue(text: str, lang: str) -> str | None:
    """The cue that makes `text` (a concept's words in `lang`) a negation, if any."""
    if not text:
        return None
    folded = fold(text)
    leading, trailing = _patterns(lang)
    found = (leading.match(folded) if leading else None) or (trailing.search(folded) if trailing else None)
    return found.group(0).strip() if found else None


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    # Latin-script cues are whole words; CJK, Thai and Korean ones are written without spaces.
    def alternatives(cues: tuple[str, ...]) -> str:
        return "|".join(re.escape(fold(cue)) for cue in sorted(cues, key=len, reverse=True))

    lead, trail = _LEADING.get(lang, ()), _TRAILING.get(lang, ())
    boundary = r"\b" if lang in ("en", "sw", "yo") else ""
    leading = re.compile(rf"^(?:{alternatives(lead)}){boundary}") if lead else None
    trailing = re.compile(rf"{boundary}(?:{alternatives(trail)})$") if trail else None
    return leading, trailing
