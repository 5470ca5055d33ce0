"""Why the embedded server could not save its snapshot, said plainly.

Redis hides the cause of a failed save: SAVE answers an empty error, SHUTDOWN "Errors trying
to SHUTDOWN", and a write after a failed background save "MISCONF ...". The cause is in its
log (when the full disk left room for the line) and in the file system's free space; this
module reads both and names the directory, what is lost and what to do.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Literal

from kg.errors import GraphStoreError
from kg.graph.stores.files import ServerFiles

__all__ = ["DiskFullError", "SnapshotError", "log_size", "save_failure", "snapshot_path"]

# What the server was left doing after the failed save, and so what became of the writes.
Outcome = Literal["kept", "stopped", "refused"]

_NO_SPACE = ("No space left on device", "Disk quota exceeded")
# Below this much free space (or less than the last snapshot's size) a failed save is put
# down to a full disk even when the log could not record why.
_LOW_FREE_BYTES = 1 << 20
_LOG_TAIL_BYTES = 64 << 10


class SnapshotError(GraphStoreError):
    """The embedded server could not save its snapshot: writes since the last one are only
    in its memory (or, if it was stopped, lost)."""


class DiskFullError(SnapshotError):
    """The embedded server's snapshot did not fit on the disk of its directory."""


def snapshot_path(files: ServerFiles) -> Path:
    return files.directory / "dump.rdb"  # redis's default name in its --dir


def log_size(files: ServerFiles) -> int:
    """Where the log ends now: what the server writes about a save comes after it."""
    try:
        return files.log.stat().st_size
    except OSError:
        return 0


def save_failure(files: ServerFiles, log_offset: int, outcome: Outcome) -> SnapshotError:
    """The error for a save that just failed (`log_offset`: the log's size before it)."""
    lost = _lost(files)
    after = {
        "kept": "the server keeps the unsaved writes in memory and saves them once it can "
        "(`medcore db stop` discards them)",
        "stopped": "the server was stopped without saving, as asked",
        "refused": "the server refuses writes until it can save",
    }[outcome]
    free = _free_bytes(files.directory)
    if _disk_full(files, log_offset, free):
        shown = f" ({_size(free)} free)" if free is not None else ""
        return DiskFullError(f"disk full at {files.directory}{shown}; free space and re-run; {lost}; {after}")
    return SnapshotError(
        f"the embedded FalkorDB server could not save its snapshot in {files.directory} "
        f"(see {files.log}); fix that and re-run; {lost}; {after}"
    )


def _lost(files: ServerFiles) -> str:
    try:
        saved = snapshot_path(files).stat().st_mtime
    except OSError:
        return "nothing was saved (there is no snapshot yet)"
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(saved))
    return f"nothing since the last snapshot at {when} was saved"


def _disk_full(files: ServerFiles, log_offset: int, free: int | None) -> bool:
    if any(reason in _log_since(files, log_offset) for reason in _NO_SPACE):
        return True
    if free is None:
        return False
    try:
        last = snapshot_path(files).stat().st_size
    except OSError:
        last = 0
    return free < max(last, _LOW_FREE_BYTES)


def _free_bytes(directory: Path) -> int | None:
    try:
        found = os.statvfs(directory)
    except OSError:
        return None
    if found.f_files and not found.f_favail:
        return 0  # no inode left: no file can be created, whatever the bytes
    return found.f_bavail * found.f_frsize


def _log_since(files: ServerFiles, offset: int) -> str:
    try:
        with files.log.open("rb") as log:
            end = log.seek(0, os.SEEK_END)
            log.seek(max(offset, end - _LOG_TAIL_BYTES))
            return log.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    scaled = n / 1024
    for unit in ("KiB", "MiB"):
        if scaled < 1024:
            return f"{scaled:.1f} {unit}"
        scaled /= 1024
    return f"{scaled:.1f} GiB"
