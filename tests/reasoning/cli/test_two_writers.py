"""Two writers on one home, through the CLI: they take turns (the second says whom it
waits for), and the graph they leave is the one a single writer leaves. Before the writer
lock, two `kg build` at once gave 7,987-8,009 relationships instead of 7,305."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from kg import load_settings, open_store

ROOT = Path(__file__).resolve().parents[3]


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MEDCORE_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "reasoning", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    process = _start(home, *args)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _counts(home: Path) -> dict[str, dict[str, int]]:
    result = _run(home, "kg", "stats", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_two_builds_at_once_leave_the_graph_one_build_leaves(home: Path) -> None:
    builds = [_start(home, "kg", "build", "--json", "-q") for _ in range(2)]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    together = _counts(home)
    check = _run(home, "kg", "check", "--json")
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout) == {"clean": True, "findings": []}
    # One build alone, in the same home emptied (on Neo4j another home would name the same graph).
    assert _run(home, "kg", "clear", "--yes").returncode == 0
    assert _run(home, "kg", "build", "--json", "-q").returncode == 0
    assert _counts(home) == together
    _run(home, "db", "stop")


def test_a_second_writer_waits_and_says_for_whom(home: Path) -> None:
    with open_store(load_settings(home=home)) as store:
        with store.writing():
            build = _start(home, "kg", "build", "--json", "-q")
            assert build.stderr is not None
            said, deadline = "", time.monotonic() + 120
            while "waiting for another writer" not in said and time.monotonic() < deadline:
                if select.select([build.stderr], [], [], 1.0)[0]:
                    said += build.stderr.readline()
            assert f"waiting for another writer (pid {os.getpid()})" in said
            assert build.poll() is None and store.counts().nodes == {}  # it waits, writing nothing
        out, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
        assert json.loads(out)["nodes"]["Concept"] > 500
    _run(home, "db", "stop")


def test_kg_check_exits_1_on_damage_and_repair_restores_the_graph(home: Path) -> None:
    assert _run(home, "kg", "build", "-q").returncode == 0
    before = _counts(home)
    damage = "MATCH (t:Term)-[:DENOTES]->(c:Concept) WITH t, c LIMIT 5 CREATE (t)-[:DENOTES]->(c)"
    assert _run(home, "cypher", "--write", damage).returncode == 0

    found = _run(home, "kg", "check")
    assert found.returncode == 1
    assert "DENOTES" in found.stdout and "medcore kg check --repair" in found.stdout

    repaired = _run(home, "kg", "check", "--repair", "--json")
    assert repaired.returncode == 0, repaired.stderr
    assert json.loads(repaired.stdout)["findings"] == [
        {"kind": "duplicate_relationships", "type": "DENOTES", "count": 5, "repaired": 5}
    ]
    assert _counts(home) == before
    assert _run(home, "kg", "check").returncode == 0
    _run(home, "db", "stop")
