"""Grounding a concept chain: found, learned as a term, grounded to a broader concept, or
learned as a new concept; never dropped, never linked to its opposite, negations kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import build_seed
from kg import GraphStore, Normalizer, load_normalizer, load_settings
from reasoning.grounding import ground_chain, step_base
from reasoning.schemas import ChainConcept, ConceptChain

HYPERTENSION, HYPOTENSION, SEVERE_MALARIA, MALARIA = "C0020538", "C0020649", "MC100003", "C0024530"


@pytest.fixture
def normalizer(embedded: GraphStore, home: Path) -> Normalizer:
    build_seed(embedded)
    return load_normalizer(embedded, load_settings(home=home))


def test_every_concept_is_grounded_and_unknowns_are_learned_with_provenance(embedded: GraphStore, home: Path) -> None:
    build_seed(embedded)
    normalizer = load_normalizer(embedded, load_settings(home=home))
    chain = ConceptChain(
        concepts=[
            ChainConcept(surface="homa", gloss="fever", role="finding", step=0),
            ChainConcept(surface="mchecheto wa baridi", gloss="malaria", role="diagnosis", step=0),
            ChainConcept(
                surface="neti ya mbu yenye dawa", gloss="insecticide-treated mosquito net", role="other", step=1
            ),
            ChainConcept(surface="kuchanja chale", gloss="ritual scarification", role="treatment", step=1),
        ]
    )
    grounded, base = ground_chain(chain, ["Ana homa.", "Alale kwenye neti."], "sw", normalizer, embedded, run="r1")
    assert base == 0
    methods = [(g.surface, g.cui, g.method) for g in grounded]
    assert methods[0] == ("homa", "C0015967", "exact")
    assert methods[1][1:] == ("C0024530", "gloss:exact")
    assert methods[2][1:] == ("MC000010", "partial:exact")  # "mosquito net" inside the gloss
    learned = grounded[3]
    assert learned.method == "learned" and learned.cui.startswith("ML") and learned.name == "ritual scarification"

    term = embedded.query(
        "MATCH (t:Term {text: 'mchecheto wa baridi'})-[d:DENOTES]->(c:Concept) "
        "RETURN t.status AS status, t.run AS run, c.cui AS cui"
    )
    assert term == [{"status": "learned", "run": "r1", "cui": "C0024530"}]
    concept = embedded.query(
        "MATCH (c:Concept {cui: $cui})-[h:HAS_TYPE]->(s:SemanticType) RETURN c.source AS source, s.tui AS tui",
        {"cui": learned.cui},
    )
    assert concept == [{"source": "learned in run r1", "tui": "T061"}]
    assert normalizer.lookup("mchecheto wa baridi", "sw")[0].cui == "C0024530"  # known from now on
    again, _ = ground_chain(chain, ["Ana homa.", "Alale kwenye neti."], "sw", normalizer, embedded, run="r2")
    assert [g.cui for g in again] == [g.cui for g in grounded]  # the same ids on a rerun


def _ground(store: GraphStore, normalizer: Normalizer, steps: list[str], *concepts: ChainConcept, lang: str = "sw"):  # type: ignore[no-untyped-def]
    grounded, _ = ground_chain(ConceptChain(concepts=list(concepts)), steps, lang, normalizer, store, run="r1")
    return grounded


def test_a_candidate_of_the_opposite_meaning_is_never_offered_and_the_gloss_decides(
    embedded: GraphStore, normalizer: Normalizer
) -> None:
    # "high blood pressure" is one word from the seed's "shinikizo la damu la chini" (hypotension).
    assert [c.cui for c in normalizer.lookup("shinikizo la damu la juu", "sw")] == []
    high = ChainConcept(surface="shinikizo la damu la juu", gloss="hypertension", role="diagnosis", step=0)
    [grounded] = _ground(embedded, normalizer, ["Ana shinikizo la damu la juu."], high)
    assert (grounded.cui, grounded.method) == (HYPERTENSION, "gloss:exact")
    learned = embedded.query(
        "MATCH (t:Term {text: 'shinikizo la damu la juu'})-[d:DENOTES]->(c:Concept) RETURN c.cui AS cui"
    )
    assert learned == [{"cui": HYPERTENSION}]  # the gloss taught what the words mean


@pytest.mark.parametrize(
    ("surface", "gloss", "role", "lang", "cui", "method", "note"),
    [
        # A misspelt surface near "shinikizo la damu" (hypertension) whose gloss says low.
        ("shinikizo la damuu", "low blood pressure", "finding", "sw", HYPOTENSION, "gloss:exact", "contradicts"),
        # Yoruba "ibà" is both fever and malaria: the gloss says which.
        ("ibà", "malaria", "diagnosis", "yo", MALARIA, "exact", "surface ambiguous (Fever, Malaria)"),
        ("ibà", "fever", "finding", "yo", "C0015967", "exact", "surface ambiguous (Fever, Malaria)"),
    ],
)
def test_both_sides_decide_a_near_or_ambiguous_match(
    embedded: GraphStore,
    normalizer: Normalizer,
    surface: str,
    gloss: str,
    role: str,
    lang: str,
    cui: str,
    method: str,
    note: str,
) -> None:
    concept = ChainConcept(surface=surface, gloss=gloss, role=role, step=0)  # type: ignore[arg-type]
    [grounded] = _ground(embedded, normalizer, [surface], concept, lang=lang)
    assert (grounded.cui, grounded.method) == (cui, method)
    assert any(note in n for n in grounded.notes), grounded.notes


def test_a_near_match_of_another_organ_is_not_offered(embedded: GraphStore, normalizer: Normalizer) -> None:
    # 간 (liver) is one letter from 산과 (obstetric): the linker's typo budget no longer offers
    # obstetric ultrasound, and grounding finds the ultrasound by its parts.
    concept = ChainConcept(surface="간 초음파", gloss="liver ultrasound", role="test", step=0)
    [grounded] = _ground(embedded, normalizer, ["간 초음파"], concept, lang="ko")
    assert (grounded.cui, grounded.method) == ("C0041618", "partial:exact")
    assert not any("산과" in note for note in grounded.notes), grounded.notes


@pytest.mark.parametrize(
    ("surface", "role"),
    [("hepatitis B immune globulin", "treatment"), ("lung abscess", "diagnosis"), ("hyperoxemia", "finding")],
)
def test_a_broader_concept_inside_the_words_must_fit_the_role_and_never_be_the_opposite(
    embedded: GraphStore, normalizer: Normalizer, surface: str, role: str
) -> None:
    concept = ChainConcept(surface=surface, gloss=surface, role=role, step=0)  # type: ignore[arg-type]
    [grounded] = _ground(embedded, normalizer, [surface], concept, lang="en")
    # Not hepatitis B (a disease), not the lung (anatomy), not hypoxaemia: a concept of its own.
    assert grounded.method == "learned" and grounded.cui.startswith("ML")


def test_when_surface_and_gloss_disagree_the_stronger_evidence_wins_and_the_conflict_is_noted(
    embedded: GraphStore, normalizer: Normalizer
) -> None:
    # The surface names severe malaria exactly; a vague gloss names malaria: exact against exact, the surface kept.
    concept = ChainConcept(surface="malaria kali", gloss="malaria", role="diagnosis", step=0)
    [grounded] = _ground(embedded, normalizer, ["Ana malaria kali."], concept)
    assert grounded.cui == SEVERE_MALARIA and "surface kept" in grounded.notes[0]
    # A misspelt surface (fuzzy) against an exact gloss: the gloss wins.
    typo = ChainConcept(surface="malaria kalii", gloss="malaria", role="diagnosis", step=0)
    [grounded] = _ground(embedded, normalizer, ["Ana malaria kalii."], typo)
    assert grounded.cui == MALARIA and grounded.method == "gloss:exact" and "gloss kept" in grounded.notes[0]


@pytest.mark.parametrize(
    ("surface", "gloss", "lang", "cue"),
    [
        ("hakuna dalili za malaria kali", "no signs of severe malaria", "sw", "hakuna"),
        ("dalili za malaria kali", "no signs of severe malaria", "sw", "no"),  # the gloss carries the negation
        ("no signs of severe malaria", "no signs of severe malaria", "en", "no"),
    ],
)
def test_a_negated_concept_is_absent_whatever_the_model_said_and_teaches_no_term(
    embedded: GraphStore, normalizer: Normalizer, surface: str, gloss: str, lang: str, cue: str
) -> None:
    concept = ChainConcept(surface=surface, gloss=gloss, role="finding", status="present", step=0)
    [grounded] = _ground(embedded, normalizer, [surface], concept, lang=lang)
    assert (grounded.cui, grounded.status, grounded.status_cue) == (SEVERE_MALARIA, "absent", cue)
    assert embedded.query("MATCH (t:Term {text: $text}) RETURN t.key AS key", {"text": surface}) == []


def test_the_model_s_own_absent_and_possible_are_kept(embedded: GraphStore, normalizer: Normalizer) -> None:
    concepts = [
        ChainConcept(surface="malaria kali", gloss="severe malaria", role="diagnosis", status="ruled out", step=0),
        ChainConcept(surface="malaria", gloss="malaria", role="diagnosis", status="suspected", step=1),
    ]
    grounded = _ground(embedded, normalizer, ["Si malaria kali.", "Huenda ni malaria."], *concepts)
    assert [(g.cui, g.status, g.status_cue) for g in grounded] == [
        (SEVERE_MALARIA, "absent", None),
        (MALARIA, "possible", None),
    ]


def test_roles_outside_the_list_become_other_or_their_synonym_with_the_word_kept(
    embedded: GraphStore, normalizer: Normalizer
) -> None:
    concepts = [
        ChainConcept.model_validate({"surface": "homa", "gloss": "fever", "role": "symptom", "step": 0}),
        ChainConcept.model_validate({"surface": "malaria", "gloss": "malaria", "role": "pathogen-ish", "step": 0}),
    ]
    grounded = _ground(embedded, normalizer, ["Homa na malaria."], *concepts)
    assert [(g.role, g.role_given) for g in grounded] == [("finding", "symptom"), ("other", "pathogen-ish")]


def test_steps_numbered_from_one_are_read_as_such_and_repeated_mentions_stay_in_order(
    embedded: GraphStore, normalizer: Normalizer
) -> None:
    steps = ["Mtoto ana homa.", "Kipimo cha malaria ni chanya: ana malaria.", "Homa itapungua baada ya dawa."]
    concepts = [
        ChainConcept(surface="homa", gloss="fever", role="finding", step=1),
        ChainConcept(surface="malaria", gloss="malaria", role="diagnosis", step=2),
        ChainConcept(surface="homa", gloss="fever", role="finding", step=3),  # past the last step: counted from 1
    ]
    grounded, base = ground_chain(ConceptChain(concepts=concepts), steps, "sw", normalizer, embedded, run="r1")
    assert base == 1 and [(g.surface, g.step) for g in grounded] == [("homa", 0), ("malaria", 1), ("homa", 2)]
    # In range, the words decide: "malaria" is in step 1, not in step 2.
    in_range = [
        ChainConcept(surface="homa", gloss="fever", step=1),
        ChainConcept(surface="malaria", gloss="malaria", step=2),
    ]
    assert step_base(in_range, steps) == 1
    assert step_base([ChainConcept(surface="malaria", gloss="malaria", step=1)], steps) == 0


@pytest.mark.parametrize(
    ("gloss", "prefer", "cui", "note"),
    [
        # the gloss names one of the homonym's concepts
        ("malaria", (), MALARIA, "surface ambiguous (Fever, Malaria); the gloss names Malaria"),
        # the gloss names neither ("illness"); the English chain has malaria
        ("illness", (MALARIA,), MALARIA, "surface ambiguous (Fever, Malaria); the other chain names Malaria"),
        # nothing decides: the choice is said to be arbitrary, not made silently
        ("illness", (), "C0015967", "surface ambiguous (Fever, Malaria); nothing decides: kept Fever"),
    ],
)
def test_a_homonym_is_resolved_by_the_gloss_or_the_other_chain_and_says_how(
    embedded: GraphStore, normalizer: Normalizer, gloss: str, prefer: tuple[str, ...], cui: str, note: str
) -> None:
    assert [c.ambiguous for c in normalizer.lookup("ibà", "yo")] == [True, True]
    concept = ChainConcept(surface="ibà", gloss=gloss, role="diagnosis", step=0)
    chain = ConceptChain(concepts=[concept])
    [grounded], _ = ground_chain(chain, ["Ọmọ náà ní ibà."], "yo", normalizer, embedded, run="r1", prefer=prefer)
    assert grounded.cui == cui and any(note in n for n in grounded.notes), grounded.notes
