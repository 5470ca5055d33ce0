"""`medcore responder`: the scripted OpenAI-compatible endpoint, in the foreground."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("responder")(responder)


def responder(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port on 127.0.0.1 (0: any free one).")
    ] = 8765,
    latency_ms: Annotated[float, typer.Option("--latency-ms", min=0, help="Delay before every answer.")] = 0.0,
    fail_rate: Annotated[
        float, typer.Option("--fail-rate", min=0, max=1, help="Share of requests answered with a fault (0 to 1).")
    ] = 0.0,
    fixtures: Annotated[
        Path | None,
        typer.Option("--fixtures", exists=True, dir_okay=False, help="Fixtures JSONL (default: the demo's)."),
    ] = None,
) -> None:
    """Serve the scripted OpenAI-compatible endpoint.

    Scripted answers for tests, benchmarks and the demo, until Ctrl-C. It is not a model:
    a request no fixture matches gets an error."""
    from reasoning.llm.responder import serve

    serve(fixtures, port, latency_ms, fail_rate)
