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
keys with Han, kana, Hangul or Thai use bigrams, since their terms are short and their
characters many.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from operator import itemgetter

from rapidfuzz import fuzz, process

__all__ = ["FuzzyIndex", "ngrams"]

_MIN_LENGTH = 3  # shorter queries are abbreviations: exact lookup or nothing


def gram_size(text: str, length: int) -> int:
    """Bigrams for Han, kana, Hangul and Thai; for Latin, trigrams, or 4-grams for keys
    of nine characters or more, whose trigrams are too common to block on at scale."""
    if not text.isascii():
        return 2
    return 3 if length < 9 else 4


def ngrams(text: str, n: int) -> set[str]:
    """Padded character n-grams."""
    padded = f"\x02{text}\x03"
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


class FuzzyIndex:
    """N-gram postings over a list of keys (the lexicon's folded forms), split by key
    length: an edit budget also bounds the length difference, so only the postings of
    keys of nearby lengths are read."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self._postings: dict[str, array[int]] = {}  # n-gram + chr(key length) -> key ids
        for key_id, key in enumerate(keys):
            self.add(key_id, key)

    def add(self, key_id: int, key: str) -> None:
        length = chr(len(key))
        for gram in ngrams(key, gram_size(key, len(key))):
            posting = self._postings.get(gram + length)
            if posting is None:
                posting = self._postings[gram + length] = array("i")
            posting.append(key_id)

    def search(self, query: str, *, limit: int = 5, cutoff: float = 80.0) -> list[tuple[int, float]]:
        """Up to `limit` (key id, similarity 0-100) with rapidfuzz's normalized Indel ratio
        at or above `cutoff`, best first."""
        if len(query) < _MIN_LENGTH:
            return []
        candidates = list(self._candidates(query))
        if not candidates:
            return []
        choices = itemgetter(*candidates)(self.keys) if len(candidates) > 1 else [self.keys[candidates[0]]]
        found = process.extract(query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(candidates[index], score) for _, score, index in found]

    def _candidates(self, query: str) -> set[int]:
        edits = max(1, len(query) // 10)
        candidates: set[int] = set()
        for length in range(max(1, len(query) - edits), len(query) + edits + 1):
            n = gram_size(query, length)
            tag = chr(length)
            postings = [p for gram in ngrams(query, n) if (p := self._postings.get(gram + tag)) is not None]
            if not postings:
                continue
            postings.sort(key=len)
            # The query's grams missing here are typos: each counts as the rarest of all.
            missing = len(ngrams(query, n)) - len(postings)
            # A transposition, the costliest single typo, changes n + 1 n-grams.
            for posting in postings[: max(0, (n + 1) * edits + 1 - missing)]:
                candidates.update(posting)
        return candidates
