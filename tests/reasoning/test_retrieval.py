"""Retrieval over the seed graph: facts on a broader concept never outrank facts on the
concept itself, and passages of local corpora are found by their concepts and ranked by
overlap, relevance to the question and language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed, load_corpus
from kg import GraphStore, load_normalizer, load_settings
from reasoning.retrieval import retrieve, retrieve_passages, tokens

MALARIA, SEVERE, AL, NET = "C0024530", "MC100003", "MC000001", "MC000010"
PASSAGES = Path(__file__).parent / "data" / "passages.jsonl"


@pytest.fixture
def seeded(embedded: GraphStore, home: Path) -> Iterator[GraphStore]:
    build_seed(embedded)
    normalizer = load_normalizer(embedded, load_settings(home=home))
    load_corpus(
        embedded, PASSAGES, lambda text, lang: [(m.best.cui, m.surface, m.start) for m in normalizer.link(text, lang)]
    )
    yield embedded


def test_facts_on_a_broader_concept_rank_below_facts_on_the_concept_itself(seeded: GraphStore) -> None:
    severe = retrieve(seeded, [MALARIA, SEVERE], lang="sw", regions=["KE"], top_k=20)
    assert severe[0].head == SEVERE  # injectable artesunate, for severe malaria
    assert all(e.score <= 0.5 for e in severe if e.head == MALARIA)  # malaria is broader than severe malaria
    # An uncomplicated case (malaria and its first-line drug) is not told about severe malaria.
    uncomplicated = retrieve(seeded, [MALARIA, AL], lang="sw", regions=["KE"], top_k=20)
    assert uncomplicated[0].tail == AL and all(e.head != SEVERE for e in uncomplicated)


def test_the_practice_for_a_broader_concept_reaches_a_question_about_a_narrower_one(seeded: GraphStore) -> None:
    # Severe malaria IS_A malaria: malaria's facts apply, at half the score of severe malaria's own.
    alone = retrieve(seeded, [SEVERE], lang="sw", regions=["KE"], top_k=20)
    assert alone[0].head == SEVERE and any(e.head == MALARIA for e in alone)
    assert all(e.score <= 0.5 and e.via == SEVERE for e in alone if e.head == MALARIA)  # its step: severe malaria's
    # and never the other way: a question about malaria is not told about severe malaria
    assert all(e.head != SEVERE for e in retrieve(seeded, [MALARIA], lang="sw", regions=["KE"], top_k=20))


def test_passages_are_found_by_concept_and_ranked_by_overlap_relevance_and_language(seeded: GraphStore) -> None:
    question = "Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?"
    found = retrieve_passages(seeded, [MALARIA, AL], question=question, lang="sw", regions=["KE"], top_k=5)
    assert [e.key for e in found][:2] == ["ke-sw-al#0", "ke-sw-net#0"]  # Swahili first, the one on both concepts
    assert found[-1].key == "ke-en-al#0" and found[-1].lang == "en"
    assert all(e.kind == "passage" and e.region == "KE" for e in found)  # NG's passage left out
    assert found[0].head == MALARIA and "Test leaflet (sw, KE)" in found[0].source
    assert retrieve_passages(seeded, [MALARIA], question=question, lang="sw", regions=["KE"], top_k=0) == []


def test_search_tokens_are_words_and_bigrams_where_a_script_has_no_spaces() -> None:
    assert tokens("Malaria isiyo KALI") == ["malaria", "isiyo", "kali"]
    assert tokens("疟疾患者") == ["疟疾", "疾患", "患者"]
    assert tokens("瘧疾") == ["疟疾"]  # folded: traditional to simplified
