"""Neo4j under bad input and faults (issue 12): a dead server, a wrong password, a wrong database
name, a database that stays unavailable, each through the Python API and the CLI, give one clear
line naming the URI without the password, exit 1 and no traceback; a server killed mid-ingest or
mid-copy gives such a line, and once it is started again on the same data directory, the same
command completes the work.

Run under `pytest --neo4j` (skipped otherwise); the fault cases start servers of their own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import neo4j
import pytest

from ingest import build_seed
from kg import GraphConnectionError, load_settings, open_store
from kg.graph.copy import copy_graph
from kg.graph.store import GraphCounts
from reasoning import main

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
SECRET = "pw-must-not-show-9f3a"  # every wrong password here; never in a message
FAULTS_USER = "medcore_faults"  # wrong passwords lock a user for a while: never the session's user
# Small batches: the server is killed between two of them, well before the end.
BATCH = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_clear_line(stderr: str, uri: str, *secrets: str) -> str:
    """The error as the CLI prints it: one line naming `uri`, no traceback, no secret."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and uri in lines[0], stderr
    for secret in (SECRET, *secrets):
        assert secret not in stderr
    return lines[0]


def _no_secret(message: str, uri: str, *secrets: str) -> None:
    assert uri in message, message
    for secret in (SECRET, *secrets):
        assert secret not in message


# -- bad input: nothing listening, a wrong password, a wrong database -------------------------


@pytest.fixture(scope="module")
def faults_user(launched_neo4j: Any) -> Iterator[str]:
    """A user of the session's server whose password the tests get wrong (the server locks a
    user after three failed logins; the session's own user must stay usable)."""
    info = launched_neo4j.info
    with (
        neo4j.GraphDatabase.driver(info.bolt, auth=(info.user, launched_neo4j.password)) as driver,
        driver.session(database="system") as session,
    ):
        session.run(
            f"CREATE USER {FAULTS_USER} IF NOT EXISTS SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
            password="right-" + SECRET[::-1],
        ).consume()
        try:
            yield FAULTS_USER
        finally:
            session.run(f"DROP USER {FAULTS_USER} IF EXISTS").consume()


@pytest.fixture
def graph_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Points the CLI's graph settings at a store (nothing inherited from the environment)."""

    def point(uri: str, user: str = "neo4j", password: str = SECRET, database: str | None = None) -> None:
        monkeypatch.setenv("MEDCORE_GRAPH_URI", uri)
        monkeypatch.setenv("MEDCORE_GRAPH_USER", user)
        monkeypatch.setenv("MEDCORE_GRAPH_PASSWORD", password)
        monkeypatch.setenv("MEDCORE_TO_PASSWORD", password)
        if database is None:
            monkeypatch.delenv("MEDCORE_GRAPH_DATABASE", raising=False)
        else:
            monkeypatch.setenv("MEDCORE_GRAPH_DATABASE", database)

    return point


def test_nothing_listening_api_and_cli(
    home: Path, graph_env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    uri = f"neo4j://127.0.0.1:{_free_port()}"
    with pytest.raises(GraphConnectionError) as raised:
        open_store(load_settings(home=home, graph_uri=uri, graph_password=SECRET))
    _no_secret(str(raised.value), uri)
    assert "cannot reach" in str(raised.value) and "is the server up?" in str(raised.value)
    graph_env(uri)
    assert main(["--home", str(home), "kg", "stats"]) == 1
    line = _one_clear_line(capsys.readouterr().err, uri)
    assert line.startswith("GraphConnectionError: cannot reach Neo4j at " + uri)
    # The password in the URI: the driver refuses it there, and the message shows the URI without it.
    graph_env(uri.replace("://", f"://neo4j:{SECRET}@"))
    assert main(["--home", str(home), "kg", "stats"]) == 1
    line = _one_clear_line(capsys.readouterr().err, uri)
    assert "no user or password in the URI" in line
    graph_env("embedded")
    assert main(["--home", str(home), "db", "copy", "--to", uri, "--quiet"]) == 1
    _one_clear_line(capsys.readouterr().err, uri)


def test_a_wrong_password_api_and_cli(
    launched_neo4j: Any,
    faults_user: str,
    home: Path,
    graph_env: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    uri = launched_neo4j.info.bolt
    with pytest.raises(GraphConnectionError) as raised:
        open_store(load_settings(home=home, graph_uri=uri, graph_user=faults_user, graph_password=SECRET))
    _no_secret(str(raised.value), uri)
    assert f"refused the credentials of user '{faults_user}'" in str(raised.value)
    graph_env(uri, user=faults_user)
    assert main(["--home", str(home), "kg", "stats"]) == 1
    line = _one_clear_line(capsys.readouterr().err, uri)
    assert "MEDCORE_GRAPH_PASSWORD" in line
    # A third failure in a row locks the user for a few seconds: also one clear line.
    graph_env("embedded")
    assert main(["--home", str(home), "db", "copy", "--to", uri, "--to-user", faults_user, "--quiet"]) == 1
    _one_clear_line(capsys.readouterr().err, uri)
    graph_env(uri, user=faults_user)
    assert main(["--home", str(home), "kg", "stats"]) == 1
    line = _one_clear_line(capsys.readouterr().err, uri)
    assert f"refuses user '{faults_user}' for a few seconds after failed logins" in line
    assert "MEDCORE_GRAPH_PASSWORD" in line


def test_a_wrong_database_api_and_cli(
    launched_neo4j: Any, home: Path, graph_env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    info, password = launched_neo4j.info, launched_neo4j.password
    settings = load_settings(
        home=home, graph_uri=info.bolt, graph_user=info.user, graph_password=password, graph_database="nosuchdb"
    )
    with pytest.raises(GraphConnectionError) as raised:
        open_store(settings)
    message = str(raised.value)
    _no_secret(message, info.bolt, password)
    assert "has no database 'nosuchdb' (it has 'neo4j', 'system')" in message
    assert "MEDCORE_GRAPH_DATABASE" in message
    graph_env(info.bolt, user=info.user, password=password, database="x" * 500)
    assert main(["--home", str(home), "kg", "stats"]) == 1
    line = _one_clear_line(capsys.readouterr().err, info.bolt, password)
    assert "x" * 81 not in line  # a long name is cut short
    graph_env("embedded", password=password, database="nosuchdb")
    assert main(["--home", str(home), "db", "copy", "--to", info.bolt, "--quiet"]) == 1
    line = _one_clear_line(capsys.readouterr().err, info.bolt, password)
    assert "no database 'nosuchdb'" in line


def test_a_database_that_stays_unavailable_api_and_cli(
    launched_neo4j: Any,
    home: Path,
    graph_env: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The server answers, its database does not (as while a server starts or stops it): after
    # MEDCORE_GRAPH_RETRY_S (1 s here instead of 30), one line naming the URI and what to do, both
    # for a store in use and for one being opened, on a routing (neo4j://) and a direct (bolt://) URI.
    info, password = launched_neo4j.info, launched_neo4j.password
    uris = (info.bolt, info.bolt.replace("neo4j://", "bolt://", 1))

    def settings(uri: str) -> Any:
        return load_settings(home=home, graph_uri=uri, graph_user=info.user, graph_password=password, graph_retry_s=1)

    in_use = [open_store(settings(uri)) for uri in uris]
    try:
        with launched_neo4j.database_unavailable():
            for uri, store in zip(uris, in_use, strict=True):
                for query in (None, "MATCH (n) RETURN count(n) AS n"):  # the store API, and Cypher as given
                    with pytest.raises(GraphConnectionError) as raised:
                        store.counts() if query is None else store.query(query)
                    message = str(raised.value)
                    _no_secret(message, uri, password)
                    assert "its default database stayed unavailable for 1 s (MEDCORE_GRAPH_RETRY_S)" in message
                    assert "once it is available, run the same command again" in message
                with pytest.raises(GraphConnectionError) as raised:
                    open_store(settings(uri))
                _no_secret(str(raised.value), uri, password)
                assert "set MEDCORE_GRAPH_RETRY_S higher to wait longer" in str(raised.value)
                graph_env(uri, user=info.user, password=password)
                monkeypatch.setenv("MEDCORE_GRAPH_RETRY_S", "1")
                for command in (["kg", "stats"], ["cypher", "RETURN 1 AS one"]):
                    assert main(["--home", str(home), *command]) == 1
                    line = _one_clear_line(capsys.readouterr().err, uri, password)
                    assert line.startswith(f"GraphConnectionError: Neo4j at {uri} answers but its default database")
        for store in in_use:  # available again: the same stores go on
            assert store.query("RETURN 1 AS one") == [{"one": 1}]
    finally:
        for store in in_use:
            store.close()


# -- a server that goes away mid-ingest or mid-copy ---------------------------------------------


class KeptServer:
    """A Neo4j whose data directory outlives it: killed, then started again on the same
    directory and ports (so the same URI and password)."""

    def __init__(self, launcher: ModuleType, directory: Path) -> None:
        self.launcher = launcher
        self.directory = directory
        self.server = launcher.Neo4jServer(home=directory)
        self.info = self.server.start()
        self.password = self.server.password

    def settings(self, home: Path, **more: Any) -> Any:
        return load_settings(
            home=home, graph_uri=self.info.bolt, graph_user=self.info.user, graph_password=self.password, **more
        )

    def kill_when(self, nodes_at_least: int) -> threading.Thread:
        """From a thread: SIGKILL the server once it holds `nodes_at_least` nodes."""

        def watch() -> None:
            with neo4j.GraphDatabase.driver(self.info.bolt, auth=(self.info.user, self.password)) as driver:
                while True:
                    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
                    if records[0]["n"] >= nodes_at_least:
                        os.kill(self.info.pid, signal.SIGKILL)
                        return
                    time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        return watcher

    def reap(self) -> None:
        """The killed JVM is gone; its log is kept for a look."""
        assert self.server.wait(60) == -signal.SIGKILL
        self.server.stop()
        if self.server.log_path is not None:
            self.server.log_path.unlink(missing_ok=True)

    def restart(self) -> None:
        bolt, http = self.info.bolt.rsplit(":", 1)[1], self.info.http.rsplit(":", 1)[1]
        self.server = self.launcher.Neo4jServer(home=self.directory, bolt_port=int(bolt), http_port=int(http))
        info = self.server.start()
        assert (info.bolt, self.server.password) == (self.info.bolt, self.password)
        self.info = info

    def close(self) -> None:
        self.server.stop()
        if self.server.log_path is not None:
            self.server.log_path.unlink(missing_ok=True)


@pytest.fixture
def kept_server(neo4j_launcher: ModuleType) -> Iterator[KeptServer]:
    directory = Path(tempfile.mkdtemp(prefix="medcore-neo4j-kept-"))
    server = KeptServer(neo4j_launcher, directory / "home")
    try:
        yield server
    finally:
        server.close()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def seed_home() -> Iterator[Path]:
    """An embedded home with the seed: the source of the copies and the counts to reach."""
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        with open_store(load_settings(home=directory)) as store:
            build_seed(store)
        yield Path(directory)


def _counts(home: Path) -> GraphCounts:
    with open_store(load_settings(home=home)) as store:
        return store.counts()


def _medcore(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own, as a user runs it."""
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "reasoning", *args], capture_output=True, text=True, env=environment, timeout=600
    )


def test_a_server_killed_mid_ingest_then_started_again_the_same_command_completes(
    kept_server: KeptServer, seed_home: Path, home: Path
) -> None:
    env = {
        "MEDCORE_GRAPH_URI": kept_server.info.bolt,
        "MEDCORE_GRAPH_USER": kept_server.info.user,
        "MEDCORE_GRAPH_PASSWORD": kept_server.password,
        "MEDCORE_GRAPH_BATCH_SIZE": str(BATCH),
    }
    watcher = kept_server.kill_when(nodes_at_least=1000)
    cut = _medcore("--home", str(home), "kg", "build", "--quiet", env=env)
    watcher.join(60)
    kept_server.reap()
    assert cut.returncode == 1, cut.stderr
    line = _one_clear_line(cut.stderr, kept_server.info.bolt, kept_server.password)
    assert "went away" in line and "run the same command again" in line

    kept_server.restart()
    with open_store(kept_server.settings(home)) as store:
        partial = store.counts()
    expected = _counts(seed_home)
    assert 0 < sum(partial.nodes.values()) < sum(expected.nodes.values())
    done = _medcore("--home", str(home), "kg", "build", "--quiet", env=env)
    assert done.returncode == 0, done.stderr
    with open_store(kept_server.settings(home)) as store:
        assert store.counts() == expected


def test_a_server_killed_mid_copy_then_started_again_the_same_copy_completes(
    kept_server: KeptServer, seed_home: Path
) -> None:
    env = {"MEDCORE_TO_PASSWORD": kept_server.password, "MEDCORE_GRAPH_BATCH_SIZE": str(BATCH)}
    copy = ("--home", str(seed_home), "db", "copy", "--to", kept_server.info.bolt, "--quiet")
    watcher = kept_server.kill_when(nodes_at_least=1000)
    cut = _medcore(*copy, env=env)
    watcher.join(60)
    kept_server.reap()
    assert cut.returncode == 1, cut.stderr
    line = _one_clear_line(cut.stderr, kept_server.info.bolt, kept_server.password)
    assert "went away" in line and "run the same command again" in line

    kept_server.restart()
    done = _medcore(*copy, env=env)
    assert done.returncode == 0, done.stderr
    assert "the counts agree" in done.stdout
    with open_store(kept_server.settings(seed_home)) as store:
        assert store.counts() == _counts(seed_home)


def test_a_server_killed_mid_copy_through_the_api(kept_server: KeptServer, seed_home: Path, home: Path) -> None:
    with open_store(load_settings(home=seed_home, graph_batch_size=BATCH)) as source:
        with open_store(kept_server.settings(home, graph_batch_size=BATCH)) as target:
            kept_server.kill_when(nodes_at_least=1000)
            with pytest.raises(GraphConnectionError) as raised:
                copy_graph(source, target)
        _no_secret(str(raised.value), kept_server.info.bolt, kept_server.password)
        kept_server.reap()
        kept_server.restart()
        with open_store(kept_server.settings(home, graph_batch_size=BATCH)) as target:
            summary = copy_graph(source, target)
        assert summary.source == summary.target == source.counts()
