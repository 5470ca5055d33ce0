"""Language tags of open vocabularies (Wikidata labels, Babelon translations) mapped onto
the language codes terms carry in the graph.

Written Chinese comes in script and region variants (zh, zh-hans, zh-cn, zh-sg, zh-my,
zh-hant, zh-tw, zh-hk, zh-mo). All of them become `zh`, and their text is converted to
simplified characters with OpenCC's t2s, the converter the linker folds text with: the
seed's Chinese terms are simplified, and a traditional label stored as such would be a
second, differently spelled term for the same word. Other zh- tags are other languages
(Wikidata's zh-min-nan is Min Nan in Latin letters, zh-yue Cantonese, zh-classical
Classical Chinese) and are not read as zh.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

__all__ = ["CHINESE_TAGS", "SUPPORTED_LANGS", "term_language", "term_text"]

# The languages the project reasons in (kg/languages.py checks codes, this names the seven).
SUPPORTED_LANGS = ("en", "zh", "ja", "ko", "sw", "th", "yo")
CHINESE_TAGS = ("zh", "zh-hans", "zh-hant", "zh-cn", "zh-sg", "zh-my", "zh-tw", "zh-hk", "zh-mo")


def term_language(tag: str, wanted: Collection[str]) -> str | None:
    """The graph's code for a source's language tag, or None when it is not wanted.

    Only written Chinese variants are folded onto their base language: other subtags
    (en-gb, ko-kp) name a spelling the base language's own label already covers, or a
    different standard.
    """
    tag = tag.strip().lower()
    if tag in CHINESE_TAGS:
        return "zh" if "zh" in wanted else None
    return tag if tag in wanted else None


def term_text(lang: str, text: str) -> str:
    """The text a term stores: trimmed, and Chinese in simplified characters."""
    text = text.strip()
    return _t2s().convert(text) if lang == "zh" and text else text


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    import opencc  # here: only loads that meet Chinese pay for its tables

    return opencc.OpenCC("t2s")
