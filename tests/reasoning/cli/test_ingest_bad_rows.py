"""`medcore ingest` and `medcore link --input` on bad rows: exit 1 with one line naming file,
line and field, the rows before kept (issue 13's NUL and missing-concept cases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.progress import MAX_LINE_BYTES
from reasoning import main

MALARIA, AL = "C0024530", "MC000001"  # in the seed


def _fact(head: str, tail: str, region: str, statement: str) -> str:
    record = {
        "head": head,
        "tail": tail,
        "kind": "referral",
        "region": region,
        "lang": "sw",
        "statement": statement,
        "statement_local": statement,
        "source": "issue 13",
    }
    return json.dumps(record) + "\n"


def _statements(home: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    query = "MATCH ()-[r:LOCAL_PRACTICE {source: 'issue 13'}]->() RETURN r.statement AS s ORDER BY s"
    assert main(["--home", str(home), "cypher", query, "--json"]) == 0
    return [row["s"] for row in json.loads(capsys.readouterr().out)]


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (_fact(MALARIA, AL, "UG", "th\x00ree"), "statement: holds a NUL character (U+0000) at character 3"),
        (_fact(MALARIA, "C0999999", "UG", "three"), "tail: concept C0999999 (tail CUI) is not in the graph"),
        (_fact("C0999999", AL, "UG", "three"), "head: concept C0999999 (head CUI) is not in the graph"),
    ],
)
def test_a_bad_practice_row_is_named_and_the_rows_before_it_kept(
    built: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: str, problem: str
) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_text(
        _fact(MALARIA, AL, "KE", "one") + _fact(MALARIA, AL, "TZ", "two") + bad + _fact(MALARIA, AL, "NG", "four"),
        encoding="utf-8",
    )
    assert main(["--home", str(built), "ingest", "practice", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"IngestError: {path}:3: {problem}" in err
    assert "Traceback" not in err and "\x00" not in err
    assert _statements(built, capsys) == ["one", "two"]


def test_link_input_is_bounded(built: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "texts.txt"
    path.write_bytes(b"homa\n" + b"a" * (MAX_LINE_BYTES + 1))
    assert main(["--home", str(built), "link", "--input", str(path), "--lang", "sw"]) == 1
    err = capsys.readouterr().err
    assert f"IngestError: {path}:2: line longer than 16 MiB" in err
