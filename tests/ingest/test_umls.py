"""UMLS release files (RRF) into the graph: preferred names, languages, suppression, MRREL
directions, counts, idempotence and malformed files.

The sample in tests/ingest/data/umls uses real CUIs of well-known concepts; the other
identifiers (LUI, SUI, AUI, RUI, codes) only have the right shape.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import build_seed
from ingest.umls import MRREL_MAP, load_umls
from kg import GraphStore, IngestError
from kg.graph.schema import CONCEPT_RELATIONS

DATA = Path(__file__).parent / "data" / "umls"
LANGS = ["ENG", "JPN", "CHI"]
LOADED = ["C0008269", "C0011849", "C0011860", "C0021641", "C0024530"]


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A writable copy of the sample release."""
    directory = tmp_path / "META"
    shutil.copytree(DATA, directory)
    return directory


def _relations(store: GraphStore) -> set[tuple[str, str, str]]:
    rows = store.query("MATCH (a:Concept)-[r]->(b:Concept) RETURN a.cui AS head, type(r) AS rel, b.cui AS tail")
    return {(row["head"], row["rel"], row["tail"]) for row in rows}


def _terms(store: GraphStore, cui: str) -> set[tuple[str, str]]:
    rows = store.query(
        "MATCH (t:Term)-[d:DENOTES]->(c:Concept {cui: $cui}) RETURN t.lang AS lang, t.text AS text", {"cui": cui}
    )
    return {(row["lang"], row["text"]) for row in rows}


def test_concepts_terms_and_types_land_in_the_graph(embedded: GraphStore) -> None:
    summary = load_umls(embedded, DATA, LANGS)
    concepts = embedded.node_properties("Concept", LOADED + ["C0015967", "C0032150"])
    assert sorted(concepts) == LOADED  # Fever has no MRSTY row, P. falciparum no term in LANGS
    malaria = concepts["C0024530"]
    assert malaria["name"] == "Malaria"  # the TS=P/STT=PF/ISPREF=Y row, not "Paludism" or "malaria" before it
    assert malaria["semantic_types"] == ["T047"]
    assert malaria["source"] == "UMLS Metathesaurus"
    assert concepts["C0011860"]["name"] == "Diabetes Mellitus, Non-Insulin-Dependent"
    assert concepts["C0008269"]["semantic_types"] == ["T121", "T109"]
    assert _terms(embedded, "C0024530") == {
        ("en", "Paludism"),
        ("en", "malaria"),
        ("en", "Malaria"),  # from MSH and ICD10: one term
        ("ja", "マラリア"),
        ("zh", "疟疾"),
    }  # no suppressed "Malaria fever NOS", no French
    assert _terms(embedded, "C0011849") >= {("ja", "糖尿病"), ("zh", "糖尿病")}
    term = embedded.node_properties("Term", ["ja:マラリア:C0024530"])["ja:マラリア:C0024530"]
    assert term["source"] == "UMLS MSHJPN/PT"
    types = embedded.query("MATCH (c:Concept {cui: 'C0021641'})-[h:HAS_TYPE]->(s:SemanticType) RETURN s.tui AS tui")
    assert {row["tui"] for row in types} == {"T116", "T121"}
    counts = summary.counts
    assert counts["concepts"] == 5
    assert counts["terms"] == 16
    assert counts["suppressed_terms"] == 1
    assert counts["concepts_without_semantic_type"] == 1
    assert counts["concepts_without_terms"] == 1


def test_relations_follow_mrrel_direction_and_unmapped_ones_are_counted(embedded: GraphStore) -> None:
    summary = load_umls(embedded, DATA, LANGS)
    assert _relations(embedded) == {
        ("C0008269", "TREATS", "C0024530"),  # chloroquine treats malaria (may_treat and its inverse)
        ("C0021641", "TREATS", "C0011849"),  # insulin treats diabetes
        ("C0011860", "IS_A", "C0011849"),  # type 2 is a diabetes (CHD/isa, PAR/inverse_isa, PAR)
    }
    counts = summary.counts
    assert counts["relations"] == 3  # each relation once per batch
    assert counts["unmapped:RO/clinically_associated_with"] == 1
    assert counts["unmapped:RO"] == 1
    assert counts["relations_unknown_end"] == 1  # malaria has_manifestation fever: fever not loaded
    assert counts["suppressed_relations"] == 1
    rows = embedded.query(
        "MATCH (a:Concept {cui: 'C0008269'})-[r:TREATS]->(b:Concept {cui: 'C0024530'}) RETURN r.source AS source"
    )
    assert rows[0]["source"].startswith("UMLS MED-RT RO/may_")


def test_mrrel_map_only_names_whitelisted_types() -> None:
    assert {rel for rel, _ in MRREL_MAP.values()} <= CONCEPT_RELATIONS


def test_loading_twice_changes_nothing(embedded: GraphStore) -> None:
    load_umls(embedded, DATA, LANGS)
    first = embedded.counts()
    load_umls(embedded, DATA, LANGS)
    assert embedded.counts() == first
    assert first.nodes["Concept"] == 5 and first.nodes["Term"] == 16


def test_languages_filter_terms_but_not_names(embedded: GraphStore) -> None:
    summary = load_umls(embedded, DATA, ["JPN"])
    assert summary.counts["concepts"] == 5
    assert embedded.node_properties("Concept", ["C0024530"])["C0024530"]["name"] == "Malaria"
    assert _terms(embedded, "C0024530") == {("ja", "マラリア")}


def test_unknown_language_code_is_named() -> None:
    with pytest.raises(IngestError, match=r"unknown UMLS language code 'en'; did you mean ENG\?"):
        load_umls(None, DATA, ["en"])  # type: ignore[arg-type]  # fails before touching a store
    with pytest.raises(IngestError, match="'XXX'"):
        load_umls(None, DATA, ["XXX"])  # type: ignore[arg-type]


def test_wrong_field_count_names_file_and_line_and_keeps_what_was_written(embedded: GraphStore, release: Path) -> None:
    load_umls(embedded, DATA, LANGS)
    before = embedded.counts()
    conso = release / "MRCONSO.RRF"
    lines = conso.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "C0011849|ENG|P|L0011849|PF|S0029390|Y|A0040350||M0006111|D003920|MSH|MH|D003920|Diabetes|")
    conso.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"MRCONSO\.RRF:4: expected 18 fields \(CUI\|LAT\|.*found 15"):
        load_umls(embedded, release, LANGS)
    assert embedded.counts() == before


def test_a_bad_line_still_writes_the_concepts_before_it(embedded: GraphStore, release: Path) -> None:
    conso = release / "MRCONSO.RRF"
    with conso.open("a", encoding="utf-8") as out:
        out.write("C0032151|ENG|P|L1|PF|S1|Y|A1||||MSH|MH||Plasmodium vivax|0|N|256\n")  # no final '|'
    with pytest.raises(IngestError, match=r"MRCONSO\.RRF:22: expected 18 fields .* no '\|' after the last one"):
        load_umls(embedded, release, LANGS)
    assert sorted(embedded.node_properties("Concept", LOADED)) == LOADED
    assert embedded.counts().nodes["Term"] == 16


def test_out_of_order_cui_is_refused(embedded: GraphStore, release: Path) -> None:
    conso = release / "MRCONSO.RRF"
    lines = conso.read_text(encoding="utf-8").splitlines()
    lines.append(lines[0])  # Chloroquine again, after Plasmodium falciparum
    conso.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"MRCONSO\.RRF:22: CUI C0008269 comes after C0032150: .*sorted by CUI"):
        load_umls(embedded, release, LANGS)
    assert sorted(embedded.node_properties("Concept", LOADED)) == LOADED  # the groups before it


def test_bad_cui_names_the_field(embedded: GraphStore, release: Path) -> None:
    rel = release / "MRREL.RRF"
    text = rel.read_text(encoding="utf-8")
    rel.write_text(text + "C0011849|A1|AUI|RO|X0011860|A2|AUI|isa|R1||MSH|MSH|||N||\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"MRREL\.RRF:11: CUI2: not a UMLS CUI .*'X0011860'"):
        load_umls(embedded, release, LANGS)
    assert len(_relations(embedded)) == 3  # the relations before the bad line are written


def test_unknown_semantic_type_is_refused(embedded: GraphStore, release: Path) -> None:
    sty = release / "MRSTY.RRF"
    sty.write_text(sty.read_text(encoding="utf-8") + "C0015967|T999|A2.2.2|Nothing|AT1|256|\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"MRSTY\.RRF:9: TUI: not a UMLS semantic type"):
        load_umls(embedded, release, LANGS)


def test_mrrel_is_optional(embedded: GraphStore, release: Path) -> None:
    (release / "MRREL.RRF").unlink()
    summary = load_umls(embedded, release, LANGS)
    assert summary.counts["concepts"] == 5
    assert _relations(embedded) == set()


def test_a_umls_load_after_the_seed_keeps_the_seeds_cross_references(embedded: GraphStore) -> None:
    build_seed(embedded)
    load_umls(embedded, DATA, LANGS)
    rows = embedded.query("MATCH (c:Concept {cui: 'C0024530'}) RETURN c.xrefs AS xrefs")
    assert rows == [{"xrefs": ["ICD10:B54", "MESH:D008288"]}]
