"""Node keys both engines can index, whatever the text they are made of.

FalkorDB's index does not find keys of some 4 KiB and more: a MERGE on such a key creates
the node, a MATCH on it then misses, so a relationship to it is never written and every
re-run adds another copy. A key that long (a 5,000-character lexicon term, a document id
pasted from a file) is stored as its head and a digest instead, the full text kept as
`full_key`. Every write and key lookup goes through `stored_key`, so callers keep using
the keys the models give.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["MAX_KEY_BYTES", "stored_key", "keyed_row"]

# Well under what the index handles; keys of real data (terms, document ids) stay as they are.
MAX_KEY_BYTES = 512
_HEAD_CHARS = 64


def stored_key(key: str) -> str:
    """`key` itself, or, if over MAX_KEY_BYTES in UTF-8, its first characters and a SHA-256."""
    if len(key) * 4 <= MAX_KEY_BYTES or len(key.encode("utf-8")) <= MAX_KEY_BYTES:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{key[:_HEAD_CHARS]}…sha256:{digest}"


def keyed_row(key_field: str, key: str, props: dict[str, Any]) -> dict[str, Any]:
    """The {key, props} row that MERGEs a node on `key` and sets `props`. When the key is
    stored as a digest, the key property in `props` is too, and `full_key` holds the key."""
    stored = stored_key(key)
    if stored != key:
        props = {**props, key_field: stored, "full_key": key}
    return {"key": stored, "props": props}
