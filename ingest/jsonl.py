"""Streaming JSONL reading: one validated record per line, errors with file and line.

Lines are bounded in length (`ingest.progress.read_lines`) and JSON in depth: Python's
parser recurses once per level and a line of ten thousand `[` raised RecursionError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ingest.progress import read_lines
from ingest.storable import check_record
from kg.errors import IngestError

__all__ = [
    "MAX_JSON_DEPTH",
    "read_jsonl",
    "read_jsonl_lines",
    "describe_validation_error",
    "json_problem",
    "parse_json",
    "too_deep",
]

M = TypeVar("M", bound=BaseModel)

# The deepest nesting of arrays and objects read. Records are a few levels deep; pydantic's
# parser stops at 200 levels, Python's json module at about 1,000 with a RecursionError.
MAX_JSON_DEPTH = 100
# A JSON string (skipped: brackets in it are text) or one bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def describe_validation_error(exc: ValidationError) -> str:
    """'field: problem (got value)' for each problem, joined."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "record"
        got = repr(err["input"])[:80] if err["type"] != "missing" else "nothing"
        # A validator's own message comes as "Value error, ..."; the prefix says nothing.
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message} (got {got})")
    return "; ".join(parts)


def read_jsonl(path: Path, model: type[M], *, show_progress: bool = False) -> Iterator[M]:
    """Yield one `model` per non-blank line of `path`, never holding the whole file.

    Raises:
        IngestError: a line is not JSON, not a valid record, or holds text the store cannot
            hold (`ingest.storable`); names file, line and field.
    """
    for _, record in read_jsonl_lines(path, model, show_progress=show_progress):
        yield record


def read_jsonl_lines(path: Path, model: type[M], *, show_progress: bool = False) -> Iterator[tuple[int, M]]:
    """As `read_jsonl`, with each record's line number."""
    with read_lines(path, show=show_progress) as lines:
        for number, raw in lines:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IngestError(f"not UTF-8: {exc.reason}", path=str(path), line=number) from None
            if not line.strip():
                continue
            try:
                record = model.model_validate_json(line)
            except ValidationError as exc:
                if any(e["type"] == "json_invalid" for e in exc.errors()):
                    problem = json_problem(line)
                else:
                    problem = describe_validation_error(exc)
                raise IngestError(problem, path=str(path), line=number) from None
            check_record(record, path, number)
            yield number, record


def json_problem(line: str) -> str:
    if too_deep(line):
        return _TOO_DEEP
    try:
        json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    return "not valid JSON"


def parse_json(text: str) -> Any:
    """`json.loads(text)`, refusing nesting deeper than `MAX_JSON_DEPTH`.

    Raises:
        ValueError: too deep, or `json.JSONDecodeError` (a ValueError) for invalid JSON.
    """
    if too_deep(text):
        raise ValueError(_TOO_DEEP)
    return json.loads(text)


_TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels; a record is an object of plain fields"


def too_deep(text: str) -> bool:
    """Whether the JSON `text` nests arrays and objects deeper than `MAX_JSON_DEPTH`."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:  # the common case, at C speed
        return False
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif bracket in "]}":
            depth -= 1
    return False
