"""Fuzzy lookup over millions of folded keys: bigram blocking, then rapidfuzz scoring.

Blocking is prefix filtering: a key a few edits away from the query shares all but a few
of the query's character n-grams, so it must share at least one of the query's p rarest
n-grams (p = the n-grams that budget of edits can destroy, plus one). Only the posting
lists of those rare n-grams are read, which keeps the candidate set small however large
the lexicon is; rapidfuzz then scores the candidates exactly. The edit budget grows with
the query's length (one typo per ten characters, at least one), which covers the typing
errors of real queries (recall@5 0.99 on generated single typos, BENCHMARKS.md); a key
further away than that may be missed even above the cutoff.

Latin-script keys use trigrams (a small alphabet makes bigrams too common to block on);
keys with Han, kana or Thai use bigrams, since their terms are short and their characters
many, and Hangul, split into its few dozen letters, trigrams again. Keys are compared in
canonical decomposition (NFD): a Hangul syllable is its two or three letters (jamo) and a
voiced kana its base and mark, so a misspelt vowel in 말리리아 (for 말라리아, malaria) or a
dropped mark in デンク熱 (デング熱, dengue) is a small part of the word, as it is in Latin script,
not a whole character of two or three. Queries of one or two characters are never fuzzy:
two Hangul syllables a letter apart are usually two words (당뇨, diabetes, and 다뇨,
polyuria), not a typo.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence
from operator import itemgetter

from rapidfuzz import fuzz, process

__all__ = ["FuzzyIndex", "MAX_FUZZY_LENGTH", "form", "ngrams"]

_MIN_LENGTH = 3  # shorter queries are abbreviations: exact lookup or nothing
# Longer forms are found by exact lookup only: a typo in a 300-letter name is not what fuzzy
# matching is for, and the length tag (chr of the length) has an upper bound.
MAX_FUZZY_LENGTH = 256


def gram_size(text: str, length: int) -> int:
    """Bigrams for Han, kana and Thai; trigrams for Hangul split into its few dozen letters
    (jamo), as for Latin, or 4-grams for Latin keys of nine characters or more, whose
    trigrams are too common to block on at scale."""
    if not text.isascii():
        return 3 if any("\u1100" <= char <= "\u11ff" for char in text) else 2
    return 3 if length < 9 else 4


def form(key: str) -> str:
    """The form a key is compared in: NFD, which only splits Hangul syllables and voiced
    kana among folded keys (the key itself when nothing splits, to share its memory)."""
    if key.isascii():
        return key
    split = unicodedata.normalize("NFD", key)
    return key if split == key else split


def ngrams(text: str, n: int) -> set[str]:
    """Padded character n-grams."""
    padded = f"\x02{text}\x03"
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


class FuzzyIndex:
    """N-gram postings over a list of keys (the lexicon's folded forms), split by key
    length: an edit budget also bounds the length difference, so only the postings of
    keys of nearby lengths are read."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.forms: list[str] = []  # by key id
        self._postings: dict[str, array[int]] = {}  # n-gram + chr(form length) -> key ids
        for key_id, key in enumerate(keys):
            self.add(key_id, key)

    def add(self, key_id: int, key: str) -> None:
        """Index key `key_id`; ids come in order, each once."""
        key = form(key)
        self.forms.append(key)
        if len(key) > MAX_FUZZY_LENGTH:
            return
        length = chr(len(key))
        for gram in ngrams(key, gram_size(key, len(key))):
            posting = self._postings.get(gram + length)
            if posting is None:
                posting = self._postings[gram + length] = array("i")
            posting.append(key_id)

    def search(self, query: str, *, limit: int = 5, cutoff: float = 80.0) -> list[tuple[int, float]]:
        """Up to `limit` (key id, similarity 0-100) with rapidfuzz's normalized Indel ratio
        of the forms at or above `cutoff`, best first."""
        typed, query = query, form(query)
        if len(typed) < _MIN_LENGTH or len(query) > MAX_FUZZY_LENGTH:  # two Hangul syllables are a word, not a typo
            return []
        # The budget counts typed characters; in the split form one is up to three letters.
        span = 1 if query == typed else 3 if any("\uac00" <= c <= "\ud7a3" for c in typed) else 2
        candidates = list(self._candidates(query, max(1, len(typed) // 10), span))
        if not candidates:
            return []
        choices = itemgetter(*candidates)(self.forms) if len(candidates) > 1 else [self.forms[candidates[0]]]
        found = process.extract(query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(candidates[index], score) for _, score, index in found]

    def _candidates(self, query: str, edits: int, span: int) -> set[int]:
        """Keys sharing one of the query's rarest n-grams, at lengths within `edits` typed
        characters of `span` letters each."""
        candidates: set[int] = set()
        grams: dict[int, set[str]] = {}
        for length in range(max(1, len(query) - edits * span), len(query) + edits * span + 1):
            n = gram_size(query, length)
            if n not in grams:
                grams[n] = ngrams(query, n)
            tag = chr(length)
            postings = [p for gram in grams[n] if (p := self._postings.get(gram + tag)) is not None]
            if not postings:
                continue
            postings.sort(key=len)
            # The query's grams missing here are typos: each counts as the rarest of all.
            missing = len(grams[n]) - len(postings)
            # A transposition, the costliest single typo, changes n + 1 n-grams; changing a
            # run of `span` letters (a syllable) changes at most span + n - 1.
            destroyed = max(n + 1, span + n - 1) * edits
            for posting in postings[: max(0, destroyed + 1 - missing)]:
                candidates.update(posting)
        return candidates
