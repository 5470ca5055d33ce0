"""Load concepts, relations and local-practice facts from plain JSONL files into the graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from ingest.jsonl import read_jsonl
from ingest.records import ConceptRecord
from kg.graph.model import ConceptRelation, LocalPractice, Node, Relationship
from kg.graph.semantic_types import semantic_types
from kg.graph.store import GraphStore

__all__ = [
    "LoadSummary",
    "build_seed",
    "load_concepts",
    "load_practice",
    "load_relations",
    "seed_dir",
    "seed_files",
    "seed_paths",
]


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


_LOADERS = {"concepts": load_concepts, "relations": load_relations, "local_practice": load_practice}


def seed_paths(directory: Path) -> list[Path]:
    """Every file of a seed directory in load order: all concepts, then relations, then
    local practice (a relation needs both its concepts)."""
    return [path for kind in _LOADERS for path in seed_files(directory, kind)]


def build_seed(
    store: GraphStore, directory: Path | None = None, *, on_loaded: Callable[[Path], None] | None = None
) -> LoadSummary:
    """Load the seed vocabulary (the shipped one unless `directory` is given), file by file
    in `seed_paths` order; `on_loaded` hears of each file once it is written."""
    directory = directory or seed_dir()
    summary = LoadSummary()
    for kind, load in _LOADERS.items():
        for path in seed_files(directory, kind):
            load(store, path, summary)
            if on_loaded:
                on_loaded(path)
    return summary
