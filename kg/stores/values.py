"""Engine results as plain Python: nodes, relationships and paths become dicts."""

from __future__ import annotations

from typing import Any

import falkordb
import neo4j.graph

__all__ = ["from_falkordb", "from_neo4j"]


def from_falkordb(value: Any) -> Any:
    if isinstance(value, falkordb.Node):
        return {"labels": list(value.labels or []), "properties": dict(value.properties)}
    if isinstance(value, falkordb.Edge):
        return {"type": value.relation, "properties": dict(value.properties)}
    if isinstance(value, falkordb.Path):
        return {
            "nodes": [from_falkordb(n) for n in value.nodes()],
            "relationships": [from_falkordb(e) for e in value.edges()],
        }
    if isinstance(value, list):
        return [from_falkordb(v) for v in value]
    if isinstance(value, dict):
        return {k: from_falkordb(v) for k, v in value.items()}
    return value


def from_neo4j(value: Any) -> Any:
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), "properties": dict(value)}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, "properties": dict(value)}
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [from_neo4j(n) for n in value.nodes],
            "relationships": [from_neo4j(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [from_neo4j(v) for v in value]
    if isinstance(value, dict):
        return {k: from_neo4j(v) for k, v in value.items()}
    return value
