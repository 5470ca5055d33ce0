"""`medcore kg build|stats|check|clear`: build and inspect the graph (queries: the `queries` package's commands)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reasoning.cli.common import (
    JsonFlag,
    QuietFlag,
    bar,
    console,
    emit_json,
    open_store,
    resumable,
    usage_error,
)

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["register"]

kg_app = typer.Typer(no_args_is_help=True, help="Build and inspect the medical graph.")


def register(app: typer.Typer) -> None:
    app.add_typer(kg_app, name="kg")


def _counts_table(counts: dict[str, dict[str, int]]) -> Table:
    from rich.table import Table

    table = Table("kind", "name", "count")
    for kind, values in counts.items():
        for name, n in values.items():
            table.add_row(kind, name, str(n))
    return table


@kg_app.command("build")
def kg_build(ctx: typer.Context, as_json: JsonFlag = False, quiet: QuietFlag = False) -> None:
    """Load the shipped seed vocabulary into the current store (idempotent)."""
    from ingest.vocabulary import build_seed, seed_dir, seed_paths

    paths = seed_paths(seed_dir())
    done: list[Path] = []
    with open_store(ctx) as store, store.writing():

        def progress() -> str:
            nodes, relationships = store.written
            return (
                f"{len(done)} of {len(paths)} seed files loaded completely, "
                f"{nodes:,} node and {relationships:,} relationship rows written"
            )

        with resumable(ctx, progress), bar(len(paths), "seed", quiet) as advance:

            def loaded(path: Path) -> None:
                done.append(path)
                advance(1)

            summary = build_seed(store, on_loaded=loaded)
        counts = store.counts().model_dump()
    if as_json:
        emit_json({"loaded": summary.counts, **counts})
    else:
        console().print(f"Seed loaded into {store.runner.description}.")
        console().print(_counts_table(counts))


@kg_app.command("stats")
def kg_stats(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Count nodes per label and relationships per type."""
    with open_store(ctx) as store:
        counts = store.counts().model_dump()
    if as_json:
        emit_json(counts)
    else:
        console().print(_counts_table(counts))


@kg_app.command("check")
def kg_check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Delete what is found (keeping one of each duplicate).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Find duplicate relationships and terms that denote nothing; exit 1 if any remain."""
    from kg.graph.integrity import check_integrity

    with open_store(ctx) as store:
        report = check_integrity(store, repair=repair)
    if as_json:
        emit_json({"clean": report.clean, "findings": [f.model_dump() for f in report.findings]})
    elif not report.findings:
        console().print("No duplicate relationships, no orphan terms.")
    else:
        from rich.table import Table

        table = Table("problem", "type", "found", "repaired")
        for finding in report.findings:
            table.add_row(finding.kind.replace("_", " "), finding.type, str(finding.count), str(finding.repaired))
        console().print(table)
        if not report.clean:
            console().print("Run `medcore kg check --repair` to delete them.")
    if not report.clean:
        raise typer.Exit(1)


@kg_app.command("clear")
def kg_clear(ctx: typer.Context, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Delete every node and relationship of the graph."""
    if not yes:
        if not sys.stdin.isatty():
            raise usage_error("deletes the whole graph; there is no terminal to ask, so pass --yes", "kg clear")
        typer.confirm("Delete the whole graph?", abort=True)
    with open_store(ctx) as store:
        store.clear()
    console().print("Graph cleared.")
