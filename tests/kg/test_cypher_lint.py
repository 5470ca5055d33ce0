"""Every Cypher statement the project sends, and every file in queries/, passes Neo4j's own
linter (@neo4j-cypher/language-support, run offline under node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.graph.dialect import schema_statements
from kg.graph.schema import NODE_KEYS, RELATIONSHIPS
from kg.graph.statements import Statement, catalog
from queries import named_queries

LINTER = Path(__file__).parents[1] / "cypher_lint"
SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def _statements() -> list[Statement]:
    shipped = [Statement(f"queries/{q.name}.cypher", q.text, q.params) for q in named_queries().values()]
    return [*catalog(), *schema_statements("neo4j"), *shipped]


def _lint(statements: list[Statement]) -> list[dict]:  # type: ignore[type-arg]
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the Cypher lint needs Node.js (see README, 'Tests')")
    if not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail(f"the linter is not installed: run `npm ci --prefix {LINTER}`")
    payload = {
        "statements": [{"name": s.name, "text": s.text, "params": list(s.params)} for s in statements],
        "labels": sorted(NODE_KEYS),
        "relationshipTypes": sorted(RELATIONSHIPS),
    }
    done = subprocess.run(
        ["node", str(LINTER / "lint.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_every_statement_passes_neo4j_linter() -> None:
    statements = _statements()
    results = _lint(statements)
    assert len(results) == len(statements)
    problems = [
        f"{r['name']}: {SEVERITY[d['severity']]}: {d['message']}"
        for r in results
        for d in r["diagnostics"]
        if d["severity"] <= 2
    ]
    assert not problems, "\n".join(problems)


def test_linter_catches_a_broken_statement() -> None:
    # The check can fail: a typo and an undeclared parameter are both reported.
    broken = [
        Statement("typo", "MATCH (c:Concept) RETRUN c"),
        Statement("undeclared", "MATCH (c:Concept {cui: $cui}) RETURN c", ()),
    ]
    results = {r["name"]: r["diagnostics"] for r in _lint(broken)}
    assert any(d["severity"] == 1 for d in results["typo"])
    assert any("cui" in d["message"] for d in results["undeclared"])
