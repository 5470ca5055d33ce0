"""Plain CSV/JSONL lexicons into the graph: terms onto existing concepts, sources and
statuses, a BOM, idempotence, and unknown CUIs or malformed rows named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.lexicon import load_lexicon
from kg import GraphStore, IngestError
from kg.graph.model import Concept

DATA = Path(__file__).parent / "data"
MALARIA, DIABETES = "C0024530", "C0011849"


@pytest.fixture
def concepts(embedded: GraphStore) -> GraphStore:
    embedded.upsert_nodes(
        [
            Concept(cui=MALARIA, name="Malaria", semantic_types=["T047"], source="test"),
            Concept(cui=DIABETES, name="Diabetes Mellitus", semantic_types=["T047"], source="test"),
        ]
    )
    return embedded


def _terms(store: GraphStore) -> dict[str, dict[str, str]]:
    rows = store.query(
        "MATCH (t:Term)-[d:DENOTES]->(c:Concept) RETURN t.key AS key, t.source AS source, t.status AS status, "
        "c.cui AS cui"
    )
    return {row["key"]: {"source": row["source"], "status": row["status"], "cui": row["cui"]} for row in rows}


def test_csv_terms_land_on_their_concepts(concepts: GraphStore) -> None:
    summary = load_lexicon(concepts, DATA / "lexicon.csv")
    terms = _terms(concepts)
    assert set(terms) == {
        "sw:homa ya malaria:C0024530",
        "ko:말라리아:C0024530",
        "ko:당뇨병:C0011849",
        "th:โรคเบาหวาน:C0011849",
        "yo:àtọ̀gbẹ, ìtọ̀ ṣúgà:C0011849",  # a quoted field with a comma
    }
    assert terms["sw:homa ya malaria:C0024530"]["source"] == "Kamusi ya Tiba (test lexicon)"
    assert terms["ko:말라리아:C0024530"]["source"] == "lexicon lexicon.csv"  # empty source: the file's name
    assert terms["yo:àtọ̀gbẹ, ìtọ̀ ṣúgà:C0011849"]["status"] == "learned"
    assert summary.counts == {"terms": 4, "concept_links": 5, "learned_terms": 1}


def test_jsonl_terms_and_learned_terms_never_overwrite_curated_ones(concepts: GraphStore) -> None:
    load_lexicon(concepts, DATA / "lexicon.csv")
    summary = load_lexicon(concepts, DATA / "lexicon.jsonl")
    terms = _terms(concepts)
    assert terms["th:ไข้มาลาเรีย:C0024530"]["source"] == "Thai test lexicon"
    assert terms["sw:kisukari:C0011849"]["source"] == "lexicon lexicon.jsonl"
    # The learned 말라리아 of the JSONL file met the curated one of the CSV file: unchanged.
    assert terms["ko:말라리아:C0024530"] == {"source": "lexicon lexicon.csv", "status": "curated", "cui": MALARIA}
    assert summary.counts["learned_terms"] == 1


def test_loading_twice_changes_nothing(concepts: GraphStore) -> None:
    load_lexicon(concepts, DATA / "lexicon.csv")
    load_lexicon(concepts, DATA / "lexicon.jsonl")
    first = concepts.counts()
    load_lexicon(concepts, DATA / "lexicon.csv")
    load_lexicon(concepts, DATA / "lexicon.jsonl")
    assert concepts.counts() == first
    assert first.nodes["Term"] == 7


def test_repeated_rows_are_one_term(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("cui,lang,text\nC0024530,sw,malaria\nC0024530,sw,malaria\n", encoding="utf-8")
    load_lexicon(concepts, path)
    assert concepts.counts().relationships["DENOTES"] == 1


def test_unknown_cui_names_file_and_line_after_writing_the_rows_before(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "lexicon.csv"
    path.write_text(
        "cui,lang,text\nC0024530,sw,malaria\nC0011849,sw,kisukari\nC9999999,sw,homa\nC0024530,sw,homa\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"lexicon\.csv:4: cui: concept C9999999 is not in the graph"):
        load_lexicon(concepts, path)
    assert set(_terms(concepts)) == {"sw:malaria:C0024530", "sw:kisukari:C0011849"}


def test_unknown_cui_in_jsonl(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "lexicon.jsonl"
    path.write_text(
        '{"cui": "C0024530", "lang": "sw", "text": "malaria"}\n\n{"cui": "C9999999", "lang": "sw", "text": "homa"}\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"lexicon\.jsonl:3: cui: concept C9999999"):
        load_lexicon(concepts, path)
    assert set(_terms(concepts)) == {"sw:malaria:C0024530"}


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("bad.csv", "cui,lang,text\nC0024530,swahili,malaria\n", r"bad\.csv:2: lang: String should match"),
        ("bad.csv", "cui,lang,text\nC0024530,sw\n", r"bad\.csv:2: expected 3 fields \(cui,lang,text\), found 2"),
        ("bad.csv", 'cui,lang,text\nC0024530,sw,"mal"aria"\n', r"bad\.csv:2: not valid CSV"),
        ("bad.csv", "cui,language,text\n", r"bad\.csv:1: header must name cui,lang,text"),
        ("bad.csv", "", r"bad\.csv: empty file"),
        ("bad.jsonl", '{"cui": "C0024530", "lang": "sw", "text": "malaria"\n', r"bad\.jsonl:1: not valid JSON"),
        ("bad.jsonl", '{"cui": "C0024530", "lang": "sw", "text": " "}\n', r"bad\.jsonl:1: text: String should have"),
        ("bad.jsonl", '{"cui": "C0024530", "lang": "sw", "txt": "x"}\n', r"bad\.jsonl:1: text: Field required"),
        ("bad.txt", "", r"bad\.txt: a lexicon is a \.csv or \.jsonl file"),
    ],
)
def test_malformed_rows_name_file_line_and_field(
    concepts: GraphStore, tmp_path: Path, name: str, text: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=problem):
        load_lexicon(concepts, path)


def test_a_bad_row_keeps_the_rows_before(concepts: GraphStore, tmp_path: Path) -> None:
    load_lexicon(concepts, DATA / "lexicon.csv")
    before = concepts.counts()
    path = tmp_path / "more.csv"
    path.write_text("cui,lang,text\nC0024530,yo,ibà\nC0024530,yo\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"more\.csv:3: expected 3 fields"):
        load_lexicon(concepts, path)
    assert concepts.counts().nodes["Term"] == before.nodes["Term"] + 1  # ibà, from the line before
