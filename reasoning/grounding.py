"""Grounding a concept chain in the graph: every concept gets an id, none is dropped.

A concept the model named is looked up by its surface form in the chain's language, then by
its English gloss. Found by the gloss only, its surface becomes a learned term of that
concept. Failing both, the dictionary matcher looks inside the surface and the gloss for a
known term ("insecticide-treated mosquito net" holds "mosquito net"): the concept is
grounded to that broader concept (method `partial:...`), and nothing is learned from it.
Found by none, it becomes a learned concept of its own (an `ML` id from its gloss), with
the run as provenance.

The matcher does not add concepts the model left out: it cannot see negation ("no signs of
severe malaria") and would put concepts into the chain that the reasoning rules out.
"""

from __future__ import annotations

from kg.graph.model import Concept, HasType, Term, stable_hash
from kg.graph.store import GraphStore
from kg.linking.lexicon import ConceptInfo
from kg.linking.lexicon_cache import add_learned_term
from kg.linking.normalizer import Candidate, Normalizer
from kg.linking.text import fold
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
_PARTIAL = 0.9  # a phrase grounded by the known term inside it is a narrower concept


def ground_chain(
    chain: ConceptChain, steps: list[str], lang: str, normalizer: Normalizer, store: GraphStore, run: str
) -> list[GroundedConcept]:
    """The chain's concepts in step order, each with a concept id and how it was found."""
    grounded = [
        _ground_one(c.surface, c.gloss, c.role, min(c.step, len(steps) - 1), lang, normalizer, store, run)
        for c in chain.concepts
    ]
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
        term = Term(
            text=surface,
            lang=lang,
            cui=best.cui,
            source=f"learned in run {run} from the gloss {gloss!r}",
            status="learned",
            confidence=best.score,
            run=run,
        )
        add_learned_term(store, normalizer, term)
        return _grounded(surface, gloss, role, step, best, f"gloss:{best.method}")
    inside = _inside(surface, lang, normalizer) or _inside(gloss, "en", normalizer)
    if inside is not None:
        return _grounded(surface, gloss, role, step, inside, f"partial:{inside.method}", _PARTIAL)
    return _learned_concept(surface, gloss, role, step, lang, normalizer, store, run)


def _inside(text: str, lang: str, normalizer: Normalizer) -> Candidate | None:
    """The concept of the longest known term inside `text`, if any."""
    mentions = normalizer.link(text, lang) if text else []
    longest = max(mentions, key=lambda m: m.end - m.start, default=None)
    return longest.best if longest else None


def _learned_concept(
    surface: str, gloss: str, role: Role, step: int, lang: str, normalizer: Normalizer, store: GraphStore, run: str
) -> GroundedConcept:
    name = gloss or surface
    cui = "ML" + stable_hash("learned", fold(name))[:12]
    concept = Concept(cui=cui, name=name, semantic_types=[ROLE_TYPES[role]], source=f"learned in run {run}")
    store.upsert([concept, HasType(start=cui, end=ROLE_TYPES[role])])
    for text, text_lang in ((surface, lang), (gloss, "en")):
        if text:
            term = Term(
                text=text,
                lang=text_lang,
                cui=cui,
                source=f"learned in run {run}",
                status="learned",
                confidence=0.5,
                run=run,
            )
            add_learned_term(store, normalizer, term)
    normalizer.lexicon.concepts.setdefault(cui, ConceptInfo(cui=cui, name=name, semantic_types=(ROLE_TYPES[role],)))
    return GroundedConcept(
        surface=surface, gloss=gloss, role=role, step=step, cui=cui, name=name, score=0.5, method="learned"
    )


def _grounded(
    surface: str, gloss: str, role: Role, step: int, found: Candidate, method: str, discount: float = 1.0
) -> GroundedConcept:
    return GroundedConcept(
        surface=surface,
        gloss=gloss,
        role=role,
        step=step,
        cui=found.cui,
        name=found.name,
        score=round(found.score * discount, 4),
        method=method,
    )
