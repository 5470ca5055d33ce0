"""Text the graph store can hold, checked where a row is read so that the error names it.

The embedded FalkorDB cannot hold two characters: NUL (U+0000) ends its command text early,
so the statement fails and takes the whole batch with it, and U+0001 is stored but never
matched again by its key, so a row holding it is written anew on every load. A lone UTF-16
surrogate (JSON's "\\ud800") is no Unicode text and is refused when the graph model is
built. Every other character, control characters such as tab or ESC included, is stored
verbatim. A row holding one of these is a malformed row like any other: the load stops at
it with file, line and field, after writing the rows before it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kg.errors import IngestError

__all__ = ["check_record", "check_text", "unstorable"]

_UNSTORABLE = re.compile("[\x00\x01\ud800-\udfff]")
_NAMES = {"\x00": "a NUL character (U+0000)", "\x01": "a control character U+0001"}


def unstorable(text: str) -> str | None:
    """What in `text` the store cannot hold, or None when it can hold all of it."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    what = _NAMES.get(char) or f"a lone surrogate U+{ord(char):04X} (not Unicode text)"
    return f"{what} at character {found.start() + 1}"


def check_text(value: str, field: str, path: Path | str, line: int | None) -> str:
    """`value` unchanged if the store can hold it.

    Raises:
        IngestError: it cannot (names file, line and field, and says what to do).
    """
    problem = unstorable(value)
    if problem is not None:
        raise IngestError(
            f"{field}: holds {problem}, which the graph store cannot hold; remove it from the file",
            path=str(path),
            line=line,
        )
    return value


def check_record(record: BaseModel | Mapping[str, Any], path: Path | str, line: int | None) -> None:
    """Check every text of a validated record (nested lists and maps too, keys included).

    Raises:
        IngestError: a text the store cannot hold (names the field, e.g. terms.en.2).
    """
    values = record.model_dump() if isinstance(record, BaseModel) else record
    _check(values, "", path, line)


def _shown(key: object) -> str:
    text = str(key)
    # A field name is echoed in the message: a strange or long one is shown quoted and cut.
    return text if len(text) <= 40 and text.isprintable() else repr(text)[:40]


def _check(value: Any, where: str, path: Path | str, line: int | None) -> None:
    if isinstance(value, str):
        check_text(value, where or "record", path, line)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{where}.{_shown(key)}" if where else _shown(key)
            if isinstance(key, str):
                check_text(key, name, path, line)
            _check(item, name, path, line)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{where}.{index}" if where else str(index), path, line)
