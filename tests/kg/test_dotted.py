"""Abbreviations written with full stops look up as the abbreviation: T.B. is TB."""

from __future__ import annotations

import pytest

from kg.linking.dotted import undotted
from kg.linking.lexicon import ConceptInfo, Lexicon, TermRow
from kg.linking.normalizer import Normalizer


@pytest.mark.parametrize(("text", "bare"), [("T.B.", "TB"), ("T.B", "TB"), (" H.I.V. ", "HIV"), ("C.O.P.D", "COPD")])
def test_capitals_each_with_a_stop_lose_their_stops(text: str, bare: str) -> None:
    assert undotted(text) == bare


@pytest.mark.parametrize("text", ["Dr.", "e.g.", "Ph.D.", "No.", "A.", "TB", "T.b.", "T..B", "T.B.C.x"])
def test_nothing_else_is_touched(text: str) -> None:
    assert undotted(text) is None


@pytest.fixture(scope="module")
def small() -> Normalizer:
    concepts = [ConceptInfo(cui=c, name=c) for c in ("tuberculosis", "hiv", "hypertension", "doctor")]
    rows = [
        TermRow(text="TB", lang="sw", cui="tuberculosis"),
        TermRow(text="HIV", lang="en", cui="hiv"),
        TermRow(text="HT", lang="en", cui="hypertension"),
        TermRow(text="doctor", lang="en", cui="doctor"),
    ]
    return Normalizer(Lexicon(concepts, rows))


def test_a_dotted_abbreviation_is_a_variant_of_its_term(small: Normalizer) -> None:
    assert [(c.cui, c.method, c.score) for c in small.lookup("T.B.", "sw")] == [("tuberculosis", "variant", 0.98)]
    assert [c.cui for c in small.lookup("H.I.V", "en")] == ["hiv"]
    assert [m.best.cui for m in small.link("T.B.", "sw")] == ["tuberculosis"]  # a short text as one term


def test_a_dotted_code_is_exact_or_nothing(small: Normalizer) -> None:
    assert small.lookup("H.I.", "en") == []  # HI is not HIV: codes are never fuzzy
    assert small.lookup("H.T.N.", "en") == []  # nor HTN HT
    assert small.lookup("Dr.", "en") == []
