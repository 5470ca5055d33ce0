"""The lexicon: every term of the vocabulary, indexed by its folded form.

Built from term rows (from the store, or any iterable), held in flat arrays so that
millions of terms fit in memory, and looked up exactly; `FuzzyIndex` and
`DictionaryMatcher` are built on its folded keys.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from kg.linking.text import fold

__all__ = ["ConceptInfo", "TermRow", "Lexicon", "TermHit"]


class ConceptInfo(BaseModel):
    """What a link reports about a concept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cui: str
    name: str
    semantic_types: tuple[str, ...] = ()


class TermRow(BaseModel):
    """One term as the lexicon reads it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    lang: str
    cui: str
    status: str = "curated"
    confidence: float = 1.0


class TermHit(NamedTuple):
    """A term found under a folded key."""

    term: int  # index into the lexicon's term arrays
    cui: str
    text: str
    lang: str
    learned: bool
    confidence: float


class Lexicon:
    """Terms by folded form. Keys are numbered; each key lists the terms that fold to it."""

    def __init__(self, concepts: Iterable[ConceptInfo], terms: Iterable[TermRow], fingerprint: str = "") -> None:
        self.fingerprint = fingerprint
        self.concepts: dict[str, ConceptInfo] = {c.cui: c for c in concepts}
        self.keys: list[str] = []  # folded forms, numbered
        self._key_ids: dict[str, int] = {}
        self._key_terms: list[int | tuple[int, ...]] = []  # one int for the common single-term key
        self.texts: list[str] = []
        self._cuis: list[str] = []
        self._langs: list[str] = []
        self._learned = bytearray()
        self._confidence = array("f")
        for row in terms:
            self.add(row)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, row: TermRow) -> int:
        """Add one term; returns its key id (new terms extend the key's list)."""
        folded = fold(row.text)
        if not folded:
            return -1
        term = len(self.texts)
        self.texts.append(row.text)
        self._cuis.append(sys.intern(row.cui))
        self._langs.append(sys.intern(row.lang))
        self._learned.append(row.status == "learned")
        self._confidence.append(row.confidence)
        key = self._key_ids.get(folded)
        if key is None:
            key = self._key_ids[folded] = len(self.keys)
            self.keys.append(folded)
            self._key_terms.append(term)
        else:
            held = self._key_terms[key]
            self._key_terms[key] = (held, term) if isinstance(held, int) else (*held, term)
        return key

    def key_id(self, folded: str) -> int | None:
        return self._key_ids.get(folded)

    def keys_of(self, lang: str) -> Iterator[int]:
        """Key ids holding a term in `lang`."""
        langs = self._langs
        return (key for key in range(len(self.keys)) if any(langs[t] == lang for t in self._terms(key)))

    def only_term(self, key: int) -> int | None:
        """The term id under key id `key` when it is the only one there."""
        held = self._key_terms[key]
        return held if isinstance(held, int) else None

    def cui_lang(self, term: int) -> tuple[str, str]:
        return self._cuis[term], self._langs[term]

    def hits(self, key: int) -> list[TermHit]:
        """The terms under key id `key`."""
        return [self._hit(t) for t in self._terms(key)]

    def texts_of(self, key: int) -> list[str]:
        """The texts of the terms under key id `key` (no hit tuples: running text asks this
        of every match)."""
        held = self._key_terms[key]
        return [self.texts[held]] if isinstance(held, int) else [self.texts[t] for t in held]

    def _terms(self, key: int) -> tuple[int, ...]:
        held = self._key_terms[key]
        return (held,) if isinstance(held, int) else held

    def _hit(self, term: int) -> TermHit:
        return TermHit(
            term,
            self._cuis[term],
            self.texts[term],
            self._langs[term],
            bool(self._learned[term]),
            float(self._confidence[term]),
        )

    def concept(self, cui: str) -> ConceptInfo:
        return self.concepts.get(cui) or ConceptInfo(cui=cui, name=cui)
