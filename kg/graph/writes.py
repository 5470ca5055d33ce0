"""Batched writes, with the next batch built while the server runs the current one.

Building a batch (validating models, dumping properties, rendering parameters) and
running it on the server take similar time. With one batch in flight on a writer thread,
the two overlap: the thread waits on the socket, which frees the interpreter for the
caller to build the next batch. Batches still run one at a time and in order, and a
batch's result is checked before the next one is sent, so an error stops the writes at
the batch that caused it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from kg.graph import statements as st
from kg.graph.keys import keyed_row, stored_key
from kg.graph.model import Ends, Node, Relationship
from kg.graph.schema import MERGED_LISTS, NODE_KEYS, RELATIONSHIPS

__all__ = ["Write", "Written", "writes", "send_in_order"]

T = TypeVar("T")


@dataclass(frozen=True)
class Write:
    """One statement and its rows; `ends` (start label, end label) for relationship writes,
    whose result says how many rows found both ends."""

    statement: st.Statement
    rows: list[dict[str, Any]]
    ends: tuple[str, str] | None = None


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items. When the source fails (a malformed line), what it gave
    before the failure still comes out as a last batch, then the error goes on."""
    batch: list[T] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def writes(items: Iterable[Node | Relationship], size: int) -> Iterator[list[Write]]:
    """Per batch: its nodes first, then its relationships, so that a relationship may
    follow its ends in the same batch."""
    for batch in _batches(items, size):
        nodes = [item for item in batch if isinstance(item, Node)]
        relationships = [item for item in batch if not isinstance(item, Node)]
        yield [*_node_writes(nodes), *_relationship_writes(relationships)]  # type: ignore[arg-type]


def _node_writes(nodes: list[Node]) -> list[Write]:
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes:
        row = keyed_row(NODE_KEYS[node.label], node.node_key(), node.properties())
        for field in MERGED_LISTS.get(node.label, ()):
            row[field] = row["props"].pop(field, None) or []
        by_label[node.label].append(row)
    return [Write(st.upsert_nodes(label), rows) for label, rows in by_label.items()]


def _relationship_writes(relationships: list[Relationship]) -> list[Write]:
    # One row per relationship: FalkorDB counts a relationship that a batch creates and
    # then matches again only once, which would look like a missing end.
    groups: dict[tuple[str, str, str], dict[tuple[str, str, Any], dict[str, Any]]] = defaultdict(dict)
    for rel in relationships:
        ends = rel.ends()
        row = _rel_row(ends, rel)
        groups[(ends.type, ends.start_label, ends.end_label)][(row["start"], row["end"], row.get("key"))] = row
    return [
        Write(st.upsert_relationships(rel_type, start, end), list(unique.values()), (start, end))
        for (rel_type, start, end), unique in groups.items()
    ]


def _rel_row(ends: Ends, rel: Relationship) -> dict[str, Any]:
    props = rel.properties()
    row = {"start": stored_key(ends.start), "end": stored_key(ends.end), "props": props}
    key_field = RELATIONSHIPS[ends.type].key
    if key_field:
        row["key"] = props[key_field]
    return row


def send_in_order(
    batches: Iterable[list[Write]], send: Callable[[Write], int], check: Callable[[Write, int], None]
) -> Written:
    """Send every write of every batch with `send` (which returns rows written), one batch
    in flight; `check` sees each result before the next batch goes."""
    written = Written(0, 0)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="medcore-writer") as writer:
        in_flight: tuple[list[Write], Future[list[int]]] | None = None
        try:
            for batch in batches:  # building this batch overlaps the one in flight
                if in_flight:
                    written = _settle(*in_flight, check, written)
                in_flight = (batch, writer.submit(lambda b=batch: [send(w) for w in b]))  # type: ignore[misc]
        finally:  # also when the source failed: its last batch was sent, see it through
            if in_flight:
                written = _settle(*in_flight, check, written)
    return written


class Written(NamedTuple):
    nodes: int
    relationships: int


def _settle(
    batch: list[Write], result: Future[list[int]], check: Callable[[Write, int], None], written: Written
) -> Written:
    counts = result.result()
    for write, count in zip(batch, counts, strict=True):
        check(write, count)
    nodes = sum(count for write, count in zip(batch, counts, strict=True) if write.ends is None)
    return Written(written.nodes + nodes, written.relationships + sum(counts) - nodes)
