"""Runs Cypher on a Neo4j 5 server through the official driver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import neo4j
import neo4j.exceptions

from kg.dialect import Engine
from kg.errors import GraphConnectionError, GraphStoreError
from kg.stores.values import from_neo4j

__all__ = ["Neo4jRunner", "redact_uri"]


def redact_uri(uri: str) -> str:
    """The URI without any user:password part, fit for messages and logs."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparsable URI>"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


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
