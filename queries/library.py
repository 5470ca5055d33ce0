"""Named Cypher queries for analysis: the `*.cypher` files of this package.

Each file starts with comment lines: a description, then `// params: a, b` (or `(none)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from kg.errors import ConfigError
from kg.graph.store import GraphStore

__all__ = ["NamedQuery", "named_queries", "run_named"]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[str, ...]
    text: str


def _parse(name: str, text: str) -> NamedQuery:
    comments = [line[2:].strip() for line in text.splitlines() if line.startswith("//")]
    params: tuple[str, ...] = ()
    for line in comments:
        if line.startswith("params:"):
            declared = line.removeprefix("params:").strip()
            params = () if declared == "(none)" else tuple(p.strip() for p in declared.split(","))
    description = next((c for c in comments if not c.startswith("params:")), "")
    return NamedQuery(name, description, params, text)


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query by name (the file name without `.cypher`)."""
    files = resources.files("queries")
    return {
        entry.name.removesuffix(".cypher"): _parse(entry.name.removesuffix(".cypher"), entry.read_text("utf-8"))
        for entry in sorted(files.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".cypher")
    }


def run_named(store: GraphStore, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run the named query with `params`; every declared parameter must be given."""
    queries = named_queries()
    if name not in queries:
        raise ConfigError(f"no query named {name!r}; known: {', '.join(queries)}")
    query = queries[name]
    missing = [p for p in query.params if p not in (params or {})]
    if missing:
        raise ConfigError(f"query {name!r} needs --param for: {', '.join(missing)}")
    return store.query(query.text, params or {})
