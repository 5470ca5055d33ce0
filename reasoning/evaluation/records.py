"""One method's outcome on one benchmark item: a line of `DIR/<dataset>/<method>/<lang>.jsonl`,
and the conversion of the benchmarks' items into the pipeline's."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from ingest.benchmarks.items import BenchmarkItem
from reasoning.answers import ParsedAnswer
from reasoning.llm.usage import Usage
from reasoning.results import CheckResult, CoReasonResult, Item, Task, is_correct

__all__ = ["BaselineAnswer", "EvalRecord", "ExpertRating", "JudgeScore", "item_of"]


class BaselineAnswer(NamedTuple):
    """What a baseline answered: its reply, the answer read from it, its reasoning, its checks,
    and the answer and explanation as written."""

    response: str
    parsed: ParsedAnswer
    reasoning: list[str]
    checks: list[CheckResult]
    answer: str = ""
    explanation: str = ""


class ExpertRating(BaseModel):
    """A clinician's ratings of a long-form answer from a blinded sheet (1-5 per criterion)."""

    model_config = ConfigDict(extra="forbid")

    rater: str
    sheet: str  # the sheet's file name and the answer's code on it
    scores: dict[str, int]
    overall: int
    comment: str = ""


class JudgeScore(BaseModel):
    """A judge's scores of a long-form answer (1-5 per criterion, and overall)."""

    model_config = ConfigDict(extra="forbid")

    scores: dict[str, float]
    overall: float
    judge_model: str
    judge_prompt: str  # the rubric prompt's version
    second_overall: float | None = None  # the same answer scored again, for consistency


class EvalRecord(BaseModel):
    """What a method did with an item: its answer (read, unparseable, or failed), whether it
    is the gold one, the checks, the cost, and where its run is."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    item_id: str
    lang: str
    task: Task
    question: str = ""
    options: dict[str, str] | None = None
    method: str
    model: str
    gold: str | None = None
    prediction: str | None = None
    status: Literal["answered", "unparseable", "failed"]
    correct: bool | None = None  # None for long-form answers (see judge) and items without gold
    response: str = ""
    answer: str = ""  # the answer as the model wrote it
    explanation: str = ""  # the reasoning given with the answer (the pipeline's: the fused one)
    reasoning: list[str] = []
    checks: list[CheckResult] = []
    usage: Usage = Usage()
    run_key: str | None = None
    error: str | None = None
    judge: JudgeScore | None = None
    experts: list[ExpertRating] = []

    @classmethod
    def of_result(cls, result: CoReasonResult, method: str) -> EvalRecord:
        item = result.item
        steps = [*result.english.steps, *result.local.steps]
        response = f"{result.raw_answer}\n\n{result.explanation}".strip()
        return cls(
            **_identity(item, method, result.model),
            prediction=result.answer,
            status=result.status,
            correct=result.correct,
            response=response,
            answer=result.raw_answer,
            explanation=result.explanation,
            reasoning=steps,
            checks=result.checks,
            usage=result.usage,
            run_key=result.run_key,
        )

    @classmethod
    def of_answer(
        cls, item: Item, method: str, model: str, answered: BaselineAnswer, usage: Usage, run_key: str
    ) -> EvalRecord:
        parsed = answered.parsed
        status: Literal["answered", "unparseable"] = "answered" if parsed.status == "parsed" else "unparseable"
        return cls(
            **_identity(item, method, model),
            prediction=parsed.value,
            status=status,
            correct=is_correct(item, parsed.value),
            response=answered.response,
            answer=answered.answer,
            explanation=answered.explanation,
            reasoning=answered.reasoning,
            checks=answered.checks,
            usage=usage,
            run_key=run_key,
        )

    @classmethod
    def of_failure(cls, item: Item, method: str, model: str, error: str, run_key: str | None = None) -> EvalRecord:
        return cls(**_identity(item, method, model), status="failed", error=error, run_key=run_key)


def _identity(item: Item, method: str, model: str) -> dict[str, Any]:
    return {
        "dataset": item.dataset or "",
        "item_id": (item.id or "").removeprefix(f"{item.dataset}:"),
        "lang": item.lang,
        "task": item.task,
        "question": item.question,
        "options": item.options,
        "method": method,
        "model": model,
        "gold": item.gold,
    }


def item_of(benchmark: BenchmarkItem) -> Item:
    """The pipeline's item for a benchmark's: its id prefixed by the dataset (ids are unique
    per dataset), the English parallel kept, the gold carried along (never shown to a model)."""
    return Item(
        question=benchmark.question,
        lang=benchmark.lang,
        task=benchmark.task,
        options=benchmark.options,
        labels=benchmark.labels,
        english=benchmark.english,
        id=f"{benchmark.dataset}:{benchmark.id}",
        gold=benchmark.gold,
        dataset=benchmark.dataset,
        multiple=benchmark.multiple,
    )
