"""Streaming JSONL reading: one validated record per line, errors with file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ingest.progress import read_lines
from kg.errors import IngestError

__all__ = ["read_jsonl", "describe_validation_error", "json_problem"]

M = TypeVar("M", bound=BaseModel)


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
        IngestError: a line is not JSON or not a valid record; names file, line and field.
    """
    with read_lines(path, show=show_progress) as lines:
        for number, raw in lines:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IngestError(f"not UTF-8: {exc.reason}", path=str(path), line=number) from None
            if not line.strip():
                continue
            try:
                yield model.model_validate_json(line)
            except ValidationError as exc:
                if any(e["type"] == "json_invalid" for e in exc.errors()):
                    problem = json_problem(line)
                else:
                    problem = describe_validation_error(exc)
                raise IngestError(problem, path=str(path), line=number) from None


def json_problem(line: str) -> str:
    try:
        json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    return "not valid JSON"
