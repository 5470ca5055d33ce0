"""The shipped seed, then Wikidata, the Disease Ontology and HPO with its translations, one
after the other: concepts that share a CUI are one concept, new CUIs are added, the seed's
records and curated terms stay as they were, and the new languages' terms are there.

Expectations are computed from what the seed holds when the test runs (the seed grows), so
the test checks the merge rules rather than today's seed contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest import build_seed, load_obo, load_wikidata
from ingest.obo import obo_concept_id
from kg import GraphStore

DATA = Path(__file__).parent / "data"
MALARIA, INFLUENZA, PAIN, FEVER = "C0024530", "C0021400", "C0030193", "C0015967"
WIKIDATA_CUIS = [MALARIA, "C0041296", FEVER, "C0011849", "C0032285", INFLUENZA, PAIN, "C0002871"]
# DOID: malaria, P. falciparum malaria, P. vivax malaria, influenza, protozoal infections; intestinal
# schistosomiasis and viral infectious disease name several CUIs and keep their own ids.
DOID_CUIS = [MALARIA, "C0024535", "C0024537", INFLUENZA, "C0033740"]
DOID_OWN = [obo_concept_id("DOID:0050597"), obo_concept_id("DOID:934")]
HP_OWN = [obo_concept_id(i) for i in ("HP:0000001", "HP:0000118", "HP:0004370")]


def _concepts(store: GraphStore, cuis: list[str]) -> dict[str, dict[str, Any]]:
    return store.node_properties("Concept", cuis)


def _terms(store: GraphStore, cui: str) -> dict[tuple[str, str], str]:
    rows = store.query(
        "MATCH (t:Term)-[d:DENOTES]->(c:Concept {cui: $cui}) RETURN t.lang AS lang, t.text AS text, t.source AS source",
        {"cui": cui},
    )
    return {(row["lang"], row["text"]): row["source"] for row in rows}


def _count(store: GraphStore) -> int:
    return store.counts().nodes["Concept"]


def test_open_vocabularies_merge_into_the_seed(embedded: GraphStore) -> None:
    build_seed(embedded)
    total = _count(embedded)
    seed = _concepts(embedded, WIKIDATA_CUIS)
    assert MALARIA in seed and FEVER in seed  # the seed's core concepts, which the sources must join
    seed_malaria_terms = _terms(embedded, MALARIA)

    wikidata = load_wikidata(embedded, DATA / "wikidata-dump.json", tui="T184")  # only pain is new today
    new = [cui for cui in WIKIDATA_CUIS if cui not in seed]
    assert wikidata.counts["concepts_existing"] == len(seed) and wikidata.counts.get("concepts", 0) == len(new)
    assert _count(embedded) == total + len(new)
    total = _count(embedded)
    after = _concepts(embedded, WIKIDATA_CUIS)
    for cui, record in seed.items():  # merged: the seed's name, types and source, its xrefs first
        assert [after[cui][key] for key in ("name", "semantic_types", "source")] == [
            record[key] for key in ("name", "semantic_types", "source")
        ]
        assert after[cui]["xrefs"][: len(record["xrefs"])] == record["xrefs"]
    assert {"WIKIDATA:Q12156", "ICD10:B50-B54", "MESH:D008288"} <= set(after[MALARIA]["xrefs"])
    terms = _terms(embedded, MALARIA)
    assert {key: terms[key] for key in seed_malaria_terms} == seed_malaria_terms  # curated sources kept
    assert terms[("en", "paludism")] == "Wikidata Q12156, CC0"
    assert {("ko", "독감"), ("zh", "流感"), ("th", "ไข้หวัดใหญ่"), ("sw", "Mafua")} <= set(_terms(embedded, INFLUENZA))
    assert {("ja", "痛み"), ("zh", "疼痛"), ("ko", "통증"), ("th", "ความเจ็บปวด"), ("sw", "Maumivu")} <= set(
        _terms(embedded, PAIN)
    )
    if PAIN in new:
        assert (after[PAIN]["name"], after[PAIN]["semantic_types"]) == ("pain", ["T184"])

    before = _concepts(embedded, DOID_CUIS)
    doid = load_obo(embedded, DATA / "doid.obo", tui="T047")
    new = [cui for cui in DOID_CUIS if cui not in before] + DOID_OWN
    assert doid.counts["concepts_existing"] == len(before) and doid.counts["concepts"] == len(new)
    assert _count(embedded) == total + len(new)
    total = _count(embedded)
    assert "DOID:12365" in _concepts(embedded, [MALARIA])[MALARIA]["xrefs"]
    assert _concepts(embedded, [MALARIA])[MALARIA]["name"] == seed[MALARIA]["name"]
    assert ("en", "influenza with non-respiratory manifestation") in _terms(embedded, INFLUENZA)
    is_a = embedded.query("MATCH (a:Concept)-[r:IS_A]->(b:Concept {cui: $cui}) RETURN a.cui AS cui", {"cui": MALARIA})
    assert {row["cui"] for row in is_a} >= {"C0024535", "C0024537"}

    translations = [DATA / "hp-ja.babelon.tsv", DATA / "hp-zh.babelon.tsv"]
    hpo = load_obo(embedded, DATA / "hp.obo", tui="T184", translations=translations)
    assert hpo.counts["concepts_existing"] == 1  # Fever
    assert _count(embedded) == total + len(HP_OWN)
    assert _concepts(embedded, [FEVER])[FEVER]["name"] == seed[FEVER]["name"]
    assert {("ja", "発熱"), ("zh", "发热")} <= set(_terms(embedded, FEVER))
    assert {("ja", "体温調節の異常"), ("zh", "体温调节异常")} <= set(_terms(embedded, HP_OWN[2]))
