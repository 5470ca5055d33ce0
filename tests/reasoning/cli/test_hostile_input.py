"""`medcore` under hostile or broken input, on the real embedded store (and on Neo4j under
--neo4j, see tests/conftest.py): secrets never shown (in messages, `info`, `config show`, a
--debug traceback), `cypher` read-only unless --write, integers beyond 64 bits refused,
relative homes made absolute, unusable homes and text that is not UTF-8 named in one line,
JSON nested without bound and lines without end refused with file:line, and batches with
failures exiting 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from reasoning import main

ROOT = Path(__file__).resolve().parents[3]
SECRET = "PASSWORD-7c1d"
MALFORMED = [
    f"neo4j:/neo4j:{SECRET}@127.0.0.1:1",
    f"neo4j//neo4j:{SECRET}@127.0.0.1:1",
    f"neo4j:{SECRET}@127.0.0.1:1",
    f"neo4j://neo4j:{SECRET}",
    SECRET,
]


def _medcore(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reasoning", *args],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- secrets -------------------------------------------------------------------------------


@pytest.mark.parametrize("uri", MALFORMED)
def test_a_malformed_graph_uri_is_never_shown_by_info_config_show_or_an_error(
    uri: str, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCORE_GRAPH_URI", uri)
    monkeypatch.setenv("MEDCORE_GRAPH_PASSWORD", SECRET)
    assert main(["--home", str(home), "config", "show", "--json"]) == 0
    assert main(["--home", str(home), "info", "--json"]) == 0
    assert main(["--home", str(home), "kg", "stats"]) == 1
    assert main(["--home", str(home), "--debug", "kg", "stats"]) == 1
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert "<malformed URI, not shown>" in captured.err


def test_a_debug_traceback_of_any_failure_shows_no_setting(home: Path) -> None:
    # An unexpected error (a bug) in a command whose settings hold a password: the traceback
    # is Python's, without local variables (typer's pretty exceptions, which print them, are off).
    # On Neo4j the password is the server's, which the store was opened with.
    password = os.environ.get("MEDCORE_GRAPH_PASSWORD", SECRET)
    script = (
        "import sys; from kg.graph.store import GraphStore\n"
        "def broken(self):\n"
        "    settings_uri = 'neo4j://neo4j:" + SECRET + "@db:7687'\n"
        "    raise RuntimeError('a bug')\n"
        "GraphStore.counts = broken\n"
        "from reasoning.cli import run; sys.argv = ['medcore', *sys.argv[1:]]; run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--home", str(home), "--debug", "kg", "stats"],
        env={**os.environ, "MEDCORE_GRAPH_PASSWORD": password, "MEDCORE_LLM_API_KEY": SECRET},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "RuntimeError: a bug" in done.stderr
    assert "Traceback (most recent call last)" in done.stderr
    assert SECRET not in done.stdout + done.stderr and password not in done.stdout + done.stderr


def test_typer_is_told_never_to_print_local_variables() -> None:
    from reasoning.cli.main import app

    assert app.pretty_exceptions_show_locals is False and app.pretty_exceptions_enable is False


# -- cypher: read-only unless --write; parameters within what the store holds --------------


def _rows(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["--home", str(home), "cypher", *args, "--json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE (n:Evil {x: 1}) RETURN n.x AS x",
        "MATCH (c:Concept) DETACH DELETE c",
        "MATCH (c:Concept {cui: 'C0024530'}) SET c.name = 'changed'",
        "MERGE (n:Evil {x: 1})",
        "CREATE INDEX FOR (n:Evil) ON (n.x)",
    ],
)
def test_cypher_is_read_only_unless_write_is_given(
    statement: str, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = "MATCH (n) RETURN count(n) AS nodes, count(DISTINCT labels(n)) AS labels"
    before = _rows(built, capsys, count)
    assert main(["--home", str(built), "cypher", statement]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ReadOnlyError: ") and "pass --write to allow writes" in err and len(err.splitlines()) == 1
    assert _rows(built, capsys, count) == before
    assert _rows(built, capsys, "MATCH (c:Concept {cui: 'C0024530'}) RETURN c.name AS name")[0]["name"] != "changed"


def test_cypher_writes_with_write(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _rows(built, capsys, "CREATE (n:Scratch {x: 1}) RETURN n.x AS x", "--write") == [{"x": 1}]
    assert _rows(built, capsys, "MATCH (n:Scratch) DETACH DELETE n", "--write") == []
    assert _rows(built, capsys, "MATCH (n:Scratch) RETURN count(n) AS n") == [{"n": 0}]


@pytest.mark.parametrize(
    ("param", "reason"),
    [
        ("x=99999999999999999999", "x: 99999999999999999999 is outside the 64-bit integer range"),
        ("x=-9223372036854775809", "is outside the 64-bit integer range"),
        ('x=[1, {"a": 18446744073709551616}]', "18446744073709551616 is outside the 64-bit integer range"),
        ("x=NaN", "NaN is not a number the store holds"),
        ("x=1e400", "a number beyond the range of a double is not a number the store holds"),
        ("x=" + "9" * 4000, "99999999999999999999... (4000 digits) is outside the 64-bit integer range"),
        ("x=" + "[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_a_cypher_parameter_the_store_cannot_hold_is_refused_not_clamped(
    param: str, reason: str, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(home), "cypher", "RETURN $x AS x", "--param", param]) == 2
    err = capsys.readouterr().err
    assert "Invalid value for --param" in err and reason in err
    assert not (home / "graph").exists()  # refused before any store is opened


def test_the_widest_64_bit_integers_pass_unchanged(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows(home, capsys, "RETURN $x AS x, $y AS y", "--param", f"x={2**63 - 1}", "--param", f"y={-(2**63)}")
    assert rows == [{"x": 2**63 - 1, "y": -(2**63)}]


# -- the home ---------------------------------------------------------------------------------


def test_a_relative_home_is_made_absolute(home: Path) -> None:
    by_option = _medcore("--home", "by-option", "kg", "stats", "--json", cwd=home)
    assert by_option.returncode == 0, by_option.stderr
    by_env = _medcore("config", "show", "--json", env={"MEDCORE_HOME": "by-env"}, cwd=home)
    assert json.loads(by_env.stdout)["home"]["value"] == str(home / "by-env")
    built = _medcore("kg", "stats", "--json", env={"MEDCORE_HOME": "by-env"}, cwd=home)
    assert built.returncode == 0, built.stderr
    assert (home / "by-option" / "graph" / "dump.rdb").exists() and (home / "by-env" / "graph").is_dir()


def test_a_home_that_is_a_file_is_a_one_line_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "file").write_text("not a directory")
    for where in (home / "file", home / "file" / "below"):
        for command in (["kg", "stats"], ["db", "start"], ["kg", "build"]):
            assert main(["--home", str(where), *command]) == 1
            err = capsys.readouterr().err
            assert err.startswith(f"ConfigError: the data directory {where} ") and len(err.splitlines()) == 1
            assert "is a file, not a directory; choose a writable directory with --home" in err


def _read_only_directory(path: Path) -> None:
    """A directory the process cannot write: by its mode, or (root ignores modes) a
    read-only mount."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o500)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs: {mounted.stderr.decode().strip()}")


def test_a_read_only_home_is_a_one_line_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    read_only = home / "read-only"
    _read_only_directory(read_only)
    try:
        for where, problem in ((read_only, "is not writable"), (read_only / "below", "Read-only file system")):
            assert main(["--home", str(where), "kg", "stats"]) == 1
            err = capsys.readouterr().err
            assert err.startswith("ConfigError: ") and str(where) in err and len(err.splitlines()) == 1
            assert "choose a writable directory with --home or MEDCORE_HOME" in err
            if os.geteuid() == 0:  # a mode-only refusal says "Permission denied"
                assert problem in err
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(read_only)], check=False)
        else:
            read_only.chmod(0o700)


# -- text that is not UTF-8 -------------------------------------------------------------------


def test_an_argument_that_is_not_utf8_is_a_usage_error(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reasoning", "--home", str(home), "link", b"\xff\xfe fever", "--lang", "en"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in err
    assert "Invalid value for argument 4: b'\\xff\\xfe fever' is not valid UTF-8" in err
    assert not (home / "graph").exists()


def test_a_config_file_or_environment_variable_that_is_not_utf8_is_a_one_line_error(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = home / "bad.toml"
    config.write_bytes(b'model = "\xff"\n')
    assert main(["--home", str(home), "--config", str(config), "config", "show"]) == 1
    err = capsys.readouterr().err
    assert err == f"ConfigError: config file {config} is not UTF-8 text (byte 0xff at offset 9); save it as UTF-8\n"
    monkeypatch.setenv("MEDCORE_MODEL", b"\xffmodel".decode("utf-8", "surrogateescape"))
    assert main(["--home", str(home), "config", "show"]) == 1
    err = capsys.readouterr().err
    assert err == "ConfigError: environment variable MEDCORE_MODEL is not valid UTF-8; set it again as UTF-8 text\n"


# -- lines without end, JSON without bottom -----------------------------------------------------


def test_deeply_nested_json_in_an_ingest_line_names_the_file_and_line(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.jsonl"
    seed = ROOT / "ingest" / "data" / "seed" / "local_practice.jsonl"
    good = seed.read_text(encoding="utf-8").splitlines()[0]  # a good line first
    deep.write_text(good + "\n" + '{"head": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    assert main(["--home", str(built), "ingest", "practice", str(deep)]) == 1
    err = capsys.readouterr().err
    assert f"IngestError: {deep}:2: JSON nested deeper than 100 levels" in err and len(err.splitlines()) == 1
    items = tmp_path / "items.jsonl"
    items.write_text('{"question": "Homa?", "lang": "sw", "options": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert main(["--home", str(built), "ask", "-i", str(items), "-o", str(tmp_path / "out.jsonl")]) == 1
    assert f"IngestError: {items}:1: JSON nested deeper than 100 levels" in capsys.readouterr().err


def test_a_line_without_end_is_refused_with_file_and_line_in_bounded_memory(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endless = tmp_path / "one-line.jsonl"
    good = (ROOT / "ingest" / "data" / "seed" / "local_practice.jsonl").read_bytes().splitlines()[0]
    with endless.open("wb") as handle:  # a good line, then 64 MiB without a line break (sparse)
        handle.write(good + b"\n")
        handle.truncate(64 << 20)
    for source, line in ((endless, 2), (Path("/dev/zero"), 1)):
        tracemalloc.start()
        try:
            assert main(["--home", str(built), "ingest", "practice", str(source)]) == 1
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        err = capsys.readouterr().err
        assert f"IngestError: {source}:{line}: line longer than 16 MiB, not read" in err
        assert peak < 48 << 20  # one bounded line, never the whole file


# -- batches with failures exit 1 and say how many --------------------------------------------


def test_demo_exits_1_and_says_how_many_questions_failed(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    monkeypatch.setenv("MEDCORE_LLM_MAX_RETRIES", "0")
    assert main(["--home", str(home), "demo", "--json"]) == 1
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert len(lines) == 7 and all(line["status"] == "failed" for line in lines)
    assert captured.err.splitlines()[-1] == "BatchError: 7 of 7 demo questions failed (see above)"


def test_ask_input_exits_1_when_items_failed_and_says_how_many(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MEDCORE_LLM_MAX_RETRIES", "0")
    items, out = tmp_path / "items.jsonl", tmp_path / "out.jsonl"
    items.write_text(
        '{"id": "a", "question": "Homa?", "lang": "sw"}\n{"id": "b", "question": "Fever?", "lang": "en"}\n'
    )
    assert main(["--home", str(built), "ask", "-i", str(items), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2 items: 0 were already answered" in err and "0 answered now, 2 failed" in err
    assert err.splitlines()[-1].startswith(f"BatchError: 2 of 2 items failed; their lines in {out} say why")
    assert [json.loads(line)["status"] for line in out.read_text().splitlines()] == ["failed", "failed"]


def test_ask_input_refuses_two_items_with_one_id(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The output holds one line per item, known by its id: two items cannot share one.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    items, out = tmp_path / "items.jsonl", tmp_path / "out.jsonl"
    items.write_text(
        '{"id": "a", "question": "Homa?", "lang": "sw"}\n\n{"id": "a", "question": "Fever?", "lang": "en"}\n'
    )
    assert main(["--home", str(home), "ask", "-i", str(items), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"IngestError: {items}:3: id: 'a' is also the id of line 1; give each item its own id\n"
    assert not out.exists()


# -- long values: an error quotes at most a head of them -------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["query", "q" * 5_000],
        ["query", "most_rejected_concepts", "--param", "limit=" + "x" * 5_000],
        ["viz", "r" * 5_000, "--out", "run.html"],
    ],
)
def test_an_error_about_a_long_value_quotes_only_its_head(
    home: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(home), *command]) in (1, 2)
    said = capsys.readouterr().err
    assert "…" in said and "5,000 characters" in said
    assert len(said) < 600, said
