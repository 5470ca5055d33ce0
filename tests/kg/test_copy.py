"""Copying a whole graph between stores: embedded to embedded through the API and the CLI,
and, with a live Neo4j, FalkorDB to Neo4j and back. Counts and contents agree, a second copy
changes nothing, and an interrupted copy run again completes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import GraphStore, load_settings, open_store
from kg.errors import GraphStoreError
from kg.graph.copy import copy_graph
from kg.settings import Settings
from reasoning import CoReasoner, Item, main
from reasoning.llm.responder import Responder

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "reasoning" / "data" / "demo_questions.jsonl"
DEMO_FIXTURES = ROOT / "reasoning" / "data" / "fixtures" / "demo.jsonl"


@pytest.fixture(scope="module")
def source_home() -> Iterator[Path]:
    """A home with the seed and one pipeline run (question, chains, alignment, scaffold)."""
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        home = Path(directory)
        swahili = Item(**json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0]))
        with Responder.from_file(DEMO_FIXTURES) as server:
            settings = load_settings(home=home, llm_base_url=server.base_url, model="scripted", llm_max_retries=0)
            with open_store(settings) as store:
                build_seed(store)
                with CoReasoner(settings, store=store) as reasoner:
                    reasoner.run_item(swahili)
        yield home


def _contents(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, as sorted text (the `created` time
    of a run included: a copy keeps it)."""
    nodes = store.query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    edges = store.query(
        "MATCH (a)-[r]->(b) RETURN coalesce(a.key, a.cui, a.tui) AS start, type(r) AS type, "
        "coalesce(b.key, b.cui, b.tui) AS end, properties(r) AS props"
    )
    return sorted(json.dumps(n, sort_keys=True) for n in nodes), sorted(json.dumps(e, sort_keys=True) for e in edges)


def test_a_copy_holds_the_same_graph_and_a_second_changes_nothing(source_home: Path, home: Path) -> None:
    with open_store(load_settings(home=source_home)) as source, open_store(load_settings(home=home)) as target:
        summary = copy_graph(source, target)
        assert summary.shortfalls() == [] and summary.source == summary.target
        assert summary.nodes["Run"] == 1 and summary.relationships["ALIGNED_WITH"] > 0
        assert _contents(target) == _contents(source)
        again = copy_graph(source, target)
        assert again.target == summary.target and _contents(target) == _contents(source)


def test_pages_smaller_than_a_label_copy_it_whole(source_home: Path, home: Path) -> None:
    # Terms have mixed-case keys, which FalkorDB's range index orders otherwise than ORDER BY:
    # pages of 200 went round in circles for ever.
    with (
        open_store(load_settings(home=source_home, graph_batch_size=200)) as source,
        open_store(load_settings(home=home)) as target,
    ):
        summary = copy_graph(source, target)
        assert summary.source == summary.target and summary.nodes["Term"] > 200
        assert _contents(target) == _contents(source)


def test_an_interrupted_copy_run_again_completes(source_home: Path, home: Path) -> None:
    pages = 0

    def stop_after_three(what: str, n: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise KeyboardInterrupt

    with open_store(load_settings(home=source_home)) as source, open_store(load_settings(home=home)) as target:
        with pytest.raises(KeyboardInterrupt):
            copy_graph(source, target, progress=stop_after_three)
        partial = target.counts()
        assert 0 < sum(partial.nodes.values()) < sum(source.counts().nodes.values())
        copy_graph(source, target)
        assert _contents(target) == _contents(source)


def test_a_short_copy_is_an_error_that_says_what_is_missing(source_home: Path, home: Path) -> None:
    with open_store(load_settings(home=source_home)) as source, open_store(load_settings(home=home)) as target:
        summary = copy_graph(source, target)
        # what a foreign label of the source would do: more in the source than the schema copies
        source.query("CREATE (:Stray {key: 'x'})")
        try:
            with pytest.raises(GraphStoreError, match=r"short: Stray nodes: 0 of 1; run it again"):
                copy_graph(source, target)
        finally:
            source.query("MATCH (s:Stray) DELETE s")
        assert target.counts() == summary.target


def test_the_cli_copies_to_another_home(
    source_home: Path, home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--home", str(source_home), "db", "copy", "--to-home", str(home), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["source"] == summary["target"] and summary["nodes"]["Concept"] > 500
    assert main(["--home", str(source_home), "db", "copy", "--to-home", str(source_home)]) == 2
    assert "the same store" in capsys.readouterr().err


def _neo4j(home: Path) -> Settings:
    return load_settings(
        home=home,
        graph_uri=os.environ["NEO4J_URI"],
        graph_user=os.environ.get("NEO4J_USER", "neo4j"),
        graph_password=os.environ.get("NEO4J_PASSWORD"),
    )


@pytest.mark.neo4j
@pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="set NEO4J_URI to run against a live Neo4j")
def test_falkordb_to_neo4j_and_back(source_home: Path, home: Path) -> None:
    with open_store(load_settings(home=source_home)) as source, open_store(_neo4j(home)) as neo4j:
        neo4j.clear()
        try:
            there = copy_graph(source, neo4j)
            with open_store(load_settings(home=home)) as back:
                returned = copy_graph(neo4j, back)
                assert there.source == there.target == returned.target
                assert _contents(back) == _contents(source)
        finally:
            neo4j.clear()
