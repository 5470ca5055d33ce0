"""The judge grades long-form answers (twice, recording its model and prompt), and the report
turns a results folder into tables and plots whose numbers are the results'."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.settings import Settings
from reasoning.evaluation.judge import judge_results, load_criteria, load_judge_prompt
from reasoning.evaluation.report import build_report, write_report
from reasoning.evaluation.runner import ResultsDir


def test_the_judge_grades_each_long_form_answer_twice_and_records_itself(results: tuple[Settings, Path]) -> None:
    settings, out = results
    summary = judge_results(settings, out)
    assert (summary.judged, summary.failed, summary.agreement_exact) == (2, 0, 1.0)  # coreasoner and direct-local
    graded = [r for r in ResultsDir(out).all_latest() if r.task == "qa"]
    assert all(
        r.judge and r.judge.overall == 5 and r.judge.judge_model == "scripted" and r.judge.judge_prompt for r in graded
    )
    assert judge_results(settings, out).judged == 0  # graded once


def test_the_report_holds_the_numbers_of_the_results(results: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, out = results
    judge_results(settings, out)
    rows = {(r.method, r.metric): r for r in build_report(out, baseline="direct-local")}
    coreasoner, direct = rows[("coreasoner", "accuracy")], rows[("direct-local", "accuracy")]
    assert (coreasoner.score, coreasoner.n, direct.score) == (1.0, 1, 0.0)  # A is right, B is not
    assert coreasoner.delta == 1.0 and coreasoner.p_value == 1.0  # one discordant pair proves nothing
    assert (rows[("coreasoner", "judge")].score, rows[("coreasoner", "judge")].judge_agreement) == (5.0, 1.0)
    written = write_report(list(rows.values()), tmp_path / "report")
    names = {p.name for p in written}
    assert {"report.md", "report.csv", "toy-mcq-scores.png", "toy-mcq-gains.png", "toy-qa-scores.png"} <= names
    with (tmp_path / "report" / "report.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert {(r["method"], r["metric"], float(r["score"])) for r in table} >= {("coreasoner", "accuracy", 1.0)}
    assert "| toy | mcq | sw | coreasoner | accuracy | 1.000 |" in (tmp_path / "report" / "report.md").read_text()


CUSTOM = """### system
A custom rubric for $language answers. Grade 1-5:
$criteria
Reply as JSON: {"scores": {$criteria_keys}, "overall": 1-5}.
### user
$question
Reference: $reference
Answer: $answer
"""


def test_criteria_and_the_judge_prompt_are_the_users_and_recorded(
    results: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, out = results
    (tmp_path / "rubric.md").write_text(CUSTOM, encoding="utf-8")
    (tmp_path / "criteria.json").write_text('{"dosing": "the dose and duration are right"}', encoding="utf-8")
    template, criteria = load_judge_prompt(tmp_path / "rubric.md"), load_criteria(tmp_path / "criteria.json")
    assert judge_results(settings, out, criteria=criteria, template=template).judged == 2
    graded = [r.judge for r in ResultsDir(out).all_latest() if r.judge]
    assert {(tuple(g.scores), g.overall, g.judge_prompt) for g in graded} == {
        (("dosing",), 3.0, f"rubric@{template.version}")
    }


def test_a_judge_prompt_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(CUSTOM.replace("$answer", "$reply"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.md: judge prompt: unknown placeholder \$reply"):
        load_judge_prompt(tmp_path / "bad.md")
    (tmp_path / "criteria.json").write_text('["safety"]', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"criteria\.json: criteria: expected a JSON object"):
        load_criteria(tmp_path / "criteria.json")
