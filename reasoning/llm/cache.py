"""A persistent cache of LLM responses, so re-runs are free and a crashed batch resumes.

SQLite in the data directory, keyed by a hash of (model, messages, parameters). WAL mode
and a busy timeout make it safe for several processes at once; each process keeps one
connection, used from the event loop thread only. The cache holds clinical questions and
answers: its files are readable by their owner only (0600, in a 0700 directory).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kg.settings import private_dir

__all__ = ["CachedResponse", "ResponseCache", "cache_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    content TEXT NOT NULL,
    reasoning TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
)
"""


class CachedResponse(BaseModel):
    content: str
    reasoning: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


def cache_key(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
    """Stable across runs and processes: canonical JSON of everything that shapes the answer."""
    payload = json.dumps({"model": model, "messages": messages, "params": params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class ResponseCache:
    """get/put of responses by key in one SQLite file."""

    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        _private_files(path)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content, reasoning, prompt_tokens, completion_tokens FROM responses WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        return CachedResponse(content=row[0], reasoning=row[1], prompt_tokens=row[2], completion_tokens=row[3])

    def put(self, key: str, model: str, response: CachedResponse) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, model, content, reasoning, prompt_tokens, completion_tokens) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, model, response.content, response.reasoning, response.prompt_tokens, response.completion_tokens),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _private_files(path: Path) -> None:
    """Create the database file 0600 before SQLite does (it would create it 0644 less the
    umask), and take group and other access off one an older version left readable. SQLite
    gives its -wal and -shm files the mode of the database file."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        part = path.with_name(name)
        try:
            found = part.stat()
        except FileNotFoundError:
            continue
        if found.st_mode & 0o077 and found.st_uid == os.getuid():
            os.chmod(part, 0o600)
