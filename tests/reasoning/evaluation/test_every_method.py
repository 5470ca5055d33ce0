"""Every method on every benchmark format, through the CLI and the scripted responder:
`medcore eval run` then `medcore eval report` give a record per item and method, the gold
answer scored right, and a table and plots per dataset and task.

The responder's replies are written here for each item from its own text: the chains, the
concept lists, the answers (the gold one, so that a correct run scores 1.0) and the
translations, each matched by the stage's prompt and the text it carries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.benchmarks import BenchmarkItem, load_benchmark
from reasoning import main
from reasoning.evaluation.judge import DEFAULT_CRITERIA
from reasoning.evaluation.runner import METHODS, ResultsDir
from reasoning.languages import language
from reasoning.llm.responder import Responder

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "ingest" / "data" / "benchmarks"
# (dataset, path, extra arguments): every reader, at most two items per language and task
FORMATS = [
    ("multimedx", ROOT / "tests" / "data" / "multimedx", ["--limit", "1"]),
    ("multimedx", DATA / "multimedx" / "multimedx_card.csv", ["--lang", "zh,sw"]),
    ("mmedbench", DATA / "mmedbench", ["--limit", "2", "--lang", "ja"]),
    ("global-mmlu", DATA / "global_mmlu", ["--limit", "1"]),
    ("mmlu-prox", DATA / "mmlu_prox", ["--limit", "1"]),
    (
        "jsonl",
        DATA / "generic.jsonl",
        ["--lang", "sw", "--field-map", "id=qid,question=prompt,options=choices,gold=label,lang=language"],
    ),
]


def _items() -> list[BenchmarkItem]:
    """The items the runs will load (the same loads as the CLI's, to script their replies)."""
    items = load_benchmark("multimedx", FORMATS[0][1]).items
    first: dict[tuple[str, str], BenchmarkItem] = {}
    for item in items:
        first.setdefault((item.lang, item.task), item)
    card = [i for i in load_benchmark("multimedx", FORMATS[1][1]).items if i.lang in ("zh", "sw")]
    mapping = {"id": "qid", "question": "prompt", "options": "choices", "gold": "label", "lang": "language"}
    return [
        *first.values(),
        *card,
        *load_benchmark("mmedbench", FORMATS[2][1], langs=["ja"]).items,
        *load_benchmark("global-mmlu", FORMATS[3][1]).items[:1],
        *load_benchmark("mmlu-prox", FORMATS[4][1]).items[:1],
        *load_benchmark("jsonl", FORMATS[5][1], langs=["sw"], field_map=mapping).items,
    ]


def _reply(item: BenchmarkItem, local: bool) -> str:
    """The gold answer (an option letter, a label), or for long-form answers text in the
    language asked for."""
    if item.task != "qa":
        return item.gold or ""
    return item.question if local else "Rest, fluids and a review by a clinician within a day."


def _fixtures(items: list[BenchmarkItem]) -> Iterator[dict[str, Any]]:
    for number, item in enumerate(items):
        case, key = f"Case {number:03d}:", item.question[:60]
        name = language(item.lang).name
        english_steps = [f"{case} the findings are weighed against fever and its causes."]

        def answer(text: str, explanation: str, *contains: str) -> dict[str, Any]:
            return {
                "match": {"contains": list(contains)},
                "response": {"json": {"answer": text, "explanation": explanation}},
            }

        yield {
            # the English chain reasons over the English parallel where there is one
            "match": {"contains": ["write every step and the answer in English", (item.english or item.question)[:60]]},
            "response": {"json": {"steps": english_steps, "answer": _reply(item, False), "question_english": case}},
        }
        yield {
            "match": {"contains": [f"write every step and the answer in {name}", key]},
            "response": {"json": {"steps": [item.question], "answer": _reply(item, True)}},
        }
        concept = {"surface": "fever", "gloss": "fever", "role": "finding", "step": 0}
        yield {
            "match": {"contains": ["extract the chain of medical concepts", case]},
            "response": {"json": {"concepts": [concept]}},
        }
        yield {
            "match": {"contains": ["extract the chain of medical concepts", key]},
            "response": {"json": {"concepts": []}},
        }
        yield answer(_reply(item, True), item.question, "reasoning scaffold", key)
        yield answer(_reply(item, True), item.question, f"directly and in {name}", key)
        if item.english:
            yield answer(
                _reply(item, False), f"{case} answered in English.", "directly and in English", item.english[:60]
            )
        # translate-test: the question and options into English, the answer back
        translated = f"{case} the question in English."
        yield {
            "match": {"contains": ["You translate medical text", key]},
            "response": {"json": {"translation": translated}},
        }
        for text in (item.options or {}).values():
            yield {
                "match": {"contains": ["You translate medical text", text]},
                "response": {"json": {"translation": text}},
            }
        yield answer(_reply(item, False), f"{case} answered in English.", "directly and in English", translated)
        grade = {"scores": dict.fromkeys(DEFAULT_CRITERIA, 4), "overall": 4}
        yield {"match": {"contains": ["senior physician grading", key]}, "response": {"json": grade}}
        yield {
            "match": {"contains": ["You translate medical text", _reply(item, False)]},
            "response": {"json": {"translation": item.question}},
        }


@pytest.fixture
def endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Responder]:
    fixtures = tmp_path / "fixtures.jsonl"
    lines = [json.dumps(f, ensure_ascii=False) for f in _fixtures(_items())]
    fixtures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Responder.from_file(fixtures) as server:
        monkeypatch.setenv("MEDCORE_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("MEDCORE_MODEL", "scripted")
        monkeypatch.setenv("MEDCORE_LLM_MAX_RETRIES", "0")
        yield server


def test_every_method_runs_on_every_format_and_the_report_scores_them(
    built: Path, endpoint: Responder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results"
    for dataset, path, extra in FORMATS:
        args = ["--home", str(built), "eval", "run", dataset, "--path", str(path), "--out", str(out), "-q"]
        assert main([*args, "--method", ",".join(METHODS), *extra]) == 0, capsys.readouterr()
    records = list(ResultsDir(out).all_latest())
    items = _items()
    assert len(records) == len(items) * len(METHODS)
    for record in records:
        if record.method == "direct-english" and not next(i for i in items if i.question == record.question).english:
            assert record.status == "failed" and "has no English parallel" in (record.error or "")
            continue
        assert record.status == "answered", (record.dataset, record.method, record.item_id, record.error)
        assert record.correct is not False, (record.dataset, record.method, record.item_id, record.prediction)

    assert main(["--home", str(built), "eval", "judge", str(out)]) == 0
    capsys.readouterr()
    assert main(["--home", str(built), "eval", "report", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    scored = [r for r in report["rows"] if r["metric"] == "accuracy" and r["n"]]
    assert scored and all(r["score"] == 1.0 and r["unparseable"] == 0 for r in scored)
    graded = [r for r in report["rows"] if r["metric"] == "judge" and r["method"] != "direct-english"]
    assert graded and all((r["score"], r["judge_agreement"]) == (4.0, 1.0) for r in graded)
    multiple = [r for r in records if r.dataset == "mmedbench" and r.gold == "A,C"]
    assert multiple and all(r.correct for r in multiple if r.status == "answered")
    files = {Path(p).name for p in report["files"]}
    expected = {"multimedx-nli", "multimedx-qa", "mmedbench-mcq", "global-mmlu-mcq", "mmlu-prox-mcq", "generic-mcq"}
    assert {f"{name}-scores.png" for name in expected} <= files
