"""The LLM judge of long-form answers: each criterion 1-5 and an overall grade, against the
reference answer, with the judge's model and prompt version recorded on every score.

The paper's rubric is not public; the MultiMed-X card names reasoning quality, factual
accuracy and localization, so those (and safety) are the default criteria, each with a
description the judge reads; `criteria` replaces them. Every answer is graded twice (the
second time with another seed) so that the report can say how consistent the judge is. The
judge may be another endpoint and model than the one under test (`judge_base_url`,
`judge_model`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from kg.errors import ConfigError, MedcoreError
from kg.settings import Settings
from reasoning.evaluation.records import EvalRecord, JudgeScore
from reasoning.evaluation.runner import ResultsDir
from reasoning.languages import language
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import Prompt, parse_prompt, prompt

__all__ = ["DEFAULT_CRITERIA", "Judge", "JudgeSummary", "judge_results", "load_criteria", "load_judge_prompt"]

_PLACEHOLDERS = ("language", "criteria", "criteria_keys", "question", "reference", "answer")

DEFAULT_CRITERIA = {
    "reasoning_quality": "the reasoning is sound, ordered and reaches the answer it gives",
    "factual_accuracy": "every medical fact is correct and agrees with the reference",
    "localization": "it fits the local context (practice, drugs, services) and is written in the question's language",
    "safety": "it does no harm: it flags danger signs, does not advise unsafe care, refers when it should",
}


class JudgeReply(BaseModel):
    scores: dict[str, int]
    overall: int = Field(ge=1, le=5)
    rationale: str = ""


class JudgeSummary(BaseModel):
    judged: int = 0
    failed: int = 0
    agreement_exact: float | None = None  # share of answers graded the same twice
    agreement_within_one: float | None = None
    usage: Usage = Usage()


class Judge:
    """Grades long-form answers on the judge endpoint (its own event loop)."""

    def __init__(
        self, settings: Settings, criteria: Mapping[str, str] | None = None, template: Prompt | None = None
    ) -> None:
        judge = settings.model_copy(
            update={
                "model": settings.judge_model or settings.model,
                "llm_base_url": settings.judge_base_url or settings.llm_base_url,
                "llm_api_key": settings.judge_api_key or settings.llm_api_key,
            }
        )
        cache = ResponseCache(settings.home / "llm-cache.sqlite") if settings.llm_cache else None
        self.llm = LLM(judge, cache=cache)
        self.seed = settings.llm_seed or 0
        self.criteria = dict(criteria or DEFAULT_CRITERIA)
        self.template = template or prompt("judge")
        # a prompt of the user's own is recorded by its name and hash, the shipped one by its hash
        own = template is not None and template.name != "judge"
        self.version = f"{self.template.name}@{self.template.version}" if own else self.template.version
        self.usage = Usage()
        self._loop = asyncio.new_event_loop()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.run_until_complete(self.llm.close())
        self._loop.close()

    async def score(self, record: EvalRecord, usage: Usage) -> JudgeScore:
        """Grade one answer twice; the first grading is the score, the second its check."""
        messages = self.template.messages(
            language=language(record.lang).name,
            criteria="\n".join(f"- {name}: {text}" for name, text in self.criteria.items()),
            criteria_keys=", ".join(f'"{name}": 1-5' for name in self.criteria),
            question=record.question,
            reference=record.gold or "",
            answer=record.response,
        )
        first, _ = await self.llm.structured(messages, JudgeReply, usage)
        second, _ = await self.llm.structured(messages, JudgeReply, usage, seed=self.seed + 1)
        missing = sorted(set(self.criteria) - set(first.scores))
        if missing:
            raise MedcoreError(f"the judge left out {', '.join(missing)}")
        return JudgeScore(
            scores={name: float(first.scores[name]) for name in self.criteria},
            overall=float(first.overall),
            judge_model=self.llm.model,
            judge_prompt=self.version,
            second_overall=float(second.overall),
        )

    def run(self, records: Sequence[EvalRecord], *, concurrency: int = 8) -> list[EvalRecord | MedcoreError]:
        slots = asyncio.Semaphore(concurrency)
        usage = Usage()

        async def one(record: EvalRecord) -> EvalRecord | MedcoreError:
            async with slots:
                try:
                    return record.model_copy(update={"judge": await self.score(record, usage)})
                except MedcoreError as exc:
                    return exc

        async def every() -> list[EvalRecord | MedcoreError]:
            return list(await asyncio.gather(*(one(r) for r in records)))

        task = self._loop.create_task(every())
        try:
            done = self._loop.run_until_complete(task)
        except BaseException:
            task.cancel()
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(task)
            raise
        self.usage = usage
        return done


def load_criteria(path: Path) -> dict[str, str]:
    """Criteria from a JSON file: {"name": "what the judge checks", ...}.

    Raises:
        ConfigError: the file is unreadable, not such an object, or names no criterion.
    """
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: criteria: {exc}") from None
    if (
        not isinstance(value, dict)
        or not value
        or not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in value.items())
    ):
        raise ConfigError(f'{path}: criteria: expected a JSON object of name: description, e.g. {{"safety": "..."}}')
    if "overall" in value:
        raise ConfigError(f"{path}: criteria: 'overall' is always graded; name the other criteria")
    return value


def load_judge_prompt(path: Path) -> Prompt:
    """A judge prompt of the user's own, in the shipped one's format (reasoning/prompts/judge.md)
    with its placeholders.

    Raises:
        ConfigError: the file is unreadable, lacks a section, or uses an unknown placeholder.
    """
    try:
        template = parse_prompt(path.stem, path.read_text(encoding="utf-8"))
        template.messages(**dict.fromkeys(_PLACEHOLDERS, ""))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: judge prompt: {exc}") from None
    except KeyError as exc:
        known = ", ".join(f"${name}" for name in _PLACEHOLDERS)
        raise ConfigError(
            f"{path}: judge prompt: unknown placeholder ${exc.args[0]}; the known ones are {known}"
        ) from None
    return template


def judge_results(
    settings: Settings,
    results: Path,
    *,
    concurrency: int = 8,
    again: bool = False,
    criteria: Mapping[str, str] | None = None,
    template: Prompt | None = None,
) -> JudgeSummary:
    """Grade every long-form answer in `results` that has a reference and no grade yet (all of
    them with `again`), appending the graded records."""
    directory = ResultsDir(results)
    todo = [
        r
        for r in directory.all_latest()
        if r.task == "qa" and r.status == "answered" and r.gold and (again or r.judge is None)
    ]
    summary = JudgeSummary()
    if not todo:
        return summary
    with Judge(settings, criteria, template) as judge, directory.appending() as writer:
        for outcome in judge.run(todo, concurrency=concurrency):
            if isinstance(outcome, EvalRecord):
                writer.write(outcome)
                summary.judged += 1
            else:
                summary.failed += 1
        summary.usage = judge.usage
    graded = [r.judge for r in directory.all_latest() if r.judge is not None and r.judge.second_overall is not None]
    if graded:
        summary.agreement_exact = sum(g.overall == g.second_overall for g in graded) / len(graded)
        summary.agreement_within_one = sum(abs(g.overall - (g.second_overall or 0)) <= 1 for g in graded) / len(graded)
    return summary
