"""Runs Cypher on the embedded FalkorDB server of a data directory.

A runner that changed the graph saves it when it closes, so that a command reports its
writes only once they are on disk; a save that fails (a full disk) is an error saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import falkordb
import redis
from falkordb.query_result import QueryResult
from redis.backoff import NoBackoff
from redis.retry import Retry

from kg.errors import GraphConnectionError, GraphStoreError, ReadOnlyError
from kg.graph.dialect import Engine
from kg.graph.stores.cypher_params import params_header
from kg.graph.stores.embedded import EmbeddedServer, connect
from kg.graph.stores.snapshots import SnapshotError, log_size, save_failure
from kg.graph.stores.writer_lock import WriterLock

__all__ = ["FalkorDBRunner"]

_log = logging.getLogger(__name__)
_PROBE_TIMEOUT_S = 10.0
_FREEZE_RESTARTS = 3
# How FalkorDB refuses a write sent with GRAPH.RO_QUERY.
_WRITE_REFUSED = "is to be executed only on read-only queries"
# How redis refuses writes after a background save failed (stop-writes-on-bgsave-error).
_SAVE_FAILED = "MISCONF"
# The statistics of a query that changed the graph.
_CHANGES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "properties_removed",
    "labels_added",
    "labels_removed",
    "indices_created",
    "indices_deleted",
)


class FalkorDBRunner:
    """(query, params) -> rows on the FalkorDB server in `directory`, started on demand."""

    engine: Engine = "falkordb"

    def __init__(
        self, directory: Path, *, graph: str = "medcore", startup_timeout_s: float = 120, query_timeout_s: float = 600
    ):
        self.server = EmbeddedServer(directory, startup_timeout_s=startup_timeout_s, save_timeout_s=query_timeout_s)
        self.description = f"embedded FalkorDB in {directory}"
        self._timeout_s = query_timeout_s
        self._wrote = False
        self.server.attach()
        self._writer = WriterLock(self.server.files.writer_lock, what=self.description)
        try:
            self._db = falkordb.FalkorDB(
                unix_socket_path=self.server.socket_path, socket_timeout=query_timeout_s, retry=Retry(NoBackoff(), 0)
            )
            self._graph = self._db.select_graph(graph)
            self._open_graph(graph)
        except BaseException:
            self._writer.close()
            self.server.detach()
            raise

    def _open_graph(self, graph: str) -> None:
        """Make sure the graph exists before real work. FalkorDB 4.16 can freeze for good
        while it creates a graph (its main thread waits forever for the lock of its graph
        registry; rare: it stalled one CI run, and here froze once in the first ~50 fresh
        servers and in none of ~950 more): a server that then does not even answer PING is restarted."""
        for _ in range(_FREEZE_RESTARTS):
            probe = connect(self.server.socket_path, _PROBE_TIMEOUT_S)
            try:
                probe.execute_command("GRAPH.QUERY", graph, "RETURN 1")
                return
            except redis.exceptions.TimeoutError:
                pass
            except redis.exceptions.ResponseError as exc:
                if str(exc).startswith(_SAVE_FAILED):
                    return  # it answers; writes will say that it cannot save
                raise GraphStoreError(f"{self.description}: graph {graph!r}: {exc}") from exc
            except (redis.exceptions.ConnectionError, OSError) as exc:
                raise GraphConnectionError(f"{self.description} is unreachable: {exc}") from exc
            finally:
                probe.close()
            if self.server.answers():
                return  # busy with another process's long query, not frozen
            _log.warning("%s froze creating graph %r; restarting it from its last snapshot", self.description, graph)
            self.server.restart_frozen()
        raise GraphConnectionError(
            f"{self.description} froze {_FREEZE_RESTARTS} times while creating graph {graph!r}; "
            f"see {self.server.files.log}"
        )

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(query, params, read_only=False)

    def run_read(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """As `run`, with GRAPH.RO_QUERY: the server refuses a statement that writes."""
        return self._run(query, params, read_only=True)

    def _run(self, query: str, params: Mapping[str, Any] | None, *, read_only: bool) -> list[dict[str, Any]]:
        try:
            result = self._send(params_header(params) + query, read_only=read_only)
        except redis.exceptions.ResponseError as exc:
            if read_only and _WRITE_REFUSED in str(exc):
                raise ReadOnlyError(
                    f"{self.description} refused the statement: it writes, and it was sent read-only"
                ) from exc
            if str(exc).startswith(_SAVE_FAILED):
                # The log offset is unknown here: the failed save's lines are in the tail read.
                offset = max(0, log_size(self.server.files) - 4096)
                raise save_failure(self.server.files, offset, "refused") from exc
            raise GraphStoreError(str(exc)) from exc
        except redis.exceptions.TimeoutError as exc:
            raise GraphConnectionError(
                f"{self.description} did not answer within {self._timeout_s:g} s "
                "(raise MEDCORE_GRAPH_QUERY_TIMEOUT_S for long queries)"
            ) from exc
        except (redis.exceptions.ConnectionError, OSError) as exc:
            raise GraphConnectionError(f"{self.description} is unreachable: {exc}") from exc
        if not read_only and not self._wrote:
            self._wrote = any(getattr(result, change, 0) for change in _CHANGES)
        names = [column[1] if isinstance(column, list) else column for column in result.header]
        names = [n.decode() if isinstance(n, bytes) else n for n in names]
        return [dict(zip(names, map(_plain, row), strict=True)) for row in result.result_set]

    def writing(self) -> AbstractContextManager[None]:
        """Hold this home's writer lock: other processes' and threads' writes wait."""
        return self._writer.held()

    def _send(self, text: str, *, read_only: bool) -> QueryResult:
        if read_only:
            return self._graph.ro_query(text)
        try:
            return self._graph.query(text)
        except redis.exceptions.ResponseError as exc:
            if not str(exc).startswith(_SAVE_FAILED):
                raise
            refused = exc
        # After a failed save redis refuses GRAPH.QUERY, reads included: a read goes through
        # read-only; a write is refused again, for the reason MISCONF gives, unless space was
        # freed since: then a save succeeds, and redis takes writes again.
        try:
            return self._graph.ro_query(text)
        except redis.exceptions.ResponseError as exc:
            if _WRITE_REFUSED not in str(exc):
                raise
        if self._saves_now():
            return self._graph.query(text)
        raise refused from None

    def _saves_now(self) -> bool:
        try:
            self.server.save()
        except SnapshotError:
            return False
        return True

    def close(self) -> None:
        """Detach; if this runner changed the graph, first save it (`SnapshotError`, or
        `DiskFullError`, when that fails: the server then keeps the writes in memory)."""
        try:
            self._db.connection.close()
        finally:
            self._writer.close()
            self.server.detach(wrote=self._wrote)


def _plain(value: Any) -> Any:
    # Most cells are scalars; skipping the structural conversion for them halves parse time.
    return value if value is None or type(value) in _SCALARS else from_falkordb(value)


_SCALARS = frozenset({str, int, float, bool})


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
