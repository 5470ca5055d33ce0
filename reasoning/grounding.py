"""Grounding a concept chain in the graph: every concept gets an id, none is dropped, and
none is linked to a concept its own words contradict.

Both sides of a concept are looked up: its surface form in the chain's language and its
English gloss. A candidate that takes the opposite side of an axis from the other side's
words (Hypotension for "shinikizo la damu la juu", glossed "hypertension"), as is one with other
designations (hepatitis B for "hepatitis C") (`kg.linking.opposites`). A surface that names
several concepts equally (Yoruba "ibà": fever and malaria) takes the one its gloss names.
When both sides find a concept and they differ, the stronger evidence wins (an exact or
variant match beats an abbreviation, which beats a fuzzy one), then agreement with the other
chain, then the surface, the words actually written; the conflict is recorded on the concept.
Found by the gloss only, a present concept's surface becomes a learned term of it. Failing
both, the dictionary matcher looks inside the words for a known term, found as written
("insecticide-treated mosquito net" holds "mosquito net": the broader concept, method
`partial:...`, nothing learned), if its semantic group fits the concept's role ("hepatitis B
immune globulin", a treatment, is not hepatitis B). Found by none, it becomes a learned
concept of its own (an `ML` id from its gloss), with the run as provenance.

Each concept keeps its assertion: present, absent or possible, from the model, and absent as
well when its words carry a negation cue (`reasoning.negation`); the cue is stripped before
lookup, and nothing is learned from the words of an absent or possible concept. Step
numbers counted from 1 (a model that ignores "the first step is 0") are detected per chain
from where the surfaces occur; repeated mentions stay, in order.

The matcher does not add concepts the model left out: it cannot see negation in running
text and would put concepts into the chain that the reasoning rules out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rapidfuzz import fuzz

from kg.graph.model import Concept, HasType, Term, stable_hash
from kg.graph.semantic_types import semantic_type
from kg.graph.store import GraphStore
from kg.linking.lexicon import ConceptInfo
from kg.linking.lexicon_cache import add_learned_term
from kg.linking.normalizer import Candidate, Normalizer
from kg.linking.opposites import contradicts
from kg.linking.text import fold
from reasoning.negation import negation_cue
from reasoning.results import GroundedConcept
from reasoning.schemas import ChainConcept, ConceptChain

__all__ = ["ROLE_TYPES", "ground_chain", "step_base"]

# The UMLS semantic type a learned concept gets from its role in the chain.
ROLE_TYPES: dict[str, str] = {
    "finding": "T033",  # Finding
    "diagnosis": "T047",  # Disease or Syndrome
    "test": "T059",  # Laboratory Procedure
    "treatment": "T061",  # Therapeutic or Preventive Procedure
    "risk_factor": "T033",
    "anatomy": "T023",  # Body Part, Organ, or Organ Component
    "other": "T071",  # Entity
}
_PARTIAL = 0.9  # a phrase grounded by the known term inside it is a narrower concept
# The semantic groups a broader concept found inside a phrase may have, by the phrase's role:
# "hepatitis B immune globulin" (a treatment) is not hepatitis B, "lung abscess" not the lung.
_ROLE_GROUPS: dict[str, frozenset[str]] = {
    "finding": frozenset({"DISO", "PHYS", "PHEN"}),
    "diagnosis": frozenset({"DISO", "LIVB"}),
    "test": frozenset({"PROC", "DEVI", "CHEM"}),
    "treatment": frozenset({"CHEM", "PROC", "DEVI", "OBJC"}),
    "anatomy": frozenset({"ANAT"}),
}
# A near match of the surface stands only if the gloss resembles the concept's name this much
# (간 초음파, "liver ultrasound", is not obstetric ultrasonography however close 간/산과 are).
_GLOSS_SUPPORT = 60
# A Japanese reading match (kana for kanji) spells the word as it sounds, not a near miss of
# it, and the normalizer already refuses readings that terms of two concepts share: it ranks
# with an abbreviation, and is not doubted like a fuzzy or homophone match.
_STRENGTH = {"exact": 3, "variant": 3, "abbreviation": 2, "reading": 2, "fuzzy": 1, "homophone": 1}


def ground_chain(
    chain: ConceptChain,
    steps: list[str],
    lang: str,
    normalizer: Normalizer,
    store: GraphStore,
    run: str,
    *,
    prefer: Collection[str] = (),
) -> tuple[list[GroundedConcept], int]:
    """The chain's concepts in step order (repeats kept), each with an id, how it was found
    and its assertion; and the chain's step base (0, or 1 when the model counted from 1).
    `prefer`: the other chain's concept ids, which settle a tie between surface and gloss."""
    base = step_base(chain.concepts, steps)
    grounder = _Grounder(normalizer, store, run, lang, prefer)
    grounded = [grounder.ground(c, min(max(c.step - base, 0), len(steps) - 1)) for c in chain.concepts]
    return sorted(grounded, key=lambda g: g.step), base


def step_base(concepts: Sequence[ChainConcept], steps: Sequence[str]) -> int:
    """1 when the step numbers count from 1: one is past the last step and none is 0, or the
    surfaces occur in the steps one earlier more often than in the steps named."""
    numbers = [c.step for c in concepts]
    if not numbers or min(numbers) == 0:
        return 0
    if max(numbers) >= len(steps):
        return 1
    folded = [fold(step) for step in steps]

    def hits(shift: int) -> int:
        return sum(fold(c.surface) in folded[c.step - shift] for c in concepts)

    return 1 if hits(1) > hits(0) else 0


class _Grounder:
    def __init__(self, normalizer: Normalizer, store: GraphStore, run: str, lang: str, prefer: Collection[str]):
        self.normalizer, self.store, self.run, self.lang = normalizer, store, run, lang
        self.prefer = set(prefer)

    def ground(self, concept: ChainConcept, step: int) -> GroundedConcept:
        cue = negation_cue(concept.surface, self.lang) or negation_cue(concept.gloss, "en")
        status = "absent" if cue else concept.status
        surface, gloss = _without_cue(concept.surface, self.lang), _without_cue(concept.gloss, "en")
        notes: list[str] = []
        by_surface = self._lookup(surface, self.lang, gloss, notes, gloss_side=False)
        by_gloss = self._lookup(gloss, "en", surface, notes, gloss_side=True) if gloss else []
        found, how = self._decide(by_surface, by_gloss, notes)
        if found is not None and how == "gloss" and not by_surface and status == "present":
            self._learn_term(concept.surface, found, gloss)
        if found is None:
            role = concept.role
            inside = self._inside(surface, self.lang, role, gloss) or self._inside(gloss, "en", role, surface)
            if inside is not None:
                found, how = inside._replace(score=inside.score * _PARTIAL), "partial"
        if found is None:
            found, how = self._learned_concept(concept, surface, gloss, learn_terms=status == "present"), "learned"
        method = found.method if how == "surface" else how if how == "learned" else f"{how}:{found.method}"
        return GroundedConcept(
            surface=concept.surface,
            gloss=concept.gloss,
            role=concept.role,
            role_given=concept.role_given,
            step=step,
            status=status,
            status_cue=cue,
            cui=found.cui,
            name=found.name,
            score=round(found.score, 4),
            method=method,
            notes=notes,
        )

    def _lookup(self, text: str, lang: str, other_side: str, notes: list[str], *, gloss_side: bool) -> list[Candidate]:
        """The best candidates for `text` (all those tied with the best: a homonym has several);
        a near match that contradicts the other side's words is not one. (The normalizer
        already keeps out near matches that contradict `text` itself.)"""
        kept: list[Candidate] = []
        for candidate in self.normalizer.lookup(text, lang) if text else []:
            doubt = self._doubt(candidate, other_side, needs_support=not gloss_side)
            if doubt:
                notes.append(f"{text!r} -> {candidate.name} ({candidate.method}) rejected: {doubt}")
            elif not kept or candidate.score == kept[0].score:
                kept.append(candidate)
        return kept

    @staticmethod
    def _doubt(candidate: Candidate, other_side: str, *, needs_support: bool) -> str | None:
        """Why a near match (what was written stands as such) cannot be the concept, given
        the other side's words: it contradicts them, or, for a near match of the surface, the
        gloss (English, like the concept's name) does not resemble its name."""
        if candidate.method not in ("fuzzy", "homophone") or not other_side:
            return None
        if contradicts(other_side, candidate.name):
            return f"it contradicts {other_side!r}"
        if needs_support and fuzz.token_set_ratio(fold(other_side), fold(candidate.name)) < _GLOSS_SUPPORT:
            return f"{other_side!r} does not support it"
        return None

    def _decide(
        self, by_surface: list[Candidate], by_gloss: list[Candidate], notes: list[str]
    ) -> tuple[Candidate | None, str]:
        if len(by_surface) > 1:
            by_surface = [self._resolve(by_surface, by_gloss, "surface", notes)]
        if len(by_gloss) > 1:
            by_gloss = [self._resolve(by_gloss, by_surface, "gloss", notes)]
        if not by_surface or not by_gloss:
            return (by_surface[0], "surface") if by_surface else (by_gloss[0] if by_gloss else None, "gloss")
        if by_surface[0].cui == by_gloss[0].cui:
            return by_surface[0], "surface"
        surface, gloss = by_surface[0], by_gloss[0]
        surface_rank = (_STRENGTH[surface.method], surface.cui in self.prefer)
        gloss_rank = (_STRENGTH[gloss.method], gloss.cui in self.prefer)
        winner, side = (gloss, "gloss") if gloss_rank > surface_rank else (surface, "surface")
        notes.append(
            f"surface -> {surface.name} ({surface.method}), gloss -> {gloss.name} ({gloss.method}): {side} kept"
        )
        return winner, side

    def _resolve(self, tied: list[Candidate], other: list[Candidate], side: str, notes: list[str]) -> Candidate:
        """One of the concepts a homonym names (`tied`), chosen by the other side's words, else
        by the other chain's concepts; the note says which decided, or that nothing did."""
        names = ", ".join(c.name for c in tied)
        named = [c for c in tied if c.cui in {o.cui for o in other}]
        if len(named) == 1:
            notes.append(
                f"{side} ambiguous ({names}); the {'gloss' if side == 'surface' else 'surface'} names {named[0].name}"
            )
            return named[0]
        chained = [c for c in tied if c.cui in self.prefer]
        if len(chained) == 1:
            notes.append(f"{side} ambiguous ({names}); the other chain names {chained[0].name}")
            return chained[0]
        notes.append(f"{side} ambiguous ({names}); nothing decides: kept {tied[0].name}, the first by id")
        return tied[0]

    def _inside(self, text: str, lang: str, role: str, other_side: str) -> Candidate | None:
        """The concept of the longest known term inside `text` (found as written, not by a near
        match), when it fits the concept's role and does not contradict the other side."""
        mentions = [
            m
            for m in (self.normalizer.link(text, lang) if text else [])
            if m.best.method in ("exact", "variant")
            and _fits(role, m.best)
            and not (other_side and contradicts(other_side, m.best.name))
        ]
        longest = max(mentions, key=lambda m: m.end - m.start, default=None)
        return longest.best if longest else None

    def _learn_term(self, surface: str, found: Candidate, gloss: str) -> None:
        source = f"learned in run {self.run} from the gloss {gloss!r}"
        term = Term(
            text=surface,
            lang=self.lang,
            cui=found.cui,
            source=source,
            status="learned",
            confidence=found.score,
            run=self.run,
        )
        add_learned_term(self.store, self.normalizer, term)

    def _learned_concept(self, concept: ChainConcept, surface: str, gloss: str, *, learn_terms: bool) -> Candidate:
        name = gloss or surface or concept.surface
        tui = ROLE_TYPES[concept.role]
        cui = "ML" + stable_hash("learned", fold(name))[:12]
        node = Concept(cui=cui, name=name, semantic_types=[tui], source=f"learned in run {self.run}")
        self.store.upsert([node, HasType(start=cui, end=tui)])
        for text, text_lang in ((surface, self.lang), (gloss, "en")) if learn_terms else ():
            if text:
                term = Term(
                    text=text,
                    lang=text_lang,
                    cui=cui,
                    source=f"learned in run {self.run}",
                    status="learned",
                    confidence=0.5,
                    run=self.run,
                )
                add_learned_term(self.store, self.normalizer, term)
        self.normalizer.lexicon.concepts.setdefault(cui, ConceptInfo(cui=cui, name=name, semantic_types=(tui,)))
        return Candidate(cui, name, (tui,), 0.5, "exact", name, "en")


def _fits(role: str, candidate: Candidate) -> bool:
    groups = _ROLE_GROUPS.get(role)
    if groups is None:  # risk factors and "other" may be anything
        return True
    found = {t.group for t in map(semantic_type, candidate.semantic_types) if t is not None}
    return bool(found & groups)


def _without_cue(text: str, lang: str) -> str:
    """`text` without a leading or trailing negation cue: "hakuna dalili za malaria kali"
    -> "dalili za malaria kali", what is looked up."""
    cue = negation_cue(text, lang)
    if not cue:
        return text
    folded = fold(text)
    core = folded[len(cue) :] if folded.startswith(cue) else folded[: -len(cue)]
    return core.strip() or text
