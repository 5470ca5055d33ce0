"""`medcore ask` through `main(argv)` against the scripted responder over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reasoning import main
from reasoning.responder import Responder

FIXTURES = Path(__file__).parent / "data" / "pipeline_fixtures.jsonl"


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
    code = main(["--home", str(endpoint), "ask", "Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
                 "--lang", "sw", "--task", "mcq", "--options", options, "--region", "KE", "--english", english,
                 "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert result["answer"] == "A"
    assert result["english"]["concepts"] and result["local"]["concepts"] and result["alignment"]["pairs"]
    assert "sk-test-secret" not in captured.out + captured.err


def test_ask_summary_and_user_errors(endpoint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    question = "Premise: A blood smear shows Plasmodium falciparum. Hypothesis: The patient has malaria."
    assert main(["--home", str(endpoint), "ask", question, "--lang", "en", "--task", "nli"]) == 0
    out = capsys.readouterr().out
    assert "Answer: entailment" in out and "Aligned:" in out
    assert main(["--home", str(endpoint), "ask", "x", "--lang", "sw", "--task", "essay"]) == 1
    assert "--task must be qa, mcq or nli" in capsys.readouterr().err
    assert main(["--home", str(endpoint), "ask", "x", "--lang", "xx"]) == 1
    assert "unknown language code 'xx'" in capsys.readouterr().err
    assert main(["--home", str(endpoint), "ask", "x", "--lang", "sw", "--options", "{oops"]) == 1
    assert "--options is not JSON" in capsys.readouterr().err


def test_ask_without_an_endpoint_says_how_to_get_one(home: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDCORE_LLM_BASE_URL", "MEDCORE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "ask", "Homa ni nini?", "--lang", "sw"]) == 1
    assert "OPENAI_BASE_URL" in capsys.readouterr().err


def test_demo_runs_every_language_on_the_scripted_responder_and_says_so(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDCORE_LLM_BASE_URL", "MEDCORE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--home", str(home), "demo", "--json"]) == 0
    captured = capsys.readouterr()
    assert "scripted responses, not model output" in captured.err.splitlines()[0]
    results = json.loads(captured.out)
    assert sorted(r["item"]["lang"] for r in results) == ["en", "ja", "ko", "sw", "th", "yo", "zh"]
    assert all("error" not in r or r["error"] is None for r in results)
    assert all(r["alignment"]["pairs"] and r["answer"] for r in results)
    assert sum(bool(r["evidence"]) for r in results) >= 6  # English has no regional practice
    answers = {r["item"]["lang"]: r["answer"] for r in results}
    assert answers["yo"] == "A" and answers["zh"] == "A" and answers["en"] == "entailment"


def test_responder_command_serves_until_interrupted(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from openai import OpenAI

    code = "import sys; from reasoning.cli import run; sys.argv = ['medcore', *sys.argv[1:]]; run()"
    server = subprocess.Popen([sys.executable, "-c", code, "responder", "--port", "0", "--fixtures", str(FIXTURES)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
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
