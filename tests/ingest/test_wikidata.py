"""Wikidata entities with a UMLS CUI into the graph: the dump's line format, JSONL, gzip and
bzip2 (several streams), SPARQL JSON results, languages, ranks, skipped entities and
malformed files.

tests/ingest/data/wikidata-dump.json is an excerpt in the dump's format (no network here, so
it was written from Wikidata as the author knows it, not cut from a dump): real items, CUIs,
MeSH ids, ICD-10 blocks and labels, with statement ids, references and sitelinks left out.
wikidata-sparql.json holds the same entities as the query service returns them for
MEDICAL_SUBSET_QUERY.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
from pathlib import Path

import pytest

from ingest.languages import term_language, term_text
from ingest.wikidata import load_wikidata
from ingest.wikidata_read import MEDICAL_SUBSET_QUERY, QUERY_VARIABLES
from kg import GraphStore, IngestError
from kg.graph.model import Concept

DATA = Path(__file__).parent / "data"
DUMP, SPARQL = DATA / "wikidata-dump.json", DATA / "wikidata-sparql.json"
MALARIA, TUBERCULOSIS, FEVER, INFLUENZA = "C0024530", "C0041296", "C0015967", "C0021400"
CUIS = [MALARIA, TUBERCULOSIS, FEVER, "C0011849", "C0032285", INFLUENZA, "C0030193", "C0002871"]


def _terms(store: GraphStore, cui: str) -> set[tuple[str, str]]:
    rows = store.query(
        "MATCH (t:Term)-[d:DENOTES]->(c:Concept {cui: $cui}) RETURN t.lang AS lang, t.text AS text", {"cui": cui}
    )
    return {(row["lang"], row["text"]) for row in rows}


def _vocabulary(store: GraphStore) -> tuple[set[tuple[str, ...]], set[tuple[str, str, str]]]:
    concepts = store.query("MATCH (c:Concept) RETURN c.cui AS cui, c.name AS name, c.xrefs AS xrefs")
    terms = store.query("MATCH (t:Term)-[d:DENOTES]->(c:Concept) RETURN c.cui AS cui, t.lang AS lang, t.text AS text")
    return (
        {(row["cui"], row["name"], *sorted(row["xrefs"])) for row in concepts},
        {(row["cui"], row["lang"], row["text"]) for row in terms},
    )


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_dump_entities_become_concepts_of_their_cui(embedded: GraphStore) -> None:
    summary = load_wikidata(embedded, DUMP, tui="T047")
    concepts = embedded.node_properties("Concept", CUIS)
    assert sorted(concepts) == sorted(CUIS)
    malaria = concepts[MALARIA]
    assert (malaria["name"], malaria["semantic_types"], malaria["source"]) == (
        "malaria",
        ["T047"],
        "Wikidata Q12156, CC0",
    )
    assert malaria["xrefs"] == ["WIKIDATA:Q12156", "ICD10:B50-B54", "MESH:D008288"]
    assert _terms(embedded, MALARIA) == {
        ("en", "malaria"),
        ("en", "paludism"),
        ("zh", "疟疾"),  # zh and zh-hant (瘧疾) are one simplified term
        ("ja", "マラリア"),
        ("ko", "말라리아"),
        ("th", "มาลาเรีย"),
        ("sw", "Malaria"),
    }
    assert ("zh", "流感") in _terms(embedded, INFLUENZA) and ("ko", "독감") in _terms(embedded, INFLUENZA)
    term = embedded.node_properties("Term", ["ko:독감:C0021400"])["ko:독감:C0021400"]
    assert term["source"] == "Wikidata Q2840, CC0"
    assert summary.counts["concepts"] == 8
    assert summary.counts["entities_without_cui"] == 1  # Douglas Adams (Q42)
    assert embedded.query("MATCH (t:Term) WHERE t.text IN ['瘧疾', '結核病', '發熱'] RETURN t.key AS key") == []


def test_a_concept_already_in_the_graph_keeps_its_record_and_gains_xrefs_and_terms(embedded: GraphStore) -> None:
    seed = Concept(cui=FEVER, name="Fever", semantic_types=["T184"], source="seed", xrefs=["ICD10:R50"])
    embedded.upsert_nodes([seed])
    summary = load_wikidata(embedded, DUMP)  # no tui: new CUIs have no type and are skipped
    fever = embedded.node_properties("Concept", [FEVER])[FEVER]
    assert (fever["name"], fever["semantic_types"], fever["source"]) == ("Fever", ["T184"], "seed")
    assert fever["xrefs"] == ["ICD10:R50", "WIKIDATA:Q38933", "MESH:D005334"]
    assert {("zh", "发热"), ("zh", "发烧"), ("sw", "Homa"), ("en", "pyrexia")} <= _terms(embedded, FEVER)
    assert summary.counts["concepts_existing"] == 1
    assert summary.counts["concepts_without_semantic_type"] == 7
    assert embedded.counts().nodes["Concept"] == 1


def test_an_entitys_class_gives_its_semantic_type(embedded: GraphStore, tmp_path: Path) -> None:
    entity = json.loads(_lines(DUMP)[7].removesuffix(","))  # influenza
    assert entity["id"] == "Q2840"
    disease = {"value": {"entity-type": "item", "numeric-id": 12136, "id": "Q12136"}, "type": "wikibase-entityid"}
    entity["claims"]["P31"] = [{"mainsnak": {"snaktype": "value", "property": "P31", "datavalue": disease}}]
    path = tmp_path / "entities.jsonl"
    path.write_text(json.dumps(entity, ensure_ascii=False) + "\n", encoding="utf-8")
    load_wikidata(embedded, path)
    assert embedded.node_properties("Concept", [INFLUENZA])[INFLUENZA]["semantic_types"] == ["T047"]


def test_sparql_results_load_the_same_vocabulary_as_the_dump(embedded: GraphStore) -> None:
    load_wikidata(embedded, DUMP, tui="T047")
    from_dump = _vocabulary(embedded)
    embedded.clear()
    summary = load_wikidata(embedded, SPARQL, tui="T047")
    assert _vocabulary(embedded) == from_dump
    assert summary.counts["concepts"] == 8


def test_compressed_dumps_with_several_streams_and_jsonl_load_alike(embedded: GraphStore, tmp_path: Path) -> None:
    load_wikidata(embedded, DUMP, tui="T047")
    expected = _vocabulary(embedded)
    raw = DUMP.read_bytes()
    half = raw.index(b"\n", len(raw) // 2) + 1
    variants = {
        "dump.json.gz": gzip.compress(raw[:half]) + gzip.compress(raw[half:]),
        "dump.json.bz2": bz2.compress(raw[:half]) + bz2.compress(raw[half:]),  # as parallel bzip2 writes it
        "entities.jsonl": "".join(line.removesuffix(",") + "\n" for line in _lines(DUMP)[1:-1]).encode(),
    }
    for name, content in variants.items():
        embedded.clear()
        path = tmp_path / name
        path.write_bytes(content)
        summary = load_wikidata(embedded, path, tui="T047")
        assert _vocabulary(embedded) == expected, name
        assert summary.counts["entities_without_cui"] == 1, name


def test_loading_twice_changes_nothing(embedded: GraphStore) -> None:
    load_wikidata(embedded, DUMP, tui="T047")
    first = embedded.counts()
    summary = load_wikidata(embedded, DUMP, tui="T047")
    assert embedded.counts() == first
    assert summary.counts["terms"] == 0 and summary.counts["terms_existing"] == embedded.counts().nodes["Term"]
    assert summary.counts["concepts_existing"] == 8


def _rewritten(tmp_path: Path, index: int, change) -> Path:  # type: ignore[no-untyped-def]
    lines = _lines(DUMP)
    entity = json.loads(lines[index].removesuffix(","))
    change(entity)
    lines[index] = json.dumps(entity, ensure_ascii=False) + ","
    path = tmp_path / "dump.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _statement(value: str, rank: str = "normal") -> dict[str, object]:
    snak = {"snaktype": "value", "property": "P2892", "datavalue": {"value": value, "type": "string"}}
    return {"mainsnak": snak, "type": "statement", "rank": rank}


def test_deprecated_cuis_are_ignored_and_several_cuis_skip_the_entity(embedded: GraphStore, tmp_path: Path) -> None:
    def wrong_cui_deprecated(entity: dict) -> None:  # type: ignore[type-arg]
        entity["claims"]["P2892"].append(_statement(MALARIA, "deprecated"))

    load_wikidata(embedded, _rewritten(tmp_path, 4, wrong_cui_deprecated), tui="T047")  # fever
    assert ("en", "fever") in _terms(embedded, FEVER) and ("en", "fever") not in _terms(embedded, MALARIA)

    def pulmonary_too(entity: dict) -> None:  # type: ignore[type-arg]
        entity["claims"]["P2892"].append(_statement("C0041327"))  # Tuberculosis, Pulmonary: narrower

    embedded.clear()
    summary = load_wikidata(embedded, _rewritten(tmp_path, 3, pulmonary_too), tui="T047")  # tuberculosis
    assert summary.counts["entities_several_cuis"] == 1
    assert embedded.node_properties("Concept", [TUBERCULOSIS, "C0041327"]) == {}


def test_a_malformed_line_names_file_and_line_and_keeps_what_was_written(embedded: GraphStore, tmp_path: Path) -> None:
    lines = _lines(DUMP)
    diabetes = lines[5]
    lines[5] = diabetes.replace('"claims":', '"claims"', 1)
    path = tmp_path / "latest-all.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"latest-all\.json:6: not valid JSON: Expecting ':' delimiter at column \d+"):
        load_wikidata(embedded, path, tui="T047")
    assert sorted(embedded.node_properties("Concept", CUIS)) == sorted([MALARIA, TUBERCULOSIS, FEVER])
    lines[5] = diabetes[:200]  # cut short
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"latest-all\.json:6: not an entity: expected one JSON object a line"):
        load_wikidata(embedded, path, tui="T047")


def test_a_bad_claim_names_its_field(embedded: GraphStore, tmp_path: Path) -> None:
    def numeric(entity: dict) -> None:  # type: ignore[type-arg]
        entity["claims"]["P2892"][0]["mainsnak"]["datavalue"]["value"] = 24530

    with pytest.raises(IngestError, match=r"dump\.json:2: claims\.P2892: expected a string value"):
        load_wikidata(embedded, _rewritten(tmp_path, 1, numeric), tui="T047")

    def no_rank(entity: dict) -> None:  # type: ignore[type-arg]
        entity["claims"]["P2892"][0]["rank"] = "best"

    with pytest.raises(IngestError, match=r"dump\.json:2: claims\.P2892\.0\.rank: "):
        load_wikidata(embedded, _rewritten(tmp_path, 1, no_rank), tui="T047")


def test_malformed_sparql_results_name_file_and_line(embedded: GraphStore, tmp_path: Path) -> None:
    lines = _lines(SPARQL)
    influenza = next(i for i, line in enumerate(lines) if "/Q2840" in line)
    broken = [*lines[: influenza + 1], lines[influenza + 1].removesuffix(","), *lines[influenza + 2 :]]
    path = tmp_path / "query.json"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=rf"query\.json:{influenza + 3}: not valid JSON: Expecting ',' delimiter"):
        load_wikidata(embedded, path, tui="T047")
    written = embedded.node_properties("Concept", CUIS)
    assert MALARIA in written and INFLUENZA not in written  # the entities before the bad row

    path.write_text(SPARQL.read_text(encoding="utf-8").replace('"item", "cui", ', ""), encoding="utf-8")
    with pytest.raises(IngestError, match=r"query\.json: head\.vars: expected the README query's"):
        load_wikidata(embedded, path, tui="T047")
    path.write_text(SPARQL.read_text(encoding="utf-8").replace("entity/Q12156", "wiki/Q12156"), encoding="utf-8")
    with pytest.raises(IngestError, match=r"query\.json:6: item: expected a Wikidata item IRI"):
        load_wikidata(embedded, path, tui="T047")


def test_a_cut_short_download_is_an_error(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "latest-all.json.gz"
    path.write_bytes(gzip.compress(DUMP.read_bytes())[:-40])
    with pytest.raises(IngestError, match=r"latest-all\.json\.gz: the gzip data is cut short"):
        load_wikidata(embedded, path, tui="T047")


def test_unknown_semantic_type_or_language_is_refused() -> None:
    with pytest.raises(IngestError, match="not a UMLS semantic type: 'T999'"):
        load_wikidata(None, DUMP, tui="T999")  # type: ignore[arg-type]  # fails before touching a store
    with pytest.raises(IngestError, match="not ISO 639-1 language codes: xx"):
        load_wikidata(None, DUMP, langs=["en", "xx"])  # type: ignore[arg-type]


def test_the_query_selects_what_the_reader_reads() -> None:
    select = re.search(r"SELECT (.*) WHERE", MEDICAL_SUBSET_QUERY)
    assert select is not None and select.group(1).split() == [f"?{name}" for name in QUERY_VARIABLES]
    assert json.loads(SPARQL.read_text(encoding="utf-8"))["head"]["vars"] == list(QUERY_VARIABLES)
    for prop in ("wdt:P2892", "wdt:P494", "wdt:P486", "wdt:P31", "rdfs:label", "skos:altLabel", "ORDER BY ?item"):
        assert prop in MEDICAL_SUBSET_QUERY
    assert '"zh-hant"' in MEDICAL_SUBSET_QUERY and '"yo"' in MEDICAL_SUBSET_QUERY
    assert "zh-min-nan" not in MEDICAL_SUBSET_QUERY


def test_chinese_variants_are_zh_in_simplified_characters() -> None:
    langs = ["en", "zh", "ja"]
    assert [term_language(tag, langs) for tag in ("zh", "zh-hant", "zh-TW", "zh-hans", "ja")] == [
        "zh",
        "zh",
        "zh",
        "zh",
        "ja",
    ]
    assert [term_language(tag, langs) for tag in ("zh-min-nan", "zh-yue", "zh-classical", "en-gb", "ko")] == [None] * 5
    assert term_text("zh", " 瘧疾 ") == "疟疾" and term_text("ja", "瘧疾") == "瘧疾"
