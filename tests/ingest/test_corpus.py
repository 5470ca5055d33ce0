"""Document corpora into the graph: documents, passages cut at natural boundaries,
HAS_PASSAGE and MENTIONS from a finder, idempotence and malformed lines."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.corpus import chunk_text, load_corpus
from kg import GraphStore, IngestError
from kg.graph.model import Concept, stable_hash

DATA = Path(__file__).parent / "data" / "corpus.jsonl"
SURFACES = {
    "Malaria": "C0024530",
    "malaria": "C0024530",
    "疟疾": "C0024530",
    "Chloroquine": "C0008269",
    "氯喹": "C0008269",
    "Kisukari": "C0011849",
    "insulini": "C0021641",
    "artemether-lumefantrine": "MC000001",  # not in the graph of these tests
}


def find(text: str, lang: str) -> Iterator[tuple[str, str, int]]:
    """Every occurrence of every known surface (a stand-in for the real mention finder)."""
    for surface, cui in SURFACES.items():
        start = text.find(surface)
        while start >= 0:
            yield cui, surface, start
            start = text.find(surface, start + 1)


@pytest.fixture
def concepts(embedded: GraphStore) -> GraphStore:
    names = {"C0024530": "Malaria", "C0008269": "Chloroquine", "C0011849": "Diabetes Mellitus", "C0021641": "Insulin"}
    embedded.upsert_nodes(
        Concept(cui=cui, name=name, semantic_types=["T047"], source="test") for cui, name in names.items()
    )
    return embedded


def _passages(store: GraphStore, doc: str) -> list[str]:
    rows = store.query(
        "MATCH (d:Document {key: $doc})-[h:HAS_PASSAGE]->(p:Passage) RETURN p.index AS i, p.text AS text ORDER BY i",
        {"doc": doc},
    )
    return [row["text"] for row in rows]


def _mentions(store: GraphStore) -> set[tuple[str, str, str, int]]:
    rows = store.query(
        "MATCH (p:Passage)-[m:MENTIONS]->(c:Concept) "
        "RETURN p.key AS passage, c.cui AS cui, m.surface AS surface, m.start_char AS start"
    )
    return {(row["passage"], row["cui"], row["surface"], row["start"]) for row in rows}


def test_documents_passages_and_mentions_land_in_the_graph(concepts: GraphStore) -> None:
    summary = load_corpus(concepts, DATA, find, max_chars=120)
    docs = concepts.node_properties("Document", ["who-malaria-2023"])
    assert docs["who-malaria-2023"]["region"] == "KE"
    assert _passages(concepts, "who-malaria-2023") == [
        "Malaria is caused by Plasmodium parasites. It is spread by mosquitoes.",
        "Uncomplicated malaria is treated with artemether-lumefantrine. "
        "Chloroquine still treats vivax malaria in some regions.",
    ]
    swahili = stable_hash("Test leaflet (sw)", "Kisukari")  # no id: source and title
    assert concepts.node_properties("Document", [swahili])[swahili]["lang"] == "sw"
    mentions = _mentions(concepts)
    assert ("who-malaria-2023#0", "C0024530", "Malaria", 0) in mentions
    # "malaria" twice in passage 1: one MENTIONS per surface, at its first occurrence.
    assert ("who-malaria-2023#1", "C0024530", "malaria", 14) in mentions
    assert (f"{swahili}#0", "C0021641", "insulini", 67) in mentions
    chinese = stable_hash("测试资料", "疟疾防治")
    assert (f"{chinese}#0", "C0008269", "氯喹", 14) in mentions
    counts = summary.counts
    assert counts["documents"] == 3 and counts["passages"] == 4 and counts["passage_links"] == 4
    assert counts["mentions_unknown_concept"] == 1  # artemether-lumefantrine: not in this graph
    assert counts["mentions"] == len(mentions)


def test_loading_twice_changes_nothing(concepts: GraphStore) -> None:
    load_corpus(concepts, DATA, find)
    first = concepts.counts()
    load_corpus(concepts, DATA, find)
    assert concepts.counts() == first
    assert first.nodes["Document"] == 3 and first.nodes["Passage"] == 3  # 800 characters: one passage each


def test_a_changed_document_leaves_no_stale_passages_or_mentions(concepts: GraphStore, tmp_path: Path) -> None:
    load_corpus(concepts, DATA, find, max_chars=120)  # who-malaria-2023 in two passages
    changed = json.loads(DATA.read_text(encoding="utf-8").splitlines()[0])
    changed["content"] = "Diabetes care: Kisukari."
    path = tmp_path / "changed.jsonl"
    path.write_text(json.dumps(changed) + "\n", encoding="utf-8")
    load_corpus(concepts, path, find, max_chars=120)
    assert _passages(concepts, "who-malaria-2023") == ["Diabetes care: Kisukari."]
    assert not concepts.node_properties("Passage", ["who-malaria-2023#1"])
    mine = {m for m in _mentions(concepts) if m[0].startswith("who-malaria-2023")}
    assert mine == {("who-malaria-2023#0", "C0011849", "Kisukari", 15)}


def test_a_document_listed_twice_is_written_once(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "twice.jsonl"
    line = DATA.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(f"{line}\n{line}\n", encoding="utf-8")
    summary = load_corpus(concepts, path, find)
    assert summary.counts["documents"] == 1
    assert concepts.counts().relationships["HAS_PASSAGE"] == 1


def test_bad_json_names_file_and_line_and_keeps_the_documents_before(concepts: GraphStore, tmp_path: Path) -> None:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([lines[0], lines[1], '{"title": "broken"', lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"corpus\.jsonl:3: not valid JSON"):
        load_corpus(concepts, path, find)
    assert concepts.counts().nodes["Document"] == 2


def test_missing_field_is_named(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"title": "t", "content": "c", "lang": "en"}) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"corpus\.jsonl:1: source: Field required"):
        load_corpus(concepts, path, find)


def test_chunks_break_at_paragraphs_then_sentences_then_spaces() -> None:
    text = "First sentence here. Second one!\n\nA new paragraph? Yes."
    assert chunk_text(text, 100, "en") == [text]
    assert chunk_text(text, 40, "en") == ["First sentence here. Second one!", "A new paragraph? Yes."]
    assert chunk_text(text, 25, "en") == ["First sentence here.", "Second one!", "A new paragraph? Yes."]
    assert chunk_text(text, 12, "en") == ["First", "sentence", "here.", "Second one!", "A new", "paragraph?", "Yes."]


def test_words_are_never_cut_in_spaced_languages() -> None:
    assert chunk_text("artemether-lumefantrine works", 10, "en") == ["artemether-lumefantrine", "works"]


def test_chinese_breaks_at_sentence_ends_then_anywhere() -> None:
    text = "疟疾是由疟原虫引起的传染病。氯喹可用于治疗间日疟。"
    assert chunk_text(text, 15, "zh") == ["疟疾是由疟原虫引起的传染病。", "氯喹可用于治疗间日疟。"]
    pieces = chunk_text(text, 5, "zh")
    assert "".join(pieces) == text and all(len(piece) <= 5 for piece in pieces)


def test_thai_breaks_at_spaces_and_keeps_vowels_with_their_consonant() -> None:
    text = "ไข้มาลาเรียเป็นโรคติดเชื้อ ติดต่อโดยยุง"
    assert chunk_text(text, 30, "th") == ["ไข้มาลาเรียเป็นโรคติดเชื้อ", "ติดต่อโดยยุง"]  # at the space
    pieces = chunk_text(text, 4, "th")
    assert "".join(pieces) == text.replace(" ", "") and all(len(piece) <= 4 for piece in pieces)
    for piece in pieces:
        assert piece[-1] not in "เแโใไ"  # a leading vowel stays with the consonant after it
        assert not unicodedata.category(piece[0]).startswith("M")  # a mark stays with the one before
