"""The LLM-facing stages: elicit a chain, abstract it into concepts, synthesize the answer.

Each builds its prompt from the stage's prompt file and asks for a pydantic schema; the
pipeline decides what runs concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reasoning.answers import ParsedAnswer
from reasoning.checks import in_language, readable_answer
from reasoning.languages import Language
from reasoning.languages import language as language_profile
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import prompt
from reasoning.results import CheckResult, Evidence, Item, ScaffoldStepResult
from reasoning.schemas import ConceptChain, FinalAnswer, ReasoningChain

__all__ = [
    "Synthesis",
    "abstract",
    "chain_text",
    "elicit",
    "elicit_messages",
    "options_text",
    "synthesize",
    "task_instruction",
]

_TASK = {
    "qa": "Answer the question in a short paragraph.",
    "mcq": "The answer must be exactly one of the option letters ($letters).",
    "mcq-multiple": "More than one option is right: the answer must be every right option letter ($letters), "
    "separated by commas (for example A,C).",
    "nli": "The text gives a premise and a hypothesis; the answer must be exactly one label: $labels.",
}


def task_instruction(item: Item) -> str:
    letters = ", ".join(sorted(item.options or {}))
    task = "mcq-multiple" if item.multiple and item.task == "mcq" else item.task
    return _TASK[task].replace("$letters", letters).replace("$labels", " or ".join(item.label_set))


def options_text(item: Item) -> str:
    return "\n".join(f"{key}. {text}" for key, text in sorted((item.options or {}).items()))


async def elicit(
    llm: LLM, item: Item, question_language: Language, role: Literal["english", "local"], usage: Usage
) -> tuple[ReasoningChain, list[CheckResult]]:
    """The English or the local reasoning chain for the question (in `question_language`),
    and the check of its language; when the English chain reasons over a local question,
    the model also translates it."""
    messages, language = elicit_messages(item, question_language, role)
    other = question_language.code if role == "english" else "en"
    return await in_language(llm, messages, ReasoningChain, chain_text, language, other, f"elicit:{role}", usage)


def elicit_messages(
    item: Item, question_language: Language, role: Literal["english", "local"]
) -> tuple[list[dict[str, str]], Language]:
    """The elicitation prompt of a chain, and the language the chain is asked in."""
    language = language_profile("en") if role == "english" else question_language
    translate = role == "english" and question_language.code != "en" and not item.english
    question = item.english if role == "english" and item.english else item.question
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
    return messages, language


def chain_text(chain: ReasoningChain) -> str:
    return "\n".join([*chain.steps, chain.answer])


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
    """The answer in the question's language, with the checks of its language and of its
    answer (each failure re-asked once, then recorded: `reasoning.checks`)."""
    lines = [f"{s.index}. {s.text}" for s in scaffold] or ["(none: answer from the question and the local practice)"]
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
    reply, checks = await in_language(
        llm, messages, FinalAnswer, lambda r: _answer_text(r, item), language, "en", "synthesize", usage
    )
    reply, parsed, answer_checks = await readable_answer(llm, messages, reply, item, usage)
    return Synthesis(reply, parsed, [*checks, *answer_checks])


def _answer_text(reply: FinalAnswer, item: Item) -> str:
    """What of the final reply is prose in the question's language: a letter or a label is not."""
    return f"{reply.answer}\n{reply.explanation}" if item.task == "qa" else reply.explanation
