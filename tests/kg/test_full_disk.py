"""The embedded store on a full disk: a plain error naming the directory, nothing reported as
loaded that is not saved, no wait without end, `medcore db stop` always stops, and after
space is freed the same command completes with exact counts.

The home is a real tmpfs of 512 KiB (mounting needs root: skipped, with the reason, without
it); the load is an OBO file whose graph needs about 1 MiB on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from kg import load_settings, open_store
from kg.graph.model import Concept
from kg.graph.stores.embedded import EmbeddedServer, connect
from kg.graph.stores.files import ServerFiles, pid_alive
from kg.graph.stores.snapshots import DiskFullError

ROOT = Path(__file__).resolve().parents[2]
TERMS = 4000
# A guard against a hang, not a timed assertion: any bounded wait ends far sooner.
HANG_GUARD_S = 300


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 512 KiB tmpfs; unmounted afterwards, whatever server a failed test left killed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    mount_point = Path(tempfile.mkdtemp(prefix="mc-fd-", dir="/tmp"))
    done = _mount("-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mount_point))
    if done.returncode:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:200]}")
    try:
        yield mount_point
    finally:
        files = ServerFiles(mount_point / "home" / "graph")
        for pid in (files.read_pid(files.server_pid), files.read_pid(files.supervisor_pid)):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
        _mount_command("umount", "-l", str(mount_point))
        mount_point.rmdir()


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return _mount_command("mount", *args)


def _mount_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def _grow(mount_point: Path) -> None:
    """Free space the way an administrator would: a bigger disk, the same files on it."""
    done = _mount("-o", "remount,size=16m", str(mount_point))
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def ontology(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TERMS terms, each with a synonym and an is_a: about 1 MiB of snapshot."""
    path = tmp_path_factory.mktemp("obo") / "filler.obo"
    with path.open("w") as out:
        out.write("format-version: 1.2\nontology: filler\n\n")
        for i in range(1, TERMS + 1):
            out.write(f"[Term]\nid: FILL:{i:07d}\nname: filler disorder {i} {'x' * 200}\n")
            out.write(f'synonym: "filler synonym {i} {"y" * 200}" EXACT []\n')
            if i > 1:
                out.write(f"is_a: FILL:{i - 1:07d}\n")
            out.write("\n")
    return path


def _medcore(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reasoning", "--home", str(home), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_GUARD_S,
        check=False,
    )


def _load(home: Path, ontology: Path) -> subprocess.CompletedProcess[str]:
    return _medcore(home, "ingest", "obo", str(ontology), "--tui", "T047", "--json", "-q")


def _counts(home: Path) -> dict[str, dict[str, int]]:
    done = _medcore(home, "kg", "stats", "--json")
    assert done.returncode == 0, done.stderr
    counts: dict[str, dict[str, int]] = json.loads(done.stdout)
    return counts


def _exact(counts: dict[str, dict[str, int]]) -> None:
    assert counts["nodes"]["Concept"] == TERMS
    assert counts["nodes"]["Term"] == 2 * TERMS
    assert counts["relationships"]["IS_A"] == TERMS - 1


def _server_pids(home: Path) -> tuple[int | None, int | None]:
    files = ServerFiles(load_settings(home=home).graph_dir)
    return files.read_pid(files.supervisor_pid), files.read_pid(files.server_pid)


def _wait_until_dead(*pids: int | None) -> bool:
    deadline = time.monotonic() + HANG_GUARD_S
    while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(pid_alive(pid) for pid in pids)


def _fails_for_a_full_disk(home: Path, ontology: Path) -> str:
    """Load onto the full disk; the one-line error it gives."""
    done = _load(home, ontology)
    graph_dir = load_settings(home=home).graph_dir
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""  # nothing reported as loaded
    assert "Traceback" not in done.stderr
    assert f"DiskFullError: disk full at {graph_dir}" in done.stderr
    assert "free space and re-run" in done.stderr
    assert "nothing was saved" in done.stderr or "nothing since the last snapshot at" in done.stderr
    return done.stderr


def test_a_full_disk_is_said_plainly_and_db_stop_always_stops(small_disk: Path, ontology: Path) -> None:
    home = small_disk / "home"
    _fails_for_a_full_disk(home, ontology)

    # The server keeps the writes it could not save, and lets later commands in.
    supervisor, server = _server_pids(home)
    assert pid_alive(supervisor) and pid_alive(server)
    _exact(_counts(home))

    stopped = _medcore(home, "db", "stop")
    assert stopped.returncode == 1
    assert "disk full at" in stopped.stderr and "stopped without saving" in stopped.stderr
    assert _wait_until_dead(supervisor, server)
    assert not ServerFiles(load_settings(home=home).graph_dir).socket.exists()

    _grow(small_disk)
    done = _load(home, ontology)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["loaded"]["concepts"] == TERMS
    _exact(_counts(home))
    assert not any(pid_alive(pid) for pid in _server_pids(home))


def test_after_space_is_freed_a_rerun_saves_what_the_server_kept(small_disk: Path, ontology: Path) -> None:
    home = small_disk / "home"
    _fails_for_a_full_disk(home, ontology)
    supervisor, server = _server_pids(home)

    # Once a background save failed, the server refuses writes: said as plainly.
    settings = load_settings(home=home)
    _fail_a_background_save(str(ServerFiles(settings.graph_dir).socket))
    store = open_store(settings)
    try:
        with pytest.raises(DiskFullError, match="refuses writes until it can save"):
            store.upsert_nodes([Concept(cui="MC999999", name="refused", semantic_types=["T047"], source="test")])
    finally:
        store.close()  # it wrote nothing: no error of its own (the server stays, with a warning)
    _exact(_counts(home))  # reads still answer (redis refuses GRAPH.QUERY; they go read-only)

    _grow(small_disk)
    done = _load(home, ontology)
    assert done.returncode == 0, done.stderr
    assert _wait_until_dead(supervisor, server)  # the last close saved and stopped it
    _exact(_counts(home))


def _fail_a_background_save(socket: str) -> None:
    """BGSAVE until one has failed: the supervisor's retried SHUTDOWN may kill one under way,
    which leaves no failure behind."""
    client = connect(socket, 30)
    deadline = time.monotonic() + HANG_GUARD_S
    try:
        while client.info("persistence")["rdb_last_bgsave_status"] != "err":
            assert time.monotonic() < deadline
            with contextlib.suppress(redis.exceptions.ResponseError):  # one is under way
                client.bgsave()
            while client.info("persistence")["rdb_bgsave_in_progress"]:
                time.sleep(0.05)
    finally:
        client.close()


def test_sigterm_to_the_supervisor_stops_a_server_that_cannot_save(small_disk: Path, ontology: Path) -> None:
    home = small_disk / "home"
    _fails_for_a_full_disk(home, ontology)
    supervisor, server = _server_pids(home)
    os.kill(supervisor, signal.SIGTERM)  # type: ignore[arg-type]
    assert _wait_until_dead(supervisor, server)
    log = ServerFiles(load_settings(home=home).graph_dir).log.read_text(errors="replace")
    assert "stopped without saving" in log


def test_a_daemon_saves_a_write_command_before_it_reports(home: Path, ontology: Path) -> None:
    """With a daemon the server outlives the command; its writes are on disk all the same
    when it reports them: a server killed right after loses none of them."""
    assert _medcore(home, "db", "start").returncode == 0
    done = _load(home, ontology)
    assert done.returncode == 0, done.stderr
    supervisor, server = _server_pids(home)
    for pid in (server, supervisor):
        os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
    assert _wait_until_dead(supervisor, server)
    EmbeddedServer(load_settings(home=home).graph_dir).stop()  # end daemon mode
    _exact(_counts(home))


def test_attach_waits_for_a_stopping_server_only_so_long(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process stuck holding the clients lock (as a stop whose save never ended once did)
    makes later commands fail with a message, not wait forever."""
    from kg.errors import GraphConnectionError
    from kg.graph.stores import embedded
    from kg.graph.stores.files import FileLock

    monkeypatch.setattr(embedded, "_EXIT_WAIT_S", 0.0)
    server = EmbeddedServer(load_settings(home=home).graph_dir, save_timeout_s=0.5)
    server.files.prepare()
    stuck = FileLock(server.files.clients_lock)
    assert stuck.acquire()
    try:
        with pytest.raises(GraphConnectionError, match="busy stopping .* run `medcore db stop`"):
            server.attach()
    finally:
        stuck.close()


def test_a_full_disk_outside_the_graph_is_said_as_plainly(small_disk: Path, tmp_path: Path) -> None:
    """The seed's graph fits on 2 MiB, the linking index a corpus load caches beside it does
    not: the same one-line error, naming the home."""
    home = small_disk / "home"
    assert _mount("-o", "remount,size=2m", str(small_disk)).returncode == 0
    assert _medcore(home, "kg", "build", "-q").returncode == 0
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"title": "fever", "content": "Fever and malaria.", "lang": "en", "source": "test"}\n')

    done = _medcore(home, "ingest", "corpus", str(corpus), "--json", "-q")
    assert done.returncode == 1
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert f"DiskFullError: disk full at {home}" in done.stderr and "free space and re-run" in done.stderr

    _grow(small_disk)
    done = _medcore(home, "ingest", "corpus", str(corpus), "--json", "-q")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["loaded"]["documents"] == 1
    assert _counts(home)["nodes"]["Document"] == 1


def test_db_stop_ends_a_server_whose_supervisor_was_killed(small_disk: Path, ontology: Path) -> None:
    """Killed, the supervisor leaves redis a SIGTERM, whose save fails on the full disk: the
    orphan keeps running (with the writes), serves commands, and `db stop` still ends it."""
    home = small_disk / "home"
    _fails_for_a_full_disk(home, ontology)
    supervisor, server = _server_pids(home)
    os.kill(supervisor, signal.SIGKILL)  # type: ignore[arg-type]
    assert _wait_until_dead(supervisor)
    assert pid_alive(server)
    _exact(_counts(home))
    stopped = _medcore(home, "db", "stop")
    assert stopped.returncode == 1 and "stopped without saving" in stopped.stderr
    assert _wait_until_dead(server)
