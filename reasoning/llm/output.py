"""What comes back from a model, made usable: reasoning blocks apart, JSON found and checked."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["split_reasoning", "parse_json", "schema_instruction", "OutputError"]

M = TypeVar("M", bound=BaseModel)

_THINK = re.compile(r"<think>(.*?)(?:</think>|$)", re.DOTALL)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class OutputError(ValueError):
    """The output is not the JSON the schema asks for; the message says why, for a repair."""


def split_reasoning(content: str) -> tuple[str, str | None]:
    """Answer and reasoning of a reasoning model that writes `<think>...</think>` inline
    (DeepSeek-R1, QwQ and others served without a reasoning parser)."""
    thoughts = [m.group(1).strip() for m in _THINK.finditer(content)]
    if not thoughts:
        return content.strip(), None
    return _THINK.sub("", content).strip(), "\n\n".join(t for t in thoughts if t) or None


def parse_json(content: str, schema: type[M]) -> M:
    """The first JSON object in `content` (bare, or in a ```json fence), validated."""
    candidate = _json_text(content)
    try:
        value: Any = json.loads(candidate)
    except json.JSONDecodeError as exc:
        raise OutputError(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    try:
        return schema.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in exc.errors()[:8])
        raise OutputError(f"JSON does not match the schema: {problems}") from None


def _json_text(content: str) -> str:
    fenced = _FENCE.search(content)
    text = fenced.group(1) if fenced else content
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text.strip()


def schema_instruction(schema: type[BaseModel]) -> str:
    """For servers without structured output: the schema, spelled out in the prompt."""
    return (
        "Reply with one JSON object only, no prose and no code fence, that validates against this JSON schema:\n"
        + json.dumps(schema.model_json_schema(), ensure_ascii=False)
    )
