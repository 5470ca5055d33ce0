"""Fine-tuning data from a run: for each answer that was right (or, for long-form answers,
graded at or above a threshold), the question as a user message and the method's reasoning
and answer as the assistant's, in the chat format fine-tuning tools read (one JSON object a
line, `{"messages": [...]}`), a file per language.

Only what was checked goes in: an unparseable, failed or ungraded answer never does, and a
long-form answer needs a grade, by the judge or (preferred when there are any) by experts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from reasoning.evaluation.records import EvalRecord
from reasoning.evaluation.runner import ResultsDir

__all__ = ["SYSTEM", "export_distillation"]

SYSTEM = "You are a careful physician. Reason step by step, then answer in the language of the question."


def export_distillation(
    results: Path, out: Path, *, methods: Sequence[str] = ("coreasoner",), min_score: float = 4.0
) -> dict[str, int]:
    """Write OUT/<lang>.jsonl from the records of `methods` in `results`; the lines written
    per language."""
    kept: dict[str, list[EvalRecord]] = {}
    for record in ResultsDir(results).all_latest():
        if record.method in methods and _passes(record, min_score):
            kept.setdefault(record.lang, []).append(record)
    out.mkdir(parents=True, exist_ok=True)
    written: Counter[str] = Counter()
    for lang, records in sorted(kept.items()):
        with (out / f"{lang}.jsonl").open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(_example(record), ensure_ascii=False) + "\n")
                written[lang] += 1
    return dict(written)


def grade(record: EvalRecord) -> float | None:
    """A long-form answer's overall grade: the experts' mean when rated, else the judge's."""
    if record.experts:
        return sum(r.overall for r in record.experts) / len(record.experts)
    return record.judge.overall if record.judge else None


def _passes(record: EvalRecord, min_score: float) -> bool:
    if record.status != "answered":
        return False
    if record.task == "qa":
        score = grade(record)
        return score is not None and score >= min_score
    return record.correct is True


def _example(record: EvalRecord) -> dict[str, object]:
    question = record.question
    if record.options:
        question += "\n\n" + "\n".join(f"{key}. {text}" for key, text in sorted(record.options.items()))
    reasoning = record.explanation.strip() or "\n".join(record.reasoning)
    answer = record.answer.strip() or (record.prediction or "")
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": question},
            {"role": "assistant", "content": f"{reasoning}\n\n{answer}".strip()},
        ],
        "id": f"{record.dataset}:{record.item_id}",
        "lang": record.lang,
        "task": record.task,
        "method": record.method,
        "model": record.model,
    }
