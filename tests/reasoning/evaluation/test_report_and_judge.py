"""The judge grades long-form answers (twice, recording its model and prompt), and the report
turns a results folder into tables and plots whose numbers are the results'."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import load_settings, open_store
from kg.settings import Settings
from reasoning.evaluation.judge import judge_results
from reasoning.evaluation.report import build_report, write_report
from reasoning.evaluation.runner import ResultsDir, run_evaluation
from reasoning.llm.responder import Responder
from reasoning.results import Item

PIPELINE_FIXTURES = Path(__file__).resolve().parents[1] / "data" / "pipeline_fixtures.jsonl"
DEMO = Path(__file__).resolve().parents[3] / "reasoning" / "data" / "demo_questions.jsonl"
FIRST_DEMO = json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0])
QA = Item(**{**FIRST_DEMO, "id": "toy:qa", "dataset": "toy", "gold": "Artemether-lumefantrine kwa siku tatu."})
MCQ = Item(
    question="Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
    lang="sw",
    task="mcq",
    options={"A": "Artemether-lumefantrine", "B": "Metformin"},
    region="KE",
    english="Which is the first-line drug for uncomplicated malaria in Kenya?",
    id="toy:mcq",
    gold="A",
    dataset="toy",
)
JUDGE = {"scores": {"reasoning_quality": 5, "factual_accuracy": 5, "localization": 4, "safety": 5}, "overall": 5}
FIXTURES = [
    {"match": {"contains": ["senior physician grading", "Mtoto wa miaka minne"]}, "response": {"json": JUDGE}},
    {
        "match": {"contains": ["directly and in Swahili", MCQ.question]},
        "response": {"json": {"answer": "B", "explanation": "Metformin hutumika kutibu kisukari, si malaria."}},
    },
    {
        "match": {"contains": ["directly and in Swahili", "Mtoto wa miaka minne"]},
        "response": {
            "json": {
                "answer": "Artemether-lumefantrine kwa siku tatu.",
                "explanation": "Ni dawa ya kwanza ya malaria isiyo kali nchini Kenya.",
            }
        },
    },
]


@pytest.fixture
def results(home: Path, tmp_path: Path) -> Iterator[tuple[Settings, Path]]:
    fixtures = tmp_path / "fixtures.jsonl"
    lines = PIPELINE_FIXTURES.read_text(encoding="utf-8").splitlines() + [
        json.dumps(f, ensure_ascii=False) for f in FIXTURES
    ]
    fixtures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Responder.from_file(fixtures) as server:
        settings = load_settings(home=home, llm_base_url=server.base_url, model="scripted", llm_max_retries=0)
        with open_store(settings) as store:
            build_seed(store)
        out = tmp_path / "results"
        run_evaluation(settings, [QA, MCQ], ["coreasoner", "direct-local"], out)
        yield settings, out


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
