"""Runs Cypher on a Neo4j 5 server through the official driver."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import neo4j
import neo4j.exceptions
import neo4j.graph

from kg.errors import GraphConnectionError, GraphStoreError, ReadOnlyError
from kg.graph.dialect import Engine
from kg.settings import redact_uri

__all__ = ["Neo4jRunner"]

_T = TypeVar("_T")

# The driver logs every notification of the server at WARNING, e.g. "the property `title` does
# not exist" for a query on a graph without documents yet, and what it fails to do at ERROR
# ("Unable to retrieve routing information" when no server answers); with no logging
# configured, Python's last-resort handler printed each on stderr, the whole query included,
# beside the one line our error gives. They still reach any handler an application configures.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# Concurrent writers that touch the same nodes (runs written in parallel all link to the shared
# concepts) deadlock now and then on Neo4j, which then rolls one transaction back; FalkorDB runs
# writes one at a time. A database the server is starting or stopping refuses every statement
# for a while. Such a statement is sent again, as the driver's managed transactions would do,
# for `retry_s` (MEDCORE_GRAPH_RETRY_S; 30 s by default, the driver's default retry time).
_RETRY_FIRST_S = 0.05
_RETRY_MAX_S = 2.0
# How Neo4j refuses a write in a session opened with READ access.
_WRITE_REFUSED = "Neo.ClientError.Statement.AccessMode"
_NO_DATABASE = "Neo.ClientError.Database.DatabaseNotFound"
_LOCKED = "Neo.ClientError.Security.AuthenticationRateLimit"  # after 3 failed logins, for 5 s by default
# A user name or database name is shown in messages, but never more of it than this.
_SHOWN_CHARS = 80
# What a connection lost in the middle of work says besides what was lost: writes are MERGEs on
# stable keys, so the same command, run again once the server is back, completes the work.
_RERUN = "what was written before stays; start the server and run the same command again to complete the work"


def _shown(value: str) -> str:
    return repr(value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "...")


def _one_line(exc: neo4j.exceptions.Neo4jError) -> str:
    """The server's message on one line, as every error of ours is. A syntax error ends with
    the query's line quoted and a caret under the place: the first line names the place
    already (line, column, offset), and the quoted line may be as long as the query."""
    lines = [line.strip() for line in (exc.message or "").splitlines()]
    if len(lines) >= 3 and set(lines[-1]) == {"^"}:
        lines = lines[:-2]
    return " ".join(line for line in lines if line)


def _transient(exc: BaseException) -> neo4j.exceptions.TransientError | None:
    """What the server refused as transient, if that is what `exc` is: the error itself, or,
    for a neo4j:// URI, the database's refusal of the routing table the driver asked for (the
    driver then says only ServiceUnavailable, "Unable to retrieve routing information")."""
    if isinstance(exc, neo4j.exceptions.TransientError):
        return exc
    if not isinstance(exc, neo4j.exceptions.ServiceUnavailable):
        return None
    seen: list[BaseException] = [exc]
    while seen:
        current = seen.pop()
        if isinstance(current, neo4j.exceptions.DatabaseUnavailable):
            return current
        seen.extend(getattr(current, "exceptions", ()))  # an ExceptionGroup: one per routing server
        seen.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


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
        retry_s: float = 30.0,
    ):
        self.description = f"Neo4j at {redact_uri(uri)}"
        self._database = database
        self._retry_s = retry_s
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password or ""),
                connection_timeout=connect_timeout_s,
                connection_acquisition_timeout=connect_timeout_s,
            )
        except (neo4j.exceptions.DriverError, ValueError) as exc:
            # The driver's own text quotes the URI as given, password and all: never shown.
            if "@" in uri.split("://", 1)[-1].split("/", 1)[0]:
                raise GraphConnectionError(
                    f"{self.description}: the driver takes no user or password in the URI; "
                    "give them in MEDCORE_GRAPH_USER and MEDCORE_GRAPH_PASSWORD"
                ) from None
            raise GraphConnectionError(
                f"{self.description}: the driver refused the URI ({type(exc).__name__})"
            ) from None
        try:
            self._check(user)
        except BaseException:
            self._driver.close()
            raise

    def _check(self, user: str) -> None:
        """Log in, and ask the database named (the server's default when None) for one row: a
        wrong database name is found here, not at the first write; a database not available
        yet (a server just started) is waited for, as long as a statement would be."""
        try:
            self._retrying(self._first_query, connected=False)
        except neo4j.exceptions.AuthError as exc:
            raise GraphConnectionError(
                f"{self.description} refused the credentials of user {_shown(user)}; "
                "check MEDCORE_GRAPH_USER and MEDCORE_GRAPH_PASSWORD"
            ) from exc
        except neo4j.exceptions.Neo4jError as exc:
            if exc.code == _NO_DATABASE:
                raise GraphConnectionError(
                    f"{self.description} has no database {_shown(self._database or '')}"
                    f"{self._databases()}; check MEDCORE_GRAPH_DATABASE (unset: the server's default)"
                ) from exc
            if exc.code == _LOCKED:
                raise GraphConnectionError(
                    f"{self.description} refuses user {_shown(user)} for a few seconds after failed logins; "
                    "check MEDCORE_GRAPH_USER and MEDCORE_GRAPH_PASSWORD, then try again"
                ) from exc
            if exc.code and exc.code.startswith("Neo.ClientError.Security."):
                raise GraphConnectionError(
                    f"{self.description} refused user {_shown(user)}: {(exc.message or exc.code).rstrip('.')}; "
                    "check MEDCORE_GRAPH_USER and MEDCORE_GRAPH_PASSWORD"
                ) from exc
            raise GraphConnectionError(
                f"{self.description} failed a first query: {exc.code}: {_one_line(exc)}"
            ) from exc
        except (neo4j.exceptions.DriverError, OSError, ValueError) as exc:
            # Only the type: the driver's text may quote the address, and a URI whose host was
            # forgotten has the password there ("Failed to DNS resolve address neo4j:PASSWORD").
            raise GraphConnectionError(
                f"cannot reach {self.description}: {type(exc).__name__}; is the server up? "
                "(`docker compose -f docker/docker-compose.yml up -d` starts one)"
            ) from None

    def _first_query(self) -> None:
        self._driver.verify_connectivity()
        with self._driver.session(database=self._database) as session:
            session.run("RETURN 1").consume()

    def _databases(self) -> str:
        """`(it has 'neo4j', 'system')`, or nothing when the server will not say."""
        try:
            with self._driver.session(database="system") as session:
                names = [record["name"] for record in session.run("SHOW DATABASES YIELD name RETURN name")]
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
            return ""
        return f" (it has {', '.join(_shown(name) for name in sorted(set(names)))})" if names else ""

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
        try:
            return self._retrying(lambda: self._run_once(query, params, mode), connected=True)
        except neo4j.exceptions.TransientError as exc:  # one that is not worth sending again
            raise GraphStoreError(f"{exc.code}: {_one_line(exc)}") from exc

    def _retrying(self, attempt: Callable[[], _T], *, connected: bool) -> _T:
        """`attempt()`, made again while the server refuses it as transient (rolled back, so
        safe to resend), for `retry_s`; then an error naming the URI. `connected`: the store
        was in use (what was written before stays), not being opened."""
        deadline = time.monotonic() + self._retry_s
        delay = _RETRY_FIRST_S
        while True:
            try:
                return attempt()
            except (neo4j.exceptions.TransientError, neo4j.exceptions.ServiceUnavailable) as exc:
                transient = _transient(exc)
                if transient is None:
                    raise
                if not transient.is_retryable():
                    raise
                if time.monotonic() + delay > deadline:
                    raise self._gave_up(transient, connected) from exc
            time.sleep(delay * random.uniform(0.5, 1.5))  # jitter: the other writer goes first
            delay = min(delay * 2, _RETRY_MAX_S)

    def _gave_up(self, exc: neo4j.exceptions.TransientError, connected: bool) -> GraphStoreError:
        waited = f"{self._retry_s:g} s (MEDCORE_GRAPH_RETRY_S)"
        if isinstance(exc, neo4j.exceptions.DatabaseUnavailable):
            database = f"database {_shown(self._database)}" if self._database else "its default database"
            said = _one_line(exc).rstrip(".")  # the server's reason: "Timeout waiting for database ..."
            then = (
                "what was written before stays; once it is available, run the same command again to complete the work"
                if connected
                else "wait until it is available, or set MEDCORE_GRAPH_RETRY_S higher to wait longer"
            )
            return GraphConnectionError(
                f"{self.description} answers but {database} stayed unavailable for {waited}: {said}; "
                f"a server starting or stopping it, say (its log and `SHOW DATABASES` say why); {then}"
            )
        return GraphStoreError(
            f"{self.description} refused the statement as transient for {waited}: {exc.code}: {_one_line(exc)}; "
            "run the same command again when fewer writers are at work"
        )

    def _run_once(self, query: str, params: Mapping[str, Any] | None, mode: str) -> list[dict[str, Any]]:
        try:
            with self._driver.session(database=self._database, default_access_mode=mode) as session:
                result = session.run(query, dict(params or {}))
                return [{k: from_neo4j(v) for k, v in record.items()} for record in result]
        except neo4j.exceptions.TransientError:
            raise
        except neo4j.exceptions.Neo4jError as exc:
            if exc.code == _NO_DATABASE:  # dropped since we connected
                raise GraphConnectionError(
                    f"{self.description} has no database {_shown(self._database or '')} any more"
                ) from exc
            raise GraphStoreError(f"{exc.code}: {_one_line(exc)}") from exc
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as exc:
            if _transient(exc) is not None:
                raise  # the database, not the server, is unavailable: waited for by _retrying
            # The server went away (stopped, killed, the network): the driver cannot tell
            # whether a statement cut off mid-way was committed, so the message says how to finish.
            raise GraphConnectionError(f"{self.description} went away ({type(exc).__name__}); {_RERUN}") from exc
        except neo4j.exceptions.DriverError as exc:
            raise GraphConnectionError(f"{self.description}: {type(exc).__name__}; {_RERUN}") from exc
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
