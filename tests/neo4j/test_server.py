"""The Neo4j of tests/neo4j: Browser served, password private, clean stops, clear failures.

Run under `pytest --neo4j` (skipped otherwise): each test here that starts a server of its own
costs a JVM start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.neo4j

SERVER_PY = Path(__file__).with_name("server.py")


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8", errors="replace")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _gone(pid: int) -> bool:
    """The process has ended (an orphan may linger as a zombie where nothing reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


def test_browser_and_discovery_are_served_on_the_http_port(launched_neo4j: Any) -> None:
    info = launched_neo4j.info
    status, page = _get(info.browser)
    assert status == 200 and "<title>Neo4j Browser</title>" in page
    status, body = _get(info.http + "/")
    discovery = json.loads(body)
    assert discovery["bolt_routing"] == info.bolt and discovery["neo4j_edition"] == "community"
    assert info.bolt.startswith("neo4j://127.0.0.1:") and info.http.startswith("http://127.0.0.1:")


def test_password_file_is_private_and_the_password_is_never_printed(launched_neo4j: Any) -> None:
    info = launched_neo4j.info
    password = launched_neo4j.password
    assert len(password) >= 32
    assert stat.S_IMODE(info.password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.home.stat().st_mode) == 0o700
    assert password not in launched_neo4j.ready_line
    assert password not in launched_neo4j.log_path.read_text(encoding="utf-8", errors="replace")
    for log in (info.home / "logs").glob("*.log"):  # the server's own logs, queries included
        assert password not in log.read_text(encoding="utf-8", errors="replace"), log.name


def test_given_ports_are_used_and_sigterm_stops_cleanly_deleting_the_data(neo4j_launcher: ModuleType) -> None:
    bolt_port, http_port = _free_ports(2)
    server = neo4j_launcher.Neo4jServer(bolt_port=bolt_port, http_port=http_port)
    info = server.start()
    try:
        assert info.bolt == f"neo4j://127.0.0.1:{bolt_port}" and info.http == f"http://127.0.0.1:{http_port}"
        os.kill(info.pid, signal.SIGTERM)
        assert server.wait(60) == 0
        log = server.log_path.read_text(encoding="utf-8")
        assert "Stopped." in log and "ERROR" not in log
        assert not info.home.exists()
    finally:
        server.stop()
    assert not server.log_path.exists()  # a clean stop leaves nothing behind


def test_the_server_stops_when_its_launcher_is_killed(neo4j_launcher: ModuleType, tmp_path: Path) -> None:
    errors = tmp_path / "launcher.err"
    logs_before = set(Path(tempfile.gettempdir()).glob("medcore-neo4j-*.log"))
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(SERVER_PY), "--json"], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, errors.read_text()
        info = json.loads(line)
        os.kill(process.pid, signal.SIGKILL)  # no chance to stop the JVM: the closed pipe must
        process.wait(10)
        deadline = time.monotonic() + 60
        while not (_gone(info["pid"]) and not Path(info["home"]).exists()):
            assert time.monotonic() < deadline, "the JVM outlived its launcher"
            time.sleep(0.5)
    finally:
        if process.poll() is None:
            process.kill()
        # The JVM's log, which the killed launcher could not delete.
        for log in set(Path(tempfile.gettempdir()).glob("medcore-neo4j-*.log")) - logs_before:
            log.unlink(missing_ok=True)


def test_a_start_that_fails_says_why_with_the_log_tail(neo4j_launcher: ModuleType) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = neo4j_launcher.Neo4jServer(bolt_port=taken.getsockname()[1])
        with pytest.raises(neo4j_launcher.Neo4jServerError) as failure:
            server.start()
    message = str(failure.value)
    assert "exited with code" in message and "Last lines of the JVM's log" in message
    assert "already in use" in message.lower() or "address in use" in message.lower(), message
    assert server.log_path.exists()  # kept for a look, named in the message
    assert str(server.log_path) in message
    server.log_path.unlink()


def test_the_command_line_prints_how_to_connect_without_the_password(launched_neo4j: Any) -> None:
    summary = sys.modules[type(launched_neo4j).__module__]._summary(launched_neo4j.info)
    assert launched_neo4j.password not in summary
    assert f'NEO4J_PASSWORD="$(cat {launched_neo4j.info.password_file})"' in summary
