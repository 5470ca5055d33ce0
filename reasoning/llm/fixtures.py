"""The fixture format of the scripted responder: one scripted exchange per JSONL line.

A fixture answers a request whose messages contain all its substrings (the most specific
matching fixture wins), with plain content or a JSON value, optionally after scripted faults
or with response formats it refuses, as real servers without structured output do. The
format is documented for users in reasoning/data/fixtures/README.md.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.jsonl import read_jsonl
from kg.errors import IngestError

__all__ = [
    "FAULT_KINDS",
    "Fault",
    "Fixture",
    "FixtureMatch",
    "FixtureResponse",
    "FixtureUsage",
    "bundled_fixtures",
    "load_fixtures",
]

Fault = Literal["429", "500", "timeout", "malformed", "empty"]
FAULT_KINDS: tuple[Fault, ...] = get_args(Fault)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FixtureMatch(_Strict):
    """When a fixture answers: every substring occurs in the request's messages (and the model is this one)."""

    # At least one non-empty substring: a catch-all fixture would answer questions nobody scripted.
    contains: list[str] = Field(min_length=1)
    model: str | None = None

    @model_validator(mode="after")
    def _no_empty_substring(self) -> FixtureMatch:
        if any(not text for text in self.contains):
            raise ValueError("contains: an empty substring matches every request; give real text")
        return self


class FixtureResponse(_Strict):
    """The scripted reply: plain `content`, or `json` sent as its compact serialization."""

    content: str | None = None
    json_value: Any = Field(default=None, alias="json")

    @model_validator(mode="after")
    def _exactly_one(self) -> FixtureResponse:
        has_json = "json_value" in self.model_fields_set
        if (self.content is None) == (not has_json):
            raise ValueError("give exactly one of content (text) or json (any JSON value)")
        return self

    def text(self) -> str:
        """The message content this response sends."""
        if self.content is not None:
            return self.content
        return json.dumps(self.json_value, ensure_ascii=False, separators=(",", ":"))


class FixtureUsage(_Strict):
    """Token counts to report instead of the rough characters/4 estimate."""

    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)


class Fixture(_Strict):
    """One scripted exchange: one line of a fixtures JSONL file."""

    match: FixtureMatch
    response: FixtureResponse
    reasoning_content: str | None = None
    usage: FixtureUsage | None = None
    # The first len(faults) matching requests get these, in order; later ones are answered.
    faults: list[Fault] = Field(default_factory=list)
    retry_after_s: float | None = Field(default=None, ge=0)
    # Response formats this fixture refuses with HTTP 400, as servers without structured
    # output (or without JSON mode) do: "json_schema", "json_object".
    refuse_formats: list[Literal["json_schema", "json_object"]] = Field(default_factory=list)
    label: str | None = None

    @property
    def specificity(self) -> int:
        """Total characters of the substrings: the most specific matching fixture wins."""
        return sum(len(text) for text in self.match.contains)

    def matches(self, model: str, text: str) -> bool:
        """Whether this fixture answers a request for `model` whose messages read `text`."""
        if self.match.model is not None and self.match.model != model:
            return False
        return all(part in text for part in self.match.contains)


def bundled_fixtures() -> Path:
    """The demo's fixtures file shipped with the package (reasoning/data/fixtures/demo.jsonl)."""
    return Path(str(resources.files("reasoning").joinpath("data/fixtures/demo.jsonl")))


def load_fixtures(path: Path) -> list[Fixture]:
    """Every fixture of a JSONL file, validated.

    Raises:
        IngestError: the file is missing, empty, or a line is malformed (names file:line and field).
    """
    fixtures = list(read_jsonl(path, Fixture))
    if not fixtures:
        raise IngestError(
            "no fixtures: add one JSON object per line (see reasoning/data/fixtures/README.md)", path=str(path)
        )
    return fixtures
