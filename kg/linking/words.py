"""Words of a language: a correctly spelt word is that word, not a medical term mistyped.

Fuzzy lookup (`kg.linking.fuzzy`, guarded by `kg.linking.typos`) takes a query a letter or
two from a term for the term mistyped. When the query is itself a word of its language it
far more likely means that word: "comma" is not "coma" mistyped, nor "oxalic acid" "folic
acid". The price is the misspelling that happens to be a word ("prostrate" for "prostate"):
it is left unlinked, which is the side to err on.

English is the one language with a list: pyspellchecker's (160k words from subtitles, MIT
licence, maintained), read once on first use. The other lists tried cost more than they
saved, because they hold spelling variants of the very terms: the Swahili hunspell
dictionary has "chandalua" beside "chandarua" (mosquito net) and "mwasho" beside "muwasho"
(itch), so it refused two misspellings for every near miss it caught (Swahili endings are
guarded by `kg.linking.typos` instead); jieba's dictionary has 虐疾 for 疟疾 (malaria). Yoruba
has no open word list we could find.
"""

from __future__ import annotations

from functools import cache

from kg.linking.text import fold

__all__ = ["words"]


@cache
def words(lang: str) -> frozenset[str]:
    """The folded words of `lang` (empty for a language without a list)."""
    if lang != "en":
        return frozenset()
    # Imported here: the list takes a fifth of a second to load and only an English fuzzy
    # lookup needs it.
    from spellchecker import SpellChecker

    return frozenset(fold(word) for word in SpellChecker(language="en", distance=1).word_frequency.dictionary)
