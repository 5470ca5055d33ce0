"""Chinese terms by their sound: the typing errors of pinyin input methods.

Chinese is typed by its sound, so its commonest misspelling is a homophone picked from the
input method's list: 疟疾 (malaria) typed as 虐疾, 腹泻 (diarrhoea) as 腹写, both read
"nue ji" and "fu xie" without tones. Character similarity cannot see these (one of two
characters differs), their sound can. A term is indexed under its toneless pinyin, each
character read its first (commonest) way; a query with the same sound that shares at least
half of its characters with the term is a homophone of it. Sharing characters keeps apart
words that merely sound alike.
"""

from __future__ import annotations

import unicodedata
from array import array
from functools import cache

__all__ = ["HomophoneIndex", "sound"]


@cache
def _table() -> dict[int, str]:
    # Imported here: pypinyin's package import loads its phrase tables too (a third of a
    # second), which only a Chinese lookup needs.
    from pypinyin.pinyin_dict import pinyin_dict

    # pypinyin's table of 41k characters: "nüè,yào" -> " nue " (first reading, no tone).
    table = {}
    for code, readings in pinyin_dict.items():
        first = unicodedata.normalize("NFD", readings.split(",")[0])
        table[code] = " " + "".join(c for c in first if not unicodedata.combining(c)) + " "
    return table


def sound(text: str) -> str | None:
    """`text` with each Han character replaced by its toneless pinyin; None when it has
    no Han character."""
    heard = text.translate(_table())
    return " ".join(heard.split()) if heard != text else None


class HomophoneIndex:
    """Key ids of Chinese terms (folded forms) by their sound."""

    def __init__(self) -> None:
        self._keys: dict[str, array[int]] = {}

    def add(self, key_id: int, key: str) -> None:
        heard = sound(key)
        if heard is None:
            return
        ids = self._keys.get(heard)
        if ids is None:
            ids = self._keys[heard] = array("i")
        if key_id not in ids:
            ids.append(key_id)

    def search(self, query: str, keys: list[str]) -> list[int]:
        """Ids of the keys that sound like `query` and share at least half its characters
        (the query itself excluded: that is an exact match, not a homophone)."""
        heard = sound(query)
        if heard is None:
            return []
        found = []
        for key_id in self._keys.get(heard, ()):
            key = keys[key_id]
            shared = sum(a == b for a, b in zip(key, query, strict=False))
            if key != query and len(key) == len(query) and 2 * shared >= len(query):
                found.append(key_id)
        return found
