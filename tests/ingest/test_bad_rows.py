"""Bad rows of every kind stop a load at their line, after the rows before them: text the store
cannot hold, a practice row naming a missing concept, duplicate lexicon ids (the last row
wins), and the bounds of compressed input, texts to link and benchmark JSONL."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import pytest

from ingest.benchmarks.tables import open_table
from ingest.compressed import numbered_lines
from ingest.lexicon import load_lexicon
from ingest.progress import MAX_LINE_BYTES
from ingest.texts import read_texts
from ingest.vocabulary import load_practice
from kg import GraphStore, IngestError
from kg.graph.model import Concept

MALARIA, FEVER, ABSENT = "C0024530", "C0015967", "C0999999"


@pytest.fixture
def concepts(embedded: GraphStore) -> GraphStore:
    embedded.upsert_nodes(
        [
            Concept(cui=MALARIA, name="Malaria", semantic_types=["T047"], source="test"),
            Concept(cui=FEVER, name="Fever", semantic_types=["T184"], source="test"),
        ]
    )
    return embedded


def _fact(head: str, tail: str, lang: str, statement: str) -> str:
    record = {
        "head": head,
        "tail": tail,
        "kind": "referral",
        "region": "KE",
        "lang": lang,
        "statement": statement,
        "statement_local": statement,
        "source": "test",
    }
    return json.dumps(record) + "\n"


def _statements(store: GraphStore) -> list[str]:
    return sorted(row["s"] for row in store.query("MATCH ()-[r:LOCAL_PRACTICE]->() RETURN r.statement AS s"))


@pytest.mark.parametrize("batch_size", [1, 2, 100])
def test_a_nul_stops_at_its_line_and_keeps_the_rows_before_it(
    concepts: GraphStore, tmp_path: Path, batch_size: int
) -> None:
    concepts.batch_size = batch_size
    path = tmp_path / "facts.jsonl"
    path.write_text(
        _fact(MALARIA, FEVER, "sw", "one")
        + _fact(MALARIA, FEVER, "en", "two")
        + _fact(MALARIA, FEVER, "yo", "th\x00ree")
        + _fact(MALARIA, FEVER, "th", "four"),
        encoding="utf-8",
    )
    with pytest.raises(
        IngestError, match=r"facts\.jsonl:3: statement: holds a NUL character \(U\+0000\) at character 3"
    ):
        load_practice(concepts, path)
    assert _statements(concepts) == ["one", "two"]


@pytest.mark.parametrize("batch_size", [1, 2, 100])
@pytest.mark.parametrize("end", ["head", "tail"])
def test_a_missing_concept_stops_at_its_line_naming_its_end(
    concepts: GraphStore, tmp_path: Path, batch_size: int, end: str
) -> None:
    concepts.batch_size = batch_size
    head, tail = (ABSENT, FEVER) if end == "head" else (MALARIA, ABSENT)
    path = tmp_path / "facts.jsonl"
    path.write_text(
        _fact(MALARIA, FEVER, "sw", "one")
        + _fact(MALARIA, FEVER, "en", "two")
        + _fact(head, tail, "yo", "three")
        + _fact(MALARIA, FEVER, "th", "four"),
        encoding="utf-8",
    )
    with pytest.raises(
        IngestError, match=rf"facts\.jsonl:3: {end}: concept {ABSENT} \({end} CUI\) is not in the graph"
    ):
        load_practice(concepts, path)
    assert _statements(concepts) == ["one", "two"]  # and not "four"


def test_u0001_is_refused_in_a_lexicon(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(f"cui,lang,text\n{MALARIA},sw,homa\n{MALARIA},sw,ma\x01laria\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"terms\.csv:3: text: holds a control character U\+0001"):
        load_lexicon(concepts, path)
    assert concepts.counts().nodes["Term"] == 1


def _term_rows(store: GraphStore) -> dict[str, tuple[str, str]]:
    rows = store.query("MATCH (t:Term)-[:DENOTES]->(:Concept) RETURN t.text AS t, t.source AS s, t.status AS st")
    return {row["t"]: (row["s"], row["st"]) for row in rows}


def test_the_last_row_of_a_lexicon_id_wins_on_first_load_and_reload_whatever_the_batches(
    concepts: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "cui,lang,text,source,status\n"
        f"{MALARIA},en,alpha,first,curated\n{MALARIA},en,alpha,second,curated\n"
        f"{MALARIA},en,beta,first,curated\n{MALARIA},en,beta,second,learned\n"
        f"{MALARIA},en,gamma,first,learned\n{MALARIA},en,gamma,second,curated\n"
        f"{MALARIA},en,delta,first,learned\n{MALARIA},en,delta,second,learned\n",
        encoding="utf-8",
    )
    expected = {
        "alpha": ("second", "curated"),
        "beta": ("second", "learned"),
        "gamma": ("second", "curated"),
        "delta": ("second", "learned"),
    }
    for batch_size in (1, 3, 100):
        concepts.batch_size = batch_size
        concepts.query("MATCH (t:Term) DETACH DELETE t", read_only=False)
        summary = load_lexicon(concepts, path)
        assert _term_rows(concepts) == expected, batch_size
        assert summary.counts["terms_repeated"] == 4
        load_lexicon(concepts, path)  # a reload in other batches changes nothing
        concepts.batch_size = 2
        load_lexicon(concepts, path)
        assert _term_rows(concepts) == expected, batch_size


def test_a_repeated_id_before_a_bad_row_keeps_its_last_row_before_it(concepts: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        "cui,lang,text,source\n"
        f"{MALARIA},en,alpha,first\n{MALARIA},en,alpha,second\n{ABSENT},en,x,s\n{MALARIA},en,alpha,third\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"terms\.csv:4: cui: concept C0999999 is not in the graph"):
        load_lexicon(concepts, path)
    assert _term_rows(concepts) == {"alpha": ("second", "curated")}


# -- bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress])
def test_a_compressed_line_is_bounded_once_decompressed(tmp_path: Path, compress) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(compress(b"[\n" + b"a" * (MAX_LINE_BYTES + 10)))  # a few KiB on disk
    with (
        pytest.raises(IngestError, match=r"bomb\.json\.gz:2: line longer than 16 MiB once decompressed"),
        numbered_lines(path) as lines,
    ):
        for _ in lines:
            pass


def test_compressed_lines_still_come_whole(tmp_path: Path) -> None:
    path = tmp_path / "lines.gz"
    lines = [b"x" * 3_000_000 + b"\n", b"short\n", b"y" * 2_500_000]
    path.write_bytes(gzip.compress(b"".join(lines[:2])) + gzip.compress(lines[2]))
    with numbered_lines(path) as read:
        assert [(number, len(raw)) for number, raw in read] == [(1, 3_000_001), (2, 6), (3, 2_500_000)]


def test_texts_to_link_are_bounded_in_length_and_depth(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    long.write_bytes(b"homa\n" + b"a" * (MAX_LINE_BYTES + 1))
    with pytest.raises(IngestError, match=r"long\.txt:2: line longer than 16 MiB"):
        list(read_texts(long, lang="sw"))
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "homa"}\n{"text": "homa", "x": ' + "[" * 150 + "]" * 150 + "}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"deep\.jsonl:2: JSON nested deeper than 100 levels"):
        list(read_texts(deep, lang="sw"))


def test_benchmark_jsonl_cells_are_bounded_in_depth_and_length(tmp_path: Path) -> None:
    deep = tmp_path / "items.jsonl"
    deep.write_text('{"question": "q"}\n{"question": ' + "[" * 2000 + "]" * 2000 + "}\n", encoding="utf-8")
    rows = list(open_table(deep).rows)
    assert rows[0].problem is None
    assert rows[1].line == 2 and "nested deeper than 100" in (rows[1].problem or "")
    long = tmp_path / "long.jsonl"
    long.write_bytes(b'{"question": "' + b"a" * (MAX_LINE_BYTES + 1) + b'"}\n')
    with pytest.raises(IngestError, match=r"long\.jsonl:1: line longer than 16 MiB"):
        list(open_table(long).rows)


def test_a_lone_surrogate_in_sparql_results_is_named(embedded: GraphStore, tmp_path: Path) -> None:
    from ingest.wikidata import load_wikidata

    item = '"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q%d"}'
    cui = '"cui": {"type": "literal", "value": "C000000%d"}'
    label = '"label": {"type": "literal", "value": "%s", "xml:lang": "en"}'
    rows = [
        "{" + ", ".join([item % 1, cui % 1, label % "fever"]) + "}",
        "{" + ", ".join([item % 2, cui % 2, label % "chills \\ud800"]) + "}",  # JSON's escape of half a pair
    ]
    path = tmp_path / "results.json"
    path.write_text(
        '{"head": {"vars": ["item", "cui", "label"]},\n"results": {"bindings": [\n' + ",\n".join(rows) + "\n]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"results\.json:4: label: holds a lone surrogate U\+D800"):
        load_wikidata(embedded, path, tui="T184")
    assert [row["t"] for row in embedded.query("MATCH (t:Term) RETURN t.text AS t")] == ["fever"]
