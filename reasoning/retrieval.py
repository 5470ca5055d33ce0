"""Retrieving local clinical knowledge: LOCAL_PRACTICE edges from the run's concepts,
filtered by the question's language and region, ranked, top-k."""

from __future__ import annotations

from collections.abc import Sequence

from kg.graph.store import GraphStore, PracticeFact
from reasoning.results import Evidence

__all__ = ["retrieve"]

# Facts that change what the answer should say come first when scores tie.
_KIND_ORDER = [
    "first_line_treatment",
    "second_line_treatment",
    "drug_availability",
    "screening",
    "vaccination",
    "prevention",
    "referral",
    "prevalence",
    "traditional_practice",
]


def retrieve(
    store: GraphStore, cuis: Sequence[str], *, lang: str, regions: Sequence[str], top_k: int
) -> list[Evidence]:
    """Facts whose condition is one of `cuis`, in `lang` and, when given, one of `regions`;
    best `top_k`. A fact about a practice the reasoning also names scores 1, one about a
    practice it does not name 0.7, a fact about the condition alone (prevalence) 0.6."""
    wanted = set(cuis)
    facts: list[PracticeFact] = []
    for region in regions or [None]:  # type: ignore[list-item]
        facts += store.local_practice(sorted(wanted), region=region, lang=lang)
    scored = {(f.head, f.tail, f.key): _evidence(f, _score(f, wanted)) for f in facts}
    ranked = sorted(scored.values(), key=lambda e: (-e.score, _rank(e.kind), e.head, e.tail))
    return ranked[:top_k]


def _score(fact: PracticeFact, wanted: set[str]) -> float:
    if fact.tail == fact.head:
        return 0.6
    return 1.0 if fact.tail in wanted else 0.7


def _rank(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


def _evidence(fact: PracticeFact, score: float) -> Evidence:
    return Evidence(
        kind=fact.kind,
        head=fact.head,
        tail=fact.tail,
        region=fact.region,
        lang=fact.lang,
        statement=fact.statement,
        statement_local=fact.statement_local,
        source=fact.source,
        key=fact.key,
        score=score,
    )
