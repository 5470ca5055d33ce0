"""What the two engines once did differently, now the same (on every backend of `store`)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg import GraphStore, GraphStoreError
from kg.graph.model import Concept, ConceptRelation

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_writers_on_shared_nodes_all_succeed(store: GraphStore) -> None:
    # Runs written in parallel all link to the same concepts. Neo4j detects deadlocks between
    # such writers and rolls one back (DeadlockDetected); the runner sends it again.
    cuis = [f"C{i:07d}" for i in range(20)]
    store.upsert_nodes(Concept(cui=cui, name=cui, semantic_types=["T047"], source="test") for cui in cuis)
    writers: list[list[list[tuple[str, str]]]] = []
    for seed in range(8):
        rnd = random.Random(seed)
        writers.append([[_pair(rnd, cuis) for _ in range(25)] for _ in range(6)])
    errors: list[Exception] = []

    def write(batches: list[list[tuple[str, str]]]) -> None:
        for batch in batches:
            shared = Concept(cui=batch[0][0], name="renamed", semantic_types=["T047"], source="test")
            rels = [ConceptRelation(head=a, rel="TREATS", tail=b, source="test") for a, b in batch]
            try:
                store.upsert([shared, *rels])
            except Exception as exc:  # collected: an exception in a thread would go unseen
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(batches,)) for batches in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    pairs = {pair for batches in writers for batch in batches for pair in batch}
    assert store.counts().relationships["TREATS"] == len(pairs)  # each once: no duplicate from MERGE


def _pair(rnd: random.Random, cuis: list[str]) -> tuple[str, str]:
    head, tail = rnd.sample(cuis, 2)
    return head, tail


def test_a_parameter_that_cannot_be_sent_is_a_graph_store_error(store: GraphStore) -> None:
    # The Neo4j driver raised its own ValueError (a traceback from the CLI); FalkorDB's runner
    # refuses such a value with GraphStoreError.
    with pytest.raises(GraphStoreError, match="cannot send"):
        store.query("RETURN $value AS value", {"value": object()})


def test_a_query_on_what_the_graph_lacks_prints_nothing_on_stderr(store: GraphStore, home: Path) -> None:
    # Neo4j answers with notifications ("label does not exist"), which its driver logs as
    # warnings; with no logging configured they reached the terminal with the whole query.
    env = {**os.environ, "MEDCORE_HOME": str(home)}
    if store.runner.engine == "neo4j":
        env.update(
            MEDCORE_GRAPH_URI=os.environ["NEO4J_URI"],
            MEDCORE_GRAPH_USER=os.environ.get("NEO4J_USER", "neo4j"),
            MEDCORE_GRAPH_PASSWORD=os.environ.get("NEO4J_PASSWORD", ""),
        )
    query = "MATCH (n:NeverCreatedLabel)-[r:NEVER_CREATED_TYPE]->(m) RETURN n.never_set AS x, m.nor_this AS y"
    result = subprocess.run(
        [sys.executable, "-m", "reasoning", "cypher", query, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""
