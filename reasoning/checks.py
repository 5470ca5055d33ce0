"""Checks of what the model returns, each recorded as a `CheckResult`, with one re-ask when a
check fails: the language contract (`reasoning.language_contract`) and the answer contract
(`reasoning.answers`). What still fails after the re-ask is recorded, never hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from kg.languages import language_names
from reasoning.answers import ParsedAnswer, allowed_answers, parse_answer
from reasoning.language_contract import LanguageVerdict, identify
from reasoning.languages import Language
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.results import CheckResult, Item
from reasoning.schemas import FinalAnswer

__all__ = ["in_language", "read_answer", "readable_answer"]

M = TypeVar("M", bound=BaseModel)
Messages = list[dict[str, Any]]


async def in_language(
    llm: LLM,
    messages: Messages,
    schema: type[M],
    text_of: Callable[[M], str],
    language: Language,
    other: str,
    stage: str,
    usage: Usage,
) -> tuple[M, list[CheckResult]]:
    """A reply in `language` (not `other`, the run's other language); a reply in the other
    is re-asked once, with a firmer instruction."""
    reply, _ = await llm.structured(messages, schema, usage)
    verdict = identify(text_of(reply), language.code, other)
    checks = [_language_check(stage, verdict, "re-asked")]
    if verdict.verdict != "violation":
        return reply, checks
    wrong = language_names().get(str(verdict.detected), str(verdict.detected)).split(";")[0]
    firmer = f"Your reply is written in {wrong}, not in {language.name}. Write all of it in {language.name}."
    reply, _ = await llm.structured(_again(messages, reply, firmer), schema, usage)
    checks.append(_language_check(stage, identify(text_of(reply), language.code, other), "recorded"))
    return reply, checks


async def readable_answer(
    llm: LLM, messages: Messages, reply: FinalAnswer, item: Item, usage: Usage, stage: str = "synthesize"
) -> tuple[FinalAnswer, ParsedAnswer, list[CheckResult]]:
    """The answer read from `reply`; an unreadable one is re-asked once, stating what is
    allowed, and recorded as unparseable if the re-ask cannot be read either."""
    parsed = read_answer(reply.answer, item)
    checks = [_answer_check(item, parsed, "re-asked", stage)]
    if parsed.status == "parsed":
        return reply, parsed, checks
    allowed = allowed_answers(item.task, item.options, item.label_set)
    reply, _ = await llm.structured(
        _again(messages, reply, f"Your answer could not be read ({parsed.how}); it must be {allowed}."),
        FinalAnswer,
        usage,
    )
    parsed = read_answer(reply.answer, item)
    checks.append(_answer_check(item, parsed, "recorded", stage))
    return reply, parsed, checks


def read_answer(text: str, item: Item) -> ParsedAnswer:
    """The answer an item's reply gives, read by `reasoning.answers.parse_answer`."""
    return parse_answer(text, item.task, item.options, labels=item.label_set, multiple=item.multiple)


def _again(messages: Messages, reply: BaseModel, instruction: str) -> Messages:
    said = {"role": "assistant", "content": reply.model_dump_json()}
    return [*messages, said, {"role": "user", "content": f"{instruction} Reply again as JSON."}]


def _language_check(stage: str, verdict: LanguageVerdict, if_wrong: Literal["re-asked", "recorded"]) -> CheckResult:
    action: Literal["accepted", "re-asked", "recorded"] = "accepted" if verdict.verdict != "violation" else if_wrong
    return CheckResult(
        stage=stage, kind="language", expected=verdict.expected, detected=verdict.describe(), action=action
    )


def _answer_check(
    item: Item, parsed: ParsedAnswer, if_unread: Literal["re-asked", "recorded"], stage: str
) -> CheckResult:
    detected = f"{parsed.value} ({parsed.how})" if parsed.status == "parsed" else f"unparseable: {parsed.how}"
    return CheckResult(
        stage=stage,
        kind="answer",
        expected=allowed_answers(item.task, item.options, item.label_set),
        detected=detected,
        action="accepted" if parsed.status == "parsed" else if_unread,
    )
