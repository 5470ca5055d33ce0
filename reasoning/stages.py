"""The LLM-facing stages: elicit a chain, abstract it into concepts, synthesize the answer.

Each builds its prompt from the stage's prompt file and asks for a pydantic schema; the
pipeline decides what runs concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reasoning.answers import ParsedAnswer, allowed_answers, parse_answer
from reasoning.languages import Language
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import prompt
from reasoning.results import CheckResult, Evidence, Item, ScaffoldStepResult
from reasoning.schemas import ConceptChain, FinalAnswer, ReasoningChain

__all__ = ["Synthesis", "abstract", "elicit", "read_answer", "synthesize"]

_TASK = {
    "qa": "Answer the question in a short paragraph.",
    "mcq": "The answer must be exactly one of the option letters ($letters).",
    "nli": "The text gives a premise and a hypothesis; the answer must be exactly one label: $labels.",
}


def task_instruction(item: Item) -> str:
    letters = ", ".join(sorted(item.options or {}))
    return _TASK[item.task].replace("$letters", letters).replace("$labels", " or ".join(item.label_set))


def options_text(item: Item) -> str:
    return "\n".join(f"{key}. {text}" for key, text in sorted((item.options or {}).items()))


async def elicit(llm: LLM, item: Item, question_language: Language, language: Language, usage: Usage) -> ReasoningChain:
    """A reasoning chain in `language` for the question (in `question_language`); when
    the English chain reasons over a local question, the model also translates it."""
    translate = language.code == "en" and question_language.code != "en" and not item.english
    question = item.english if language.code == "en" and item.english else item.question
    messages = prompt("elicit").messages(
        question_language="English" if question is item.english else question_language.name,
        language=language.name,
        task_instruction=task_instruction(item),
        translation_instruction="Also translate the question into English, keeping every clinical detail."
        if translate
        else "",
        translation_field=', "question_english": "..."' if translate else "",
        question=question,
        options=options_text(item),
    )
    chain, _ = await llm.structured(messages, ReasoningChain, usage)
    return chain


async def abstract(llm: LLM, steps: list[str], language: Language, usage: Usage) -> ConceptChain:
    numbered = "\n".join(f"{i}. {text}" for i, text in enumerate(steps))
    chain, _ = await llm.structured(
        prompt("abstract").messages(language=language.name, steps=numbered), ConceptChain, usage
    )
    return chain


@dataclass(frozen=True)
class Synthesis:
    """The final reply, the answer read from it, and the checks that led there."""

    reply: FinalAnswer
    parsed: ParsedAnswer
    checks: list[CheckResult]


async def synthesize(
    llm: LLM,
    item: Item,
    language: Language,
    region: str,
    scaffold: list[ScaffoldStepResult],
    evidence: list[Evidence],
    usage: Usage,
) -> Synthesis:
    """The answer in the question's language. A reply whose answer cannot be read for
    certain is re-asked once, stating what is allowed; then it is recorded as unparseable."""
    lines = [f"{s.index}. {s.text}" for s in scaffold]
    facts = [f"- [{e.kind}, {e.region}] {e.statement} ({e.source})" for e in evidence] or ["(none found)"]
    messages = prompt("synthesize").messages(
        language=language.name,
        region=region or "the question's region",
        task_instruction=task_instruction(item),
        question=item.question,
        options=options_text(item),
        scaffold="\n".join(lines),
        evidence="\n".join(facts),
    )
    reply, _ = await llm.structured(messages, FinalAnswer, usage)
    parsed = read_answer(reply.answer, item)
    checks = [_answer_check(item, parsed, "re-asked")]
    if parsed.status == "unparseable":
        allowed = allowed_answers(item.task, item.options, item.label_set)
        again = f"Your answer could not be read ({parsed.how}). Reply again as JSON; the answer must be {allowed}."
        messages = [
            *messages,
            {"role": "assistant", "content": reply.model_dump_json()},
            {"role": "user", "content": again},
        ]
        reply, _ = await llm.structured(messages, FinalAnswer, usage)
        parsed = read_answer(reply.answer, item)
        checks.append(_answer_check(item, parsed, "recorded"))
    return Synthesis(reply, parsed, checks)


def read_answer(text: str, item: Item) -> ParsedAnswer:
    """The answer an item's reply gives, read by `reasoning.answers.parse_answer`."""
    return parse_answer(text, item.task, item.options, labels=item.label_set)


def _answer_check(item: Item, parsed: ParsedAnswer, if_unread: Literal["re-asked", "recorded"]) -> CheckResult:
    detected = f"{parsed.value} ({parsed.how})" if parsed.status == "parsed" else f"unparseable: {parsed.how}"
    return CheckResult(
        stage="synthesize",
        kind="answer",
        expected=allowed_answers(item.task, item.options, item.label_set),
        detected=detected,
        action="accepted" if parsed.status == "parsed" else if_unread,
    )
