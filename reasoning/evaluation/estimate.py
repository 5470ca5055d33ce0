"""What a run will ask of the endpoint, before it runs: LLM calls and tokens per method for
the items not yet in the results folder, and the items by language, task and gold label
(`medcore eval run --dry-run`).

Prompts that depend only on the item (the elicitations, the direct answer, the translations)
are rendered and counted exactly; those that carry a model's output (abstraction,
synthesis) are the prompt around an output of an assumed length (`TYPICAL_CHARS`), and
completions are assumed that long too. Models differ far more than that guess can know, so
once the results folder holds answers of the method (a pilot run with `--limit`), the
estimate is calibrated on them: the ratio of what those items really cost, uncached, to
what this module would have estimated for them scales the estimate of the rest. Tokens are
counted at about four characters a token (as the scripted responder counts them); re-asks
are foreseen only through calibration.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from reasoning.evaluation.records import EvalRecord
from reasoning.evaluation.runner import ResultsDir
from reasoning.languages import language
from reasoning.prompts import prompt
from reasoning.results import Item
from reasoning.stages import elicit_messages, options_text, task_instruction

__all__ = ["Estimate", "MethodEstimate", "estimate"]

# Assumed lengths (characters) of a reasoning chain, an answer with its explanation, and what
# a synthesis prompt holds besides the question (scaffold and evidence): an uncalibrated guess.
TYPICAL_CHARS = {"chain": 900, "scaffold": 1100, "evidence": 700, "answer": 500}


class MethodEstimate(BaseModel):
    method: str
    items: int = 0  # items still to run (not in the results folder)
    done: int = 0  # items the results folder already holds
    calibrated_on: int = 0  # finished, uncached items the figures are scaled by (0: assumed lengths)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None


class Estimate(BaseModel):
    items: int
    by_language: dict[str, int]
    by_task: dict[str, int]
    by_gold: dict[str, int]
    methods: list[MethodEstimate]


def estimate(
    items: Sequence[Item],
    methods: Sequence[str],
    *,
    results: Path | None = None,
    price_in: float | None = None,
    price_out: float | None = None,
) -> Estimate:
    """Counts of the items, and the calls, tokens and (with prices per million tokens) cost
    of each method on the items `results` does not hold yet."""
    per_method = [_method(method, items, ResultsDir(results) if results else None) for method in methods]
    if price_in is not None and price_out is not None:
        for total in per_method:
            total.cost = round((total.prompt_tokens * price_in + total.completion_tokens * price_out) / 1e6, 4)
    return Estimate(
        items=len(items),
        by_language=dict(Counter(i.lang for i in items)),
        by_task=dict(Counter(i.task for i in items)),
        by_gold=dict(Counter(i.gold for i in items if i.gold and i.task != "qa")),
        methods=per_method,
    )


def _method(method: str, items: Sequence[Item], results: ResultsDir | None) -> MethodEstimate:
    done = results.records_of(items, method) if results else {}
    todo = [i for i in items if i.id not in done]
    calls, prompt_chars, completion_chars = _sum(method, todo)
    ratios = (1.0, 1.0, 1.0)
    pilot = [i for i in items if _measured(done.get(i.id or ""))]
    if pilot:
        guessed = _sum(method, pilot)
        measured = [done[i.id or ""].usage for i in pilot]
        actual = (
            sum(u.calls for u in measured),
            sum(u.prompt_tokens for u in measured),
            sum(u.completion_tokens for u in measured),
        )
        ratios = (actual[0] / guessed[0], actual[1] / _tokens(guessed[1]), actual[2] / _tokens(guessed[2]))
    return MethodEstimate(
        method=method,
        items=len(todo),
        done=len(done),
        calibrated_on=len(pilot),
        calls=round(calls * ratios[0]),
        prompt_tokens=round(_tokens(prompt_chars) * ratios[1]),
        completion_tokens=round(_tokens(completion_chars) * ratios[2]),
    )


def _measured(record: EvalRecord | None) -> bool:
    """A record whose usage is what the item costs: finished, and no answer from the cache."""
    return record is not None and record.status != "failed" and record.usage.cached_calls == 0


def _sum(method: str, items: Sequence[Item]) -> tuple[int, int, int]:
    totals = [_one(method, item) for item in items]
    return sum(t[0] for t in totals), sum(t[1] for t in totals), sum(t[2] for t in totals)


def _one(method: str, item: Item) -> tuple[int, int, int]:
    """(calls, prompt characters, completion characters) of one item under one method."""
    local = language(item.lang)
    chain, answer = TYPICAL_CHARS["chain"], TYPICAL_CHARS["answer"]
    elicit = {role: _chars(elicit_messages(item, local, role)[0]) for role in ("english", "local")}
    if method == "direct-local" or method == "direct-english":
        return 1, _direct(item), answer
    if method == "translate-test":
        texts = [item.question, *(item.options or {}).values()]
        translations = sum(_chars(_translate(text)) for text in texts) + (
            _chars(_translate("x" * answer)) if item.task == "qa" else 0
        )
        calls = len(texts) + 1 + (1 if item.task == "qa" else 0)
        return calls, translations + _direct(item), sum(len(t) for t in texts) + answer
    if method in ("cot-local", "cot-english"):
        return 1, elicit["local" if method == "cot-local" else "english"], chain
    chains = ["english"] if method == "ablation-no-local" else ["english", "local"]
    abstract = _chars(prompt("abstract").messages(language=local.name, steps="x" * chain))
    synthesize = _synthesize(item)
    calls = 2 * len(chains) + 1
    return calls, sum(elicit[r] for r in chains) + len(chains) * abstract + synthesize, len(chains) * 2 * chain + answer


def _direct(item: Item) -> int:
    name = language(item.lang).name
    return _chars(
        prompt("direct").messages(
            question_language=name,
            language=name,
            task_instruction=task_instruction(item),
            question=item.question,
            options=options_text(item),
        )
    )


def _translate(text: str) -> list[dict[str, str]]:
    return prompt("translate").messages(source="the source language", target="English", text=text)


def _synthesize(item: Item) -> int:
    return _chars(
        prompt("synthesize").messages(
            language=language(item.lang).name,
            region="the question's region",
            task_instruction=task_instruction(item),
            question=item.question,
            options=options_text(item),
            scaffold="x" * TYPICAL_CHARS["scaffold"],
            evidence="x" * TYPICAL_CHARS["evidence"],
        )
    )


def _chars(messages: list[dict[str, str]]) -> int:
    return sum(len(m["content"]) for m in messages) + len(messages)  # the newlines that join them


def _tokens(chars: int) -> int:
    return math.ceil(chars / 4)
