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
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from kg.errors import MedcoreError
from kg.settings import Settings
from reasoning.evaluation.records import EvalRecord, JudgeScore
from reasoning.evaluation.runner import ResultsDir
from reasoning.languages import language
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import prompt

__all__ = ["DEFAULT_CRITERIA", "Judge", "JudgeSummary", "judge_results"]

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

    def __init__(self, settings: Settings, criteria: Mapping[str, str] | None = None) -> None:
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
        self.version = prompt("judge").version
        self.usage = Usage()
        self._loop = asyncio.new_event_loop()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.run_until_complete(self.llm.close())
        self._loop.close()

    async def score(self, record: EvalRecord, usage: Usage) -> JudgeScore:
        """Grade one answer twice; the first grading is the score, the second its check."""
        messages = prompt("judge").messages(
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


def judge_results(settings: Settings, results: Path, *, concurrency: int = 8, again: bool = False) -> JudgeSummary:
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
    with Judge(settings) as judge, directory.appending() as writer:
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
