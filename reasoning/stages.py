"""The LLM-facing stages: elicit a chain, abstract it into concepts, synthesize the answer.

Each builds its prompt from the stage's prompt file and asks for a pydantic schema; the
pipeline decides what runs concurrently.
"""

from __future__ import annotations

import re

from kg.errors import LLMError
from reasoning.languages import Language
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import prompt
from reasoning.results import Evidence, Item, ScaffoldStepResult, Task
from reasoning.schemas import ConceptChain, FinalAnswer, ReasoningChain

__all__ = ["elicit", "abstract", "synthesize", "final_answer", "NLI_LABELS"]

NLI_LABELS = ("entailment", "contradiction", "neutral")
_TASK = {
    "qa": "Answer the question in a short paragraph.",
    "mcq": "The answer must be exactly one of the option letters ($letters).",
    "nli": "The text gives a premise and a hypothesis; the answer must be exactly one label: "
    "entailment, contradiction or neutral.",
}


def task_instruction(item: Item) -> str:
    return _TASK[item.task].replace("$letters", ", ".join(sorted(item.options or {})))


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


async def synthesize(
    llm: LLM,
    item: Item,
    language: Language,
    region: str,
    scaffold: list[ScaffoldStepResult],
    evidence: list[Evidence],
    usage: Usage,
) -> FinalAnswer:
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
    answer, _ = await llm.structured(messages, FinalAnswer, usage)
    return answer


def final_answer(task: Task, answer: str, options: dict[str, str] | None) -> str:
    """The answer in the task's form: an option letter, an NLI label, or the text.

    Raises:
        LLMError: no option letter or label can be read from the answer.
    """
    text = answer.strip()
    if task == "qa":
        return text
    if task == "mcq":
        keys = sorted(options or {})
        if text in keys:
            return text
        found = re.search(r"\b(" + "|".join(map(re.escape, keys)) + r")\b", text) if keys else None
        if found:
            return found.group(1)
        raise LLMError(f"the answer {text[:80]!r} names none of the options {', '.join(keys)}")
    lowered = text.lower()
    labels = [label for label in NLI_LABELS if label in lowered]
    if len(labels) == 1:
        return labels[0]
    raise LLMError(f"the answer {text[:80]!r} is not one NLI label ({', '.join(NLI_LABELS)})")
