"""The scripted responder, driven by the real `openai` client over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from kg.errors import IngestError
from reasoning.llm.fixtures import FAULT_KINDS, Fixture, bundled_fixtures
from reasoning.llm.responder import Responder, serve

FIXTURES = Path(__file__).parent / "data" / "responder_fixtures.jsonl"
ROOT = Path(__file__).parents[2]


def _ask(client: openai.OpenAI, text: str, model: str = "test-model") -> Any:
    return client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": "You are a careful clinician."}, {"role": "user", "content": text}],
        temperature=0,
        seed=7,
        max_tokens=64,
    )


def _fixture(contains: str, **fields: Any) -> Fixture:
    return Fixture.model_validate({"match": {"contains": [contains]}, "response": {"content": "answered"}, **fields})


@pytest.fixture
def responder() -> Iterator[Responder]:
    with Responder.from_file(FIXTURES) as server:
        yield server


@pytest.fixture
def client(responder: Responder) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=responder.base_url, api_key="test", max_retries=0, timeout=5) as c:
        yield c


# -- answers -------------------------------------------------------------------------------


def test_answers_text_and_json_fixtures(client: openai.OpenAI, responder: Responder) -> None:
    text = _ask(client, "A child in Kisumu has malaria. What now?")
    assert text.object == "chat.completion" and text.model == "test-model"
    assert text.choices[0].message.content == "Scripted: the general malaria answer."
    assert text.choices[0].finish_reason == "stop"
    assert text.usage is not None and text.usage.total_tokens == text.usage.prompt_tokens + text.usage.completion_tokens
    structured = _ask(client, "Abstract this chain into concepts.")
    content = structured.choices[0].message.content
    assert json.loads(content) == {"concepts": [{"name": "Malaria", "lang": "sw"}, {"name": "Fever", "lang": "sw"}]}
    assert " " not in content  # compact serialization
    assert responder.requests == 2 and responder.stats["answered"] == 2


def test_reasoning_content_and_scripted_usage_pass_through(client: openai.OpenAI) -> None:
    completion = _ask(client, "Think first, then answer with one letter.")
    message = completion.choices[0].message
    assert message.content == "B"
    assert (message.model_extra or {})["reasoning_content"].startswith("Scripted reasoning: fever after travel")
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (11, 7)


def test_models_lists_the_fixture_models_or_scripted(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["sw-model"]
    with Responder([_fixture("anything")]) as bare, openai.OpenAI(base_url=bare.base_url, api_key="t") as other:
        models = list(other.models.list())
    assert [(m.id, m.owned_by) for m in models] == [("scripted", "medcore-responder")]


def test_most_specific_fixture_wins_and_ties_go_to_the_first(client: openai.OpenAI) -> None:
    answer = _ask(client, "Is artemether-lumefantrine right for uncomplicated malaria?")
    assert answer.choices[0].message.content == "Scripted: the artemether-lumefantrine answer."
    assert _ask(client, "tie-two and tie-one").choices[0].message.content == "first of equals"


def test_a_model_bound_fixture_answers_only_that_model(client: openai.OpenAI) -> None:
    assert _ask(client, "Mtoto ana homa.", model="sw-model").choices[0].message.content.startswith("Jibu")
    with pytest.raises(openai.NotFoundError):
        _ask(client, "Mtoto ana homa.", model="other-model")


def test_unscripted_request_is_refused_naming_the_request_and_file(client: openai.OpenAI, responder: Responder) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        _ask(client, "What dose of amoxicillin for otitis media in a 4-year-old?\nWeight 16 kg.")
    message = str(caught.value)
    assert "no fixture matches this request (model test-model; last user message begins: " in message
    assert "'What dose of amoxicillin for otitis media in a 4-year-old? Weight 16 kg.'" in message
    assert str(FIXTURES) in message
    assert caught.value.code == "unscripted_request"
    assert responder.stats["unscripted"] == 1 and responder.stats["answered"] == 0


def test_long_unscripted_message_is_cut_at_80_characters() -> None:
    server = Responder([_fixture("never")])
    with (
        server,
        openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client,
        pytest.raises(openai.NotFoundError) as caught,
    ):
        _ask(client, "x" * 200)
    assert f"'{'x' * 80}...'" in str(caught.value) and "add one to the responder's fixtures" in str(caught.value)


def test_content_parts_are_matched_like_plain_text(client: openai.OpenAI) -> None:
    parts = [{"type": "text", "text": "Tell me about"}, {"type": "text", "text": "malaria."}]
    answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": parts}])  # type: ignore[list-item,misc]
    assert answer.choices[0].message.content == "Scripted: the general malaria answer."


# -- faults --------------------------------------------------------------------------------


def _faulty(fault: str, **kwargs: Any) -> Responder:
    return Responder([_fixture("malaria", faults=[fault])], **kwargs)


def test_429_is_a_rate_limit_with_retry_after() -> None:
    with _faulty("429") as server, openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        with pytest.raises(openai.RateLimitError) as caught:
            _ask(client, "malaria?")
        assert caught.value.response.headers["retry-after"] == "1"
        assert caught.value.code == "rate_limit_exceeded"
        assert _ask(client, "malaria?").choices[0].message.content == "answered"
        assert server.stats["429"] == 1 and server.stats["answered"] == 1


def test_a_fixture_sets_its_own_retry_after() -> None:
    fixture = _fixture("malaria", faults=["429"], retry_after_s=0.25)
    server = Responder([fixture])
    with (
        server,
        openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client,
        pytest.raises(openai.RateLimitError) as caught,
    ):
        _ask(client, "malaria?")
    headers = caught.value.response.headers
    assert (headers["retry-after"], headers["retry-after-ms"]) == ("1", "250")


@pytest.mark.parametrize(
    ("fault", "error"),
    [("500", openai.InternalServerError), ("malformed", json.JSONDecodeError)],
)
def test_server_error_and_malformed_body(fault: str, error: type[Exception]) -> None:
    # A 200 whose JSON body is cut off is not wrapped by the openai client: it raises the
    # decoder's own JSONDecodeError (APIResponseValidationError only with strict validation).
    with _faulty(fault) as server, openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        with pytest.raises(error):
            _ask(client, "malaria?")
        assert server.stats[fault] == 1


def test_empty_fault_answers_with_empty_content() -> None:
    with _faulty("empty") as server, openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        assert _ask(client, "malaria?").choices[0].message.content == ""
        assert _ask(client, "malaria?").choices[0].message.content == "answered"


def test_timeout_fault_outlasts_the_client() -> None:
    with _faulty("timeout", timeout_s=2) as server:
        with openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0, timeout=0.5) as client:
            with pytest.raises(openai.APITimeoutError):
                _ask(client, "malaria?")
            assert _ask(client, "malaria?").choices[0].message.content == "answered"
        assert server.stats["timeout"] == 1


def test_scripted_faults_come_in_order_then_the_answer() -> None:
    fixture = _fixture("malaria", faults=["429", "500", "malformed", "empty"])
    expected = [openai.RateLimitError, openai.InternalServerError, json.JSONDecodeError]
    with Responder([fixture]) as server, openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        for error in expected:
            with pytest.raises(error):
                _ask(client, "malaria?")
        assert _ask(client, "malaria?").choices[0].message.content == ""
        assert _ask(client, "malaria?").choices[0].message.content == "answered"
        assert server.stats == {
            "answered": 1,
            "unscripted": 0,
            "bad_request": 0,
            "refused_format": 0,
            "429": 1,
            "500": 1,
            "timeout": 0,
            "malformed": 1,
            "empty": 1,
        }


def _outcomes(fail_rate: float, seed: int, n: int = 15) -> dict[str, int]:
    responder = Responder([_fixture("malaria")], fail_rate=fail_rate, seed=seed, timeout_s=0.2)
    with responder as server, openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0, timeout=0.1) as c:
        for _ in range(n):
            with contextlib.suppress(openai.APIError, json.JSONDecodeError):  # the faults under test
                _ask(c, "malaria?")
        return server.stats


def test_random_faults_follow_the_rate_and_the_seed() -> None:
    always = _outcomes(1.0, seed=3)
    assert always["answered"] == 0 and sum(always[kind] for kind in FAULT_KINDS) == 15
    assert sum(1 for kind in FAULT_KINDS if always[kind]) >= 3  # drawn among the kinds, not one of them
    assert _outcomes(1.0, seed=3) == always
    assert _outcomes(0.0, seed=3)["answered"] == 15


# -- concurrency and HTTP ------------------------------------------------------------------


def test_latency_overlaps_across_concurrent_requests() -> None:
    async def ten(base_url: str) -> float:
        async with openai.AsyncOpenAI(base_url=base_url, api_key="t", max_retries=0) as client:
            start = time.perf_counter()
            await asyncio.gather(
                *(
                    client.chat.completions.create(model="m", messages=[{"role": "user", "content": f"malaria {i}"}])
                    for i in range(10)
                )
            )
            return time.perf_counter() - start

    with Responder([_fixture("malaria")], latency_ms=200) as server:
        elapsed = asyncio.run(ten(server.base_url))
        assert server.peak_in_flight == 10
    assert elapsed < 1.0  # serial would take 2 s: the threaded server overlaps the waits


def test_a_stopped_responder_answers_no_more_even_on_kept_alive_connections() -> None:
    server = Responder([_fixture("malaria")])
    with openai.OpenAI(base_url=server.start(), api_key="t", max_retries=0, timeout=2) as client:
        assert _ask(client, "malaria?").choices[0].message.content == "answered"
        server.stop()
        with pytest.raises(openai.APIConnectionError):
            _ask(client, "malaria?")


def test_bad_json_bad_request_and_unknown_paths(responder: Responder) -> None:
    base = responder.base_url
    not_json = httpx.post(
        f"{base}/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["error"]["message"]
    no_messages = httpx.post(f"{base}/chat/completions", json={"model": "m"})
    assert no_messages.status_code == 400 and "messages" in no_messages.json()["error"]["message"]
    streaming = httpx.post(f"{base}/chat/completions", json={"model": "m", "stream": True, "messages": [{}]})
    assert streaming.status_code == 400 and "stream" in streaming.json()["error"]["message"]
    for response in (httpx.post(base.removesuffix("/v1") + "/chat/completions", json={}), httpx.get(f"{base}/nothing")):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert responder.stats["bad_request"] == 3


def test_request_lines_only_are_logged_never_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    server = Responder([_fixture("malaria")], verbose=True)
    with server, openai.OpenAI(base_url=server.base_url, api_key="sk-secret-123", max_retries=0) as client:
        _ask(client, "malaria?")
    logged = capsys.readouterr().err
    assert "POST /v1/chat/completions" in logged and "sk-secret-123" not in logged
    with Responder([_fixture("malaria")]) as server, openai.OpenAI(base_url=server.base_url, api_key="k") as client:
        _ask(client, "malaria?")
    assert capsys.readouterr().err == ""


# -- fixture files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"match": {"contains": ["x"]}, "response": {"content": "y"}, "faults": ["503"]}', "faults.0"),
        ('{"match": {"contains": ["x"]}, "response": {"content": "y", "json": {}}}', "exactly one of content"),
        ('{"match": {"contains": []}, "response": {"content": "y"}}', "match.contains"),
        ('{"match": {"contains": ["x"]}, "response": {"content": "y"}, "lable": "typo"}', "lable"),
        ('{"match": {"contains": ["x"]}, "response": {"content": "y"', "not valid JSON"),
    ],
)
def test_a_malformed_fixture_names_file_line_and_field(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "fixtures.jsonl"
    path.write_text('{"match": {"contains": ["ok"]}, "response": {"content": "fine"}}\n' + line + "\n")
    with pytest.raises(IngestError) as caught:
        Responder.from_file(path)
    assert str(caught.value).startswith(f"{path}:2: ") and problem in str(caught.value)


def test_missing_or_empty_fixture_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot open"):
        Responder.from_file(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(IngestError, match="no fixtures"):
        Responder.from_file(tmp_path / "empty.jsonl")


def test_bundled_fixtures_is_the_packaged_demo_file() -> None:
    assert bundled_fixtures().parts[-4:] == ("reasoning", "data", "fixtures", "demo.jsonl")
    assert callable(serve)


def test_serve_runs_in_the_foreground_until_interrupted() -> None:
    code = (
        f"from pathlib import Path; from reasoning.llm.responder import serve; serve(Path({str(FIXTURES)!r}), 0, 0, 0)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "scripted responses, not a model" in line and str(FIXTURES) in line
        url = next(word for word in line.split() if word.startswith("http://"))
        assert httpx.get(f"{url}/models").json()["data"][0]["id"] == "sw-model"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
