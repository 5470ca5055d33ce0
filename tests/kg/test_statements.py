"""Every statement of the catalog runs for real on the embedded FalkorDB; the catalog
refuses labels and relationship types outside the schema before building any Cypher."""

from __future__ import annotations

from typing import Any

import pytest

from kg import GraphStore, SchemaError
from kg.graph import statements as st
from kg.graph.dialect import schema_statements

SAMPLE: dict[str, Any] = {
    "rows": [
        {"key": "k1", "start": "k1", "end": "k2", "cui": "C0000001", "props": {"note": "sample"}, "xrefs": ["X:1"]}
    ],
    "docs": [{"key": "d1", "passages": 1}],
    "key": "k1",
    "keys": ["k1", "k2"],
    "types": [],
    "cuis": ["k1"],
    "region": None,
    "regions": ["KE"],
    "lang": None,
    "kinds": [],
    "limit": 10,
    "skip": 0,
    "after": "",
}


def test_every_catalog_statement_runs_on_falkordb(embedded: GraphStore) -> None:
    embedded.ensure_schema()
    for statement in st.catalog():
        params = {name: SAMPLE[name] for name in statement.params}
        embedded.query(statement.text, params)  # raises on any engine error


def test_falkordb_ddl_is_safe_to_run_twice(embedded: GraphStore) -> None:
    embedded.ensure_schema()
    embedded._schema_ready = False
    embedded.ensure_schema()
    assert len(schema_statements("falkordb")) >= 11


@pytest.mark.parametrize(
    "build",
    [
        lambda: st.upsert_nodes("Patient"),
        lambda: st.upsert_nodes("Concept) DETACH DELETE (n"),
        lambda: st.expand("Concept:Term"),
        lambda: st.upsert_relationships("TREATS]->(x) DELETE x //", "Concept", "Concept"),
        lambda: st.upsert_relationships("DENOTES", "Concept", "Term"),  # wrong direction
    ],
)
def test_unknown_labels_and_types_are_refused_before_cypher_is_built(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SchemaError):
        build()


def test_catalog_names_are_unique() -> None:
    names = [s.name for s in st.catalog()]
    assert len(names) == len(set(names))


def test_statements_said_not_to_write_run_read_only(embedded: GraphStore) -> None:
    # `writes` decides which statements take the writer lock: one that writes but is
    # classed as a read would race. The engine's read-only mode is the judge.
    embedded.ensure_schema()
    reads = [s for s in st.catalog() if not s.writes]
    assert {"terms_page", "local_practice", "count_nodes"} <= {s.name for s in reads}
    for statement in reads:
        embedded.query(statement.text, {name: SAMPLE[name] for name in statement.params}, read_only=True)
