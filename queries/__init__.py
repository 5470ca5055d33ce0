"""A library of named Cypher queries for analysing the graph (runs on both engines):
`run(name, store, **params)` returns a query's rows; `named_queries()` lists them."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from queries.library import NamedQuery, Parameter, named_queries, run, run_named

__all__, __getattr__ = lazy_exports(
    __name__, {"queries.library": ["NamedQuery", "Parameter", "named_queries", "run", "run_named"]}
)
