"""Chain alignment on hand-built chains whose right answer is known."""

from __future__ import annotations

import networkx as nx

from reasoning.alignment import AlignWeights, align_chains
from reasoning.results import GroundedConcept

FEVER, MALARIA, AL, COUGH, TB, XRAY = "C0015967", "C0024530", "MC000001", "C0010200", "C0041296", "C0039985"


def _c(cui: str | None, gloss: str, surface: str = "") -> GroundedConcept:
    """A grounded concept; `cui=None` stands for one learned in the run (an id of its own)."""
    surface = surface or gloss
    cui = cui or f"ML{abs(hash((gloss, surface))):012d}"[:14]
    return GroundedConcept(surface=surface, gloss=gloss, role="other", step=0, cui=cui, name=gloss, score=1, method="x")


def _pairs(result) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(p.english, p.local) for p in result.pairs]


def test_same_concepts_align_one_to_one() -> None:
    english = [_c(FEVER, "fever"), _c(MALARIA, "malaria"), _c(AL, "artemether-lumefantrine")]
    local = [_c(FEVER, "fever", "homa"), _c(MALARIA, "malaria"), _c(AL, "artemether-lumefantrine", "dawa ya AL")]
    result = align_chains(english, local)
    assert _pairs(result) == [(0, 0), (1, 1), (2, 2)]
    assert all(p.score > 0.9 for p in result.pairs)
    assert result.english_only == [] and result.local_only == []


def test_an_ungrounded_synonym_aligns_through_its_gloss() -> None:
    english = [_c(MALARIA, "malaria"), _c(AL, "artemether lumefantrine")]
    local = [_c(MALARIA, "malaria"), _c(None, "artemether-lumefantrine tablets", "vidonge vya AL")]
    assert _pairs(align_chains(english, local)) == [(0, 0), (1, 1)]


def test_order_breaks_a_tie_between_equally_similar_concepts() -> None:
    english = [_c(COUGH, "cough"), _c(TB, "tuberculosis"), _c(XRAY, "chest x-ray")]
    local = [_c(None, "cough", "kikohozi"), _c(TB, "tuberculosis"), _c(None, "cough", "kukohoa")]
    result = align_chains(english, local)
    assert (0, 0) in _pairs(result) and result.local_only == [2]
    assert result.english_only == [2]


def test_a_local_only_concept_stays_unmatched() -> None:
    english = [_c(FEVER, "fever"), _c(MALARIA, "malaria")]
    local = [_c(FEVER, "fever"), _c("MC000010", "mosquito net", "chandarua"), _c(MALARIA, "malaria")]
    result = align_chains(english, local)
    assert _pairs(result) == [(0, 0), (1, 2)]
    assert result.local_only == [1]


def test_neighbours_in_the_knowledge_graph_align_and_unrelated_concepts_do_not() -> None:
    kg = nx.MultiDiGraph()
    kg.add_edge(("Concept", AL), ("Concept", MALARIA), key="TREATS")
    english = [_c(AL, "antimalarial treatment")]
    local = [_c(MALARIA, "malaria")]
    assert align_chains(english, local).pairs == []  # default: related is not the same
    loose = AlignWeights(kg_neighbour=0.9, threshold=0.5)
    assert _pairs(align_chains(english, local, kg, loose)) == [(0, 0)]
    assert align_chains([_c(COUGH, "cough")], [_c(XRAY, "chest x-ray")], kg, loose).pairs == []
