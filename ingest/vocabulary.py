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

__all__ = ["LoadSummary", "load_concepts", "load_relations", "load_practice", "build_seed", "seed_dir", "seed_files"]


class LoadSummary(BaseModel):
    """What a load sent to the store, per kind."""

    counts: dict[str, int] = {}

    def add(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def seed_dir() -> Path:
    """The shipped seed vocabulary (ingest/data/seed)."""
    return Path(str(resources.files("ingest").joinpath("data/seed")))


def load_concepts(
    store: GraphStore, path: Path, summary: LoadSummary | None = None, *, show_progress: bool = False
) -> LoadSummary:
    """Concepts with their terms and semantic types, streamed in one pass: each concept's
    nodes go before the links that need them."""
    summary = summary or LoadSummary()
    known_types = semantic_types()
    store.upsert_nodes(known_types.values())

    def items() -> Iterable[Node | Relationship]:
        for record in read_jsonl(path, ConceptRecord, show_progress=show_progress):
            terms = record.term_nodes()
            yield record.concept()
            yield from terms
            yield from record.type_links()
            yield from (term.denotes() for term in terms)

    written = store.upsert(items())
    summary.counts["semantic_types"] = len(known_types)  # the same 127 whatever the number of files
    summary.add("concept_and_term_nodes", written.nodes)
    summary.add("concept_links", written.relationships)
    return summary


def _load_relationships(
    store: GraphStore,
    path: Path,
    model: type[ConceptRelation] | type[LocalPractice],
    kind: str,
    summary: LoadSummary | None,
    show_progress: bool,
) -> LoadSummary:
    summary = summary or LoadSummary()
    summary.add(kind, store.upsert_relationships(read_jsonl(path, model, show_progress=show_progress)))
    return summary


def load_relations(
    store: GraphStore, path: Path, summary: LoadSummary | None = None, *, show_progress: bool = False
) -> LoadSummary:
    """Typed concept relations ({head, rel, tail, source} per line)."""
    return _load_relationships(store, path, ConceptRelation, "relations", summary, show_progress)


def load_practice(
    store: GraphStore, path: Path, summary: LoadSummary | None = None, *, show_progress: bool = False
) -> LoadSummary:
    """LOCAL_PRACTICE facts ({head, tail, kind, region, lang, statement, ...} per line)."""
    return _load_relationships(store, path, LocalPractice, "local_practice", summary, show_progress)


def seed_files(directory: Path, kind: str) -> list[Path]:
    """The seed's files of one kind ("concepts", "relations", "local_practice"), one per
    domain (concepts_infectious.jsonl, ...), in name order."""
    return sorted(directory.glob(f"{kind}*.jsonl"))


def build_seed(store: GraphStore, directory: Path | None = None) -> LoadSummary:
    """Load the seed vocabulary: every concepts file first, then relations and local practice."""
    directory = directory or seed_dir()
    summary = LoadSummary()
    for path in seed_files(directory, "concepts"):
        load_concepts(store, path, summary)
    for path in seed_files(directory, "relations"):
        load_relations(store, path, summary)
    for path in seed_files(directory, "local_practice"):
        load_practice(store, path, summary)
    return summary
