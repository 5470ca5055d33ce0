"""`medcore eval report`: the results of a run as a table per dataset x language x method,
with intervals, counts and the comparison against a baseline; as Markdown, CSV and plots.

A score is accuracy for option questions and NLI (NLI adds macro-F1) and the judge's mean
overall score (1-5) for long-form answers; an unparseable answer counts as wrong and is
counted apart, a failed item is left out and counted apart, and so are language violations
(a check recorded after its re-ask). Each method is compared with the baseline on the items
both answered (paired bootstrap and McNemar; long-form scores by paired bootstrap only).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from reasoning.answers import NLI_LABELS
from reasoning.evaluation.distillation import grade
from reasoning.evaluation.metrics import Score, accuracy, bootstrap_ci, compare, macro_f1, paired_bootstrap
from reasoning.evaluation.records import EvalRecord
from reasoning.evaluation.runner import ResultsDir

__all__ = ["ReportRow", "build_report", "paper_figures", "write_report"]


class ReportRow(BaseModel):
    dataset: str
    task: str  # mcq | nli | qa: a dataset may hold several (MultiMed-X: nli and qa)
    lang: str
    method: str
    metric: str  # accuracy | judge (1-5)
    score: float
    low: float
    high: float
    n: int
    macro_f1: float | None = None
    unparseable: int = 0
    failed: int = 0
    ungraded: int = 0  # answered items without a gold label or reference
    violations: int = 0
    delta: float | None = None  # against the baseline, on the items both answered
    p_value: float | None = None  # McNemar's (accuracy) or the paired bootstrap's (judge)
    judge_agreement: float | None = None  # share of answers the judge graded the same twice
    expert: float | None = None  # experts' mean overall rating (1-5), from imported sheets
    expert_n: int = 0  # answers rated by experts
    paper: float | None = None  # the paper's published figure, where there is one


def build_report(results: Path, *, baseline: str | None = "direct-local", seed: int = 0) -> list[ReportRow]:
    """One row per dataset, language and method of the run in `results`."""
    groups: dict[tuple[str, str, str, str], list[EvalRecord]] = defaultdict(list)
    for record in ResultsDir(results).all_latest():
        groups[(record.dataset, record.task, record.lang, record.method)].append(record)
    figures = paper_figures()
    rows = []
    for (dataset, task, lang, method), records in sorted(groups.items()):
        row = _row(dataset, task, lang, method, records, seed)
        base = groups.get((dataset, task, lang, baseline)) if baseline and method != baseline else None
        if base:
            row = row.model_copy(update=_versus(records, base, row.metric, seed))
        rows.append(row.model_copy(update={"paper": figures.get((dataset, lang, row.metric))}))
    return rows


def _row(dataset: str, task: str, lang: str, method: str, records: list[EvalRecord], seed: int) -> ReportRow:
    answered = [r for r in records if r.status != "failed"]
    # an item without a gold label (or reference) has nothing to be scored against
    scored = [r for r in answered if r.gold]
    f1 = agreement = expert = None
    rated: list[EvalRecord] = []
    if task == "qa":
        grades = [r.judge for r in scored if r.judge is not None]
        twice = [g for g in grades if g.second_overall is not None]
        agreement = sum(g.overall == g.second_overall for g in twice) / len(twice) if twice else None
        score = _mean([g.overall for g in grades], seed)
        rated = [r for r in scored if r.experts]
        expert = sum(grade(r) or 0 for r in rated) / len(rated) if rated else None
    else:
        score = accuracy([bool(r.correct) for r in scored], seed=seed)
    if task == "nli":
        golds = [r.gold or "" for r in scored]
        labels = [label for label in NLI_LABELS if label in set(golds)]
        f1 = macro_f1(golds, [r.prediction for r in scored], labels, seed=seed).value
    return ReportRow(
        dataset=dataset,
        task=task,
        lang=lang,
        method=method,
        metric="judge" if task == "qa" else "accuracy",
        score=score.value,
        low=score.low,
        high=score.high,
        n=score.n,
        macro_f1=f1,
        judge_agreement=agreement,
        expert=expert,
        expert_n=len(rated),
        failed=len(records) - len(answered),
        ungraded=len(answered) - len(scored),
        unparseable=sum(r.status == "unparseable" for r in scored),
        violations=sum(any(c.kind == "language" and c.action == "recorded" for c in r.checks) for r in answered),
    )


def _mean(values: list[float], seed: int) -> Score:
    if not values:
        return Score(math.nan, math.nan, math.nan, 0)
    low, high = bootstrap_ci(len(values), lambda idx: sum(values[i] for i in idx) / len(idx), seed=seed)
    return Score(sum(values) / len(values), low, high, len(values))


def _versus(records: list[EvalRecord], base: list[EvalRecord], metric: str, seed: int) -> dict[str, float]:
    mine = {r.item_id: r for r in records if r.status != "failed" and r.gold}
    theirs = {r.item_id: r for r in base if r.status != "failed" and r.gold}
    both = sorted(set(mine) & set(theirs))
    if not both:
        return {}
    if metric == "accuracy":
        result = compare([bool(mine[i].correct) for i in both], [bool(theirs[i].correct) for i in both], seed=seed)
        return {"delta": result.delta, "p_value": result.p_mcnemar}
    pairs = [(mine[i].judge, theirs[i].judge) for i in both]
    diffs = [a.overall - b.overall for a, b in pairs if a is not None and b is not None]
    if not diffs:
        return {}
    delta, _, _, p_value = paired_bootstrap(diffs, seed=seed)
    return {"delta": delta, "p_value": p_value}


def paper_figures() -> dict[tuple[str, str, str], float]:
    """The paper's published figures (reasoning/data/paper_figures.csv), by dataset, language, metric."""
    text = resources.files("reasoning").joinpath("data/paper_figures.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(r["dataset"], r["lang"], r["metric"]): float(r["value"]) for r in rows}


def write_report(rows: Sequence[ReportRow], out: Path) -> list[Path]:
    """report.md, report.csv and a plot per dataset (scores by language with their
    intervals; gain over the baseline by language) in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    markdown, table = out / "report.md", out / "report.csv"
    markdown.write_text(to_markdown(rows), encoding="utf-8")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ReportRow.model_fields))
        writer.writeheader()
        writer.writerows(row.model_dump() for row in rows)
    from reasoning.evaluation.plots import plot_report

    return [markdown, table, *plot_report(rows, out)]


def to_markdown(rows: Sequence[ReportRow]) -> str:
    columns = [
        "dataset",
        "task",
        "lang",
        "method",
        "metric",
        "score",
        "95% CI",
        "n",
        "unparseable",
        "failed",
        "violations",
    ]
    columns += ["vs baseline", "experts (n)", "paper"]
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for r in rows:
        f1 = f" (F1 {r.macro_f1:.3f})" if r.macro_f1 is not None else ""
        versus = f"{r.delta:+.3f} (p {r.p_value:.3g})" if r.delta is not None and r.p_value is not None else ""
        paper = f"{r.paper:g}" if r.paper is not None else ""
        cells = [r.dataset, r.task, r.lang, r.method, r.metric, f"{_fmt(r.score)}{f1}", f"{_fmt(r.low)}-{_fmt(r.high)}"]
        experts = f"{r.expert:.2f} ({r.expert_n})" if r.expert is not None else ""
        cells += [
            str(r.n),
            str(r.unparseable),
            str(r.failed),
            str(r.ungraded),
            str(r.violations),
            versus,
            experts,
            paper,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"
