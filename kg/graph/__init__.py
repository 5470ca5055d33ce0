"""The graph store: the model of every node and relationship (`kg.graph.model`), the closed
schema, the catalog of Cypher statements, and the two engines behind one API."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from kg.graph.store import CypherRunner, GraphCounts, GraphStore, PracticeFact, open_store

__all__, __getattr__ = lazy_exports(
    __name__, {"kg.graph.store": ["CypherRunner", "GraphCounts", "GraphStore", "PracticeFact", "open_store"]}
)
