"""What the evaluation tests share: a results folder made by the pipeline and a baseline
through the scripted responder, on a long-form and an option question in Swahili."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import load_settings, open_store
from kg.settings import Settings
from reasoning.evaluation.runner import run_evaluation
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
    {
        "match": {"contains": ["custom rubric", "Mtoto wa miaka minne"]},
        "response": {"json": {"scores": {"dosing": 3}, "overall": 3}},
    },
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
