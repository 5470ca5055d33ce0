"""Load concepts, relations and local-practice facts from plain JSONL files into the graph."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from ingest.jsonl import read_jsonl
from ingest.records import ConceptRecord
from kg.model import ConceptRelation, LocalPractice, Node, Relationship
from kg.semantic_types import semantic_types
from kg.store import GraphStore

__all__ = ["LoadSummary", "load_concepts", "load_relations", "load_practice", "build_seed", "seed_dir"]


class LoadSummary(BaseModel):
    """What a load sent to the store, per kind."""

    counts: dict[str, int] = {}

    def add(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def seed_dir() -> Path:
    """The shipped seed vocabulary (ingest/data/seed)."""
    return Path(str(resources.files("ingest").joinpath("data/seed")))


def load_concepts(store: GraphStore, path: Path, summary: LoadSummary | None = None) -> LoadSummary:
    """Concepts with their terms and semantic types. Streams the file twice: the nodes
    first, then the relationships that join them."""
    summary = summary or LoadSummary()
    known_types = semantic_types()
    store.upsert_nodes(known_types.values())

    def nodes() -> Iterable[Node]:
        for record in read_jsonl(path, ConceptRecord):
            yield record.concept()
            yield from record.term_nodes()

    def links() -> Iterable[Relationship]:
        for record in read_jsonl(path, ConceptRecord):
            yield from record.type_links()
            yield from (term.denotes() for term in record.term_nodes())

    summary.add("semantic_types", len(known_types))
    summary.add("concept_and_term_nodes", store.upsert_nodes(nodes()))
    summary.add("concept_links", store.upsert_relationships(links()))
    return summary


def _load_relationships(
    store: GraphStore,
    path: Path,
    model: type[ConceptRelation] | type[LocalPractice],
    kind: str,
    summary: LoadSummary | None,
) -> LoadSummary:
    summary = summary or LoadSummary()
    summary.add(kind, store.upsert_relationships(read_jsonl(path, model)))
    return summary


def load_relations(store: GraphStore, path: Path, summary: LoadSummary | None = None) -> LoadSummary:
    """Typed concept relations ({head, rel, tail, source} per line)."""
    return _load_relationships(store, path, ConceptRelation, "relations", summary)


def load_practice(store: GraphStore, path: Path, summary: LoadSummary | None = None) -> LoadSummary:
    """LOCAL_PRACTICE facts ({head, tail, kind, region, lang, statement, ...} per line)."""
    return _load_relationships(store, path, LocalPractice, "local_practice", summary)


def build_seed(store: GraphStore, directory: Path | None = None) -> LoadSummary:
    """Load the seed vocabulary (concepts, relations, local practice) into `store`."""
    directory = directory or seed_dir()
    summary = load_concepts(store, directory / "concepts.jsonl")
    load_relations(store, directory / "relations.jsonl", summary)
    load_practice(store, directory / "local_practice.jsonl", summary)
    return summary
