"""Copying a whole graph from one store to another (FalkorDB to Neo4j and back): every node
of every label of the schema, then every relationship, a page at a time.

Writes MERGE on the keys, so a copy is idempotent and an interrupted one, run again,
completes: nothing is duplicated, and properties end as the source's. At the end the counts
of both stores are compared per label and type.

A page follows the last of the one before, in an order both the filter and the sort keep:
the key on Neo4j (`key > $after ORDER BY key`), the internal node id on FalkorDB, whose key
index compares strings in another order than ORDER BY sorts them
(`kg.graph.dialect.page_nodes`). Pages hold `batch_size` nodes whatever a label's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from kg.errors import GraphStoreError
from kg.graph import statements as st
from kg.graph.dialect import FIRST_PAGE, page_nodes
from kg.graph.schema import MERGED_LISTS, NODE_KEYS, RELATIONSHIPS
from kg.graph.store import GraphCounts, GraphStore

__all__ = ["CopySummary", "copy_graph"]

Progress = Callable[[str, int], None]  # (what, how many more) as pages are written


class CopySummary(BaseModel):
    """What was copied, and the counts of both stores afterwards."""

    nodes: dict[str, int]
    relationships: dict[str, int]
    source: GraphCounts
    target: GraphCounts

    def shortfalls(self) -> list[str]:
        """Each label or type the target holds fewer of than the source."""
        found = []
        for kind, mine, theirs in (
            ("nodes", self.source.nodes, self.target.nodes),
            ("relationships", self.source.relationships, self.target.relationships),
        ):
            for name, count in sorted(mine.items()):
                if theirs.get(name, 0) < count:
                    found.append(f"{name} {kind}: {theirs.get(name, 0)} of {count}")
        return found


def copy_graph(source: GraphStore, target: GraphStore, *, progress: Progress | None = None) -> CopySummary:
    """Copy every node and relationship of `source` into `target` (see the module docstring).

    Raises:
        GraphStoreError: the target holds fewer of some label or type than the source
            afterwards (the message lists them); what was copied stays.
    """
    advance = progress or (lambda what, n: None)
    target.ensure_schema()
    nodes = {label: _copy_nodes(source, target, label, advance) for label in NODE_KEYS}
    relationships: dict[str, int] = {}
    for spec in RELATIONSHIPS.values():
        for start, end in spec.endpoints:
            copied = _copy_relationships(source, target, spec.type, start, end, advance)
            relationships[spec.type] = relationships.get(spec.type, 0) + copied
    summary = CopySummary(nodes=nodes, relationships=relationships, source=source.counts(), target=target.counts())
    short = summary.shortfalls()
    if short:
        raise GraphStoreError(
            f"the copy to {target.runner.description} is short: {'; '.join(short)}; run it again to complete it"
        )
    return summary


def _pages(store: GraphStore, label: str) -> Iterator[list[dict[str, Any]]]:
    statement, position = page_nodes(label, store.runner.engine)
    after = FIRST_PAGE[store.runner.engine]
    while rows := store.execute(statement, after=after, limit=store.batch_size):
        yield rows
        after = rows[-1][position]


def _copy_nodes(source: GraphStore, target: GraphStore, label: str, advance: Progress) -> int:
    copied = 0
    for rows in _pages(source, label):
        # the merged lists (a concept's xrefs) go in apart: the statement adds them without repeats
        lists = MERGED_LISTS.get(label, ())
        batch = [{"key": r["key"], "props": r["props"], **{f: r["props"].get(f) or [] for f in lists}} for r in rows]
        target.execute(st.upsert_nodes(label), rows=batch)
        copied += len(rows)
        advance(label, len(rows))
    return copied


def _copy_relationships(
    source: GraphStore, target: GraphStore, rel_type: str, start: str, end: str, advance: Progress
) -> int:
    key = RELATIONSHIPS[rel_type].key
    copied = 0
    for page in _pages(source, start):
        rows = source.execute(st.relationships_from(rel_type, start, end), keys=[r["key"] for r in page])
        if not rows:
            continue
        batch = [{"start": r["start"], "end": r["end"], "key": r["props"].get(key), "props": r["props"]} for r in rows]
        written = target.execute(st.upsert_relationships(rel_type, start, end), rows=batch)
        copied += int(written[0]["written"]) if written else 0
        advance(rel_type, len(rows))
    return copied
