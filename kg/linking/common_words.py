"""Common words that never link: function words, pronouns, demonstratives, numerals.

Each language's list ships as data (`kg/data/common_words_<lang>.tsv`, with its sources in
its header): stop-word lists of spaCy and stopwords-iso, and words added by hand, among
them the everyday words found folded onto medical terms (Yoruba èyí "this" onto ẹ̀yi,
measles; Japanese これら "these" onto コレラ, cholera).

A word is compared as the text writes it, with the marks the text itself carries
(`kg.linking.marks`): in Yoruba written with tone marks "èyí" is the common word and "ẹ̀yi"
the disease; in Yoruba written without marks "eyi" is taken for the far commoner word. Kana
are always compared as written (これら is the word, コレラ the disease). A term written
exactly as a common word (Korean 열, fever and ten) is still linked: the list keeps
near-homographs out, the vocabulary decides its own homonyms.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.linking.marks import TextMarks
from kg.linking.text import fold, fold_keeping

__all__ = ["as_written", "common_keys", "is_common", "words"]


@cache
def words(lang: str) -> tuple[str, ...]:
    """The common words of `lang` as written (none for a language without a list)."""
    path = resources.files("kg").joinpath(f"data/common_words_{lang}.tsv")
    if not path.is_file():
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.split("\t", 1)[0] for line in lines if line and not line.startswith("#"))


@cache
def common_keys(lang: str) -> frozenset[str]:
    """The folded forms of `lang`'s common words: a lexicon key outside this set cannot be
    one, which spares the comparison for almost every match."""
    return frozenset(fold(word) for word in words(lang))


@cache
def _written(lang: str, marks: frozenset[str] | None) -> frozenset[str]:
    return frozenset(fold_keeping(word, marks, katakana=True) for word in words(lang))


def is_common(surface: str, lang: str, marks: TextMarks) -> bool:
    """Whether `surface` is one of `lang`'s common words, read with the text's `marks`."""
    if fold(surface) not in common_keys(lang):
        return False
    return fold_keeping(surface, marks.latin, katakana=True) in _written(lang, marks.latin)


def as_written(text: str) -> str:
    """`text` with every mark and its kana as written (case and width still folded)."""
    return fold_keeping(text, None, katakana=True)
