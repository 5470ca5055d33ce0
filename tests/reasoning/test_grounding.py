"""Grounding a concept chain: found, learned as a term, grounded to a broader concept, or
learned as a new concept; never dropped."""

from __future__ import annotations

from pathlib import Path

from ingest import build_seed
from kg import GraphStore, load_normalizer, load_settings
from reasoning.grounding import ground_chain
from reasoning.schemas import ChainConcept, ConceptChain


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
    grounded = ground_chain(chain, ["Ana homa.", "Alale kwenye neti."], "sw", normalizer, embedded, run="r1")
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
    again = ground_chain(chain, ["Ana homa.", "Alale kwenye neti."], "sw", normalizer, embedded, run="r2")
    assert [g.cui for g in again] == [g.cui for g in grounded]  # the same ids on a rerun
