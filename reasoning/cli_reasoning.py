"""`medcore ask`, `medcore demo` and `medcore responder`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from ingest import build_seed
from ingest.jsonl import read_jsonl
from kg.errors import ConfigError
from kg.settings import Settings
from kg.store import open_store
from reasoning.cli_support import JsonFlag, out, print_json, settings_of
from reasoning.pipeline import CoReasoner, FailedItem
from reasoning.results import CoReasonResult, Item, Task

__all__ = ["register", "demo_items"]

SCRIPTED = "scripted responses, not model output"


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("demo")(demo)
    app.command("responder")(responder)


def demo_items() -> list[Item]:
    """The bundled sample questions, one or more per language."""
    path = Path(str(resources.files("reasoning").joinpath("data/demo_questions.jsonl")))
    return list(read_jsonl(path, Item))


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, in its own language.")],
    lang: Annotated[str, typer.Option("--lang", help="Language code of the question (sw, yo, th, ko, ja, zh, en).")],
    options: Annotated[
        str | None, typer.Option("--options", help='Options as JSON: \'{"A": "...", "B": "..."}\'.')
    ] = None,
    task: Annotated[str, typer.Option("--task", help="qa (free text), mcq (option letter) or nli.")] = "qa",
    english: Annotated[str | None, typer.Option("--english", help="The question's English parallel, if known.")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="ISO country code for local practice (KE, NG, ...).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer one medical question with Med-CoReasoner on the configured endpoint."""
    if task not in ("qa", "mcq", "nli"):
        raise ConfigError(f"--task must be qa, mcq or nli, not {task!r}")
    item = Item(question=question, lang=lang, task=task, options=_options(options), english=english, region=region)  # type: ignore[arg-type]
    with CoReasoner(settings_of(ctx)) as reasoner:
        result = reasoner.run(item.question, item.lang, options=item.options, task=_task(task), english=item.english,
                              region=item.region)  # fmt: skip
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _summary(result)


def demo(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Run the bundled sample questions (all seven languages) end to end on the embedded store."""
    settings = settings_of(ctx)
    with _endpoint(settings) as (settings, scripted):
        if scripted:  # on stderr, so that --json output stays JSON
            note = f"No LLM endpoint configured: answering from the scripted responder's demo fixtures ({SCRIPTED})."
            print(note, file=sys.stderr, flush=True)
        _ensure_seed(settings)
        with CoReasoner(settings) as reasoner:
            results = reasoner.run_many(demo_items(), concurrency=7, progress=not as_json)
    if as_json:
        print_json([r.model_dump(mode="json") for r in results])
        return
    for result in results:
        _summary(result) if isinstance(result, CoReasonResult) else _failed(result)


def responder(
    port: Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1 (0: any free one).")] = 8765,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Delay before every answer.")] = 0.0,
    fail_rate: Annotated[float, typer.Option("--fail-rate", help="Share of requests answered with a fault.")] = 0.0,
    fixtures: Annotated[Path | None, typer.Option("--fixtures", help="Fixtures JSONL (default: the demo's).")] = None,
) -> None:
    """Serve scripted answers as an OpenAI-compatible endpoint (for tests, benchmarks, the demo)."""
    from reasoning.responder import serve

    serve(fixtures, port, latency_ms, fail_rate)


# -- helpers ---------------------------------------------------------------------------


def _options(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f'--options is not JSON ({exc.msg}); give e.g. \'{{"A": "...", "B": "..."}}\'') from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("--options must be a JSON object of option letter -> text")
    return {str(k): v for k, v in value.items()}


def _task(task: str) -> Task:
    return task  # type: ignore[return-value]


@contextmanager
def _endpoint(settings: Settings) -> Iterator[tuple[Settings, bool]]:
    """The configured endpoint, or the scripted responder on the demo fixtures."""
    if settings.llm_base_url or settings.llm_api_key:
        yield settings, False
        return
    from reasoning.responder import Responder, bundled_fixtures

    with Responder.from_file(bundled_fixtures()) as server:
        yield settings.model_copy(update={"llm_base_url": server.base_url, "model": "medcore-demo"}), True


def _ensure_seed(settings: Settings) -> None:
    """Build the seed into the store when it holds no concept yet (the demo needs it)."""
    with open_store(settings) as store:
        if not store.counts().nodes.get("Concept"):
            build_seed(store)


def _summary(result: CoReasonResult) -> None:
    local, english = result.local, result.english
    out.rule(f"[bold]{result.item.lang}[/] {result.item.question[:100]}")
    out.print(f"English chain concepts: {', '.join(c.name for c in english.concepts) or '-'}")
    out.print(f"Local chain concepts:   {', '.join(f'{c.surface} ({c.name})' for c in local.concepts) or '-'}")
    aligned = [f"{english.concepts[p.english].name} = {local.concepts[p.local].surface} ({p.score:.2f})"
               for p in result.alignment.pairs]  # fmt: skip
    out.print(f"Aligned: {'; '.join(aligned) or '-'}")
    out.print(f"Local-only: {', '.join(local.concepts[j].surface for j in result.alignment.local_only) or '-'}")
    for fact in result.evidence:
        out.print(f"Evidence [{fact.region} {fact.kind}]: {fact.statement_local}  ({fact.source})")
    for rejected in result.rejected:
        out.print(f"Rejected: {rejected.name} - {rejected.reason}")
    out.print(f"[bold]Answer:[/] {result.answer}")
    if result.explanation:
        out.print(result.explanation)
    u = result.usage
    out.print(f"[dim]LLM calls {u.calls} ({u.cached_calls} cached), tokens {u.prompt_tokens}+{u.completion_tokens}[/]")


def _failed(item: FailedItem) -> None:
    out.rule(f"[bold red]{item.lang}[/] {item.question[:100]}")
    out.print(f"Failed: {item.error}")
