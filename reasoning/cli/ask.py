"""`medcore ask` (one question, or a JSONL file of them) and `medcore demo`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kg.errors import BatchError
from kg.languages import check_language, check_region
from reasoning.cli.common import (
    JsonFlag,
    QuietFlag,
    checked,
    console,
    emit_json,
    emit_jsonl,
    resumable,
    settings,
    show_progress,
    status,
    usage_error,
)

if TYPE_CHECKING:
    from kg.settings import Settings
    from reasoning.pipeline import CoReasoner
    from reasoning.results import CoReasonResult, FailedItem, Item

__all__ = ["demo_items", "register"]

SCRIPTED = "scripted responses, not model output"
TASKS = ("qa", "mcq", "nli")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("demo")(demo)


def demo_items() -> list[Item]:
    """The bundled sample questions, one or more per language."""
    from reasoning.batch import read_items

    return read_items(Path(str(resources.files("reasoning").joinpath("data/demo_questions.jsonl"))))


# -- argument checks, before any store or endpoint is touched -----------------------------


def _language(code: str | None) -> str | None:
    return checked(check_language, code)


def _region(code: str | None) -> str | None:
    return checked(check_region, code)


def _task(task: str) -> str:
    if task not in TASKS:
        raise typer.BadParameter(f"{task!r} is not one of {', '.join(TASKS)}")
    return task


def _options(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f'not JSON ({exc.msg}); give e.g. \'{{"A": "...", "B": "..."}}\'') from None
    if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
        raise typer.BadParameter("must be a JSON object of option letter -> text")
    return {str(k): v for k, v in value.items()}


Lang = Annotated[
    str | None,
    typer.Option(
        "--lang", callback=_language, help="Language of the question (ISO 639-1: sw, yo, th, ko, ja, zh, en)."
    ),
]
Region = Annotated[
    str | None, typer.Option("--region", callback=_region, help="ISO 3166-1 country for local practice (KE, NG, ...).")
]
TaskOption = Annotated[str, typer.Option("--task", callback=_task, help="qa (free text), mcq (option letter) or nli.")]


def ask(
    ctx: typer.Context,
    question: Annotated[
        str | None, typer.Argument(help="The question, in its own language (or use --input).", show_default=False)
    ] = None,
    lang: Lang = None,
    options: Annotated[
        str | None, typer.Option("--options", help='Options as JSON: \'{"A": "...", "B": "..."}\'.')
    ] = None,
    task: TaskOption = "qa",
    english: Annotated[str | None, typer.Option("--english", help="The question's English parallel, if known.")] = None,
    region: Region = None,
    source: Annotated[
        Path | None,
        typer.Option("--input", "-i", exists=True, dir_okay=False, help="JSONL of items: question, lang, task, ..."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="JSONL export of --input's answers.")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Items in flight with --input.")] = 8,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Answer questions by co-reasoning.

    One QUESTION (JSON output: every intermediate of the run), or every item of --input,
    written to --output as each finishes (the export format, one line per item); a rerun of
    the same command skips the answered items and retries the failed ones."""
    if (question is None) == (source is None):
        raise usage_error("give either QUESTION or --input FILE, not both or neither", "QUESTION / --input")
    if question is not None:
        if output is not None:
            raise usage_error("goes with --input", "--output")
        item = _one_item(question, lang, task, _options(options), english, region)
        with _reasoner(ctx, quiet) as reasoner, status(quiet) as report:
            report(f"co-reasoning with {reasoner.llm.model}")
            result = reasoner.run_item(item)
        emit_json(result.model_dump(mode="json")) if as_json else _summary(result)
        return
    if output is None:
        raise usage_error("is required with --input: answers go there as they finish, so a rerun resumes", "--output")
    if as_json:
        raise usage_error("goes with QUESTION; --input writes JSONL to --output", "--json")
    defaults = {"lang": lang, "task": task, "region": region, "options": _options(options)}
    _ask_many(ctx, source, {k: v for k, v in defaults.items() if v is not None}, output, concurrency, quiet)


def _one_item(
    question: str, lang: str | None, task: str, options: dict[str, str] | None, english: str | None, region: str | None
) -> Item:
    from reasoning.results import Item

    if not question.strip():
        raise usage_error("is empty", "QUESTION")
    if lang is None:
        raise usage_error("is required with QUESTION", "--lang")
    if task == "mcq" and not options:
        raise usage_error("--task mcq needs the options", "--options")
    return Item(question=question, lang=lang, task=task, options=options, english=english, region=region)  # type: ignore[arg-type]


def _ask_many(
    ctx: typer.Context, source: Path | None, defaults: dict[str, Any], output: Path, concurrency: int, quiet: bool
) -> None:
    from reasoning.batch import finished_keys, read_items
    from reasoning.results import FailedItem

    items = read_items(Path(str(source)), defaults)
    with _reasoner(ctx, quiet) as reasoner:

        def progress() -> str:
            return f"{len(finished_keys(output))} of {len(items)} items are answered in {output}"

        with resumable(ctx, progress):
            outcomes = reasoner.run_many(items, concurrency=concurrency, out=output, progress=show_progress(quiet))
    failed = sum(1 for outcome in outcomes if isinstance(outcome, FailedItem))
    print(
        f"{len(items)} items: {len(items) - len(outcomes)} were already answered in {output}, "
        f"{len(outcomes) - failed} answered now, {failed} failed (their lines say why; a rerun retries them).",
        file=sys.stderr,
    )
    if failed:  # a script must not take a batch with failures for a complete one
        raise BatchError(
            f"{failed} of {len(items)} items failed; their lines in {output} say why, "
            "and running the same command again retries them"
        )


@contextmanager
def _reasoner(ctx: typer.Context, quiet: bool, current: Settings | None = None) -> Iterator[CoReasoner]:
    from reasoning.llm.endpoint import require_endpoint

    current = current or settings(ctx)
    require_endpoint(current)  # before the pipeline's imports: a missing endpoint is said at once
    from reasoning.pipeline import CoReasoner

    with status(quiet) as report:
        reasoner = CoReasoner(current, report=report)
    with reasoner:
        yield reasoner


def demo(ctx: typer.Context, as_json: JsonFlag = False, quiet: QuietFlag = False) -> None:
    """Run the sample questions end to end.

    One question per language, on the configured store and endpoint (the scripted responder
    when none is configured). JSON output: one export line per sample, as `ask --input`
    writes."""
    with _endpoint(settings(ctx)) as (current, scripted):
        if scripted:  # on stderr, so that --json output stays JSON
            note = f"No LLM endpoint configured: answering from the scripted responder's demo fixtures ({SCRIPTED})."
            print(note, file=sys.stderr, flush=True)
        _ensure_seed(current)
        with _reasoner(ctx, quiet, current) as reasoner:
            outcomes = reasoner.run_many(demo_items(), concurrency=7, progress=show_progress(quiet))
    from reasoning.results import FailedItem

    for outcome in outcomes:
        if as_json:
            emit_jsonl(outcome.export())
        elif isinstance(outcome, FailedItem):
            _failed_summary(outcome)
        else:
            _summary(outcome)
    failures = sum(1 for outcome in outcomes if isinstance(outcome, FailedItem))
    if failures:
        raise BatchError(f"{failures} of {len(outcomes)} demo questions failed (see above)")


# -- helpers ---------------------------------------------------------------------------


@contextmanager
def _endpoint(current: Settings) -> Iterator[tuple[Settings, bool]]:
    """The configured endpoint, or the scripted responder on the demo fixtures."""
    if current.llm_base_url or current.llm_api_key:
        yield current, False
        return
    from reasoning.llm.fixtures import bundled_fixtures
    from reasoning.llm.responder import Responder

    with Responder.from_file(bundled_fixtures()) as server:
        yield current.model_copy(update={"llm_base_url": server.base_url, "model": "medcore-demo"}), True


def _ensure_seed(current: Settings) -> None:
    """Build the seed into the store when it holds no concept yet (the demo needs it)."""
    from ingest.vocabulary import build_seed
    from kg.graph.store import open_store

    with open_store(current) as store:
        if not store.counts().nodes.get("Concept"):
            build_seed(store)


def _summary(result: CoReasonResult) -> None:
    out, local, english = console(), result.local, result.english
    out.rule(f"[bold]{result.item.lang}[/] {result.item.question[:100]}")
    out.print(f"English chain concepts: {', '.join(c.name for c in english.concepts) or '-'}")
    out.print(f"Local chain concepts:   {', '.join(f'{c.surface} ({c.name})' for c in local.concepts) or '-'}")
    aligned = [
        f"{english.concepts[p.english].name} = {local.concepts[p.local].surface} ({p.score:.2f})"
        for p in result.alignment.pairs
    ]
    out.print(f"Aligned: {'; '.join(aligned) or '-'}")
    out.print(f"Local-only: {', '.join(local.concepts[j].surface for j in result.alignment.local_only) or '-'}")
    for fact in result.evidence:
        out.print(f"Evidence [{fact.region} {fact.kind}]: {fact.statement_local}  ({fact.source})")
    for rejected in result.rejected:
        out.print(f"Rejected: {rejected.name} - {rejected.reason}")
    for check in result.checks:
        out.print(f"Check [{check.stage} {check.kind}]: {check.detected} -> {check.action}", highlight=False)
    if result.answer is None:
        out.print(f"[bold]Answer:[/] unparseable (the reply was {result.raw_answer[:100]!r})")
    else:
        out.print(f"[bold]Answer:[/] {result.answer}")
    if result.explanation:
        out.print(result.explanation)
    u = result.usage
    out.print(f"[dim]LLM calls {u.calls} ({u.cached_calls} cached), tokens {u.prompt_tokens}+{u.completion_tokens}[/]")


def _failed_summary(item: FailedItem) -> None:
    out = console()
    out.rule(f"[bold red]{item.lang}[/] {item.question[:100]}")
    out.print(f"Failed: {item.error}")
