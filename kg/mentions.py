"""Dictionary matching: every lexicon term inside free text, in any script.

An Aho-Corasick automaton over the folded keys scans the folded text once, so Chinese,
Japanese and Thai need no word segmentation. It is ahocorasick-rs (Rust): with tens of
thousands of distinct Han characters the C package pyahocorasick scanned 70x slower.
Matches that would cut a Latin word in two are dropped (in scripts without spaces any
position is a boundary), then the longest match wins, leftmost first, without overlaps.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from kg.text import fold_spans, is_latin_word_char

__all__ = ["DictionaryMatcher", "Span"]

_MIN_KEY_LENGTH = 2  # one-character keys (a lone Han character, a letter) match noise


@dataclass(frozen=True)
class Span:
    """A match: original [start, end), the text there, and the lexicon key id it matched."""

    start: int
    end: int
    surface: str
    key: int


class DictionaryMatcher:
    """Finds lexicon keys in text. `case_sensitive` keys (short all-capital abbreviations
    such as "AL" or "TB") match only where the text also has them in capitals, so the
    Latin word "al" or "tb" in running text is not taken for a drug or a disease."""

    def __init__(self, keys: Sequence[str], case_sensitive: set[int] | None = None) -> None:
        self._ids = array("i", (key_id for key_id, key in enumerate(keys) if len(key) >= _MIN_KEY_LENGTH))
        self._patterns = [keys[key_id] for key_id in self._ids]
        self._case_sensitive = case_sensitive or set()
        self._automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # The automaton cannot be pickled; it is rebuilt from the patterns on first use.
        return {**self.__dict__, "_automaton": None}

    def _scanner(self) -> Any:
        if self._automaton is None:
            self._automaton = ahocorasick_rs.AhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
        return self._automaton

    def find(self, text: str) -> list[Span]:
        """Longest non-overlapping matches, leftmost first, as spans of `text`."""
        if not self._patterns:
            return []
        folded = fold_spans(text)
        matches = []
        for pattern, start, end in self._scanner().find_matches_as_indexes(folded.text, overlapping=True):
            if _cuts_a_word(folded.text, start, end):
                continue
            original = folded.span(start, end)
            surface = text[original[0] : original[1]]
            key_id = self._ids[pattern]
            if key_id in self._case_sensitive and not surface.isupper():
                continue
            matches.append((start, -end, original, surface, key_id))
        return _longest_first(matches)


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (is_latin_word_char(before) and is_latin_word_char(text[start])) or (
        is_latin_word_char(after) and is_latin_word_char(text[end - 1])
    )


def _longest_first(matches: list[tuple[int, int, tuple[int, int], str, int]]) -> list[Span]:
    matches.sort()  # by start, then longest (end is negated)
    spans: list[Span] = []
    covered = 0
    for start, neg_end, original, surface, key_id in matches:
        if start < covered:
            continue
        covered = -neg_end
        spans.append(Span(original[0], original[1], surface, key_id))
    return spans
