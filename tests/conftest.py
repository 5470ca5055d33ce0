"""Shared fixtures: the real embedded FalkorDB in a temporary home, and Neo4j when
NEO4J_URI is set (user/password from NEO4J_USER/NEO4J_PASSWORD)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import GraphStore, load_settings, open_store


@pytest.fixture
def home() -> Iterator[Path]:
    # Short paths: a unix socket path must fit in 107 bytes.
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        yield Path(directory)


def _neo4j_settings(home: Path):  # type: ignore[no-untyped-def]
    return load_settings(
        home=home,
        graph_uri=os.environ["NEO4J_URI"],
        graph_user=os.environ.get("NEO4J_USER", "neo4j"),
        graph_password=os.environ.get("NEO4J_PASSWORD"),
    )


BACKENDS = [
    "falkordb",
    pytest.param(
        "neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="set NEO4J_URI to run against a live Neo4j"),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, home: Path) -> Iterator[GraphStore]:
    """An empty graph store on every available backend."""
    settings = load_settings(home=home) if request.param == "falkordb" else _neo4j_settings(home)
    graph = open_store(settings)
    graph.clear()
    try:
        yield graph
    finally:
        if request.param == "neo4j":  # a shared server: leave it as found
            graph.clear()
        graph.close()


@pytest.fixture
def embedded(home: Path) -> Iterator[GraphStore]:
    """An empty store on the embedded FalkorDB."""
    graph = open_store(load_settings(home=home))
    try:
        yield graph
    finally:
        graph.close()
