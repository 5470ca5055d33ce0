"""`medcore link` through `main(argv)`, on the embedded store (and on Neo4j under --neo4j): one
text, or many from a file or stdin, with one JSON shape per text."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from reasoning import main


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(["--home", str(home), *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("text", "lang", "cui"),
    [
        ("Fever and malaria in a child", "en", "C0024530"),
        ("疟疾患者", "zh", "C0024530"),
        ("マラリアの患者", "ja", "C0024530"),
        ("말라리아 환자", "ko", "C0024530"),
        ("Mtoto ana malaria", "sw", "C0024530"),
        ("ผู้ป่วยมาลาเรีย", "th", "C0024530"),
        ("Àrùn àtọ̀gbẹ", "yo", "C0011849"),
    ],
)
def test_link_prints_span_concept_type_score_and_method(
    built: Path, capsys: pytest.CaptureFixture[str], text: str, lang: str, cui: str
) -> None:
    record = _run(built, capsys, "link", text, "--lang", lang)
    assert {k: record[k] for k in ("id", "line", "text", "lang")} == {
        "id": None,
        "line": None,
        "text": text,
        "lang": lang,
    }
    best = {m["candidates"][0]["cui"]: m for m in record["mentions"]}
    assert cui in best
    mention, candidate = best[cui], best[cui]["candidates"][0]
    assert text[mention["start"] : mention["end"]] == mention["surface"]
    assert candidate["name"] and candidate["semantic_types"] and candidate["method"] in {"exact", "variant"}
    assert 0.8 <= candidate["score"] <= 1.0


def test_link_table_and_unknown_text(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(built), "link", "malaira", "--lang", "en"]) == 0
    table = capsys.readouterr().out
    assert "C0024530" in table and "fuzzy" in table
    assert main(["--home", str(built), "link", "the weather is fine", "--lang", "en"]) == 0
    assert "No concept found" in capsys.readouterr().out


def test_link_on_an_empty_graph_says_what_to_do(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "link", "malaria", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "LinkingError" in err and "medcore kg build" in err


def test_link_many_texts_from_a_file_of_lines(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("Mtoto ana homa na malaria\n\nhakuna kitu hapa\nkifua kikuu\n", encoding="utf-8")
    out = tmp_path / "linked.jsonl"
    assert main(["--home", str(built), "link", "--input", str(texts), "--lang", "sw", "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["lang"], r["id"]) for r in records] == [(1, "sw", None), (3, "sw", None), (4, "sw", None)]
    concepts = [{m["candidates"][0]["cui"] for m in r["mentions"]} for r in records]
    assert {"C0015967", "C0024530"} <= concepts[0] and concepts[2] == {"C0041296"}
    for record in records:  # each span points into its own text
        assert all(record["text"][m["start"] : m["end"]] == m["surface"] for m in record["mentions"])


def test_link_jsonl_from_stdin_takes_each_line_s_language_and_id(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"text": "疟疾患者", "lang": "zh", "id": "q1"},
        {"text": "malaria", "id": 7},
        {"text": "マラリア", "lang": "jp"},
    ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    assert main(["--home", str(built), "link", "--input", "-", "--lang", "en"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["lang"], r["line"]) for r in records] == [("q1", "zh", 1), (7, "en", 2), (None, "ja", 3)]
    assert all(r["mentions"][0]["candidates"][0]["cui"] == "C0024530" for r in records)


def test_a_bad_line_is_named_and_the_lines_before_it_are_kept(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "texts.jsonl"
    source.write_text('{"text": "malaria", "lang": "en"}\n{"text": "homa", "lang": "swahili"}\n', encoding="utf-8")
    out = tmp_path / "linked.jsonl"
    assert main(["--home", str(built), "link", "-i", str(source), "-o", str(out)]) == 1
    assert f"IngestError: {source}:2: lang: 'swahili' is not an ISO 639-1 language code" in capsys.readouterr().err
    assert [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()] == ["malaria"]


def test_plain_lines_need_a_language(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "texts.txt"
    source.write_text("malaria\n", encoding="utf-8")
    assert main(["--home", str(built), "link", "--input", str(source)]) == 1
    assert f"{source}:1: lang: missing; give it in the record or with --lang" in capsys.readouterr().err
