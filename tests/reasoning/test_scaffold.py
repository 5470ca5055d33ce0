"""Fusion and retrieval on hand-built chains over the seed graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest import build_seed
from kg import GraphStore
from reasoning.results import AlignedPair, AlignmentResult, ChainResult, GroundedConcept
from reasoning.retrieval import retrieve
from reasoning.scaffold import fuse, fuse_by_insertion

MALARIA, FEVER, AL, NET = "C0024530", "C0015967", "MC000001", "MC000010"


@pytest.fixture
def seeded(embedded: GraphStore) -> Iterator[GraphStore]:
    build_seed(embedded)
    yield embedded


def _concept(cui: str, name: str, step: int, method: str = "exact") -> GroundedConcept:
    return GroundedConcept(
        surface=name, gloss=name, role="other", step=step, cui=cui, name=name, score=1.0, method=method
    )


def test_retrieval_filters_by_region_and_language_and_ranks(seeded: GraphStore) -> None:
    kenya = retrieve(seeded, [MALARIA, AL], lang="sw", regions=["KE"], top_k=10)
    assert kenya and {e.region for e in kenya} == {"KE"} and {e.lang for e in kenya} == {"sw"}
    assert kenya[0].tail == AL and kenya[0].score == 1.0  # both ends in the chain rank first
    nigeria = retrieve(seeded, [MALARIA], lang="yo", regions=["NG"], top_k=2)
    assert len(nigeria) == 2 and {e.region for e in nigeria} == {"NG"}
    assert retrieve(seeded, [MALARIA], lang="sw", regions=["NG"], top_k=10) == []  # Yoruba facts only in NG


def test_fusion_keeps_english_order_inserts_local_only_and_rejects_the_unsupported(seeded: GraphStore) -> None:
    english = ChainResult(
        role="english",
        lang="en",
        steps=["Fever suggests malaria.", "Treat with AL."],
        answer="AL",
        concepts=[_concept(FEVER, "fever", 0), _concept(MALARIA, "malaria", 0), _concept(AL, "AL", 1)],
    )
    herbal = _concept("ML0123456789ab", "mitishamba", 3, "learned")
    local = ChainResult(
        role="local",
        lang="sw",
        steps=["Homa na malaria.", "Tumia chandarua.", "Dawa ya AL.", "Dawa ya mitishamba."],
        answer="AL",
        concepts=[_concept(MALARIA, "malaria", 0), _concept(NET, "chandarua", 1), _concept(AL, "AL", 2), herbal],
    )
    alignment = AlignmentResult(
        pairs=[
            AlignedPair(english=1, local=0, cui_english=MALARIA, cui_local=MALARIA, score=1.0),
            AlignedPair(english=2, local=2, cui_english=AL, cui_local=AL, score=1.0),
        ],
        english_only=[0],
        local_only=[1, 3],
    )
    evidence = retrieve(seeded, [MALARIA, AL, NET], lang="sw", regions=["KE"], top_k=10)
    steps, rejected = fuse(english, local, alignment, evidence)
    assert [s.origin for s in steps] == ["fused", "local", "fused"]
    assert [s.index for s in steps] == [0, 1, 2]
    assert NET in steps[1].cuis and "chandarua" in steps[1].text
    assert [r.cui for r in rejected] == ["ML0123456789ab"] and "not supported" in rejected[0].reason
    cited = [e for s in steps for e in s.evidence]
    assert cited and all(e.head in s.cuis or e.tail in s.cuis for s in steps for e in s.evidence)


SEVERE = "MC100003"


def test_a_ruled_out_concept_is_never_a_finding_of_the_scaffold(seeded: GraphStore) -> None:
    severe_en = _concept(SEVERE, "severe malaria", 1).model_copy(update={"status": "absent"})
    severe_sw = _concept(SEVERE, "malaria kali", 1).model_copy(update={"status": "absent"})
    english = ChainResult(
        role="english",
        lang="en",
        steps=["Fever and a positive RDT mean malaria.", "There are no signs of severe malaria.", "Treat with AL."],
        answer="AL",
        concepts=[_concept(MALARIA, "malaria", 0), severe_en, _concept(AL, "AL", 2)],
    )
    local = ChainResult(
        role="local",
        lang="sw",
        steps=["Ana malaria.", "Hakuna dalili za malaria kali.", "Dawa ya AL."],
        answer="AL",
        concepts=[_concept(MALARIA, "malaria", 0), severe_sw, _concept(AL, "AL", 2)],
    )
    alignment = AlignmentResult(
        pairs=[AlignedPair(english=0, local=0, cui_english=MALARIA, cui_local=MALARIA, score=1.0)],
        english_only=[1, 2],
        local_only=[1, 2],
    )
    evidence = retrieve(seeded, [MALARIA, AL], lang="sw", regions=["KE"], top_k=20)
    steps, rejected = fuse(english, local, alignment, evidence)
    severe_steps = [s for s in steps if SEVERE in s.cuis]
    assert severe_steps == []  # not asserted anywhere
    assert [s.ruled_out for s in steps if s.ruled_out] == [[SEVERE]]
    assert all(e.head != SEVERE and e.tail != SEVERE for s in steps for e in s.evidence)
    assert [(r.cui, r.reason) for r in rejected] == [(SEVERE, "the local reasoning rules it out")]


def test_the_paper_s_insertion_puts_each_local_concept_next_to_its_most_similar_english_one(
    seeded: GraphStore,
) -> None:
    english = ChainResult(
        role="english",
        lang="en",
        steps=["Fever suggests malaria.", "Treat with AL."],
        answer="AL",
        concepts=[_concept(FEVER, "fever", 0), _concept(MALARIA, "malaria", 0), _concept(AL, "AL", 1)],
    )
    herbs = _concept("ML0123456789ab", "mitishamba", 2, "learned")
    net = _concept(NET, "chandarua", 1)
    local = ChainResult(
        role="local",
        lang="sw",
        steps=["Homa na malaria.", "Tumia chandarua.", "Dawa ya mitishamba.", "Si malaria kali."],
        answer="AL",
        concepts=[
            _concept(MALARIA, "malaria", 0),
            net,
            herbs,
            _concept(SEVERE, "malaria kali", 3).model_copy(update={"status": "absent"}),
        ],
    )
    #                 malaria  net   herbs  severe   (local)
    similarity = [
        [0.0, 0.0, 0.0, 0.0],  # fever
        [1.0, 0.2, 0.0, 0.8],  # malaria
        [0.0, 0.75, 0.3, 0.0],  # AL: the net is "similar enough" to sit next to it
    ]
    steps, rejected = fuse_by_insertion(english, local, similarity, [], threshold=0.7)
    assert [(s.origin, s.cuis) for s in steps] == [
        ("english", [FEVER, MALARIA]),  # the local malaria is the same concept: not repeated
        ("english", [AL]),
        ("local", [NET]),  # next to AL, its most similar English concept
    ]
    assert [(r.cui, r.reason) for r in rejected] == [
        ("ML0123456789ab", "less similar than 0.7 to every English concept (best 0.30)"),
        (SEVERE, "the local reasoning rules it out"),
    ]
