"""`medcore eval run|judge|report`: the paper's protocol on a model of your choice."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reasoning.cli.common import (
    JsonFlag,
    QuietFlag,
    console,
    emit_json,
    resumable,
    settings,
    show_progress,
    state,
    usage_error,
)

if TYPE_CHECKING:
    from reasoning.results import Item

__all__ = ["register"]

eval_app = typer.Typer(no_args_is_help=True, help="Evaluate methods on the paper's benchmarks.")
DEFAULT_METHODS = "coreasoner,direct-local"
JudgeUrl = Annotated[
    str | None,
    typer.Option("--judge-base-url", help="The judge's endpoint (default the model's); key in MEDCORE_JUDGE_API_KEY."),
]
JudgeModel = Annotated[str | None, typer.Option("--judge-model", help="The judge's model (default the model).")]
Criteria = Annotated[
    Path | None,
    typer.Option("--criteria", exists=True, dir_okay=False, help='JSON {"name": "description"}: the rubric.'),
]
JudgePrompt = Annotated[
    Path | None,
    typer.Option("--judge-prompt", exists=True, dir_okay=False, help="A prompt file in judge.md's format."),
]


def register(app: typer.Typer) -> None:
    from reasoning.cli import evaluate_exports

    evaluate_exports.register(eval_app)
    app.add_typer(eval_app, name="eval")


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@eval_app.command("run")
def eval_run(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="multimedx, mmedbench, global-mmlu, mmlu-prox or jsonl.")],
    path: Annotated[Path, typer.Option("--path", exists=True, help="The benchmark's file or folder.")],
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Results folder (resumable).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Languages to keep, comma-separated (default all).")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="Methods, comma-separated.")] = DEFAULT_METHODS,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many items per language and task.")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Items in flight.")] = 8,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Run again the items that failed.")] = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Count malformed rows instead of stopping.")] = False,
    field_map: Annotated[str | None, typer.Option("--field-map", help="For jsonl: ours=theirs,... ")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Load, check and estimate; run nothing.")] = False,
    price_in: Annotated[float | None, typer.Option("--price-in", min=0, help="Per million prompt tokens.")] = None,
    price_out: Annotated[
        float | None, typer.Option("--price-out", min=0, help="Per million completion tokens.")
    ] = None,
    judge: Annotated[bool, typer.Option("--judge", help="Grade long-form answers when done.")] = False,
    judge_base_url: JudgeUrl = None,
    judge_model: JudgeModel = None,
    criteria: Criteria = None,
    judge_prompt: JudgePrompt = None,
    quiet: QuietFlag = False,
) -> None:
    """Run methods on a benchmark.

    Each answer is appended to OUT/<dataset>/<method>/<lang>.jsonl as it finishes; the same
    command again skips what is there. With --dry-run: item counts per language, task and
    gold label, and the estimated calls, tokens and cost per method, as JSON."""
    from reasoning.evaluation.runner import METHODS

    methods = _split(method)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise usage_error(f"unknown {', '.join(unknown) or 'none given'}; there are {', '.join(METHODS)}", "--method")
    items = _items(dataset, path, _split(lang), limit, skip_bad, field_map)
    if dry_run:
        from reasoning.evaluation.estimate import estimate

        emit_json(estimate(items, methods, results=out, price_in=price_in, price_out=price_out).model_dump())
        return
    _run(ctx, items, methods, out, concurrency, retry_failed, quiet, price_in, price_out)
    if judge:
        _judge(ctx, out, concurrency, judge_base_url, judge_model, criteria, judge_prompt)


def _items(
    dataset: str, path: Path, langs: list[str], limit: int | None, skip_bad: bool, field_map: str | None
) -> list[Item]:
    from ingest.benchmarks import BENCHMARKS, load_benchmark
    from kg.languages import check_language
    from reasoning.evaluation.records import item_of

    if dataset not in BENCHMARKS:
        raise usage_error(f"{dataset!r} is not one of {', '.join(BENCHMARKS)}", "DATASET")
    mapping = dict(pair.split("=", 1) for pair in _split(field_map)) if field_map else None
    loaded = load_benchmark(dataset, path, langs=langs or None, skip_bad=skip_bad, field_map=mapping)
    for skipped in loaded.skipped:
        print(f"skipped {skipped.source}: {skipped.reason}", file=sys.stderr)
    found = {item.lang for item in loaded.items}
    for code in langs:
        if check_language(code) not in found:
            print(f"warning: {path} has no {dataset} items in {code}", file=sys.stderr)
    kept: Counter[tuple[str, str]] = Counter()
    items = []
    for benchmark_item in loaded.items:
        group = (benchmark_item.lang, benchmark_item.task)
        if limit is None or kept[group] < limit:
            kept[group] += 1
            items.append(item_of(benchmark_item))
    return items


def _run(
    ctx: typer.Context,
    items: list[Item],
    methods: list[str],
    out: Path,
    concurrency: int,
    retry_failed: bool,
    quiet: bool,
    price_in: float | None,
    price_out: float | None,
) -> None:
    from reasoning.evaluation.runner import ResultsDir, run_evaluation

    def progress() -> str:
        return f"{sum(1 for _ in ResultsDir(out).all_latest())} records are in {out}"

    with resumable(ctx, progress):
        summaries = run_evaluation(
            settings(ctx),
            items,
            methods,
            out,
            concurrency=concurrency,
            retry_failed=retry_failed,
            progress=show_progress(quiet),
        )
    from rich.table import Column, Table

    table = Table(Column("method", no_wrap=True))  # a cut method name would be ambiguous
    for name in (
        "ran",
        "skipped",
        "answered",
        "unparseable",
        "failed",
        "calls",
        "tokens in",
        "tokens out",
        "s",
        "cost",
    ):
        table.add_column(name, justify="right")
    for s in summaries:
        u = s.usage
        cost = ""
        if price_in is not None and price_out is not None:
            cost = f"{(u.prompt_tokens * price_in + u.completion_tokens * price_out) / 1e6:.4f}"
        table.add_row(
            s.method,
            *map(str, (s.ran, s.skipped, s.answered, s.unparseable, s.failed, u.calls)),
            str(u.prompt_tokens),
            str(u.completion_tokens),
            str(s.seconds),
            cost,
        )
    console().print(table)


def _judge(
    ctx: typer.Context,
    out: Path,
    concurrency: int,
    base_url: str | None,
    model: str | None,
    criteria: Path | None,
    judge_prompt: Path | None,
) -> None:
    from kg.settings import load_settings
    from reasoning.evaluation.judge import judge_results, load_criteria, load_judge_prompt

    root = state(ctx)
    # validated as any setting is (the URL's scheme, say), on top of env and config
    judging = load_settings(config=root.config, home=root.home, judge_base_url=base_url, judge_model=model)
    summary = judge_results(
        judging,
        out,
        concurrency=concurrency,
        criteria=load_criteria(criteria) if criteria else None,
        template=load_judge_prompt(judge_prompt) if judge_prompt else None,
    )
    console().print(
        f"Judged {summary.judged} long-form answers ({summary.failed} failed); the judge agreed with itself on "
        f"{summary.agreement_exact or 0:.0%} exactly and {summary.agreement_within_one or 0:.0%} within one point."
    )


@eval_app.command("judge")
def eval_judge(
    ctx: typer.Context,
    results: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A results folder.")],
    concurrency: Annotated[int, typer.Option("--concurrency", min=1)] = 8,
    judge_base_url: JudgeUrl = None,
    judge_model: JudgeModel = None,
    criteria: Criteria = None,
    judge_prompt: JudgePrompt = None,
) -> None:
    """Grade the long-form answers of a results folder that have no grade yet (each twice, to
    measure the judge's consistency)."""
    _judge(ctx, results, concurrency, judge_base_url, judge_model, criteria, judge_prompt)


@eval_app.command("report")
def eval_report(
    results: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A results folder.")],
    baseline: Annotated[str, typer.Option("--baseline", help="The method others are compared with.")] = "direct-local",
    out: Annotated[
        Path | None, typer.Option("--out", file_okay=False, help="Where the report goes (default RESULTS/report).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Tables (Markdown, CSV) and plots of a results folder.

    A row per dataset, language and method: score with its 95% interval, n, unparseable,
    failed, language violations, the difference from the baseline with its p-value, and the
    paper's figure where there is one."""
    from reasoning.evaluation.report import build_report, to_markdown, write_report

    rows = build_report(results, baseline=baseline)
    written = write_report(rows, out or results / "report")
    if as_json:
        emit_json({"rows": [row.model_dump() for row in rows], "files": [str(p) for p in written]})
        return
    console().print(to_markdown(rows), markup=False)
    console().print(f"Written: {', '.join(str(p) for p in written)}")
