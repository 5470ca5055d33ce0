"""Dictionary matching: every lexicon term inside free text, in any script.

An Aho-Corasick automaton over the folded keys scans the folded text once, so finding
matches in Chinese, Japanese and Thai needs no word segmentation. It is ahocorasick-rs
(Rust): with tens of thousands of distinct Han characters the C package pyahocorasick
scanned 70x slower.
Matches that would cut a Latin word in two are dropped, and so, in a text of a language
written without spaces between words (Japanese, Chinese, Thai, and Korean inside its
words), are matches that start or end inside a word by its tokenizer
(`kg.linking.boundaries`: がん in がんばって, ไอ in ไอศกรีม). Then the longest match wins,
leftmost first, without overlaps.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from kg.linking.boundaries import SEGMENTED, WordBoundaries
from kg.linking.text import fold_spans, is_latin_word_char

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
    Latin word "al" or "tb" in running text is not taken for a drug or a disease. `aliases`
    are other folded forms that stand for a key (a Chinese term's Taiwan and Hong Kong
    forms, `kg.linking.chinese_scripts`): a match of one is a match of its key."""

    def __init__(
        self, keys: Sequence[str], case_sensitive: set[int] | None = None, aliases: Mapping[str, int] | None = None
    ) -> None:
        self._ids = array("i", (key_id for key_id, key in enumerate(keys) if len(key) >= _MIN_KEY_LENGTH))
        self._patterns = [keys[key_id] for key_id in self._ids]
        for alias, key_id in (aliases or {}).items():
            if len(alias) >= _MIN_KEY_LENGTH:
                self._ids.append(key_id)
                self._patterns.append(alias)
        self._case_sensitive = case_sensitive or set()
        self._automaton: Any = None
        # Keys added after the build (learned terms) go to a second, small automaton, so
        # that learning a term does not rebuild the one over millions of keys.
        self._added_ids = array("i")
        self._added: list[str] = []
        self._added_automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # Automata cannot be pickled; they are rebuilt from the patterns on first use.
        return {**self.__dict__, "_automaton": None, "_added_automaton": None}

    def add(self, key_id: int, key: str) -> None:
        """Match `key` (lexicon key id `key_id`) from now on."""
        if len(key) >= _MIN_KEY_LENGTH:
            self._added_ids.append(key_id)
            self._added.append(key)
            self._added_automaton = None

    def find(
        self,
        text: str,
        accept: Callable[[int, str], bool] | None = None,
        lang: str | None = None,
        judged: Callable[[int, str], bool] | None = None,
    ) -> list[Span]:
        """Longest non-overlapping matches, leftmost first, as spans of `text`. `accept`
        (key id, surface) rules matches out before the longest are chosen, so that a
        refused long match leaves room for the shorter ones inside it; so does a match
        that cuts a word of `lang` (Japanese, Chinese, Korean, Thai; no language, no check)
        unless `judged` (key id, surface) says word boundaries cannot judge it
        (`kg.linking.boundaries.judges`)."""
        if not self._patterns and not self._added:
            return []
        folded = fold_spans(text)
        matches = []
        for ids, automaton in self._scanners():
            for pattern, start, end in automaton.find_matches_as_indexes(folded.text, overlapping=True):
                if _cuts_a_word(folded.text, start, end):
                    continue
                original = folded.span(start, end)
                surface = text[original[0] : original[1]]
                key_id = ids[pattern]
                if key_id in self._case_sensitive and not surface.isupper():
                    continue
                if accept is not None and not accept(key_id, surface):
                    continue
                matches.append((start, -end, original, surface, key_id))
        if lang not in SEGMENTED:
            return _longest_first(matches)
        return _longest_first(matches, WordBoundaries(text, lang).cuts, judged)

    def _scanners(self) -> list[tuple[array[int], Any]]:
        if self._automaton is None and self._patterns:
            self._automaton = _automaton(self._patterns)
        if self._added_automaton is None and self._added:
            self._added_automaton = _automaton(self._added)
        pairs = [(self._ids, self._automaton), (self._added_ids, self._added_automaton)]
        return [(ids, automaton) for ids, automaton in pairs if automaton is not None]


def _automaton(patterns: list[str]) -> Any:
    return ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (is_latin_word_char(before) and is_latin_word_char(text[start])) or (
        is_latin_word_char(after) and is_latin_word_char(text[end - 1])
    )


def _longest_first(
    matches: list[tuple[int, int, tuple[int, int], str, int]],
    cuts: Callable[[int, int], bool] | None = None,
    judged: Callable[[int, str], bool] | None = None,
) -> list[Span]:
    """`cuts` (original start, end) refuses a match that cuts a word, unless `judged` (key
    id, surface) says word boundaries cannot judge it; when it is the match's turn, not
    before: word boundaries are costly, and most matches lie under a longer one and never
    get a turn (refusing them all first would choose the same)."""
    matches.sort()  # by start, then longest (end is negated)
    spans: list[Span] = []
    covered = 0
    for start, neg_end, original, surface, key_id in matches:
        if start < covered:
            continue
        if cuts is not None and cuts(*original) and (judged is None or judged(key_id, surface)):
            continue
        covered = -neg_end
        spans.append(Span(original[0], original[1], surface, key_id))
    return spans
