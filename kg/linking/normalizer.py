"""UMLS-style normalization: text in any of our languages -> ranked concept candidates.

Lookup goes exact -> abbreviation -> reading (Japanese) -> fuzzy -> mainland word and
homophone (Chinese) and stops at the first step that finds something. Exact includes a
Chinese term's Taiwan and Hong Kong forms (`kg.linking.chinese_scripts`, in running text too)
and a dotted abbreviation without its stops (`kg.linking.dotted`: T.B. for TB); a Chinese
text that matches nothing else is converted to mainland words (乙醯胺酚: 对乙酰氨基酚). A near
match never contradicts the text (`kg.linking.opposites`: hypo- for hyper-, 低 for 高,
hepatitis C for hepatitis B) and must be a plausible typing
error of its term (`kg.linking.typos`: long enough, not a code, within the typo budget).
A language's common words never link (`kg.linking.common_words`), and running text matches
a term only with the marks the text itself carries (`kg.linking.marks`: Yoruba tone marks,
kana, Korean spacing), while a looked-up term keeps folding. Every candidate carries its
score and the method that found it; nothing below the threshold is returned, so an unknown
term stays unlinked rather than forced onto the nearest concept.

| method       | how                                                   | score              |
|--------------|-------------------------------------------------------|--------------------|
| exact        | same text after NFKC and case folding                 | 1.0                |
| variant      | same folded form (tone marks, script, width, hyphens) | 0.98               |
|              | or regional Chinese form (憂鬱症, 抑郁症), or T.B. for TB |                    |
| abbreviation | short form defined in the text, long form looked up   | 0.95 x long form's |
| reading      | same Japanese reading, kana on one side (ja, lookups) | 0.9                |
| fuzzy        | rapidfuzz ratio of folded forms in NFD (jamo, kana)   | ratio / 100        |
| homophone    | same toneless pinyin, half the characters shared (zh) | 0.9                |
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from kg.linking.abbreviations import abbreviations
from kg.linking.boundaries import judges
from kg.linking.chinese_scripts import mainland_forms, regional_forms
from kg.linking.common_words import as_written, common_keys, is_common
from kg.linking.dotted import undotted
from kg.linking.fuzzy import FuzzyIndex
from kg.linking.homophones import HomophoneIndex
from kg.linking.lexicon import Lexicon, TermHit, TermRow
from kg.linking.marks import TextMarks, agrees
from kg.linking.mentions import DictionaryMatcher
from kg.linking.opposites import contradicts_folded
from kg.linking.readings import MIN_READING, ReadingIndex, has_kana, has_kanji, kanji_agree, reading
from kg.linking.text import fold
from kg.linking.typos import fuzzy_allowed, is_code, plausible_typo, script

__all__ = ["Candidate", "LinkedMention", "Method", "Normalizer"]

Method = Literal["exact", "variant", "abbreviation", "reading", "fuzzy", "homophone"]
_VARIANT, _ABBREVIATION, _READING, _HOMOPHONE = 0.98, 0.95, 0.9, 0.9
_WHOLE_TEXT_MAX = 60  # a text this short with no match is looked up as one term


class Candidate(NamedTuple):
    """A concept a text may denote, with the evidence for it. (A named tuple, not a pydantic
    model: lookups build a hundred thousand per second; pydantic models accept it as a field
    type where results cross a boundary.)"""

    cui: str
    name: str
    semantic_types: tuple[str, ...]
    score: float
    method: Method
    term: str
    term_lang: str
    # The term denotes this concept and another just as well (a homonym: Yoruba ibà is fever
    # and malaria): the order among them says nothing; the context must decide.
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class LinkedMention:
    """A stretch of text and its candidates, best first."""

    start: int
    end: int
    surface: str
    lang: str
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    @property
    def ambiguous(self) -> bool:
        """The best candidate is tied with another concept: see `Candidate.ambiguous`."""
        return self.candidates[0].ambiguous


def _light(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _same_term(term: str, surface: str) -> tuple[float, Method]:
    """How a term scores against a surface that folds to the same key."""
    if term == surface or _light(term) == _light(surface):
        return 1.0, "exact"
    return _VARIANT, "variant"


class Normalizer:
    """Links text to concepts through a lexicon; build it with `kg.linking.lexicon_cache.load_normalizer`."""

    def __init__(self, lexicon: Lexicon, *, threshold: float = 0.8) -> None:
        self.lexicon = lexicon
        self.threshold = threshold
        # Chinese terms' Taiwan and Hong Kong forms, folded -> key id (kg.linking.chinese_scripts);
        # built first, so that the memory its converters free serves the fuzzy index.
        chinese = list(lexicon.keys_of("zh"))
        self.regional: dict[str, int] = {}
        self._regional_refused: set[str] = set()
        self._add_regional(chinese)
        self.readings = ReadingIndex()
        for key in lexicon.keys_of("ja"):
            for hit in lexicon.hits(key):
                if hit.lang == "ja":
                    self.readings.add(key, hit.text)
        self.fuzzy = FuzzyIndex(lexicon.keys)
        self.homophones = HomophoneIndex()
        for key in chinese:
            self.homophones.add(key, lexicon.keys[key])
        self._matcher: DictionaryMatcher | None = None

    @property
    def matcher(self) -> DictionaryMatcher:
        if self._matcher is None:
            self._matcher = DictionaryMatcher(self.lexicon.keys, self._case_sensitive_keys(), self.regional)
        return self._matcher

    def lookup(self, text: str, lang: str, *, context: str | None = None, limit: int = 5) -> list[Candidate]:
        """Candidates for `text` as one term: exact, then an abbreviation defined in the
        English `context`, then fuzzy, then (Chinese) a homophone. Empty when nothing
        reaches the threshold, or when `text` is a common word of `lang`."""
        folded = fold(text)
        if folded in common_keys(lang) and self._common_word(text, folded, lang, TextMarks.of(text)):
            return []
        found = self._exact(text, lang, folded)
        if not found and (stopless := undotted(text)) is not None:
            found = self._exact(stopless, lang)  # T.B. is TB: a variant of its term, never fuzzy
            return [c._replace(score=min(c.score, _VARIANT), method="variant") for c in found][:limit]
        if not found and text.strip().endswith("s") and is_code(text.strip()):
            found = self._plural_code(text.strip(), lang)
        if not found and context and lang == "en":
            found = self._expanded(text, context, lang)
        if not found and lang == "ja":
            found = self._reading(text, lang, folded)
        if not found:
            found = self._fuzzy(text, lang, limit)
        if not found and lang == "zh":
            # After fuzzy, which never takes a Han character for another (so never a regional
            # word for its mainland one), to spare the conversion to the typos it resolves.
            found = self._mainland(text, lang) or self._homophone(text, lang)
        return found[:limit]

    def link(self, text: str, lang: str, *, limit: int = 5) -> list[LinkedMention]:
        """Every concept mention in free text: dictionary matches, abbreviations defined
        in English text, and, when a short text holds no match, the text as one term."""
        marks = TextMarks.of(text)
        mentions = [
            self._mention(span.start, span.end, span.surface, lang, self._ranked(span.key, span.surface, lang, marks))
            for span in self.matcher.find(text, self._fits(lang, marks), lang, judges(self.lexicon.texts_of))
        ]
        if lang == "en":
            mentions += self._abbreviation_mentions(text, lang, mentions)
        if not mentions and len(text.strip()) <= _WHOLE_TEXT_MAX:
            start = len(text) - len(text.lstrip())
            surface = text.strip()
            found = self.lookup(surface, lang, limit=limit) if surface else []
            if found:
                mentions.append(self._mention(start, start + len(surface), surface, lang, found))
        mentions = [m for m in mentions if m.candidates]
        return sorted(mentions, key=lambda m: m.start)

    def learn(self, row: TermRow) -> bool:
        """Add a learned term to the in-memory index; False when the term was known.
        (Writing it to the graph is `kg.linking.lexicon_cache.add_learned_term`.)"""
        key = self.lexicon.key_id(fold(row.text))
        if key is not None and any(hit.cui == row.cui and hit.lang == row.lang for hit in self.lexicon.hits(key)):
            return False
        known_keys = len(self.lexicon.keys)
        key = self.lexicon.add(row.model_copy(update={"status": "learned"}))
        if key >= known_keys:
            self.fuzzy.add(key, self.lexicon.keys[key])
            if self._matcher is not None:
                self._matcher.add(key, self.lexicon.keys[key])
        if row.lang == "zh":
            self.homophones.add(key, self.lexicon.keys[key])
            for alias in self._add_regional([key]):
                if self._matcher is not None:
                    self._matcher.add(key, alias)
        if row.lang == "ja":
            self.readings.add(key, row.text)
        return True

    def _add_regional(self, keys: list[int]) -> list[str]:
        """Index Chinese keys under their Taiwan and Hong Kong forms, folded; returns the forms
        added. A form that is a key itself, or that keys of different concepts share, is left
        out: the term written so wins, and a shared form would be a guess. (Keys of one concept
        may share one: 心梗 and 心肌梗死 are both 心肌梗塞 in Taiwan.)"""
        lexicon, added = self.lexicon, []
        texts = [text for key in keys for text in lexicon.texts_of(key)]
        owners = [key for key in keys for _ in lexicon.texts_of(key)]
        refused = self._regional_refused
        for index, forms in regional_forms(texts):
            key = owners[index]
            for form in forms:
                alias = fold(form)
                if not alias or alias == lexicon.keys[key] or alias in refused or lexicon.key_id(alias) is not None:
                    continue
                held = self.regional.get(alias)
                if held is None:
                    self.regional[alias] = key
                    added.append(alias)
                elif held != key and self._concepts(held) != self._concepts(key):
                    del self.regional[alias]
                    refused.add(alias)
        return added

    # -- steps ---------------------------------------------------------------------------

    def _concepts(self, key: int) -> set[str]:
        return {hit.cui for hit in self.lexicon.hits(key)}

    def _exact(self, text: str, lang: str, folded: str | None = None) -> list[Candidate]:
        folded = fold(text) if folded is None else folded
        key = self.lexicon.key_id(folded)
        if key is None:
            key = self.regional.get(folded)  # a Chinese term's Taiwan or Hong Kong form
            if key is None:
                return []
        term = self.lexicon.only_term(key)
        if term is None:
            return self._ranked(key, text, lang)
        # Most keys hold one term: score it without building the intermediate hits.
        held = self.lexicon.texts[term]
        score, method = _same_term(held, text)
        if score < self.threshold:
            return []
        cui, held_lang = self.lexicon.cui_lang(term)
        concept = self.lexicon.concept(cui)
        return [Candidate(cui, concept.name, concept.semantic_types, score, method, held, held_lang)]

    def _ranked(self, key: int, surface: str, lang: str, marks: TextMarks | None = None) -> list[Candidate]:
        hits = self.lexicon.hits(key)
        if marks is not None and not marks.plain:
            hits = [hit for hit in hits if agrees(surface, hit.text, marks)]
        scored = [(*_same_term(hit.text, surface), hit) for hit in hits]
        return self._best_per_concept(scored, lang)

    def _fits(self, lang: str, marks: TextMarks) -> Callable[[int, str], bool]:
        """Whether a dictionary match in running text may stand: not a common word, and
        written with the marks of one of the key's terms. (Called for every match the
        automaton finds: plain text pays a list index and a set lookup.)"""
        keys, common, texts_of = self.lexicon.keys, common_keys(lang), self.lexicon.texts_of

        def fits(key: int, surface: str) -> bool:
            folded = keys[key]
            if folded in common and self._common_word(surface, folded, lang, marks):
                return False
            return marks.plain or any(agrees(surface, text, marks) for text in texts_of(key))

        return fits

    def _common_word(self, surface: str, folded: str, lang: str, marks: TextMarks) -> bool:
        """Whether `surface` is a common word of `lang` (read with `marks`) and no term is
        written exactly like it."""
        if not is_common(surface, lang, marks):
            return False
        key = self.lexicon.key_id(folded)
        written = as_written(surface)
        return key is None or all(as_written(hit.text) != written for hit in self.lexicon.hits(key))

    def _plural_code(self, text: str, lang: str) -> list[Candidate]:
        """A code with a plural s ("LFTs") is its singular: codes are never fuzzy."""
        return [c._replace(method="variant", score=min(c.score, _VARIANT)) for c in self._exact(text[:-1], lang)]

    def _mainland(self, text: str, lang: str) -> list[Candidate]:
        """A Taiwan or Hong Kong term as the mainland writes it (乙醯胺酚: 对乙酰氨基酚)."""
        if not has_kanji(text):
            return []
        found = [c for form in mainland_forms(text) for c in self._exact(form, lang)]
        return [c._replace(score=min(c.score, _VARIANT), method="variant") for c in found]

    def _reading(self, text: str, lang: str, folded: str) -> list[Candidate]:
        """Japanese terms read like `text`, with kana on one side at least, refused when they
        belong to different concepts and the text's own kanji do not pick one
        (`kg.linking.readings`)."""
        query_kana = has_kana(text)
        if not (query_kana or has_kanji(text)):
            return []
        common = common_keys(lang)
        keys: set[int] = set()
        read = reading(text)
        if read is None or len(read) < MIN_READING or read in common:  # 此れ is これ, a common word
            return []
        keys.update(self.readings.search(read))
        # A term written in kana read so (癌: がん); a kana query's own key was looked up.
        if read != folded and (key := self.lexicon.key_id(read)) is not None:
            keys.add(key)
        hits = [
            (key, hit)
            for key in keys
            if not contradicts_folded(folded, self.lexicon.keys[key])
            for hit in self.lexicon.hits(key)
            if hit.lang == lang and (query_kana or has_kana(hit.text))
        ]
        if len({hit.cui for _, hit in hits}) > 1:  # こうそく: 梗塞 or 拘束; the text's kanji may say
            hits = [(key, hit) for key, hit in hits if kanji_agree(folded, self.lexicon.keys[key])]
            if len({hit.cui for _, hit in hits}) != 1:
                return []
        return self._best_per_concept([(_READING, "reading", hit) for _, hit in hits], lang)

    def _expanded(self, text: str, context: str, lang: str) -> list[Candidate]:
        long_forms = {a.long for a in abbreviations(context) if a.short == text.strip()}
        found = [c for long in long_forms for c in self._exact(long, lang) or self._fuzzy(long, lang, 5)]
        return self._rescored(found, _ABBREVIATION)

    def _fuzzy(self, text: str, lang: str, limit: int) -> list[Candidate]:
        folded = fold(text)
        if not fuzzy_allowed(text.strip(), folded):  # too short for its script, or a code
            return []
        scored: list[tuple[float, Method, TermHit]] = []
        # A misspelling is of a word of its writer's language or of English, whose words
        # medicine lends to all: Latin letters are shared by too many languages to cross
        # freely ("kansas" is not Yoruba kánsà, cancer, in the plural). Other scripts are
        # their languages' own, or shared for the same words (Han in Chinese and Japanese).
        latin = script(folded) == "latin"
        for key, ratio in self.fuzzy.search(folded, limit=limit, cutoff=self.threshold * 100):
            held = self.lexicon.keys[key]
            # No near miss is hypo- for hyper-, nor another word a letter away.
            if contradicts_folded(folded, held) or not plausible_typo(folded, held, lang):
                continue
            scored += [
                (ratio / 100, "fuzzy", hit)
                for hit in self.lexicon.hits(key)
                if (hit.lang in (lang, "en") or not latin) and not is_code(hit.text)
            ]
        return self._best_per_concept(scored, lang)

    def _homophone(self, text: str, lang: str) -> list[Candidate]:
        folded = fold(text)
        keys = [
            k
            for k in self.homophones.search(folded, self.lexicon.keys)
            if not contradicts_folded(folded, self.lexicon.keys[k])
        ]
        scored: list[tuple[float, Method, TermHit]] = [
            (_HOMOPHONE, "homophone", hit) for key in keys for hit in self.lexicon.hits(key)
        ]
        return self._best_per_concept(scored, lang)

    def _abbreviation_mentions(self, text: str, lang: str, linked: list[LinkedMention]) -> list[LinkedMention]:
        taken = [(m.start, m.end) for m in linked]
        out = []
        for abbreviation in abbreviations(text):
            if any(s < abbreviation.end and abbreviation.start < e for s, e in taken):
                continue
            found = self._exact(abbreviation.long, lang) or self._fuzzy(abbreviation.long, lang, 5)
            candidates = self._rescored(found, _ABBREVIATION)
            out.append(self._mention(abbreviation.start, abbreviation.end, abbreviation.short, lang, candidates))
        return out

    # -- ranking -------------------------------------------------------------------------

    def _best_per_concept(self, scored: list[tuple[float, Method, TermHit]], lang: str) -> list[Candidate]:
        """One candidate per concept, best first: score, then a term in the asked language,
        curated before learned, confidence, and the id for a stable order."""
        if len(scored) == 1:  # the common case, and the hot path of exact lookups
            score, method, hit = scored[0]
            return [self._candidate(hit, score, method)] if score >= self.threshold else []
        best: dict[str, tuple[tuple[float, bool, bool, float], Candidate]] = {}
        for score, method, hit in scored:
            if score < self.threshold:
                continue
            rank = (score, hit.lang == lang, not hit.learned, hit.confidence)
            if hit.cui not in best or rank > best[hit.cui][0]:
                best[hit.cui] = (rank, self._candidate(hit, score, method))
        ordered = sorted(best.values(), key=lambda item: (tuple(-x for x in item[0]), item[1].cui))
        tied = [candidate for rank, candidate in ordered if rank == ordered[0][0]] if ordered else []
        if len(tied) > 1:  # a homonym: every concept it names is offered, and none is preferred
            return [c._replace(ambiguous=True) for c in tied] + [c for _, c in ordered[len(tied) :]]
        return [candidate for _, candidate in ordered]

    def _candidate(self, hit: TermHit, score: float, method: Method) -> Candidate:
        concept = self.lexicon.concept(hit.cui)
        return Candidate(hit.cui, concept.name, concept.semantic_types, round(score, 4), method, hit.text, hit.lang)

    def _rescored(self, found: list[Candidate], factor: float) -> list[Candidate]:
        rescored = [c._replace(score=round(c.score * factor, 4), method="abbreviation") for c in found]
        return [c for c in rescored if c.score >= self.threshold]

    def _mention(self, start: int, end: int, surface: str, lang: str, found: list[Candidate]) -> LinkedMention:
        return LinkedMention(start, end, surface, lang, found)

    def _case_sensitive_keys(self) -> set[int]:
        """Keys whose every term is a short all-capital abbreviation ("AL", "TB")."""
        keys = set()
        for key, folded in enumerate(self.lexicon.keys):
            if len(folded) > 5 or not folded.isascii():
                continue
            texts = [hit.text for hit in self.lexicon.hits(key)]
            if all(len(t) <= 5 and t.isascii() and t.isupper() for t in texts):
                keys.add(key)
        return keys
