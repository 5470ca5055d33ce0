"""`medcore ingest wikidata` and `medcore ingest obo --translations` through `main(argv)`, on
the embedded store (and on Neo4j under --neo4j) with the seed built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reasoning import main

DATA = Path(__file__).resolve().parents[2] / "ingest" / "data"


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(["--home", str(home), *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_wikidata_dump_and_query_results_load(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = _run(built, capsys, "ingest", "wikidata", str(DATA / "wikidata-dump.json"), "--tui", "T184", "-q")
    loaded = dump["loaded"]
    assert loaded.get("concepts", 0) + loaded["concepts_existing"] == 8 and loaded["entities_without_cui"] == 1
    sparql = _run(built, capsys, "ingest", "wikidata", str(DATA / "wikidata-sparql.json"), "--lang", "ja,zh", "-q")
    assert sparql["loaded"]["concepts_existing"] == 8 and sparql["loaded"]["terms"] == 0
    rows = _run(built, capsys, "cypher", "MATCH (t:Term {text: '痛み'})-[d:DENOTES]->(c:Concept) RETURN c.cui AS cui")
    assert rows == [{"cui": "C0030193"}]


def test_obo_with_translations(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--translations", str(DATA / "hp-ja.babelon.tsv"), "--translations", str(DATA / "hp-zh.babelon.tsv")]
    loaded = _run(built, capsys, "ingest", "obo", str(DATA / "hp.obo"), "--tui", "T184", "-q", *args)["loaded"]
    assert loaded["translation_terms"] + loaded.get("translation_terms_existing", 0) == 6
    assert loaded["translations_status:CANDIDATE"] == 1


def test_a_malformed_wikidata_file_is_named_with_its_line(
    built: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "latest-all.json"
    path.write_text(
        (DATA / "wikidata-dump.json").read_text(encoding="utf-8").replace('"claims":{', '"claims"{', 1),
        encoding="utf-8",
    )
    assert main(["--home", str(built), "ingest", "wikidata", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert "IngestError" in err and "latest-all.json:2: not valid JSON" in err
