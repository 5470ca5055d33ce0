"""A library of named Cypher queries for analysing the graph (runs on both engines)."""

from queries.library import NamedQuery, named_queries, run_named

__all__ = ["NamedQuery", "named_queries", "run_named"]
