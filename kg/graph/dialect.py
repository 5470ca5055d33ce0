"""What differs between the engines: index and constraint DDL, and how a label is read a
page at a time. Everything else is shared."""

from __future__ import annotations

from typing import Literal

from kg.graph import statements as st
from kg.graph.schema import NODE_KEYS, check_label
from kg.graph.statements import Statement

__all__ = ["Engine", "FIRST_PAGE", "page_nodes", "schema_statements", "is_already_exists"]

Engine = Literal["falkordb", "neo4j"]

# Properties looked up often besides the node keys.
_EXTRA_NODE_INDEXES = (("Term", "lang"), ("Term", "norm"), ("Term", "cui"), ("Passage", "doc"))


def _neo4j() -> list[Statement]:
    out = [
        Statement(
            f"ddl.neo4j.unique.{label}",
            f"CREATE CONSTRAINT {label.lower()}_{key} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE",
        )
        for label, key in NODE_KEYS.items()
    ]
    out += [
        Statement(
            f"ddl.neo4j.index.{label}.{prop}",
            f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})",
        )
        for label, prop in _EXTRA_NODE_INDEXES
    ]
    out.append(
        Statement(
            "ddl.neo4j.index.LOCAL_PRACTICE.region",
            "CREATE INDEX local_practice_region IF NOT EXISTS FOR ()-[r:LOCAL_PRACTICE]-() ON (r.region)",
        )
    )
    return out


def _falkordb() -> list[Statement]:
    # FalkorDB has no IF NOT EXISTS: an existing index is reported as an error, which
    # `is_already_exists` recognises. Its writes are serialised per graph, so MERGE on an
    # indexed key cannot race into duplicates and no unique constraint is needed.
    pairs = list(NODE_KEYS.items()) + list(_EXTRA_NODE_INDEXES)
    out = [
        Statement(f"ddl.falkordb.index.{label}.{prop}", f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        for label, prop in pairs
    ]
    out.append(
        Statement(
            "ddl.falkordb.index.LOCAL_PRACTICE.region",
            "CREATE INDEX FOR ()-[r:LOCAL_PRACTICE]-() ON (r.region)",
        )
    )
    return out


def schema_statements(engine: Engine) -> list[Statement]:
    """Index and constraint DDL for `engine`, safe to run again."""
    return _neo4j() if engine == "neo4j" else _falkordb()


# Where `page_nodes` starts, by engine: before every key, or before every node id.
FIRST_PAGE: dict[Engine, int | str] = {"neo4j": "", "falkordb": -1}


def page_nodes(label: str, engine: Engine) -> tuple[Statement, str]:
    """The statement that reads the next $limit nodes of `label` after $after, with their
    keys and properties, and the column of its rows that the next page starts after.

    Neo4j pages by key. FalkorDB pages by internal node id: its range index compares
    strings in another order than ORDER BY sorts them (`'en:APH'` comes after
    `'en:antivenin'` in the index, before it sorted), so key pages could skip or go round,
    while a label-and-id scan seeks exactly. (Neo4j's `id()` is deprecated and has no
    range seek.)"""
    if engine == "neo4j":
        return st.page_nodes(label), "key"
    key = NODE_KEYS[check_label(label)]
    text = (
        f"MATCH (n:{label}) WHERE id(n) > $after "
        f"RETURN id(n) AS id, n.{key} AS key, properties(n) AS props ORDER BY id LIMIT $limit"
    )
    return Statement(f"page_nodes_by_id.{label}", text, ("after", "limit")), "id"


def is_already_exists(message: str) -> bool:
    """Whether a DDL error only says the index is there already."""
    text = message.lower()
    return "already indexed" in text or "already exists" in text
