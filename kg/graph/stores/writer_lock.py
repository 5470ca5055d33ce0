"""One writer at a time on an embedded store, across processes and threads.

FalkorDB runs a query's reads before it takes its write lock, so two MERGEs of the same
relationship sent at once both find none and both create one: two `medcore kg build` on
a fresh home wrote 619 duplicate DENOTES. Writes serialized by this lock cannot race.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WriterLock"]

_log = logging.getLogger(__name__)


class WriterLock:
    """An exclusive flock(2) on `path`, re-entrant within a thread.

    The holder writes its pid into the file, so that a waiting process can say whom it
    waits for; the kernel drops the lock of a process that dies, so a crash never leaves
    the home locked.
    """

    def __init__(self, path: Path, *, what: str):
        self._path = path
        self._what = what
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block (waiting for another writer first, if need be)."""
        with self._thread_lock:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _acquire(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log.warning("waiting for another writer (pid %s) on %s", self._holder() or "unknown", self._what)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, str(os.getpid()).encode(), 0)

    def _holder(self) -> str | None:
        try:
            return os.pread(self._fd, 32, 0).decode().strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
