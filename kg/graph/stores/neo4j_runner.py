"""Runs Cypher on a Neo4j 5 server through the official driver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.graph

from kg.errors import GraphConnectionError, GraphStoreError
from kg.graph.dialect import Engine
from kg.settings import redact_uri

__all__ = ["Neo4jRunner"]


class Neo4jRunner:
    """(query, params) -> rows on Neo4j; connects and checks the server on creation."""

    engine: Engine = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
        connect_timeout_s: float = 10.0,
    ):
        self.description = f"Neo4j at {redact_uri(uri)}"
        self._database = database
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password or ""),
                connection_timeout=connect_timeout_s,
                connection_acquisition_timeout=connect_timeout_s,
            )
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as exc:
            raise GraphConnectionError(
                f"{self.description} refused the credentials of user {user!r}; "
                "check MEDCORE_GRAPH_USER and MEDCORE_GRAPH_PASSWORD"
            ) from exc
        except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, ValueError) as exc:
            raise GraphConnectionError(
                f"cannot reach {self.description}: {type(exc).__name__}; is the server up? "
                "(`docker compose -f docker/docker-compose.yml up -d` starts one)"
            ) from None

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            with self._driver.session(database=self._database) as session:
                result = session.run(query, dict(params or {}))
                return [{k: from_neo4j(v) for k, v in record.items()} for record in result]
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise GraphConnectionError(f"{self.description} is unreachable: {exc}") from exc
        except neo4j.exceptions.Neo4jError as exc:
            raise GraphStoreError(f"{exc.code}: {exc.message}") from exc

    def close(self) -> None:
        self._driver.close()


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
