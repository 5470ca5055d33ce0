"""Every ingest format keeps the README's promise for any text and any bad row.

Rows of random Unicode (astral characters, combining marks, right-to-left text, control
characters), Cypher-looking text and long strings go through each format of `medcore ingest`
into the real embedded store, some rows made bad (a NUL or U+0001 the store cannot hold, a
concept that is not in the graph). Then: without a bad row every row is stored verbatim; with
one, the load stops at the first with `file:line: field:`, every row before it is stored
verbatim and none after it, and nothing else is created (no other labels).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.corpus import load_corpus
from ingest.lexicon import load_lexicon
from ingest.obo import load_obo, obo_concept_id
from ingest.umls import load_umls
from ingest.vocabulary import load_concepts, load_practice, load_relations
from ingest.wikidata import load_wikidata
from kg import GraphStore, IngestError, load_settings, open_store
from kg.graph.model import Concept

ANCHOR, OTHER, ABSENT = "C0000001", "C0000002", "C0999999"
CYPHERISH = [
    '"})-[:X]->(n) DETACH DELETE n //',
    "'}) MATCH (n) DETACH DELETE n //",
    "`Term` {key: 'x'}) RETURN 1 //",
    "\\' OR 1=1 --",
    '$rows" + "',
    "DETACH DELETE",
    "CALL db.labels()",
]
# Line breaks end a row in every format; the rest of Unicode (surrogates aside) may appear.
_CHARS = st.characters(codec="utf-8", exclude_characters="\n\r\x00\x01")
_SPECIAL = st.sampled_from(
    ["\U0001f9a0", "\U00020000", "e\u0301", "\u0e40\u0e01", "\u05e9\u05dc\u05d5\u05dd", "\u202e", "\t", "\x1b", "\\"]
)
_CORE = st.one_of(
    st.text(_CHARS, max_size=30),
    st.lists(st.one_of(st.text(_CHARS, max_size=5), _SPECIAL), max_size=8).map("".join),
    st.sampled_from(CYPHERISH),
    st.integers(200, 990).map(lambda n: "x" * n),
)
# Letters at both ends: formats strip the white space around a value.
TEXT = _CORE.map(lambda core: f"a{core}z")


@dataclass(frozen=True)
class Row:
    text: str
    bad: str | None  # None, "nul", "soh" or "absent" (a concept the graph lacks)

    def value(self) -> str:
        if self.bad == "nul":
            return self.text[:1] + "\x00" + self.text[1:]
        if self.bad == "soh":
            return self.text[:-1] + "\x01" + self.text[-1:]
        return self.text

    def cui(self, index: int) -> str:
        return ABSENT if self.bad == "absent" else ANCHOR


def rows(bad: tuple[str, ...]) -> st.SearchStrategy[list[Row]]:
    row = st.builds(Row, TEXT, st.one_of(st.none(), st.none(), st.none(), st.sampled_from(bad)))
    return st.lists(row, min_size=1, max_size=8)


@pytest.fixture(scope="module")
def graph() -> Iterator[GraphStore]:
    """One embedded store for all examples (each clears it): a server per example is too slow."""
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as home:
        store = open_store(load_settings(home=Path(home)))
        store.batch_size = 3  # bad rows land mid-batch and in later batches
        try:
            yield store
        finally:
            store.close()


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mc-rows-") as directory:
        yield Path(directory)


def _fresh(store: GraphStore) -> None:
    store.clear()
    store.upsert_nodes(
        [
            Concept(cui=ANCHOR, name="anchor", semantic_types=["T047"], source="test"),
            Concept(cui=OTHER, name="other", semantic_types=["T047"], source="test"),
        ]
    )


def _expect(
    load: Callable[[], object], path: Path, data: list[Row], lines: Callable[[int], int], field: Callable[[Row], str]
) -> list[Row]:
    """Run the load; check its error against the first bad row; return the rows that must be stored."""
    first = next((index for index, row in enumerate(data) if row.bad), None)
    if first is None:
        load()
        return data
    with pytest.raises(IngestError) as caught:
        load()
    message = str(caught.value)
    assert message.startswith(f"{path}:{lines(first)}: {field(data[first])}"), message
    assert len(message) < 400  # no long echo of the row
    return data[:first]


def _values(store: GraphStore, cypher: str) -> list[str]:
    return sorted(row["v"] for row in store.query(cypher))


def _labels(store: GraphStore) -> set[str]:
    return set(store.counts().nodes)


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(data=rows(("nul", "soh", "absent")), csv_format=st.booleans())
def test_lexicon(graph: GraphStore, workdir: Path, data: list[Row], csv_format: bool) -> None:
    import csv
    import io

    _fresh(graph)
    if csv_format:
        path = workdir / "lexicon.csv"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["cui", "lang", "text"])
        writer.writerows([row.cui(i), "en", row.value()] for i, row in enumerate(data))
        path.write_text(out.getvalue(), encoding="utf-8")
        line = lambda i: i + 2  # noqa: E731
    else:
        path = workdir / "lexicon.jsonl"
        records = [{"cui": row.cui(i), "lang": "en", "text": row.value()} for i, row in enumerate(data)]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        line = lambda i: i + 1  # noqa: E731
    kept = _expect(
        lambda: load_lexicon(graph, path), path, data, line, lambda row: "cui" if row.bad == "absent" else "text"
    )
    assert _values(graph, "MATCH (t:Term)-[:DENOTES]->(:Concept) RETURN t.text AS v") == sorted(
        {row.text for row in kept}
    )
    assert _labels(graph) <= {"Concept", "Term"}


def _practice(row: Row, index: int, which: str) -> dict[str, str]:
    head, tail = (row.cui(index), OTHER) if which == "head" else (ANCHOR, row.cui(index))
    return {
        "head": head,
        "tail": tail,
        "kind": "referral",
        "region": "KE",
        "lang": "sw",
        "statement": row.value(),
        "statement_local": f"local {index}",
        "source": "test",
    }


@PROPERTY
@given(data=rows(("nul", "soh", "absent")), which=st.sampled_from(["head", "tail"]))
def test_practice(graph: GraphStore, workdir: Path, data: list[Row], which: str) -> None:
    _fresh(graph)
    path = workdir / "practice.jsonl"
    # One fact per line: the kind:region:lang key differs by language, so each row is its own edge.
    records = []
    for index, row in enumerate(data):
        record = _practice(row, index, which)
        record["lang"] = "abcdefghij"[index] * 2
        records.append(record)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kept = _expect(
        lambda: load_practice(graph, path),
        path,
        data,
        lambda i: i + 1,
        lambda row: which if row.bad == "absent" else "statement",
    )
    assert _values(graph, "MATCH ()-[r:LOCAL_PRACTICE]->() RETURN r.statement AS v") == sorted(r.text for r in kept)
    assert _labels(graph) == {"Concept"}


@PROPERTY
@given(data=rows(("nul", "soh", "absent")))
def test_relations(graph: GraphStore, workdir: Path, data: list[Row]) -> None:
    _fresh(graph)
    path = workdir / "relations.jsonl"
    rels = ["IS_A", "PART_OF", "TREATS", "PREVENTS", "CAUSES", "HAS_SYMPTOM", "DIAGNOSED_BY", "ASSOCIATED_WITH"]
    records = [{"head": OTHER, "rel": rels[i], "tail": row.cui(i), "source": row.value()} for i, row in enumerate(data)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kept = _expect(
        lambda: load_relations(graph, path),
        path,
        data,
        lambda i: i + 1,
        lambda row: "tail" if row.bad == "absent" else "source",
    )
    assert _values(graph, "MATCH (:Concept)-[r]->(:Concept) RETURN r.source AS v") == sorted(r.text for r in kept)
    assert _labels(graph) == {"Concept"}


@PROPERTY
@given(data=rows(("nul", "soh")))
def test_concepts(graph: GraphStore, workdir: Path, data: list[Row]) -> None:
    graph.clear()
    path = workdir / "concepts.jsonl"
    records = [
        {
            "cui": f"C{i + 10:07d}",
            "name": row.value(),
            "semantic_types": ["T047"],
            "source": "t",
            "terms": {"en": [row.value()]},
        }
        for i, row in enumerate(data)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kept = _expect(lambda: load_concepts(graph, path), path, data, lambda i: i + 1, lambda row: "name")
    assert _values(graph, "MATCH (c:Concept) RETURN c.name AS v") == sorted(r.text for r in kept)
    assert _values(graph, "MATCH (t:Term)-[:DENOTES]->(:Concept) RETURN t.text AS v") == sorted(r.text for r in kept)
    assert _labels(graph) <= {"Concept", "Term", "SemanticType"}


@PROPERTY
@given(data=rows(("nul", "soh")))
def test_corpus(graph: GraphStore, workdir: Path, data: list[Row]) -> None:
    _fresh(graph)
    path = workdir / "corpus.jsonl"
    records = [
        {"id": f"doc{i}", "title": f"t{i}", "content": row.value(), "lang": "en", "source": "s"}
        for i, row in enumerate(data)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kept = _expect(
        lambda: load_corpus(graph, path, lambda text, lang: [], max_chars=2000),
        path,
        data,
        lambda i: i + 1,
        lambda row: "content",
    )
    assert _values(graph, "MATCH (:Document)-[:HAS_PASSAGE]->(p:Passage) RETURN p.text AS v") == sorted(
        r.text for r in kept
    )
    assert _labels(graph) <= {"Concept", "Document", "Passage"}


@PROPERTY
@given(data=rows(("nul", "soh")))
def test_umls(graph: GraphStore, workdir: Path, data: list[Row]) -> None:
    graph.clear()
    meta = workdir / "META"
    meta.mkdir(exist_ok=True)
    (meta / "MRREL.RRF").unlink(missing_ok=True)
    cuis = [f"C{i + 10:07d}" for i in range(len(data))]
    (meta / "MRSTY.RRF").write_text("".join(f"{cui}|T047|B2.2.1.2.1|Disease or Syndrome|AT1|256|\n" for cui in cuis))
    conso = [
        f"{cui}|ENG|P|L1|PF|S1|Y|A{i}||||MSH|PT|D1|{row.value().replace('|', '/')}|0|N|256|\n"
        for i, (cui, row) in enumerate(zip(cuis, data, strict=True))
    ]
    (meta / "MRCONSO.RRF").write_text("".join(conso), encoding="utf-8")
    path = meta / "MRCONSO.RRF"
    kept = _expect(lambda: load_umls(graph, meta, ["ENG"]), path, data, lambda i: i + 1, lambda row: "STR")
    stored = sorted(r.text.replace("|", "/") for r in kept)
    assert _values(graph, "MATCH (t:Term)-[:DENOTES]->(:Concept) RETURN t.text AS v") == stored
    assert _values(graph, "MATCH (c:Concept) RETURN c.name AS v") == stored
    assert _labels(graph) <= {"Concept", "Term", "SemanticType"}


def _obo_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("!", "\\!").replace("\t", "\\t")


@PROPERTY
@given(data=rows(("nul", "soh")), translations=rows(("nul", "soh")))
def test_obo_and_babelon(graph: GraphStore, workdir: Path, data: list[Row], translations: list[Row]) -> None:
    graph.clear()
    path = workdir / "test.obo"
    parent = [f"is_a: TS:{i - 1:07d}" if i else "! the root" for i in range(len(data))]
    stanzas = [
        f"[Term]\nid: TS:{i:07d}\n{parent[i]}\nname: {_obo_escaped(row.value())}\n\n" for i, row in enumerate(data)
    ]
    path.write_text("format-version: 1.2\n\n" + "".join(stanzas), encoding="utf-8")
    table = workdir / "ts-ja.babelon.tsv"
    header = "subject_id\tpredicate_id\ttranslation_language\ttranslation_value\ttranslation_status\n"
    lines = [
        f"TS:{i % len(data):07d}\trdfs:label\tja\t{row.value().replace(chr(9), ' ')}\tOFFICIAL\n"
        for i, row in enumerate(translations)
    ]
    table.write_text(header + "".join(lines), encoding="utf-8")
    names = _expect(lambda: load_obo(graph, path, tui="T047", lang="en"), path, data, lambda i: 6 + 5 * i, _name)
    parents = graph.query("MATCH (c:Concept)-[:IS_A]->(p:Concept) RETURN c.cui AS child, p.cui AS parent")
    assert {(row["child"], row["parent"]) for row in parents} == {
        (obo_concept_id(f"TS:{i:07d}"), obo_concept_id(f"TS:{i - 1:07d}")) for i in range(1, len(names))
    }
    assert _values(graph, "MATCH (c:Concept) RETURN c.name AS v") == sorted(r.text for r in names)
    english = _values(graph, "MATCH (t:Term {lang: 'en'})-[:DENOTES]->(:Concept) RETURN t.text AS v")
    assert english == sorted(r.text for r in names)
    assert _labels(graph) <= {"Concept", "Term", "SemanticType"}
    if len(names) < len(data):
        return  # the translations go onto what a whole ontology made
    graph.clear()
    kept = _expect(
        lambda: load_obo(graph, path, tui="T047", lang="en", translations=[table]),
        table,
        translations,
        lambda i: i + 2,
        lambda row: "translation_value",
    )
    wanted = {(obo_concept_id(f"TS:{i % len(data):07d}"), r.text.replace("\t", " ")) for i, r in enumerate(kept)}
    rows_ja = graph.query("MATCH (t:Term {lang: 'ja'})-[:DENOTES]->(c:Concept) RETURN c.cui AS cui, t.text AS text")
    assert {(row["cui"], row["text"]) for row in rows_ja} == wanted
    assert _labels(graph) <= {"Concept", "Term", "SemanticType"}


def _name(row: Row) -> str:
    return "name"


def _entity(index: int, row: Row) -> dict[str, object]:
    def snak(value: object, kind: str) -> dict[str, object]:
        return {"mainsnak": {"snaktype": "value", "datavalue": {"type": kind, "value": value}}, "rank": "normal"}

    return {
        "id": f"Q{index + 1}",
        "labels": {"en": {"language": "en", "value": row.value()}},
        "claims": {
            "P2892": [snak(f"C{index + 10:07d}", "string")],
            "P31": [snak({"entity-type": "item", "id": "Q12136"}, "wikibase-entityid")],
        },
    }


def _bindings(index: int, row: Row) -> list[dict[str, object]]:
    """The SPARQL result rows of one entity: its class, then its label."""
    item = {"type": "uri", "value": f"http://www.wikidata.org/entity/Q{index + 1}"}
    cui = {"type": "literal", "value": f"C{index + 10:07d}"}
    disease = {"type": "uri", "value": "http://www.wikidata.org/entity/Q12136"}
    label = {"type": "literal", "value": row.value(), "xml:lang": "en"}
    return [{"item": item, "cui": cui, "class": disease}, {"item": item, "cui": cui, "label": label}]


@PROPERTY
@given(data=rows(("nul", "soh")), sparql=st.booleans())
def test_wikidata(graph: GraphStore, workdir: Path, data: list[Row], sparql: bool) -> None:
    graph.clear()
    if sparql:
        path = workdir / "wikidata.json"
        names = ["item", "cui", "label", "alias", "icd10", "mesh", "class"]
        head = json.dumps({"head": {"vars": names}})[:-1] + ',\n"results": {"bindings": [\n'
        bindings = [b for i, row in enumerate(data) for b in _bindings(i, row)]
        body = ",\n".join(json.dumps(b, ensure_ascii=False) for b in bindings)
        path.write_text(head + body + "\n]}}\n", encoding="utf-8")
        line, field = (lambda i: 4 + 2 * i), "label"
    else:
        path = workdir / "wikidata.jsonl"
        lines = [json.dumps(_entity(i, row), ensure_ascii=False) + "\n" for i, row in enumerate(data)]
        path.write_text("".join(lines), encoding="utf-8")
        line, field = (lambda i: i + 1), "labels.en"
    kept = _expect(lambda: load_wikidata(graph, path), path, data, line, lambda row: field)
    if sparql and len(kept) < len(data):
        # The bad label's entity: its class row, before it, makes its concept (named by its id).
        kept_names = sorted([*(r.text for r in kept), f"Q{len(kept) + 1}"])
        assert _values(graph, "MATCH (c:Concept) RETURN c.name AS v") == kept_names
        assert _values(graph, "MATCH (t:Term) RETURN t.text AS v") == sorted(r.text for r in kept)
        return
    assert _values(graph, "MATCH (t:Term)-[:DENOTES]->(:Concept) RETURN t.text AS v") == sorted(r.text for r in kept)
    assert _values(graph, "MATCH (c:Concept) RETURN c.name AS v") == sorted(r.text for r in kept)
    assert _labels(graph) <= {"Concept", "Term", "SemanticType"}
