"""The files an embedded FalkorDB server keeps in its directory, and the locks on them."""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError

__all__ = ["ServerFiles", "FileLock", "pid_alive"]

# sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
_MAX_SOCKET_PATH = 107


@dataclass(frozen=True)
class ServerFiles:
    """Paths inside the server directory (created with mode 0700: only the owner gets in)."""

    directory: Path

    @property
    def socket(self) -> Path:
        return self.directory / "falkordb.sock"

    @property
    def supervisor_pid(self) -> Path:
        return self.directory / "supervisor.pid"

    @property
    def server_pid(self) -> Path:
        return self.directory / "server.pid"

    @property
    def clients_lock(self) -> Path:
        # Every attached process holds a shared lock on this file; an exclusive lock
        # succeeds only when none is attached. The kernel drops locks of dead processes,
        # so a crashed client never keeps the server alive.
        return self.directory / "clients.lock"

    @property
    def writer_lock(self) -> Path:
        return self.directory / "writer.lock"

    @property
    def start_lock(self) -> Path:
        return self.directory / "start.lock"

    @property
    def daemon_marker(self) -> Path:
        return self.directory / "daemon"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def prepare(self) -> None:
        """Create the directory private to its owner and check the socket path fits."""
        if len(os.fsencode(self.socket)) > _MAX_SOCKET_PATH:
            raise ConfigError(
                f"data directory {self.directory} is too long for a unix socket "
                f"({len(os.fsencode(self.socket))} > {_MAX_SOCKET_PATH} bytes); "
                "choose a shorter MEDCORE_HOME or --home"
            )
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)

    def read_pid(self, path: Path) -> int | None:
        try:
            return int(path.read_text().strip())
        except (OSError, ValueError):
            return None


class FileLock:
    """An flock(2) lock on a file; released by `release()` or when the process dies."""

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, *, shared: bool = False, blocking: bool = True) -> bool:
        flags = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if not blocking:
            flags |= fcntl.LOCK_NB
        try:
            fcntl.flock(self._fd, flags)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
