"""Traditional and simplified Chinese: one word in two scripts, and in two regional standards.

The seed's Chinese is simplified (mainland); people also write traditional characters (Taiwan,
Hong Kong, overseas), and there the word itself may be another: Taiwan writes 憂鬱症 where the
mainland writes 抑郁症 (depression), 腦梗塞 for 脑梗死 (cerebral infarction), 阿斯匹靈 for 阿司匹林
(aspirin). Two steps, both OpenCC's (the reference converter: Apache 2.0, maintained, its
dictionaries inside its wheel, nothing downloaded):

- Characters: every traditional character folds to its simplified one (`t2s_characters`,
  applied by `kg.linking.text.fold` to lexicon keys and to text alike, so 腦梗塞 is looked up,
  and found in running text, as 脑梗塞). One traditional character for several simplified
  ones (乾: 干 "dry" or 乾 in 乾隆; 著: 着 or 著; 瞭: 了 or 瞭) takes OpenCC's first choice
  everywhere. That is safe for matching because the choice is the same on both sides: a term
  and a text that holds it fold alike whatever the choice, so no word is split from itself;
  the worst a wrong choice does is to fold two different traditional words onto one key (a
  homograph, which ranking shows as ambiguous), and simplified text, where those characters
  are already one, cannot tell them apart either. Several traditional characters for one
  simplified (發 "emit" and 髮 "hair" are both 发) merge the same way, and for the same reason.
- Words: OpenCC's regional phrase tables (since OpenCC 1.4 they hold medical words) say what
  a mainland term is called in Taiwan and Hong Kong, and what a Taiwan term is called on the
  mainland. Each Chinese term is also indexed under its Taiwan and Hong Kong forms
  (`regional_forms`: 抑郁症 under 憂鬱症, folded 忧郁症), which running text and lookups both
  meet; a looked-up Chinese term is also converted the other way (`mainland_forms`: 乙醯胺酚
  to 对乙酰氨基酚), since the tables are not symmetric. A regional form that folds onto another
  term's key is dropped (the term written so wins), and so is one that two terms of different
  keys share.

Limits: the phrase tables know the words their maintainers entered, not every clinical term
(氣喘 "asthma" in Taiwan stays 气喘, and the seed says 哮喘); Hong Kong gets OpenCC's own
Hong Kong phrases (far fewer than Taiwan's) in the index, and none the other way; a lookup's
conversion is one OpenCC call (2-3 microseconds), paid only when nothing matched exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

__all__ = ["mainland_forms", "regional_forms", "t2s_characters"]

# OpenCC configurations: mainland -> Taiwan / Hong Kong with their phrases; Taiwan -> mainland
# with its phrases. (Hong Kong -> mainland, hk2sp, changed none of the Hong Kong medical words
# tried, 柏金遜症 and 腦退化症 among them, beyond the characters the fold already changes: a
# lookup pays for the Taiwan call only.)
_TO_REGIONS = ("s2twp", "s2hkp")
_TO_MAINLAND = ("tw2sp",)
_CHUNK = 4096  # texts converted in one OpenCC call: the temporary strings stay small


@cache
def _converter(config: str) -> Any:
    import opencc  # its dictionaries load here, on first use

    return opencc.OpenCC(config)


@cache
def t2s_characters() -> dict[str, str]:
    """Traditional -> simplified, character by character, from OpenCC's own table (only the
    characters that change, and only to one character)."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)] + [chr(c) for c in range(0x3400, 0x4DC0)]
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a phrase rule joined lines: fall back to no mapping
        return {}
    return {t: s for t, s in zip(chars, converted, strict=True) if t != s and len(s) == 1}


def regional_forms(texts: Sequence[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """For each (mainland) text whose Taiwan or Hong Kong forms differ from it, its index in
    `texts` and those forms, as OpenCC writes them (not folded). One OpenCC call per
    configuration for a few thousand texts at a time; the converters are loaded for the call
    and let go after it (s2twp's tables take some 45 MB and 0.1 s to load: an index pays that
    once, a learned Chinese term each time)."""
    if not texts:
        return
    import opencc

    converters = [opencc.OpenCC(config) for config in _TO_REGIONS]
    for low in range(0, len(texts), _CHUNK):
        chunk = texts[low : low + _CHUNK]
        joined = "\n".join(text.replace("\n", " ") for text in chunk)
        converted = [converter.convert(joined).split("\n") for converter in converters]
        if any(len(forms) != len(chunk) for forms in converted):  # cannot happen with these tables
            continue
        for i, text in enumerate(chunk):
            forms = tuple(dict.fromkeys(form[i] for form in converted if form[i] != text))
            if forms:
                yield low + i, forms


def mainland_forms(text: str) -> tuple[str, ...]:
    """What a Taiwan text is called on the mainland, where that differs from the text (one
    OpenCC call, 2-3 microseconds for a term)."""
    forms: list[str] = []
    for config in _TO_MAINLAND:
        form = _converter(config).convert(text)
        if form != text and form not in forms:
            forms.append(form)
    return tuple(forms)
