"""The embedded FalkorDB server of a data directory, as seen by the processes that use it.

The first process to attach starts it (through `kg.graph.stores.supervisor`); later processes on
the same directory attach to the running server; the last one to detach stops it, unless it
runs as a daemon (`medcore db start`). A socket or pid file left by a crash is cleaned up.
Every wait is bounded, and a snapshot that cannot be saved (a full disk) is an error that
says so (`kg.graph.stores.snapshots`), never a hang.
Everything in the directory is its owner's alone: the directory and its missing parents
0700, the files (log, pid files, snapshots, locks) 0600, whatever the umask.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kg.errors import GraphConnectionError
from kg.graph.stores.files import FileLock, ServerFiles, pid_alive
from kg.graph.stores.snapshots import SnapshotError, log_size, save_failure, snapshot_path
from kg.settings import private_dir

__all__ = ["EmbeddedServer", "ServerStatus", "connect"]

_log = logging.getLogger(__name__)

# The supervisor takes the clients lock for an instant per poll, but a loaded machine can
# deschedule it for a while in that instant; give up only after about a second.
_CLOSE_ATTEMPTS = 100
# The server and its supervisor create their files (log, pid files, snapshots) under this
# umask, so that they are private whatever the umask of the process that starts them.
_SERVER_UMASK = 0o077
# After SHUTDOWN the supervisor exits at once; past this it is stuck, and killed.
_EXIT_WAIT_S = 30.0
_LOCK_POLL_S = 0.02


def connect(socket_path: str, timeout_s: float) -> redis.Redis:
    """A client that fails at once instead of retrying: the server is local, and redis-py's
    default retries turn a stopped server into seconds of backoff."""
    return redis.Redis(unix_socket_path=socket_path, socket_timeout=timeout_s, retry=Retry(NoBackoff(), 0))


@dataclass(frozen=True)
class ServerStatus:
    directory: str
    socket: str
    running: bool
    daemon: bool
    pid: int | None


class EmbeddedServer:
    """Start, share and stop the FalkorDB server living in `directory`."""

    def __init__(self, directory: Path, *, startup_timeout_s: float = 120.0, save_timeout_s: float = 600.0):
        """`save_timeout_s` bounds a snapshot (a large graph takes a while) and so also the
        waits for a lock that a process holds while the server saves and stops."""
        self.files = ServerFiles(Path(directory))
        self.startup_timeout_s = startup_timeout_s
        self.save_timeout_s = save_timeout_s
        self._clients: FileLock | None = None
        self._started: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> str:
        return str(self.files.socket)

    def attach(self) -> None:
        """Register this process as a user of the server, starting the server if needed."""
        if self._clients is not None:
            return
        self._prepare()
        clients = FileLock(self.files.clients_lock)
        try:
            # Held exclusively only by a process stopping the server, for one bounded save.
            self._lock_within(clients, self.save_timeout_s + _EXIT_WAIT_S, "stop", shared=True)
            start = FileLock(self.files.start_lock)
            try:
                self._lock_within(start, self.startup_timeout_s + _EXIT_WAIT_S, "start")
                if not self._ready():
                    self._start()
            finally:
                start.close()
        except BaseException:
            clients.close()
            raise
        self._clients = clients

    def detach(self, *, wrote: bool = False) -> None:
        """Unregister; if no other process is attached and no daemon was asked for, stop.

        `wrote`: this process changed the graph, so its writes are saved before it goes
        (the server may outlive it: a daemon, other processes). A save that fails raises
        `SnapshotError` (`DiskFullError` for a full disk) and leaves the server running
        with the writes in memory; its supervisor saves and stops it once it can."""
        clients, self._clients = self._clients, None
        if clients is None:
            return
        try:
            if wrote:
                self.save()
            clients.release()
            if not self.files.daemon_marker.exists() and self._acquire_exclusive(clients):
                self._shutdown(discard_unsaved=False, report=wrote)
        finally:
            clients.close()

    def status(self) -> ServerStatus:
        pid = self.files.read_pid(self.files.server_pid)
        running = self.files.socket.exists() and self._ready()
        return ServerStatus(
            directory=str(self.files.directory),
            socket=self.socket_path,
            running=running,
            daemon=self.files.daemon_marker.exists(),
            pid=pid if running else None,
        )

    def start_daemon(self) -> ServerStatus:
        """Keep the server running after every process detached, until `stop()`."""
        self._prepare()
        self.files.daemon_marker.touch(mode=0o600)
        self.attach()
        self.detach()
        return self.status()

    def stop(self) -> bool:
        """End daemon mode; stop the server now if no process is attached.

        Returns whether the server is stopped (False: others are attached and it stops
        when the last of them detaches). When its snapshot cannot be saved it is stopped
        all the same, without saving, and `SnapshotError` says what was lost.
        """
        self.files.daemon_marker.unlink(missing_ok=True)
        if not self.files.directory.exists():
            return True
        clients = FileLock(self.files.clients_lock)
        try:
            if not self._acquire_exclusive(clients):
                if clients.acquire(shared=True, blocking=False):
                    return False  # held shared: processes are attached
                # Held exclusively: another process is stopping it (its supervisor retrying
                # a save, say); wait for that to end, bounded, then finish the job.
                self._lock_within(clients, self.save_timeout_s + _EXIT_WAIT_S, "stop")
            self._shutdown(discard_unsaved=True, report=True)
            return True
        finally:
            clients.close()

    def save(self) -> None:
        """Save a snapshot now (SAVE, once a background save under way has ended).

        Raises:
            SnapshotError: the save failed (`DiskFullError`: the disk is full); the server
                keeps running with the writes in memory.
            GraphConnectionError: the save did not end within `save_timeout_s`.
        """
        client = connect(self.socket_path, self.save_timeout_s)
        deadline = time.monotonic() + self.save_timeout_s
        try:
            while client.info("persistence").get("rdb_bgsave_in_progress") and time.monotonic() < deadline:
                time.sleep(0.05)
            offset = log_size(self.files)
            try:
                client.execute_command("SAVE")
            except redis.exceptions.TimeoutError as exc:
                raise GraphConnectionError(
                    f"the embedded FalkorDB server in {self.files.directory} did not finish saving its "
                    f"snapshot within {self.save_timeout_s:g} s (see {self.files.log})"
                ) from exc
            except redis.exceptions.ResponseError as exc:
                raise save_failure(self.files, offset, "kept") from exc
        except (redis.exceptions.ConnectionError, OSError) as exc:
            raise GraphConnectionError(
                f"the embedded FalkorDB server in {self.files.directory} went away before saving: {exc}"
            ) from exc
        finally:
            client.close()

    def answers(self) -> bool:
        """Whether the server's main thread answers (PING, within seconds)."""
        return self._ping() != "down"

    def restart_frozen(self) -> None:
        """Kill a server whose main thread no longer answers (not even PING) and start a
        new one from its last snapshot; a no-op when it answers again by now."""
        start = FileLock(self.files.start_lock)
        try:
            self._lock_within(start, self.startup_timeout_s + _EXIT_WAIT_S, "start")
            if self.answers():  # another process restarted it, or it recovered
                return
            supervisor = self.files.read_pid(self.files.supervisor_pid)
            server = self.files.read_pid(self.files.server_pid)
            for pid in (server, supervisor):
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
            self._await_exit(supervisor, 5)
            self._start()
        finally:
            start.close()

    # -- internals -------------------------------------------------------------------

    def _prepare(self) -> None:
        """The directory and its missing parents (the home) private, and files an older
        version left readable to others (its log, its snapshot) made private too."""
        private_dir(self.files.directory.parent)
        self.files.prepare()
        uid = os.getuid()
        for entry in os.scandir(self.files.directory):
            found = entry.stat(follow_symlinks=False)
            if entry.is_file(follow_symlinks=False) and found.st_mode & 0o077 and found.st_uid == uid:
                os.chmod(entry.path, 0o600)

    def _lock_within(self, lock: FileLock, timeout_s: float, holder: str, *, shared: bool = False) -> None:
        """Take `lock`, waiting at most `timeout_s`: a process stuck holding it must not
        block every later command on this home."""
        deadline = time.monotonic() + timeout_s
        while not lock.acquire(shared=shared, blocking=False):
            if time.monotonic() >= deadline:
                raise GraphConnectionError(
                    f"the embedded FalkorDB server in {self.files.directory} has been busy "
                    f"{'stopping' if holder == 'stop' else 'starting'} for over {timeout_s:g} s "
                    f"(see {self.files.log}); run `medcore db stop`, then retry"
                )
            time.sleep(_LOCK_POLL_S)

    def _acquire_exclusive(self, clients: FileLock) -> bool:
        for _ in range(_CLOSE_ATTEMPTS):
            if clients.acquire(blocking=False):
                return True
            time.sleep(0.01)
        return False

    def _ping(self) -> str:
        """'ok', 'loading' or 'down'."""
        if not self.files.socket.exists():
            return "down"
        client = connect(self.socket_path, 5)
        try:
            client.ping()
            return "ok"
        except redis.exceptions.BusyLoadingError:
            return "loading"
        except redis.exceptions.ResponseError:
            # It answers, with an error: redis refuses even PING once a background save
            # failed (MISCONF, a full disk); reads still work, writes say why they cannot.
            return "ok"
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return "down"
        finally:
            client.close()

    def _ready(self) -> bool:
        return self._ping() == "ok"

    def _clean_stale(self) -> None:
        supervisor = self.files.read_pid(self.files.supervisor_pid)
        if pid_alive(supervisor):
            raise GraphConnectionError(
                f"the embedded FalkorDB server in {self.files.directory} (supervisor pid "
                f"{supervisor}) does not answer on {self.socket_path}; stop it with "
                f"`medcore db stop` or end that process, then retry"
            )
        for path in (self.files.socket, self.files.supervisor_pid, self.files.server_pid):
            path.unlink(missing_ok=True)

    def _start(self) -> None:
        self._clean_stale()
        log_offset = self.files.log.stat().st_size if self.files.log.exists() else 0
        log_fd = os.open(self.files.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(log_fd, "ab") as log:  # the child keeps its own copy of the fd
            process = subprocess.Popen(
                [sys.executable, "-m", "kg.graph.stores.supervisor", str(self.files.directory)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # a Ctrl-C in this terminal must not kill others' server
                umask=_SERVER_UMASK,
            )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            state = self._ping()
            if state == "ok":
                self._started = process
                return
            if process.poll() is not None:
                break
            time.sleep(0.02)
        if process.poll() is None:
            process.kill()
        raise GraphConnectionError(
            f"the embedded FalkorDB server did not start in {self.files.directory}: "
            f"{self._log_tail(log_offset) or 'no output'} (log: {self.files.log})"
        )

    def _log_tail(self, offset: int) -> str:
        try:
            with self.files.log.open("rb") as log:
                log.seek(offset)
                lines = log.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(lines[-3:])

    def _shutdown(self, *, discard_unsaved: bool, report: bool) -> None:
        """Stop the server, saving what it has not saved yet; the caller holds the clients
        lock exclusively, so nobody writes meanwhile.

        When the save fails: with `discard_unsaved` (the user asked to stop) the server is
        stopped without saving and `SnapshotError` says what was lost; else it keeps running
        (its supervisor retries) and, with `report`, `SnapshotError` says so. No process is
        left behind by a stop that went through: a supervisor that does not exit is killed."""
        supervisor = self.files.read_pid(self.files.supervisor_pid)
        server = self.files.read_pid(self.files.server_pid)
        client = connect(self.socket_path, self.save_timeout_s)
        failure: SnapshotError | None = None
        try:
            unsaved = int(client.info("persistence").get("rdb_changes_since_last_save", 1))
            # Nothing unsaved (a SAVE just ran) and a snapshot on disk: it is current.
            current = unsaved == 0 and snapshot_path(self.files).exists()
            offset = log_size(self.files)
            try:
                client.shutdown(save=not current, nosave=current)
            except redis.exceptions.ResponseError as exc:
                if not discard_unsaved:
                    error = save_failure(self.files, offset, "kept")
                    if report:
                        raise error from exc
                    _log.warning("%s", error)
                    return
                failure = save_failure(self.files, offset, "stopped")
                client.shutdown(nosave=True)
        except (redis.exceptions.ConnectionError, OSError):
            pass  # the server is gone: that is what we asked for
        except redis.exceptions.TimeoutError as exc:
            if not discard_unsaved:
                raise GraphConnectionError(
                    f"the embedded FalkorDB server in {self.files.directory} did not stop within "
                    f"{self.save_timeout_s:g} s (see {self.files.log}); `medcore db stop` ends it"
                ) from exc
            failure = SnapshotError(
                f"the embedded FalkorDB server in {self.files.directory} did not answer within "
                f"{self.save_timeout_s:g} s and was killed; writes since its last snapshot are lost"
            )
            self._kill(server)
        finally:
            client.close()
        if not self._await_exit(supervisor, _EXIT_WAIT_S):
            self._kill(supervisor, server)
            self._await_exit(supervisor, 5)
        if failure is not None:
            raise failure

    def _kill(self, *pids: int | None) -> None:
        for pid in pids:
            if pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]

    def _await_exit(self, supervisor: int | None, timeout_s: float) -> bool:
        """Whether the supervisor exited within `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while pid_alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._started is not None:  # reap our own child so it leaves no zombie
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._started.wait(timeout=5)
                self._started = None
        return not pid_alive(supervisor)
