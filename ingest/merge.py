"""Merging concepts and terms from an open vocabulary into the graph, in batches.

Vocabularies that name UMLS CUIs (OBO ontologies, Wikidata) meet concepts the seed or a
UMLS release already hold. Such a concept keeps its name, semantic types and source (the
graph's curated record of it) and only gains cross-references; a term already in the graph
keeps its source, so that the first, usually curated, provenance of a string is not
overwritten by the next vocabulary that repeats it. Everything else is written as given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph import statements as st
from kg.graph.model import Concept, HasType, Node, Relationship, Term
from kg.graph.store import GraphStore

__all__ = ["Incoming", "add_terms", "in_batches", "merge_batch", "merge_in_batches"]

T = TypeVar("T")


@dataclass(frozen=True)
class Incoming:
    """One source record for concept `cui`.

    `concept` is written when the graph has no concept `cui` yet (None: the record may only
    add to an existing concept, e.g. a Wikidata entity whose semantic type is unknown);
    `xrefs` is what an existing concept gains.
    """

    cui: str
    terms: Sequence[Term]
    concept: Concept | None
    xrefs: Sequence[str] = field(default_factory=tuple)


def merge_in_batches(store: GraphStore, records: Iterable[Incoming], summary: LoadSummary) -> None:
    """Merge `records` a batch at a time (see `in_batches`)."""
    in_batches(store, records, lambda batch: merge_batch(store, batch, summary), lambda r: 1 + len(r.terms))


def in_batches(
    store: GraphStore, items: Iterable[T], write: Callable[[list[T]], None], size: Callable[[T], int] = lambda _: 1
) -> None:
    """Hand `items` to `write` in batches of about the store's batch size (`size` says how
    many rows an item makes). If reading them fails (a malformed line), the items read
    before it are written, then the error goes on."""
    pending: list[T] = []
    rows = 0
    try:
        for item in items:
            pending.append(item)
            rows += size(item)
            if rows >= store.batch_size:
                write(pending)
                pending, rows = [], 0
    except IngestError:
        write(pending)
        raise
    write(pending)


def merge_batch(store: GraphStore, batch: Sequence[Incoming], summary: LoadSummary) -> None:
    """Write one batch: concepts (new ones with their types, existing ones gaining xrefs),
    then the terms of the concepts that were written."""
    if not batch:
        return
    found: dict[str, dict[str, Any]] = store.node_properties("Concept", sorted({r.cui for r in batch}))
    concepts: list[Node] = []
    types: list[Relationship] = []
    terms: list[Term] = []
    for record in batch:
        props = found.get(record.cui)
        if props is None and record.concept is None:
            summary.add("concepts_without_semantic_type", 1)
            continue
        if props is None:
            assert record.concept is not None
            concepts.append(record.concept)
            types += [HasType(start=record.cui, end=tui) for tui in record.concept.semantic_types]
            # A later record of the batch with the same CUI must not rename it.
            found[record.cui] = record.concept.properties()
            summary.add("concepts", 1)
        else:
            if record.xrefs:
                concepts.append(_keeping(props, record))
            summary.add("concepts_existing", 1)
        terms += record.terms
    store.upsert_nodes(concepts)
    summary.add("concept_links", store.upsert_relationships(types))
    add_terms(store, terms, summary)


def _keeping(props: dict[str, Any], record: Incoming) -> Concept:
    """The concept as the graph holds it, with the record's xrefs to add (the store merges
    xref lists without repeats, so writing it changes nothing else)."""
    return Concept(
        cui=record.cui,
        name=props["name"],
        semantic_types=props["semantic_types"],
        source=props["source"],
        xrefs=list(record.xrefs),
    )


def add_terms(store: GraphStore, terms: Sequence[Term], summary: LoadSummary, kind: str = "terms") -> None:
    """Write the terms whose key is new, with their DENOTES, and count the others as
    `{kind}_existing`. Their concepts must exist."""
    unique = list({term.key: term for term in terms}.values())
    if not unique:
        return
    missing = {row["key"] for row in store.execute(st.missing_nodes("Term"), keys=[t.key for t in unique])}
    fresh = [term for term in unique if term.key in missing]
    store.upsert_nodes(fresh)
    summary.add("concept_links", store.upsert_relationships(term.denotes() for term in fresh))
    summary.add(kind, len(fresh))
    summary.add(f"{kind}_existing", len(unique) - len(fresh))
