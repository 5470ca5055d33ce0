"""`medcore eval run|judge|report` as a user runs them: a dry run that validates and estimates
without a call, a pilot run that calibrates the estimate (which then holds within 25% of what
the rest costs), resuming, the judge on its own endpoint and model, and the report's files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reasoning import main
from reasoning.evaluation.runner import ResultsDir
from reasoning.llm.responder import Responder

ROOT = Path(__file__).resolve().parents[3]
DEMO_QUESTIONS = ROOT / "reasoning" / "data" / "demo_questions.jsonl"
DEMO_FIXTURES = ROOT / "reasoning" / "data" / "fixtures" / "demo.jsonl"
MULTIMEDX = ROOT / "tests" / "data" / "multimedx"
METHODS = "coreasoner,cot-english"
JUDGE = {"scores": {"reasoning_quality": 4, "factual_accuracy": 5, "localization": 4, "safety": 5}, "overall": 4}


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Responder]:
    with Responder.from_file(DEMO_FIXTURES) as server:
        monkeypatch.setenv("MEDCORE_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("MEDCORE_MODEL", "scripted")
        monkeypatch.setenv("MEDCORE_LLM_MAX_RETRIES", "0")
        # every call reaches the endpoint, so that records carry what an item really costs
        monkeypatch.setenv("MEDCORE_LLM_CACHE", "false")
        yield server


def _eval(built: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--home", str(built), "eval", *args])
    return code, capsys.readouterr().out


def test_a_dry_run_validates_counts_and_prices_without_calling_the_model(
    built: Path, endpoint: Responder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["run", "multimedx", "--path", str(MULTIMEDX), "--out", str(tmp_path / "out"), "--dry-run"]
    capsys.readouterr()
    prices = ["--price-in", "2", "--price-out", "8"]
    code = main(
        ["--home", str(built), "eval", *args, "--method", "coreasoner,direct-local", *prices, "--lang", "ja,sw,yo"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and endpoint.requests == 0
    assert f"warning: {MULTIMEDX} has no multimedx items in yo" in err  # asked for, not there
    report = json.loads(out)
    assert (report["items"], report["by_language"], report["by_task"]) == (
        21,
        {"ja": 20, "sw": 1},
        {"nli": 10, "qa": 11},
    )
    assert sum(report["by_gold"].values()) == 10 and set(report["by_gold"]) <= {"entailment", "contradiction"}
    coreasoner, direct = report["methods"]
    assert (direct["calls"], direct["items"], direct["calibrated_on"]) == (21, 21, 0)
    assert coreasoner["calls"] == 5 * 21  # two elicitations, two abstractions, one synthesis
    expected = (coreasoner["prompt_tokens"] * 2 + coreasoner["completion_tokens"] * 8) / 1e6
    assert coreasoner["cost"] == pytest.approx(expected, abs=1e-4)
    assert not (tmp_path / "out").exists()


def test_a_pilot_calibrates_the_estimate_of_the_rest_and_the_run_resumes(
    built: Path, endpoint: Responder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = ["run", "jsonl", "--path", str(DEMO_QUESTIONS), "--out", str(out), "--method", METHODS, "-q"]
    assert _eval(built, capsys, *run, "--lang", "sw,yo,zh")[0] == 0  # the pilot: three of seven items
    code, printed = _eval(built, capsys, *run, "--dry-run")
    assert code == 0
    estimates = {m["method"]: m for m in json.loads(printed)["methods"]}
    assert {(m["items"], m["done"], m["calibrated_on"]) for m in estimates.values()} == {(4, 3, 3)}

    requests = endpoint.requests
    assert _eval(built, capsys, *run)[0] == 0  # resumes: only the four others are asked
    pilot = {"sw", "yo", "zh"}
    for method, guess in estimates.items():
        rest = [r for r in ResultsDir(out).all_latest() if r.method == method and r.lang not in pilot]
        assert len(rest) == 4 and all(r.status == "answered" for r in rest)
        calls, prompt_tokens = sum(r.usage.calls for r in rest), sum(r.usage.prompt_tokens for r in rest)
        assert guess["calls"] == calls
        assert abs(guess["prompt_tokens"] / prompt_tokens - 1) <= 0.25, (method, guess, prompt_tokens)
    assert endpoint.requests - requests == sum(m["calls"] for m in estimates.values())

    code, printed = _eval(built, capsys, "report", str(out), "--json")
    rows = json.loads(printed)["rows"]
    assert code == 0 and len(rows) == 2 * 7  # the demo has no gold: nothing is scored, all is counted
    assert all(r["n"] == 0 and r["ungraded"] == 1 and r["failed"] == 0 for r in rows)


def test_judge_on_its_own_model_then_report(
    built: Path, endpoint: Responder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, benchmark = tmp_path / "out", tmp_path / "toy.jsonl"
    sw, yo = (json.loads(line) for line in DEMO_QUESTIONS.read_text(encoding="utf-8").splitlines()[:2])
    sw["reference"], yo["reference"] = "Artemether-lumefantrine kwa siku tatu.", "A"
    benchmark.write_text(f"{json.dumps(sw)}\n{json.dumps(yo)}\n", encoding="utf-8")
    run = ["run", "jsonl", "--path", str(benchmark), "--field-map", "gold=reference", "--out", str(out), "-q"]
    assert _eval(built, capsys, *run, "--method", METHODS)[0] == 0
    fixtures = tmp_path / "judge.jsonl"
    judge_reply = {
        "match": {"model": "judge-model", "contains": ["senior physician grading"]},
        "response": {"json": JUDGE},
    }
    fixtures.write_text(json.dumps(judge_reply) + "\n", encoding="utf-8")
    with Responder.from_file(fixtures) as judge:
        code, printed = _eval(
            built, capsys, "judge", str(out), "--judge-base-url", judge.base_url, "--judge-model", "judge-model"
        )
        assert code == 0 and judge.requests == 4  # two long-form answers (sw), each graded twice
    assert "Judged 2 long-form answers (0 failed)" in printed and "100% exactly" in printed
    graded = [r.judge for r in ResultsDir(out).all_latest() if r.judge]
    assert len(graded) == 2 and {g.judge_model for g in graded} == {"judge-model"}

    code, printed = _eval(built, capsys, "report", str(out), "--baseline", "cot-english", "--json")
    assert code == 0
    report = json.loads(printed)
    rows = {(r["method"], r["lang"]): r for r in report["rows"]}
    assert rows[("coreasoner", "sw")]["metric"] == "judge" and rows[("coreasoner", "sw")]["score"] == 4.0
    assert rows[("coreasoner", "sw")]["judge_agreement"] == 1.0 and rows[("coreasoner", "sw")]["delta"] == 0.0
    yoruba = rows[("coreasoner", "yo")]
    assert (yoruba["metric"], yoruba["score"], yoruba["n"], yoruba["ungraded"]) == ("accuracy", 1.0, 1, 0)
    assert {Path(p).name for p in report["files"]} >= {
        "report.md",
        "report.csv",
        "toy-qa-scores.png",
        "toy-mcq-gains.png",
    }

    code, printed = _eval(built, capsys, "distill", str(out), "--out", str(tmp_path / "distill"), "--json")
    assert code == 0 and json.loads(printed)["lines"] == {"sw": 1, "yo": 1}  # graded 4 and right
    sheets = tmp_path / "sheets"
    assert (
        _eval(built, capsys, "sheets", str(out), "--out", str(sheets), "--method", METHODS, "--format", "csv")[0] == 0
    )
    lines = (sheets / "sheet-sw.csv").read_text(encoding="utf-8").splitlines()
    rated = sheets / "rated.csv"
    rated.write_text(f"code,overall,safety\n{lines[1].split(',')[0]},2,3\n", encoding="utf-8")
    unsigned = ["--home", str(built), "eval", "import-ratings", str(out), str(rated), "--key", str(sheets / "key.csv")]
    assert main(unsigned) == 1 and f"{rated}:2: rater: say who rated" in capsys.readouterr().err
    args = ["import-ratings", str(out), str(rated), "--key", str(sheets / "key.csv"), "--rater", "dr-c"]
    assert _eval(built, capsys, *args) == (0, f"Imported the ratings of 1 answers into {out}.\n")
