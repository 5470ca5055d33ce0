"""`run_evaluation` end to end through the scripted responder: the pipeline's methods and the
baselines, records written as they finish, a resumed run equal to an uninterrupted one, and
failures retried only when asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import load_settings, open_store
from kg.settings import Settings
from reasoning.evaluation.runner import ResultsDir, run_evaluation
from reasoning.llm.responder import Responder
from reasoning.results import Item

PIPELINE_FIXTURES = Path(__file__).resolve().parents[1] / "data" / "pipeline_fixtures.jsonl"
MCQ = Item(
    question="Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
    lang="sw",
    task="mcq",
    options={"A": "Artemether-lumefantrine", "B": "Metformin"},
    region="KE",
    english="Which is the first-line drug for uncomplicated malaria in Kenya?",
    id="toy:1",
    gold="A",
    dataset="toy",
)
NLI = Item(
    question="Premise: A blood smear shows Plasmodium falciparum. Hypothesis: The patient has malaria.",
    lang="en",
    task="nli",
    id="toy:2",
    gold="entailment",
    dataset="toy",
)
UNSCRIPTED = Item(question="Swali lisilo na maandalizi yoyote kabisa.", lang="sw", id="toy:3", dataset="toy")
BASELINE_FIXTURES = [
    {
        "match": {"contains": ["directly and in Swahili", MCQ.question]},
        "response": {
            "json": {
                "answer": "Jibu ni A",
                "explanation": "Artemether-lumefantrine ndiyo dawa ya kwanza ya malaria isiyo kali nchini Kenya.",
            }
        },
    },
    {
        "match": {"contains": ["directly and in English", NLI.question]},
        "response": {
            "json": {"answer": "entailment", "explanation": "A smear positive for P. falciparum means malaria."}
        },
    },
]


@pytest.fixture
def settings(home: Path, tmp_path: Path) -> Iterator[Settings]:
    fixtures = tmp_path / "fixtures.jsonl"
    lines = PIPELINE_FIXTURES.read_text(encoding="utf-8").splitlines()
    lines += [json.dumps(f, ensure_ascii=False) for f in BASELINE_FIXTURES]
    fixtures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Responder.from_file(fixtures) as server:
        settings = load_settings(home=home, llm_base_url=server.base_url, model="scripted", llm_max_retries=0)
        with open_store(settings) as store:
            build_seed(store)
        yield settings


def _latest(out: Path) -> set[tuple[object, ...]]:
    return {(r.method, r.item_id, r.prediction, r.status, r.correct) for r in ResultsDir(out).all_latest()}


def test_methods_run_write_their_records_and_a_resumed_run_equals_an_uninterrupted_one(
    settings: Settings, tmp_path: Path
) -> None:
    methods = ["coreasoner", "ablation-no-local", "direct-local", "cot-local"]
    out = tmp_path / "results"
    summaries = run_evaluation(settings, [MCQ, NLI], methods, out, concurrency=2)
    assert [(s.method, s.ran, s.answered, s.failed) for s in summaries] == [(m, 2, 2, 0) for m in methods]
    records = {(r.method, r.item_id): r for r in ResultsDir(out).all_latest()}
    assert records[("coreasoner", "1")].prediction == "A" and records[("coreasoner", "1")].correct is True
    assert records[("direct-local", "2")].prediction == "entailment" and records[("direct-local", "2")].correct
    assert records[("cot-local", "1")].reasoning and records[("coreasoner", "1")].run_key
    assert (out / "toy" / "direct-local" / "sw.jsonl").exists() and (out / "toy" / "coreasoner" / "en.jsonl").exists()
    whole = _latest(out)

    again = run_evaluation(settings, [MCQ, NLI], methods, out)
    assert all(s.ran == 0 and s.skipped == 2 for s in again)  # nothing repeated

    interrupted = tmp_path / "interrupted"
    run_evaluation(settings, [MCQ], methods, interrupted)  # as if stopped after the first item
    run_evaluation(settings, [MCQ, NLI], methods, interrupted)
    assert _latest(interrupted) == whole
    with open_store(settings) as store:
        rows = store.query(
            "MATCH (r:Run {dataset: 'toy'}) RETURN r.method AS method, r.correct AS correct ORDER BY method"
        )
    assert {row["method"] for row in rows} == set(methods) and all(row["correct"] for row in rows)


def test_failures_are_recorded_and_retried_only_when_asked(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "results"
    [summary] = run_evaluation(settings, [UNSCRIPTED], ["direct-local"], out)
    assert (summary.ran, summary.failed) == (1, 1)
    [record] = ResultsDir(out).all_latest()
    assert record.status == "failed" and "no fixture matches" in (record.error or "")
    assert run_evaluation(settings, [UNSCRIPTED], ["direct-local"], out)[0].ran == 0
    assert run_evaluation(settings, [UNSCRIPTED], ["direct-local"], out, retry_failed=True)[0].ran == 1
