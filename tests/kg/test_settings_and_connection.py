"""Settings precedence, and clear connection errors that never show a password."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from kg import ConfigError, GraphConnectionError, load_settings, open_store


def test_precedence_is_arguments_then_env_then_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "medcore.toml"
    config.write_text('graph_name = "from_toml"\nmodel = "toml-model"\nllm_concurrency = 4\n')
    monkeypatch.setenv("MEDCORE_MODEL", "env-model")
    settings = load_settings(config=config)
    assert (settings.graph_name, settings.model, settings.llm_concurrency) == ("from_toml", "env-model", 4)
    assert load_settings(config=config, model="arg-model").model == "arg-model"


def test_home_toml_is_read_and_openai_env_names_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "medcore.toml").write_text("[medcore]\ngraph_batch_size = 7\n")
    monkeypatch.setenv("MEDCORE_HOME", str(tmp_path))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    settings = load_settings()
    assert settings.home == tmp_path and settings.graph_batch_size == 7
    assert settings.llm_base_url == "http://127.0.0.1:9/v1"
    assert "sk-test-secret" not in repr(settings) and "sk-test-secret" not in str(settings)


def test_bad_values_name_the_field_and_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("llm_concurrency = 0\n")
    with pytest.raises(ConfigError, match=r"bad\.toml.*llm_concurrency"):
        load_settings(config=config)
    config.write_text("graph_uri = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config=config)
    with pytest.raises(ConfigError, match="no_such_setting"):
        load_settings(no_such_setting=1)


def test_unreachable_neo4j_names_the_uri_but_never_the_password(tmp_path: Path) -> None:
    settings = load_settings(
        home=tmp_path, graph_uri="neo4j://admin:uri-secret@127.0.0.1:1", graph_password="pw-secret"
    )
    with pytest.raises(GraphConnectionError) as raised:
        open_store(settings)
    message = str(raised.value)
    assert "neo4j://127.0.0.1:1" in message
    assert "uri-secret" not in message and "pw-secret" not in message and "admin" not in message


def test_unsupported_uri_scheme_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unsupported graph URI 'http://db:7474'"):
        open_store(load_settings(home=tmp_path, graph_uri="http://user:pw@db:7474"))


def test_a_server_that_stops_answering_gives_an_error_not_a_hang(home: Path) -> None:
    store = open_store(load_settings(home=home, graph_query_timeout_s=1))
    server = store.runner.server  # type: ignore[attr-defined]
    pid = server.files.read_pid(server.files.server_pid)
    try:
        os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(GraphConnectionError, match=r"did not answer within 1 s.*MEDCORE_GRAPH_QUERY_TIMEOUT_S"):
                store.query("RETURN 1 AS one")
        finally:
            os.kill(pid, signal.SIGCONT)
        assert store.query("RETURN 1 AS one") == [{"one": 1}]  # the next query reconnects
    finally:
        store.close()
