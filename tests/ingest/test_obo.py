"""OBO 1.4 ontologies into the graph: ids, names and scoped synonyms, IS_A, obsolete terms
and typedefs skipped, idempotence and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.obo import load_obo, obo_concept_id
from kg import GraphStore, IngestError
from kg.graph.model import Concept

DATA = Path(__file__).parent / "data" / "hp.obo"
DOID = Path(__file__).parent / "data" / "doid.obo"  # real stanzas of the Disease Ontology (CC0)
ROOT, ABNORMALITY, TEMPERATURE = (obo_concept_id(i) for i in ("HP:0000001", "HP:0000118", "HP:0004370"))
FEVER = "C0015967"  # from its xref UMLS:C0015967


def _terms(store: GraphStore, cui: str) -> dict[str, str]:
    rows = store.query(
        "MATCH (t:Term)-[d:DENOTES]->(c:Concept {cui: $cui}) RETURN t.text AS text, t.source AS source", {"cui": cui}
    )
    return {row["text"]: row["source"] for row in rows}


def _is_a(store: GraphStore) -> set[tuple[str, str]]:
    rows = store.query("MATCH (a:Concept)-[r:IS_A]->(b:Concept) RETURN a.cui AS child, b.cui AS parent")
    return {(row["child"], row["parent"]) for row in rows}


def test_ids_are_stable_learned_style_ids() -> None:
    assert obo_concept_id("HP:0000001") == obo_concept_id("HP:0000001")  # stable
    assert len({ROOT, ABNORMALITY, TEMPERATURE}) == 3
    assert all(cui.startswith("ML") and len(cui) == 14 for cui in (ROOT, ABNORMALITY, TEMPERATURE))
    Concept(cui=ROOT, name="All", semantic_types=["T184"], source="s")  # a valid concept id


def test_terms_synonyms_and_is_a_land_in_the_graph(embedded: GraphStore) -> None:
    summary = load_obo(embedded, DATA, tui="T184")
    concepts = embedded.node_properties("Concept", [ROOT, ABNORMALITY, TEMPERATURE, FEVER])
    assert len(concepts) == 4
    fever = concepts[FEVER]
    assert fever["name"] == "Fever"
    assert fever["semantic_types"] == ["T184"]
    assert fever["source"] == "OBO hp hp/releases/2024-04-26"
    assert fever["xrefs"] == ["HP:0001945", "MSH:D005334", "SNOMEDCT_US:386661006", "UMLS:C0015967"]
    assert concepts[ROOT]["xrefs"] == ["HP:0000001"]
    assert _terms(embedded, FEVER) == {
        "Fever": "HP name",  # the synonym equal to the name is the name
        "Hyperthermia": "HP synonym RELATED",
        "Pyrexia": "HP synonym EXACT",
        "High temperature": "HP synonym EXACT",
    }
    assert _is_a(embedded) == {(ABNORMALITY, ROOT), (TEMPERATURE, ABNORMALITY), (FEVER, TEMPERATURE)}
    counts = summary.counts
    assert counts["concepts"] == 4 and counts["terms"] == 8 and counts["relations"] == 3
    assert counts["obsolete"] == 1
    assert counts["relations_unknown_end"] == 1  # UPHENO:0000001 is not in the file
    assert counts["unmapped:relationship/has_part"] == 1
    nodes = embedded.counts().nodes
    assert nodes["Concept"] == 4 and nodes["Term"] == 8  # nothing from the obsolete term or the typedef


def test_loading_twice_changes_nothing(embedded: GraphStore) -> None:
    load_obo(embedded, DATA, tui="T184")
    first = embedded.counts()
    load_obo(embedded, DATA, tui="T184")
    assert embedded.counts() == first


def test_a_cui_already_in_the_graph_keeps_its_name_and_types_and_gains_the_obo_id(embedded: GraphStore) -> None:
    seed = Concept(cui=FEVER, name="Fever (seed)", semantic_types=["T184"], source="seed", xrefs=["ICD10:R50"])
    embedded.upsert_nodes([seed])
    summary = load_obo(embedded, DATA, tui="T047")
    fever = embedded.node_properties("Concept", [FEVER])[FEVER]
    assert (fever["name"], fever["semantic_types"], fever["source"]) == ("Fever (seed)", ["T184"], "seed")
    assert fever["xrefs"] == ["ICD10:R50", "HP:0001945"]
    assert "Pyrexia" in _terms(embedded, FEVER)
    assert summary.counts["concepts_existing"] == 1


def test_a_term_with_several_umls_xrefs_keeps_its_own_id(embedded: GraphStore) -> None:
    summary = load_obo(embedded, DOID, tui="T047")
    schistosomiasis = obo_concept_id("DOID:0050597")  # intestinal: S. mansoni, S. japonicum, ... one CUI each
    concept = embedded.node_properties("Concept", [schistosomiasis])[schistosomiasis]
    assert concept["name"] == "intestinal schistosomiasis"
    assert {"UMLS_CUI:C0036329", "UMLS_CUI:C0036330", "UMLS_CUI:C0276932"} <= set(concept["xrefs"])
    assert embedded.node_properties("Concept", ["C0036329", "C0036330", "C0276932"]) == {}
    assert summary.counts["umls_xref_several"] == 2  # and viral infectious disease's two
    assert embedded.node_properties("Concept", ["C0024530"])["C0024530"]["xrefs"][0] == "DOID:12365"


def test_an_xref_mondo_marks_as_related_names_no_identity(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "mondo.obo"
    path.write_text(
        'ontology: mondo\n\n[Term]\nid: MONDO:1\nname: fever\nxref: UMLS:C0015967 {source="MONDO:relatedTo"}\n\n'
        "[Term]\nid: MONDO:2\nname: malaria\n"
        'xref: UMLS:C0024530 {source="MONDO:equivalentTo", source="MONDO:MEDGEN"}\n',
        encoding="utf-8",
    )
    load_obo(embedded, path, tui="T047")
    assert sorted(embedded.node_properties("Concept", [obo_concept_id("MONDO:1"), "C0024530", FEVER])) == sorted(
        [obo_concept_id("MONDO:1"), "C0024530"]
    )


def test_prefix_keeps_only_that_ontologys_terms(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "mixed.obo"
    extra = '\n[Term]\nid: UBERON:0002107\nname: liver\nsynonym: "hepar" EXACT []\n'
    path.write_text(DATA.read_text(encoding="utf-8") + extra, encoding="utf-8")
    summary = load_obo(embedded, path, tui="T184", prefix="HP")
    assert summary.counts["terms_other_prefix"] == 1
    assert embedded.node_properties("Concept", [obo_concept_id("UBERON:0002107")]) == {}
    assert embedded.counts().nodes["Concept"] == 4


def test_a_shared_umls_xref_does_not_merge_two_terms(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "shared.obo"
    path.write_text(
        "ontology: test\n\n[Term]\nid: T:1\nname: Fever\nxref: UMLS:C0015967\n\n"
        "[Term]\nid: T:2\nname: Pyrexia\nxref: UMLS:C0015967\n",
        encoding="utf-8",
    )
    summary = load_obo(embedded, path, tui="T184")
    names = embedded.node_properties("Concept", [FEVER, obo_concept_id("T:2")])
    assert {cui: props["name"] for cui, props in names.items()} == {FEVER: "Fever", obo_concept_id("T:2"): "Pyrexia"}
    assert summary.counts["umls_xref_shared"] == 1


def test_unknown_tui_is_refused(embedded: GraphStore) -> None:
    with pytest.raises(IngestError, match="not a UMLS semantic type: 'T999'"):
        load_obo(embedded, DATA, tui="T999")


def test_unterminated_synonym_names_file_and_line(embedded: GraphStore, tmp_path: Path) -> None:
    load_obo(embedded, DATA, tui="T184")
    before = embedded.counts()
    path = tmp_path / "hp.obo"
    text = DATA.read_text(encoding="utf-8").replace('synonym: "Pyrexia" EXACT', 'synonym: "Pyrexia EXACT')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('synonym: "Pyrexia EXACT [HPO:skoehler] {source="UMLS"}') + 1
    # The closing quote found is the one inside {source="UMLS"}: what follows is no scope.
    with pytest.raises(IngestError, match=rf"hp\.obo:{line}: synonym: unknown scope"):
        load_obo(embedded, path, tui="T184")
    path.write_text(text.replace(' [HPO:skoehler] {source="UMLS"}', ""), encoding="utf-8")
    with pytest.raises(IngestError, match=rf"hp\.obo:{line}: synonym: unterminated quoted text"):
        load_obo(embedded, path, tui="T184")
    assert embedded.counts() == before


def test_tag_line_without_colon_names_file_and_line(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.obo"
    path.write_text(
        "ontology: test\n\n[Term]\nid: T:1\nname: Fever\n\n[Term]\nid: T:2\nname Pyrexia\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"bad\.obo:9: expected 'tag: value', got 'name Pyrexia'"):
        load_obo(embedded, path, tui="T184")
    # The stanza before the bad line was written.
    assert embedded.node_properties("Concept", [obo_concept_id("T:1")])[obo_concept_id("T:1")]["name"] == "Fever"


def test_term_without_id_is_refused(tmp_path: Path, embedded: GraphStore) -> None:
    path = tmp_path / "noid.obo"
    path.write_text("[Term]\nname: Fever\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"noid\.obo:1: \[Term\] stanza without an id"):
        load_obo(embedded, path, tui="T184")
