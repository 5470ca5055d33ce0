"""Runs Cypher on the embedded FalkorDB server of a data directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import falkordb
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kg.dialect import Engine
from kg.errors import GraphConnectionError, GraphStoreError
from kg.stores.cypher_params import params_header
from kg.stores.embedded import EmbeddedServer
from kg.stores.values import from_falkordb

__all__ = ["FalkorDBRunner"]


class FalkorDBRunner:
    """(query, params) -> rows on the FalkorDB server in `directory`, started on demand."""

    engine: Engine = "falkordb"

    def __init__(self, directory: Path, *, graph: str = "medcore", startup_timeout_s: float = 120):
        self.server = EmbeddedServer(directory, startup_timeout_s=startup_timeout_s)
        self.description = f"embedded FalkorDB in {directory}"
        self.server.attach()
        try:
            self._db = falkordb.FalkorDB(unix_socket_path=self.server.socket_path, retry=Retry(NoBackoff(), 0))
            self._graph = self._db.select_graph(graph)
        except BaseException:
            self.server.detach()
            raise

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            result = self._graph.query(params_header(params) + query)
        except redis.exceptions.ResponseError as exc:
            raise GraphStoreError(str(exc)) from exc
        except (redis.exceptions.ConnectionError, OSError) as exc:
            raise GraphConnectionError(f"{self.description} is unreachable: {exc}") from exc
        names = [column[1] if isinstance(column, list) else column for column in result.header]
        names = [n.decode() if isinstance(n, bytes) else n for n in names]
        return [dict(zip(names, map(_plain, row), strict=True)) for row in result.result_set]

    def close(self) -> None:
        try:
            self._db.connection.close()
        finally:
            self.server.detach()


def _plain(value: Any) -> Any:
    # Most cells are scalars; skipping the structural conversion for them halves parse time.
    return value if value is None or type(value) in _SCALARS else from_falkordb(value)


_SCALARS = frozenset({str, int, float, bool})
