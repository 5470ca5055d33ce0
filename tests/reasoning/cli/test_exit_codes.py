"""One test per exit-code class of `medcore`: 2 a usage error (the usage line and a one-line
reason, before any store is opened), 1 a user error (`ErrorName: message`), 130 Ctrl-C
(what was completed, and a rerun completes it), 0 success. Never a traceback, unless asked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import load_settings, open_store
from reasoning import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], ""),  # the help, as a usage error
        (["lnk"], "No such command 'lnk'. Did you mean 'link'?"),
        (["link", "fever"], "Invalid value for --lang: is required with TEXT"),
        (["link", "fever", "--lang", "xx"], "'xx' is not an ISO 639-1 language code"),
        (["link", "fever", "--lang", "en", "--top", "0"], "'--top'"),
        (["link", "fever", "--lang", "en", "--input", "-"], "give either TEXT or --input FILE"),
        (["link", "--input", "/no/such/texts.txt", "--lang", "en"], "file '/no/such/texts.txt' does not exist"),
        (["ask", "Homa?", "--lang", "sw", "--output", "out.jsonl"], "Invalid value for --output: goes with --input"),
        (["kg", "build", "--home", "/tmp/elsewhere"], "No such option: --home"),
        (["kg", "clear"], "there is no terminal to ask, so pass --yes"),
        (["ingest", "lexicon", "/no/such/file.csv"], "does not exist"),
        (["cypher", "RETURN 1", "--param", "no-equals"], "'no-equals' is not NAME=VALUE"),
        (["cypher", " "], "Invalid value for QUERY: is empty"),
        (["responder", "--fail-rate", "2"], "'--fail-rate'"),
        (["ask", ""], "Invalid value for QUESTION: is empty"),
        (["ask", "Homa?"], "Invalid value for --lang: is required with QUESTION"),
        (["ask", "Homa?", "--lang", "xx"], "'xx' is not an ISO 639-1 language code"),
        (["ask", "Homa?", "--lang", "sw", "--task", "essay"], "'essay' is not one of qa, mcq, nli"),
        (["ask", "Homa?", "--lang", "sw", "--options", "{oops"], "not JSON"),
        (["ask", "Homa?", "--lang", "sw", "--task", "mcq"], "--task mcq needs the options"),
        (["ask", "Homa?", "--lang", "sw", "--region", "Kenya"], "'Kenya' is not an ISO 3166-1 alpha-2"),
        (["ask", "--input", str(ROOT / "reasoning" / "data" / "demo_questions.jsonl")], "--output"),
    ],
)
def test_a_usage_error_exits_2_with_the_usage_line_and_the_reason_before_any_store_opens(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    assert main(["--home", str(home), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Usage: medcore") and "Traceback" not in err
    assert reason in err
    assert not (home / "graph").exists()


def test_a_user_error_exits_1_with_its_name_and_message_and_debug_adds_the_traceback(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--home", str(built), "cypher", "MATCH (n RETURN n"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("GraphStoreError: ") and "Traceback" not in err and len(err.splitlines()) == 1
    assert main(["--home", str(built), "--debug", "cypher", "MATCH (n RETURN n"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err
    monkeypatch.setenv("MEDCORE_DEBUG", "1")
    assert main(["--home", str(built), "cypher", "MATCH (n RETURN n"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_success_exits_0(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(built), "kg", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["nodes"]["Concept"] > 0


# -- Ctrl-C: a child process, SIGINT, then the same command again -------------------------


def _medcore(home: Path, *args: str, batch_size: int = 5000) -> subprocess.Popen[str]:
    env = {**os.environ, "MEDCORE_HOME": str(home), "MEDCORE_GRAPH_BATCH_SIZE": str(batch_size)}
    command = [sys.executable, "-m", "reasoning", *args]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupt_once_written(home: Path, process: subprocess.Popen[str], label: str, more_than: int) -> str:
    """SIGINT as soon as the graph holds more than `more_than` nodes of `label`; the
    process's stderr."""
    with open_store(load_settings(home=home)) as store:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if store.counts().nodes.get(label, 0) > more_than:
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.02)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    return err


def _counts(home: Path) -> dict[str, dict[str, int]]:
    with open_store(load_settings(home=home)) as store:
        return store.counts().model_dump()


def test_ctrl_c_during_kg_build_exits_130_says_what_was_done_and_a_rerun_completes_it(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The graph one build leaves, then emptied (on Neo4j another home would name the same graph).
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    reference = _counts(home)
    assert main(["--home", str(home), "kg", "clear", "--yes"]) == 0
    capsys.readouterr()
    err = _interrupt_once_written(home, _medcore(home, "kg", "build", batch_size=10), "Concept", 0)
    assert "Interrupted:" in err and "seed files loaded completely" in err and "run the same command again" in err
    assert "Traceback" not in err
    assert _counts(home) != reference  # interrupted part way
    rerun = _medcore(home, "kg", "build", "--json")
    assert rerun.wait(timeout=300) == 0
    assert _counts(home) == reference


def test_ctrl_c_during_ingest_exits_130_says_what_was_written_and_a_rerun_completes_it(
    built: Path, tmp_path: Path
) -> None:
    terms = 3000
    lexicon = tmp_path / "terms.csv"
    rows = (f"C0024530,en,malaria synonym number {i},test" for i in range(terms))
    lexicon.write_text("cui,lang,text,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = _counts(built)["nodes"]["Term"]
    err = _interrupt_once_written(
        built, _medcore(built, "ingest", "lexicon", str(lexicon), batch_size=20), "Term", before
    )
    assert "Interrupted:" in err and f"from {lexicon} were written" in err and "run the same command again" in err
    assert before < _counts(built)["nodes"]["Term"] < before + terms
    rerun = _medcore(built, "ingest", "lexicon", str(lexicon), "--json")
    assert rerun.wait(timeout=300) == 0
    counts = _counts(built)
    assert counts["nodes"]["Term"] == before + terms and counts["relationships"]["DENOTES"] == before + terms
