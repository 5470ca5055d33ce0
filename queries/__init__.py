"""A library of named Cypher queries for analysing the graph (runs on both engines)."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from queries.library import NamedQuery, named_queries, run_named

__all__, __getattr__ = lazy_exports(__name__, {"queries.library": ["NamedQuery", "named_queries", "run_named"]})
