"""The graph engine a benchmark measures: the embedded FalkorDB, or a Neo4j 5 started from
tests/neo4j (JDK 17 + Maven) for the run, so that both are measured the same way."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENGINES = ("falkordb", "neo4j")


def launcher() -> Any:
    """tests/neo4j/server.py, loaded by path (tests/ is no package)."""
    name = "medcore_neo4j_server"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "neo4j" / "server.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before running it: dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@contextmanager
def neo4j_server() -> Iterator[tuple[dict[str, Any], int, str]]:
    """A Neo4j for the run: the settings that reach it, its JVM's pid and its version."""
    with launcher().Neo4jServer() as server:
        info = server.info
        yield (
            {"graph_uri": info.bolt, "graph_user": info.user, "graph_password": server.password},
            info.pid,
            info.version,
        )


def peak_rss_mb(pid: int | None = None) -> float:
    """The peak resident memory of `pid` (of this process when None), in MB."""
    import resource

    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
