"""The `medcore` command line: thin wrappers over library functions.

`main(argv)` returns an exit code; user mistakes print `ErrorName: message` and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.table import Table

from ingest.vocabulary import build_seed
from kg.errors import ConfigError, MedcoreError
from kg.settings import load_settings
from kg.stores.embedded import EmbeddedServer
from reasoning.cli_reasoning import register as register_reasoning
from reasoning.cli_support import JsonFlag, open_store_of, out, print_json, settings_of
from reasoning.cli_vocabulary import register as register_vocabulary

__all__ = ["app", "main", "run"]

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Med-CoReasoner: multilingual medical co-reasoning over a knowledge graph.",
)
kg_app = typer.Typer(no_args_is_help=True, help="Build and inspect the medical graph.")
db_app = typer.Typer(no_args_is_help=True, help="Manage the embedded FalkorDB server.")
app.add_typer(kg_app, name="kg")
app.add_typer(db_app, name="db")
register_vocabulary(app)
register_reasoning(app)


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None, typer.Option("--home", help="Data directory (default: $MEDCORE_HOME or the user data dir).")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
) -> None:
    ctx.obj = load_settings(config=config, home=home)


def _counts_table(counts: dict[str, dict[str, int]]) -> Table:
    table = Table("kind", "name", "count")
    for kind, values in counts.items():
        for name, n in values.items():
            table.add_row(kind, name, str(n))
    return table


@kg_app.command("build")
def kg_build(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Load the shipped seed vocabulary into the current store (idempotent)."""
    with open_store_of(ctx) as store:
        summary = build_seed(store)
        counts = store.counts().model_dump()
    if as_json:
        print_json({"loaded": summary.counts, **counts})
    else:
        out.print(f"Seed loaded into {store.runner.description}.")
        out.print(_counts_table(counts))


@kg_app.command("stats")
def kg_stats(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Count nodes per label and relationships per type."""
    with open_store_of(ctx) as store:
        counts = store.counts().model_dump()
    if as_json:
        print_json(counts)
    else:
        out.print(_counts_table(counts))


@kg_app.command("clear")
def kg_clear(ctx: typer.Context, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Delete every node and relationship of the graph."""
    if not yes:
        typer.confirm("Delete the whole graph?", abort=True)
    with open_store_of(ctx) as store:
        store.clear()
    out.print("Graph cleared.")


def _parse_param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise ConfigError(f"--param {text!r} is not NAME=VALUE (e.g. --param cui=C0024530)")
    try:
        return name, json.loads(raw)  # numbers, lists, true/false/null, "quoted"
    except json.JSONDecodeError:
        return name, raw


@app.command("cypher")
def cypher(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A Cypher statement; pass values with --param.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (JSON values allowed).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Run an ad-hoc, parameterized Cypher query on the current store."""
    params = dict(_parse_param(p) for p in param or [])
    with open_store_of(ctx) as store:
        rows = store.query(query, params)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("(no rows)")
        return
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*(json.dumps(v, ensure_ascii=False, default=str) for v in row.values()))
    out.print(table)


def _server(ctx: typer.Context) -> EmbeddedServer:
    settings = settings_of(ctx)
    if not settings.is_embedded:
        raise ConfigError("`medcore db` manages the embedded store; the graph URI points elsewhere")
    return EmbeddedServer(settings.graph_dir, startup_timeout_s=settings.graph_startup_timeout_s)


def _print_status(server: EmbeddedServer, as_json: bool) -> None:
    status = server.status()
    if as_json:
        print_json(status.__dict__)
    else:
        state = "running" if status.running else "stopped"
        mode = " as a daemon" if status.daemon else ""
        pid = f" (pid {status.pid})" if status.pid else ""
        out.print(f"FalkorDB in {status.directory}: {state}{mode}{pid}; socket {status.socket}")


@db_app.command("start")
def db_start(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Start the embedded server as a daemon: it stays up until `medcore db stop`."""
    server = _server(ctx)
    server.start_daemon()
    _print_status(server, as_json)


@db_app.command("stop")
def db_stop(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Stop the daemon (now, or when the last attached process closes)."""
    server = _server(ctx)
    if not server.stop() and not as_json:
        out.print("Other processes are attached; the server stops when the last one closes.")
    _print_status(server, as_json)


@db_app.command("status")
def db_status(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Say whether the embedded server is running, and where."""
    _print_status(_server(ctx), as_json)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` and return the exit code (what the tests call)."""
    try:
        app(args=argv, prog_name="medcore", standalone_mode=False)
    except MedcoreError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except click.exceptions.Abort:
        print("Aborted.", file=sys.stderr)
        return 1
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
