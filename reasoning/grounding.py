"""Grounding a concept chain in the graph: every concept gets an id, none is dropped.

A concept the model named is looked up by its surface form in the chain's language, then by
its English gloss. Found by the gloss only, its surface becomes a learned term of that
concept; found by neither, it becomes a learned concept of its own (an `ML` id from its
gloss), with the run as provenance. The dictionary matcher then reads the steps themselves
and adds the known concepts the model left out.
"""

from __future__ import annotations

from kg.lexicon import ConceptInfo
from kg.lexicon_cache import add_learned_term
from kg.model import Concept, HasType, Term, stable_hash
from kg.normalizer import Candidate, Normalizer
from kg.store import GraphStore
from kg.text import fold
from reasoning.results import GroundedConcept
from reasoning.schemas import ConceptChain, Role

__all__ = ["ground_chain", "ROLE_TYPES"]

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
_MATCHER_METHODS = {"exact", "variant"}


def ground_chain(
    chain: ConceptChain, steps: list[str], lang: str, normalizer: Normalizer, store: GraphStore, run: str
) -> list[GroundedConcept]:
    """The chain's concepts in step order, each with a concept id and how it was found."""
    grounded = [_ground_one(c.surface, c.gloss, c.role, min(c.step, len(steps) - 1), lang, normalizer, store, run)
                for c in chain.concepts]  # fmt: skip
    grounded += _matched(steps, lang, normalizer, {g.cui for g in grounded})
    return sorted(grounded, key=lambda g: g.step)


def _ground_one(
    surface: str, gloss: str, role: Role, step: int, lang: str, normalizer: Normalizer, store: GraphStore, run: str
) -> GroundedConcept:
    found = normalizer.lookup(surface, lang)
    if found:
        return _grounded(surface, gloss, role, step, found[0], found[0].method)
    by_gloss = normalizer.lookup(gloss, "en") if gloss else []
    if by_gloss:
        best = by_gloss[0]
        term = Term(text=surface, lang=lang, cui=best.cui, source=f"learned in run {run} from the gloss {gloss!r}",
                    status="learned", confidence=best.score, run=run)  # fmt: skip
        add_learned_term(store, normalizer, term)
        return _grounded(surface, gloss, role, step, best, f"gloss:{best.method}")
    return _learned_concept(surface, gloss, role, step, lang, normalizer, store, run)


def _learned_concept(
    surface: str, gloss: str, role: Role, step: int, lang: str, normalizer: Normalizer, store: GraphStore, run: str
) -> GroundedConcept:
    name = gloss or surface
    cui = "ML" + stable_hash("learned", fold(name))[:12]
    concept = Concept(cui=cui, name=name, semantic_types=[ROLE_TYPES[role]], source=f"learned in run {run}")
    store.upsert([concept, HasType(start=cui, end=ROLE_TYPES[role])])
    for text, text_lang in ((surface, lang), (gloss, "en")):
        if text:
            term = Term(text=text, lang=text_lang, cui=cui, source=f"learned in run {run}", status="learned",
                        confidence=0.5, run=run)  # fmt: skip
            add_learned_term(store, normalizer, term)
    normalizer.lexicon.concepts.setdefault(cui, ConceptInfo(cui=cui, name=name, semantic_types=(ROLE_TYPES[role],)))
    return GroundedConcept(surface=surface, gloss=gloss, role=role, step=step, cui=cui, name=name, score=0.5,
                           method="learned")  # fmt: skip


def _grounded(surface: str, gloss: str, role: Role, step: int, found: Candidate, method: str) -> GroundedConcept:
    return GroundedConcept(surface=surface, gloss=gloss, role=role, step=step, cui=found.cui, name=found.name,
                           score=found.score, method=method)  # fmt: skip


def _matched(steps: list[str], lang: str, normalizer: Normalizer, seen: set[str]) -> list[GroundedConcept]:
    out = []
    for index, text in enumerate(steps):
        for mention in normalizer.link(text, lang):
            best = mention.best
            if best.cui in seen or best.method not in _MATCHER_METHODS:
                continue
            seen.add(best.cui)
            out.append(GroundedConcept(surface=mention.surface, gloss=best.name, role="other", step=index,
                                       cui=best.cui, name=best.name, score=best.score, method=best.method,
                                       source="matcher"))  # fmt: skip
    return out
