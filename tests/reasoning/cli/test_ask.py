"""`medcore ask` through `main(argv)` against the scripted responder over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reasoning import main
from reasoning.llm.responder import Responder
from reasoning.results import EXPORT_FIELDS

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "pipeline_fixtures.jsonl"


@pytest.fixture
def endpoint(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    with Responder.from_file(FIXTURES) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-never-printed")
        monkeypatch.setenv("MEDCORE_MODEL", "scripted")
        assert main(["--home", str(home), "kg", "build", "--json"]) == 0
        capsys.readouterr()
        yield home


def test_ask_mcq_prints_the_answer_and_every_intermediate(endpoint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options = json.dumps({"A": "Artemether-lumefantrine", "B": "Metformin"})
    english = "Which is the first-line drug for uncomplicated malaria in Kenya?"
    code = main(
        [
            "--home",
            str(endpoint),
            "ask",
            "Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
            "--lang",
            "sw",
            "--task",
            "mcq",
            "--options",
            options,
            "--region",
            "KE",
            "--english",
            english,
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert result["answer"] == "A"
    assert result["english"]["concepts"] and result["local"]["concepts"] and result["alignment"]["pairs"]
    assert "sk-test-secret" not in captured.out + captured.err


def test_ask_prints_a_summary(endpoint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    question = "Premise: A blood smear shows Plasmodium falciparum. Hypothesis: The patient has malaria."
    assert main(["--home", str(endpoint), "ask", question, "--lang", "en", "--task", "nli"]) == 0
    out = capsys.readouterr().out
    assert "Answer: entailment" in out and "Aligned:" in out


def test_ask_without_an_endpoint_says_how_to_get_one_before_opening_the_store(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDCORE_LLM_BASE_URL", "MEDCORE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--home", str(home), "ask", "Homa ni nini?", "--lang", "sw"]) == 1
    assert "OPENAI_BASE_URL" in capsys.readouterr().err
    assert not (home / "graph").exists()  # no store was started to say so


def test_demo_runs_every_language_on_the_scripted_responder_and_says_so(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDCORE_LLM_BASE_URL", "MEDCORE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--home", str(home), "demo", "--json"]) == 0
    captured = capsys.readouterr()
    assert "scripted responses, not model output" in captured.err.splitlines()[0]
    lines = [json.loads(line) for line in captured.out.splitlines()]  # JSONL: one export line per sample
    assert sorted(line["lang"] for line in lines) == ["en", "ja", "ko", "sw", "th", "yo", "zh"]
    assert all(line["error"] is None and set(line) == set(EXPORT_FIELDS) for line in lines)
    assert all(line["en_concept_chain"] and line["local_concept_chain"] and line["response"] for line in lines)
    assert all(line["status"] == "answered" and line["checks"][-1]["action"] == "accepted" for line in lines)
    answers = {line["lang"]: line["prediction"] for line in lines}
    assert answers["yo"] == "A" and answers["zh"] == "A" and answers["en"] == "entailment"
    query = "MATCH (r:Run)-[h:HAS_SCAFFOLD]->(:Scaffold)-[s:HAS_STEP]->(:ScaffoldStep)-[c:CITES_PRACTICE]->() "
    query += "RETURN count(DISTINCT r) AS runs"
    assert main(["--home", str(home), "cypher", query, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["runs"] >= 6  # evidence cited; English has no regional practice


def test_responder_command_serves_until_interrupted(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from openai import OpenAI

    code = "import sys; from reasoning.cli import run; sys.argv = ['medcore', *sys.argv[1:]]; run()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "responder", "--port", "0", "--fixtures", str(FIXTURES)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert "not a model" in line
        url = line.split("Responder at ")[1].split()[0]
        client = OpenAI(base_url=url, api_key="test", max_retries=0)
        answer = client.chat.completions.create(
            model="scripted", messages=[{"role": "user", "content": "Repair drill"}]
        )
        assert answer.choices[0].message.content == "this is not JSON"
    except Exception:
        server.kill()
        raise
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=20) == 0


DEMO = Path(__file__).resolve().parents[3] / "reasoning" / "data" / "demo_questions.jsonl"
ITEMS = [
    json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0]),  # demo-sw, free text
    {
        "id": "sw-mcq",
        "question": "Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
        "lang": "sw",
        "task": "mcq",
        "options": {"A": "Artemether-lumefantrine", "B": "Metformin"},
        "region": "KE",
        "english": "Which is the first-line drug for uncomplicated malaria in Kenya?",
        "gold": "A",
    },
    {
        "id": "en-nli",
        "question": "Premise: A blood smear shows Plasmodium falciparum. Hypothesis: The patient has malaria.",
        "task": "nli",
    },  # takes --lang en from the command line
    {"id": "unscripted", "question": "Swali ambalo halina jibu lililoandaliwa.", "lang": "sw"},
]


def _write_items(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
    return path


def test_ask_a_file_writes_the_export_and_a_rerun_skips_what_was_answered(
    endpoint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items, out = _write_items(tmp_path / "items.jsonl", ITEMS), tmp_path / "results.jsonl"
    command = ["--home", str(endpoint), "ask", "--input", str(items), "--output", str(out), "--lang", "en"]
    assert main([*command, "--concurrency", "2"]) == 1  # one item failed: not a complete batch
    assert "4 items: 0 were already answered" in capsys.readouterr().err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(set(line) == set(EXPORT_FIELDS) for line in lines)  # one shape, answered or not
    by_id = {line["id"]: line for line in lines}
    assert set(by_id) == {"demo-sw", "sw-mcq", "en-nli", "unscripted"} and len(lines) == 4
    assert by_id["sw-mcq"]["prediction"] == "A" and by_id["sw-mcq"]["status"] == "answered"
    assert by_id["sw-mcq"]["answer_idx"] == by_id["sw-mcq"]["gold"] == "A"  # the paper's field holds the gold
    assert by_id["en-nli"]["lang"] == "en" and by_id["unscripted"]["status"] == "failed"
    assert "no fixture matches this request" in by_id["unscripted"]["error"] and by_id["unscripted"]["run_key"]
    assert by_id["demo-sw"]["error"] is None and by_id["demo-sw"]["en_concept_chain"]

    assert main(command) == 1  # the rerun: three answered items skipped, the failed one retried (and failed)
    assert "4 items: 3 were already answered" in capsys.readouterr().err
    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(again) == 4 and [line for line in again if line["id"] != "unscripted"] == [
        line for line in lines if line["id"] != "unscripted"
    ]


def test_a_bad_item_is_named_before_anything_runs(
    endpoint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = _write_items(tmp_path / "items.jsonl", [ITEMS[0], {"question": "Homa?", "lang": "swahili"}])
    out = tmp_path / "results.jsonl"
    assert main(["--home", str(endpoint), "ask", "-i", str(items), "-o", str(out)]) == 1
    assert f"IngestError: {items}:2: lang: " in capsys.readouterr().err
    assert not out.exists()
    items = _write_items(tmp_path / "items.jsonl", [{"question": "Homa?", "lang": "sw", "task": "mcq"}])
    assert main(["--home", str(endpoint), "ask", "-i", str(items), "-o", str(out)]) == 1
    assert f"{items}:1: record: an mcq item needs options" in capsys.readouterr().err


def test_ctrl_c_during_a_batch_exits_130_and_the_rerun_completes_it(built: Path, tmp_path: Path) -> None:
    items, out = _write_items(tmp_path / "items.jsonl", ITEMS[:3]), tmp_path / "results.jsonl"
    root = Path(__file__).resolve().parents[3]
    with Responder.from_file(FIXTURES, latency_ms=250) as server:
        env = {
            **os.environ,
            "MEDCORE_HOME": str(built),
            "OPENAI_BASE_URL": server.base_url,
            "MEDCORE_MODEL": "scripted",
        }
        command = [sys.executable, "-m", "reasoning", "ask", "-i", str(items), "-o", str(out), "--lang", "en"]
        batch = subprocess.Popen([*command, "--concurrency", "1"], env=env, cwd=root, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while batch.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 1:
                break
            time.sleep(0.02)
        batch.send_signal(signal.SIGINT)
        _, err = batch.communicate(timeout=120)
        assert batch.returncode == 130, err
        assert f"items are answered in {out}" in err and "run the same command again" in err
        finished = out.read_text(encoding="utf-8").splitlines()
        assert 1 <= len(finished) < 3
        rerun = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == ["demo-sw", "en-nli", "sw-mcq"]
    assert all(line["error"] is None for line in lines) and lines[: len(finished)] == [json.loads(f) for f in finished]
