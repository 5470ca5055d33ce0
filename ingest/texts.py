"""Texts to link, from a file or stdin: one text per line, or JSONL records.

The first non-blank line decides the format: a JSON object makes the source JSONL (each
line `{"text": ..., "lang": ..., "id": ...}`, `lang` and `id` optional, other fields
ignored); anything else makes it plain text, one text per line. A text without a language
takes the default one; a language that is not an ISO 639-1 code is an error naming the line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.jsonl import describe_validation_error, json_problem, too_deep
from ingest.progress import bounded_lines
from kg.errors import ConfigError, IngestError
from kg.languages import check_language

__all__ = ["TextRecord", "read_texts"]

STDIN = "<stdin>"


class TextRecord(BaseModel):
    """One text of the source, with its language, its id if it has one, and its line."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1)
    lang: str | None = None
    id: str | int | None = None
    line: int = 0


def read_texts(source: Path | None, *, lang: str | None) -> Iterator[TextRecord]:
    """The texts of `source` (stdin when None), in order, blank lines skipped.

    Raises:
        IngestError: a line is not UTF-8, not a valid record, or has no valid language
            (names the source, the line and the field).
    """
    name = str(source) if source is not None else STDIN
    if source is None:
        yield from _records(sys.stdin.buffer, name, lang)
        return
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise IngestError(f"cannot open: {exc.strerror}", path=name) from None
    with handle:
        yield from _records(handle, name, lang)


def _records(handle: BinaryIO, name: str, default_lang: str | None) -> Iterator[TextRecord]:
    jsonl: bool | None = None
    for number, raw in bounded_lines(handle, name):
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise IngestError(f"not UTF-8: {exc.reason}", path=name, line=number) from None
        if not line.strip():
            continue
        if jsonl is None:
            jsonl = line.lstrip().startswith("{")
        record = _parsed(line, name, number) if jsonl else TextRecord(text=line, line=number)
        yield record.model_copy(update={"lang": _language(record.lang or default_lang, name, number)})


def _parsed(line: str, name: str, number: int) -> TextRecord:
    if too_deep(line):  # other fields are ignored, but the parser would still descend into them
        raise IngestError(json_problem(line), path=name, line=number)
    try:
        record = TextRecord.model_validate_json(line)
    except ValidationError as exc:
        invalid = any(e["type"] == "json_invalid" for e in exc.errors())
        problem = json_problem(line) + " (the first line made this a JSONL source)" if invalid else None
        raise IngestError(problem or describe_validation_error(exc), path=name, line=number) from None
    return record.model_copy(update={"line": number})


def _language(code: str | None, name: str, number: int) -> str:
    if code is None:
        raise IngestError("lang: missing; give it in the record or with --lang", path=name, line=number)
    try:
        return check_language(code)
    except ConfigError as exc:
        raise IngestError(f"lang: {exc}", path=name, line=number) from None
