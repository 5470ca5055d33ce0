"""The `medcore` CLI through `main(argv)`, on the embedded store (and on Neo4j under --neo4j)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasoning import main


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_kg_build_then_stats_shows_the_seed_and_rebuild_changes_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    built = _json(capsys)
    assert main(["--home", str(home), "kg", "stats", "--json"]) == 0
    stats = _json(capsys)
    assert set(stats) == {"nodes", "relationships"}  # type: ignore[arg-type]
    assert stats["nodes"]["Concept"] >= 50 and stats["relationships"]["LOCAL_PRACTICE"] >= 30  # type: ignore[index]
    assert {k: built[k] for k in ("nodes", "relationships")} == stats  # type: ignore[index]
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "kg", "stats", "--json"]) == 0
    assert _json(capsys) == stats


def test_cypher_with_params_and_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    capsys.readouterr()
    query = "MATCH (t:Term {lang: $lang})-[d:DENOTES]->(c:Concept {cui: $cui}) RETURN t.text AS text ORDER BY text"
    code = main(["--home", str(home), "cypher", query, "--param", "lang=yo", "--param", "cui=C0024530", "--json"])
    assert code == 0
    rows = _json(capsys)
    assert {"text": "ibà"} in rows  # type: ignore[operator]


def test_a_query_the_store_refuses_is_a_user_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "cypher", "MATCH (n RETURN n"]) == 1
    assert capsys.readouterr().err.startswith("GraphStoreError: ")


def test_db_start_status_stop(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "db", "start", "--json"]) == 0
    assert _json(capsys)["running"] is True  # type: ignore[index]
    assert main(["--home", str(home), "db", "status", "--json"]) == 0
    assert _json(capsys)["daemon"] is True  # type: ignore[index]
    assert main(["--home", str(home), "db", "stop", "--json"]) == 0
    assert _json(capsys)["running"] is False  # type: ignore[index]
