"""Embedded store throughput: batched upserts and subgraph fetches.

    python tests/benchmarks/store_upsert.py [--quick] [--batch-size N] [--engine falkordb|neo4j]

Upserts 100k concepts + 500k terms + 1M relationships (500k DENOTES + 500k concept
relations) into a fresh store, then fetches the 2-hop subgraph around 20 random concepts 200
times. `--quick` divides the sizes by 20. The store is the embedded FalkorDB, or with
`--engine neo4j` a Neo4j 5 started from tests/neo4j (JDK 17 + Maven), measured the same way
(the server's memory is its JVM's peak RSS). Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from engines import ENGINES, neo4j_server, peak_rss_mb

from kg import GraphStore, load_settings, open_store
from kg.graph.model import Concept, ConceptRelation, Term

RELS = ["IS_A", "TREATS", "CAUSES", "HAS_SYMPTOM", "ASSOCIATED_WITH"]
LANGS = ["en", "zh", "ja", "ko", "sw", "th", "yo"]


def concepts(n: int) -> Iterator[Concept]:
    for i in range(n):
        yield Concept(cui=f"MC{i:06d}", name=f"concept {i}", semantic_types=["T047"], source="bench")


def terms(n: int, n_concepts: int) -> Iterator[Term]:
    for i in range(n):
        yield Term(text=f"term {i}", lang=LANGS[i % 7], cui=f"MC{i % n_concepts:06d}", source="bench")


def relations(n: int, n_concepts: int, rng: random.Random) -> Iterator[ConceptRelation]:
    for i in range(n):
        head, tail = i % n_concepts, rng.randrange(n_concepts)
        yield ConceptRelation(head=f"MC{head:06d}", rel=RELS[i % 5], tail=f"MC{tail:06d}", source="bench")


def timed(label: str, results: dict[str, float], count: int, action) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    written = action()
    seconds = time.perf_counter() - start
    results[f"{label}_rows"] = written
    results[f"{label}_seconds"] = round(seconds, 2)
    results[f"{label}_rows_per_s"] = round(count / seconds)
    print(f"{label}: {count} rows in {seconds:.1f} s = {count / seconds:,.0f} rows/s", file=sys.stderr)


@contextmanager
def _store(engine: str, home: str, batch_size: int) -> Iterator[tuple[GraphStore, int]]:
    """The store to measure and the pid of its server."""
    if engine == "falkordb":
        store = open_store(load_settings(home=home, graph_batch_size=batch_size))
        try:
            yield store, store.runner.server.status().pid  # type: ignore[attr-defined]
        finally:
            store.close()
        return
    with (
        neo4j_server() as (graph, pid, _version),
        open_store(load_settings(home=home, graph_batch_size=batch_size, **graph)) as store,
    ):
        yield store, pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--engine", choices=ENGINES, default="falkordb")
    args = parser.parse_args()
    scale = 20 if args.quick else 1
    n_concepts, n_terms, n_rels = 100_000 // scale, 500_000 // scale, 500_000 // scale
    rng = random.Random(7)
    results: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="mcb-", dir="/tmp") as home,
        _store(args.engine, home, args.batch_size) as (
            store,
            server_pid,
        ),
    ):
        total = time.perf_counter()
        timed("concepts", results, n_concepts, lambda: store.upsert_nodes(concepts(n_concepts)))
        timed("terms", results, n_terms, lambda: store.upsert_nodes(terms(n_terms, n_concepts)))
        timed(
            "denotes",
            results,
            n_terms,
            lambda: store.upsert_relationships(t.denotes() for t in terms(n_terms, n_concepts)),
        )
        timed("relations", results, n_rels, lambda: store.upsert_relationships(relations(n_rels, n_concepts, rng)))
        all_rows = n_concepts + 2 * n_terms + n_rels
        results["all_rows"] = all_rows
        results["all_rows_per_s"] = round(all_rows / (time.perf_counter() - total))

        latencies = []
        for _ in range(200):
            ids = [f"MC{rng.randrange(n_concepts):06d}" for _ in range(20)]
            start = time.perf_counter()
            graph = store.subgraph(ids, hops=2, rel_types=RELS)
            latencies.append((time.perf_counter() - start) * 1000)
        results["subgraph_nodes_last"] = graph.number_of_nodes()
        results["subgraph_median_ms"] = round(statistics.median(latencies), 2)
        results["subgraph_p95_ms"] = round(statistics.quantiles(latencies, n=20)[18], 2)
        results["peak_rss_mb_client"] = round(peak_rss_mb(), 1)
        results["peak_rss_mb_server"] = round(peak_rss_mb(server_pid), 1)
        results["counts"] = store.counts().model_dump()  # type: ignore[assignment]
    results.update(engine=args.engine, quick=args.quick, batch_size=args.batch_size, python=platform.python_version())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
