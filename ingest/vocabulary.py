"""Load concepts, relations and local-practice facts from plain JSONL files into the graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from ingest.jsonl import read_jsonl, read_jsonl_lines
from ingest.records import ConceptRecord
from kg.errors import IngestError
from kg.graph import statements as st
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
    """Write the file's relationships a batch at a time. Like a malformed line, the first
    row naming a concept the graph does not hold stops the load with its file and line,
    after the rows before it (in its batch too) are written; no row after it is."""
    summary = summary or LoadSummary()
    pending: list[tuple[int, ConceptRelation | LocalPractice]] = []
    try:
        for numbered in read_jsonl_lines(path, model, show_progress=show_progress):
            pending.append(numbered)
            if len(pending) >= store.batch_size:
                batch, pending = pending, []
                _write_relationships(store, path, batch, kind, summary)
    except IngestError:
        _write_relationships(store, path, pending, kind, summary)  # the rows before the bad one
        raise
    _write_relationships(store, path, pending, kind, summary)
    return summary


def _write_relationships(
    store: GraphStore,
    path: Path,
    batch: list[tuple[int, ConceptRelation | LocalPractice]],
    kind: str,
    summary: LoadSummary,
) -> None:
    """Write the rows before the first one with an end not in the graph, then report it."""
    if not batch:
        return
    cuis = sorted({cui for _, row in batch for cui in (row.head, row.tail)})
    missing = {found["key"] for found in store.execute(st.missing_nodes("Concept"), keys=cuis)}
    bad = next(
        ((index, end, cui) for index, (_, row) in enumerate(batch) for end, cui in _ends(row) if cui in missing),
        None,
    )
    good = batch if bad is None else batch[: bad[0]]
    summary.add(kind, store.upsert_relationships(row for _, row in good))
    if bad is not None:
        index, end, cui = bad
        raise IngestError(
            f"{end}: concept {cui} ({end} CUI) is not in the graph; load its concept first, then this file again",
            path=str(path),
            line=batch[index][0],
        )


def _ends(row: ConceptRelation | LocalPractice) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("head", row.head), ("tail", row.tail)


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
