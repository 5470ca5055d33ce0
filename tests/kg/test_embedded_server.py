"""The embedded FalkorDB server: started by the store, shared by processes, never left behind."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg import load_settings, open_store
from kg.graph.model import Concept
from kg.graph.stores import falkordb_runner
from kg.graph.stores.embedded import EmbeddedServer, connect
from kg.graph.stores.files import pid_alive

WRITER = textwrap.dedent(
    """
    import sys
    from kg import load_settings, open_store
    from kg.graph.model import Concept, ConceptRelation
    home, name, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = open_store(load_settings(home=home, graph_batch_size=100))
    ids = [f"MC{i:06d}" for i in range(start, start + count)]
    store.upsert_nodes(Concept(cui=c, name=name, semantic_types=["T047"], source=name) for c in ids)
    store.upsert_relationships(
        ConceptRelation(head=a, rel="ASSOCIATED_WITH", tail=b, source=name) for a, b in zip(ids, ids[1:])
    )
    print(store.runner.server.status().pid, flush=True)
    if len(sys.argv) > 5 and sys.argv[5] == "crash":
        import os
        os._exit(0)  # no close(): the process dies holding its lease
    store.close()
    """
)


def _write_in_process(home: Path, name: str, start: int, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), name, str(start), str(count), *extra],
        stdout=subprocess.PIPE,
        text=True,
    )


def _server(home: Path) -> EmbeddedServer:
    return EmbeddedServer(load_settings(home=home).graph_dir)


def _wait_until(predicate, timeout_s: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _concept(cui: str = "MC000001") -> Concept:
    return Concept(cui=cui, name="persisted", semantic_types=["T047"], source="test")


def test_no_server_process_remains_after_close(home: Path) -> None:
    store = open_store(load_settings(home=home))
    pid = _server(home).status().pid
    assert pid_alive(pid)
    store.close()
    assert not pid_alive(pid)
    assert not _server(home).files.socket.exists()


def test_data_directory_is_private_to_its_owner(home: Path) -> None:
    store = open_store(load_settings(home=home))
    try:
        directory = _server(home).files.directory
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE(os.stat(_server(home).socket_path).st_mode) & 0o077 == 0
    finally:
        store.close()


def test_data_persists_across_close_and_reopen(home: Path) -> None:
    with open_store(load_settings(home=home)) as store:
        store.upsert_nodes([_concept()])
    with open_store(load_settings(home=home)) as store:
        assert store.query("MATCH (c:Concept) RETURN c.name AS name") == [{"name": "persisted"}]


def test_second_process_attaches_to_the_running_server(home: Path) -> None:
    store = open_store(load_settings(home=home))
    our_pid = _server(home).status().pid
    writer = _write_in_process(home, "other", 0, 10)
    out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert int(out.strip()) == our_pid  # same server, not a second one
    assert pid_alive(our_pid)  # the other process closing did not stop it under us
    assert store.counts().nodes == {"Concept": 10}
    store.close()
    assert not pid_alive(our_pid)


def test_two_processes_writing_concurrently_lose_nothing(home: Path) -> None:
    # Overlapping ranges: 0-2999 and 2000-4999; both start with no server running.
    writers = [_write_in_process(home, "a", 0, 3000), _write_in_process(home, "b", 2000, 3000)]
    pids = {int(w.communicate(timeout=120)[0].strip()) for w in writers}
    assert all(w.returncode == 0 for w in writers)
    assert len(pids) == 1
    with open_store(load_settings(home=home)) as store:
        counts = store.counts()
        assert counts.nodes == {"Concept": 5000}
        assert counts.relationships == {"ASSOCIATED_WITH": 4999}


def test_a_crashed_client_does_not_keep_the_server_alive(home: Path) -> None:
    writer = _write_in_process(home, "crash", 0, 5, "crash")
    pid = int(writer.communicate(timeout=60)[0].strip())
    assert _wait_until(lambda: not pid_alive(pid)), "the supervisor should stop an orphaned server"


def test_a_server_whose_directory_was_deleted_still_stops(home: Path) -> None:
    # Redis refuses SIGTERM when its final save fails; with the directory gone it must be killed.
    writer = _write_in_process(home, "crash", 0, 5, "crash")
    pid = int(writer.communicate(timeout=60)[0].strip())
    shutil.rmtree(_server(home).files.directory)
    assert _wait_until(lambda: not pid_alive(pid)), "a server that cannot save must not outlive its users"


def test_a_frozen_server_is_restarted_when_a_graph_is_opened(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # FalkorDB 4.16 can hang for good creating a graph; SIGSTOP gives the same silence.
    monkeypatch.setattr(falkordb_runner, "_PROBE_TIMEOUT_S", 1.0)
    store = open_store(load_settings(home=home))
    try:
        runner = store.runner
        frozen = _server(home).status().pid
        os.kill(frozen, signal.SIGSTOP)  # type: ignore[arg-type]
        runner._open_graph("another")  # type: ignore[attr-defined]
        assert not pid_alive(frozen)
        assert pid_alive(_server(home).status().pid)
        store.upsert_nodes([_concept()])
        assert store.counts().nodes["Concept"] == 1
    finally:
        store.close()
    assert _server(home).status().running is False


def test_recovers_from_a_stale_socket_and_pid_files_after_a_crash(home: Path) -> None:
    store = open_store(load_settings(home=home))
    store.upsert_nodes([_concept()])
    files = _server(home).files
    store.query("RETURN 1")
    connect(str(files.socket), 30).save()  # as the periodic snapshot would before a crash
    supervisor, server = files.read_pid(files.supervisor_pid), files.read_pid(files.server_pid)
    os.kill(supervisor, signal.SIGKILL)  # type: ignore[arg-type]
    os.kill(server, signal.SIGKILL)  # type: ignore[arg-type]
    assert _wait_until(lambda: not pid_alive(server) and not pid_alive(supervisor))
    assert files.socket.exists() and files.supervisor_pid.exists()  # what a crash leaves
    lease = store.runner.server._clients  # type: ignore[attr-defined]
    lease.close()  # as if this process had crashed too: its lease dies with it
    store.runner.server._clients = None  # type: ignore[attr-defined]
    with open_store(load_settings(home=home)) as reopened:
        assert reopened.counts().nodes == {"Concept": 1}


def test_daemon_outlives_its_clients_until_stopped(home: Path) -> None:
    server = _server(home)
    status = server.start_daemon()
    assert status.running and status.daemon
    with open_store(load_settings(home=home)) as store:
        store.upsert_nodes([_concept()])
    assert server.status().running
    assert server.stop()
    assert _wait_until(lambda: not pid_alive(status.pid))
    assert not server.status().running


def test_socket_path_too_long_is_a_clear_error(tmp_path: Path) -> None:
    from kg.errors import ConfigError

    deep = tmp_path / ("d" * 120)
    with pytest.raises(ConfigError, match="too long for a unix socket"):
        open_store(load_settings(home=deep))
