"""Runs Cypher on a Neo4j 5 server through the official driver."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.graph

from kg.errors import GraphConnectionError, GraphStoreError, ReadOnlyError
from kg.graph.dialect import Engine
from kg.settings import redact_uri

__all__ = ["Neo4jRunner"]

# The driver logs every notification of the server at WARNING, e.g. "the property `title` does
# not exist" for a query on a graph without documents yet; with no logging configured, Python's
# last-resort handler printed each, with the whole query, on stderr (FalkorDB has none of these).
# They still reach any handler an application configures.
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())

# Concurrent writers that touch the same nodes (runs written in parallel all link to the shared
# concepts) deadlock now and then on Neo4j, which then rolls one transaction back; FalkorDB runs
# writes one at a time. A rolled-back statement is sent again, as the driver's managed
# transactions would do, within the driver's default retry time.
_RETRY_S = 30.0
_RETRY_FIRST_S = 0.05
_RETRY_MAX_S = 2.0
# How Neo4j refuses a write in a session opened with READ access.
_WRITE_REFUSED = "Neo.ClientError.Statement.AccessMode"


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
        return self._run(query, params, neo4j.WRITE_ACCESS)

    def run_read(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """As `run`, in a READ access session: the server refuses a statement that writes."""
        try:
            return self._run(query, params, neo4j.READ_ACCESS)
        except GraphStoreError as exc:
            if isinstance(exc.__cause__, neo4j.exceptions.Neo4jError) and exc.__cause__.code == _WRITE_REFUSED:
                raise ReadOnlyError(
                    f"{self.description} refused the statement: it writes, and it was sent read-only"
                ) from exc
            raise

    def _run(self, query: str, params: Mapping[str, Any] | None, mode: str) -> list[dict[str, Any]]:
        deadline = time.monotonic() + _RETRY_S
        delay = _RETRY_FIRST_S
        while True:
            try:
                return self._run_once(query, params, mode)
            except neo4j.exceptions.TransientError as exc:  # a deadlock, say: rolled back, safe to resend
                if not exc.is_retryable() or time.monotonic() + delay > deadline:
                    raise GraphStoreError(f"{exc.code}: {exc.message}") from exc
            time.sleep(delay * random.uniform(0.5, 1.5))  # jitter: the other writer goes first
            delay = min(delay * 2, _RETRY_MAX_S)

    def _run_once(self, query: str, params: Mapping[str, Any] | None, mode: str) -> list[dict[str, Any]]:
        try:
            with self._driver.session(database=self._database, default_access_mode=mode) as session:
                result = session.run(query, dict(params or {}))
                return [{k: from_neo4j(v) for k, v in record.items()} for record in result]
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise GraphConnectionError(f"{self.description} is unreachable: {exc}") from exc
        except neo4j.exceptions.TransientError:
            raise
        except neo4j.exceptions.Neo4jError as exc:
            raise GraphStoreError(f"{exc.code}: {exc.message}") from exc
        except (TypeError, ValueError, OverflowError) as exc:
            # The driver refuses a parameter it cannot send (an object, an int beyond 64 bits, a
            # map with non-string keys): the same error family as the FalkorDB runner's refusal.
            raise GraphStoreError(f"cannot send the query's parameters: {exc}") from exc

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
