"""Writes that stay exact whoever writes, on both engines: threads of one process writing the same
relationships at once, keys longer than the index handles, and `kg check` finding and
repairing what racing writers or unfindable keys left in older graphs."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg import GraphStore, IngestError
from kg.graph.integrity import check_integrity
from kg.graph.keys import MAX_KEY_BYTES, stored_key
from kg.graph.model import Concept, Document, Link, LocalPractice, Passage, Term
from kg.graph.model.vocabulary import MAX_TERM_CHARS
from kg.linking.fuzzy import FuzzyIndex

# Enough that, without the writer lock, threads' MERGEs overlap on the server: 3,000 gave
# 9,000 DENOTES instead of 3,000 here.
CUIS = [f"C{i:07d}" for i in range(1, 3001)]


def _concepts() -> list[Concept]:
    return [Concept(cui=cui, name=f"concept {cui}", semantic_types=["T047"], source="test") for cui in CUIS]


def _terms(lang: str) -> list[Term]:
    return [Term(text=f"term {cui}", lang=lang, cui=cui, source="test") for cui in CUIS]


def test_threads_writing_the_same_relationships_write_each_once(store: GraphStore) -> None:
    store.upsert(_concepts())
    terms = _terms("en")

    def write(_: int) -> None:
        store.upsert([*terms, *(t.denotes() for t in terms)])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(8)))
    counts = store.counts()
    assert counts.nodes["Term"] == len(CUIS)
    assert counts.relationships["DENOTES"] == len(CUIS)
    assert check_integrity(store).findings == []


def test_a_key_longer_than_the_index_holds_is_written_once_and_found(store: GraphStore) -> None:
    store.upsert(_concepts()[:1])
    texts = ["a" * 5_000, "疟" * 3_000, "b" * MAX_TERM_CHARS]
    terms = [Term(text=text, lang="en", cui=CUIS[0], source="test") for text in texts]
    for _ in range(2):  # a re-run adds nothing
        written = store.upsert([*terms, *(t.denotes() for t in terms)])
        assert written.relationships == len(texts)
    counts = store.counts()
    assert counts.nodes["Term"] == len(texts)
    assert counts.relationships["DENOTES"] == len(texts)
    stored = store.node_properties("Term", [t.key for t in terms])
    for term in terms:
        props = stored[term.key]
        assert props["text"] == term.text  # the full text, not a digest
        assert props["full_key"] == term.key
        assert props["key"] == stored_key(term.key) != term.key
        assert len(props["key"].encode()) <= MAX_KEY_BYTES
    assert check_integrity(store).findings == []


def test_a_long_document_id_gives_one_document_per_rerun(store: GraphStore) -> None:
    key = "doc-" + "x" * 8_000
    document = Document(key=key, title="long id", lang="sw", source="test")
    passage = Passage(doc=key, index=0, text="Malaria ni ugonjwa.", lang="sw")
    link = Link(type="HAS_PASSAGE", start_label="Document", start=key, end_label="Passage", end=passage.key)
    for _ in range(3):
        assert store.upsert([document, passage, link]).relationships == 1
    counts = store.counts()
    assert counts.nodes == {"Document": 1, "Passage": 1}
    assert counts.relationships == {"HAS_PASSAGE": 1}


def test_keys_that_fit_are_stored_as_they_are() -> None:
    for key in ["en:malaria:C0024530", "疟" * 170, "x" * MAX_KEY_BYTES]:
        assert stored_key(key) == key
    assert stored_key("x" * (MAX_KEY_BYTES + 1)) != stored_key("x" * (MAX_KEY_BYTES + 2))


def test_fuzzy_index_takes_forms_of_any_length() -> None:
    # chr(len(form)) tagged the postings: a form over 1,114,111 characters raised, and the
    # lexicon of the whole home could no longer be built.
    index = FuzzyIndex(["malaria", "m" * 1_200_000, "cholera"])
    assert [key_id for key_id, _ in index.search("malarai", cutoff=70)] == [0]
    assert index.search("m" * 1_200_000) == []


def test_check_finds_and_repairs_duplicates_and_orphan_terms(store: GraphStore) -> None:
    concepts = _concepts()[:3]
    terms = _terms("sw")[:3]
    practice = [
        LocalPractice(
            head=CUIS[0],
            tail=CUIS[1],
            kind=kind,
            region="KE",
            lang="sw",
            statement="s",
            statement_local="s",
            source="t",
        )
        for kind in ("first_line_treatment", "screening")
    ]
    store.upsert([*concepts, *terms, *(t.denotes() for t in terms), *practice])
    before = store.counts()
    # Two parallel LOCAL_PRACTICE edges of different kinds are data, not duplicates.
    assert check_integrity(store).findings == []
    # What racing writers left: copies of relationships; and a term that denotes nothing.
    store.query("MATCH (t:Term)-[:DENOTES]->(c:Concept) CREATE (t)-[:DENOTES]->(c)")
    store.query(
        "MATCH (a:Concept)-[r:LOCAL_PRACTICE]->(b:Concept) WHERE r.key STARTS WITH 'screening' "
        "CREATE (a)-[:LOCAL_PRACTICE {key: r.key}]->(b)"
    )
    store.query("CREATE (:Term {key: 'sw:yatima:C9999999', text: 'yatima', lang: 'sw'})")

    found = check_integrity(store)
    assert {(f.kind, f.type, f.count, f.repaired) for f in found.findings} == {
        ("duplicate_relationships", "DENOTES", 3, 0),
        ("duplicate_relationships", "LOCAL_PRACTICE", 1, 0),
        ("orphan_terms", "Term", 1, 0),
    }
    assert not found.clean

    repaired = check_integrity(store, repair=True)
    assert repaired.clean and all(f.repaired == f.count for f in repaired.findings)
    assert store.counts() == before
    assert check_integrity(store).findings == []


def test_an_absurdly_long_term_is_refused_with_file_line_and_field(store: GraphStore, tmp_path: Path) -> None:
    from ingest.lexicon import load_lexicon

    store.upsert(_concepts()[:1])
    path = tmp_path / "terms.jsonl"
    rows = [
        {"cui": CUIS[0], "lang": "en", "text": text, "source": "t"} for text in ("fever", "x" * (MAX_TERM_CHARS + 1))
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        load_lexicon(store, path)
    message = str(raised.value)
    assert message.startswith(f"{path}:2: text: ") and len(message) < len(str(path)) + 200
    assert store.counts().relationships == {"DENOTES": 1}  # the row before it is kept


def test_a_reader_that_builds_terms_itself_stores_a_long_one_instead_of_crashing(
    store: GraphStore, tmp_path: Path
) -> None:
    from ingest.obo import load_obo

    path = tmp_path / "long.obo"
    name = "x" * (MAX_TERM_CHARS + 1)
    path.write_text(f"format-version: 1.2\n\n[Term]\nid: HP:0000001\nname: {name}\nxref: UMLS:C0000001\n")
    load_obo(store, path, tui="T184")
    assert store.counts().nodes["Term"] == 1
    assert check_integrity(store).findings == []
