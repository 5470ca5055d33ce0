"""Exports of a run: distillation data holds only checked answers, expert sheets are blinded
and come back in as ratings the report shows; bad ratings are refused before anything is
written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from kg.errors import IngestError
from kg.settings import Settings
from reasoning.evaluation.distillation import export_distillation
from reasoning.evaluation.expert_sheets import import_ratings, write_sheets
from reasoning.evaluation.judge import judge_results
from reasoning.evaluation.report import build_report
from reasoning.evaluation.runner import ResultsDir

METHODS = ["coreasoner", "direct-local"]


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_distillation_keeps_only_right_or_well_graded_answers(results: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, out = results
    assert export_distillation(out, tmp_path / "ungraded", methods=METHODS) == {"sw": 1}  # coreasoner's A only
    judge_results(settings, out)  # both long-form answers graded 5
    assert export_distillation(out, tmp_path / "strict", methods=METHODS, min_score=5.5) == {"sw": 1}
    assert export_distillation(out, tmp_path / "distill", methods=METHODS) == {"sw": 3}
    examples = _lines(tmp_path / "distill" / "sw.jsonl")
    assert {(e["method"], e["task"]) for e in examples} == {
        ("coreasoner", "qa"),
        ("coreasoner", "mcq"),
        ("direct-local", "qa"),
    }  # direct-local's B is wrong
    mcq = next(e for e in examples if e["task"] == "mcq")
    system, user, assistant = mcq["messages"]  # type: ignore[misc]
    assert [m["role"] for m in (system, user, assistant)] == ["system", "user", "assistant"]
    assert user["content"].endswith("A. Artemether-lumefantrine\nB. Metformin")
    assert assistant["content"] and "Artemether" in assistant["content"]


def _fill_csv(sheet: Path, ratings: dict[int, list[str]], rater: str = "dr-a") -> Path:
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for index, values in ratings.items():
        rows[index][4 : 4 + len(values)] = values
        rows[index][-1] = rater
    filled = sheet.with_name(f"filled-{sheet.name}")
    with filled.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return filled


def test_blinded_sheets_and_their_ratings_come_back_into_the_report(
    results: tuple[Settings, Path], tmp_path: Path
) -> None:
    _, out = results
    sheet, key = write_sheets(out, tmp_path / "sheets", methods=METHODS, fmt="csv")
    assert (sheet.name, key.name) == ("sheet-sw.csv", "key.csv")
    text = sheet.read_text(encoding="utf-8")
    assert "coreasoner" not in text and "direct-local" not in text  # blinded
    header, *answers = list(csv.reader(text.splitlines()))
    assert header[:4] == ["code", "question", "reference", "answer"] and header[-3:] == ["overall", "comment", "rater"]
    assert len(answers) == 2 and all(a[2] == "Artemether-lumefantrine kwa siku tatu." for a in answers)
    with key.open(encoding="utf-8") as handle:
        methods_by_code = {row["code"]: row["method"] for row in csv.DictReader(handle)}
    assert sorted(methods_by_code.values()) == sorted(METHODS)

    filled = _fill_csv(sheet, {1: ["5", "4", "4", "5", "4"], 2: ["3", "3", "2", "4", "2"]})
    assert import_ratings(out, filled, key) == 2
    assert import_ratings(out, filled, key) == 2  # again: replaced, not added
    rows = {r.method: r for r in build_report(out) if r.metric == "judge"}
    expected = {methods_by_code[answers[0][0]]: 4.0, methods_by_code[answers[1][0]]: 2.0}
    assert {m: (r.expert, r.expert_n) for m, r in rows.items()} == {m: (v, 1) for m, v in expected.items()}
    assert all(len(r.experts) == 1 for r in ResultsDir(out).all_latest() if r.task == "qa")


def test_a_bad_rating_is_refused_with_its_place_and_nothing_is_written(
    results: tuple[Settings, Path], tmp_path: Path
) -> None:
    _, out = results
    sheet, key = write_sheets(out, tmp_path / "sheets", methods=METHODS, fmt="csv")
    before = (out / "toy" / "coreasoner" / "sw.jsonl").read_text(encoding="utf-8")
    filled = _fill_csv(sheet, {1: ["5", "4", "4", "5", "4"], 2: ["3", "3", "6", "4", "2"]})
    with filled.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader), next(reader)
        line = reader.line_num + 1  # the second answer's record starts here (answers span lines)
    with pytest.raises(IngestError, match=rf"filled-sheet-sw\.csv:{line}: localization: 6 is not a rating"):
        import_ratings(out, filled, key)
    assert (out / "toy" / "coreasoner" / "sw.jsonl").read_text(encoding="utf-8") == before


def test_xlsx_sheets_round_trip(results: tuple[Settings, Path], tmp_path: Path) -> None:
    _, out = results
    sheet, key = write_sheets(out, tmp_path / "sheets", methods=["coreasoner"])
    book = openpyxl.load_workbook(sheet)
    page = book.active
    assert page is not None and page.max_row == 2
    for column, value in zip(range(5, 10), [5, 5, 4, 5, 5], strict=True):
        page.cell(row=2, column=column, value=value)
    book.save(sheet)
    assert import_ratings(out, sheet, key, rater="dr-b") == 1
    [rated] = [r for r in ResultsDir(out).all_latest() if r.experts]
    assert (rated.method, rated.experts[0].rater, rated.experts[0].overall) == ("coreasoner", "dr-b", 5)
