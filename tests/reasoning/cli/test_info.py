"""What a researcher's tool is expected to have: --version, shell completion,
`python -m reasoning`, `medcore info` and `medcore config show` (secrets masked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from reasoning import main

ROOT = Path(__file__).resolve().parents[3]
SECRET = "sk-test-secret-never-shown"


def _medcore(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reasoning", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})


def test_version_and_python_dash_m(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith(f"medcore {version('med-coreasoner')} (Python ")
    done = _medcore("--version")
    assert done.returncode == 0 and done.stdout.startswith("medcore ")


def test_shell_completion_completes_commands_and_options() -> None:
    env = {"_MEDCORE_COMPLETE": "complete_bash", "COMP_WORDS": "medcore kg ", "COMP_CWORD": "2"}
    script = "import sys; from reasoning.cli import run; sys.argv = ['medcore']; run()"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}
    )
    assert done.returncode == 0, done.stderr
    assert {"build", "stats", "clear"} <= set(done.stdout.split())
    shown = _medcore("--show-completion", "bash")
    assert shown.returncode == 0 and "_MEDCORE_COMPLETE" in shown.stdout


def test_info_reports_versions_store_endpoint_and_vocabulary_without_secrets(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:hunter2@localhost:8000/v1")
    monkeypatch.delenv("MEDCORE_MODEL", raising=False)
    assert main(["--home", str(built), "info", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert report["version"] == version("med-coreasoner") and report["packages"]["typer"] == version("typer")
    assert report["home"] == str(built)
    vocabulary = report["store"]["vocabulary"]
    assert vocabulary["concepts"] >= 500 and vocabulary["local_practice_facts"] >= 100
    assert set(vocabulary["terms_per_language"]) >= {"en", "zh", "ja", "ko", "sw", "th", "yo"}
    assert report["endpoint"] == {
        "base_url": "http://localhost:8000/v1",
        "model": "gpt-4o-mini",
        "api_key": "set",
        "configured": True,
    }
    assert SECRET not in out and "hunter2" not in out
    assert main(["--home", str(built), "info"]) == 0
    assert "concepts: " in capsys.readouterr().out


def test_info_reports_a_store_it_cannot_open_instead_of_failing(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCORE_GRAPH_URI", "neo4j://neo4j:hunter2@127.0.0.1:1")
    assert main(["--home", str(home), "info", "--json"]) == 0
    out = capsys.readouterr().out
    store = json.loads(out)["store"]
    assert store["uri"] == "neo4j://127.0.0.1:1" and store["error"].startswith("GraphConnectionError")
    assert "hunter2" not in out


def test_config_show_gives_every_setting_its_source_and_masks_secrets(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = home / "settings.toml"
    config.write_text('link_threshold = 0.85\ngraph_password = "toml-secret"\n', encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("MEDCORE_RETRIEVE_TOP_K", "3")
    assert main(["--home", str(home), "--config", str(config), "config", "show", "--json"]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)
    assert shown["home"] == {"value": str(home), "source": "command line"}
    assert shown["link_threshold"] == {"value": 0.85, "source": f"config file {config}"}
    assert shown["retrieve_top_k"] == {"value": 3, "source": "environment MEDCORE_RETRIEVE_TOP_K"}
    assert shown["llm_api_key"] == {"value": "********", "source": "environment OPENAI_API_KEY"}
    assert shown["graph_password"]["value"] == "********" and shown["model"]["source"] == "default"
    assert SECRET not in out and "toml-secret" not in out
    assert main(["--home", str(home), "--config", str(config), "config", "show"]) == 0
    table = capsys.readouterr().out
    assert "link_threshold" in table and SECRET not in table
