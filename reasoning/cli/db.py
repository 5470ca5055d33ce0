"""`medcore db start|status|stop`: the embedded FalkorDB server as a daemon; `medcore db copy`:
the whole graph from one store to another."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.errors import ConfigError
from reasoning.cli.common import JsonFlag, QuietFlag, bar, console, emit_json, resumable, settings, state

if TYPE_CHECKING:
    from kg.graph.stores.embedded import EmbeddedServer
    from kg.settings import Settings

__all__ = ["register"]

db_app = typer.Typer(no_args_is_help=True, help="Manage the embedded FalkorDB server; copy graphs between stores.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


def _server(ctx: typer.Context) -> EmbeddedServer:
    from kg.graph.stores.embedded import EmbeddedServer

    current = settings(ctx)
    if not current.is_embedded:
        raise ConfigError("`medcore db` manages the embedded store; the graph URI points elsewhere")
    return EmbeddedServer(
        current.graph_dir,
        startup_timeout_s=current.graph_startup_timeout_s,
        save_timeout_s=current.graph_query_timeout_s,
    )


def _print_status(server: EmbeddedServer, as_json: bool) -> None:
    status = server.status()
    if as_json:
        emit_json(asdict(status))
        return
    state = "running" if status.running else "stopped"
    mode = " as a daemon" if status.daemon else ""
    pid = f" (pid {status.pid})" if status.pid else ""
    console().print(f"FalkorDB in {status.directory}: {state}{mode}{pid}; socket {status.socket}")


@db_app.command("start")
def db_start(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Start the embedded server as a daemon: it stays up until `medcore db stop`."""
    server = _server(ctx)
    server.start_daemon()
    _print_status(server, as_json)


@db_app.command("stop")
def db_stop(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Stop the daemon (now, or when the last attached process closes).

    It always stops: if its snapshot cannot be saved (a full disk), it stops without it and
    exits 1 saying what was lost."""
    server = _server(ctx)
    if not server.stop() and not as_json:
        console().print("Other processes are attached; the server stops when the last one closes.")
    _print_status(server, as_json)


@db_app.command("status")
def db_status(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Say whether the embedded server is running, and where."""
    _print_status(_server(ctx), as_json)


def _side(ctx: typer.Context, uri: str | None, user: str | None, home: Path | None, secret: str) -> Settings:
    """The settings of one side of a copy: the current ones, or another store (its password
    from the environment variable `secret`, never from the command line)."""
    from kg.settings import load_settings

    root = state(ctx)
    if uri is None and home is None:
        return root.settings
    password = os.environ.get(secret)
    return load_settings(
        config=root.config, home=home or root.home, graph_uri=uri, graph_user=user, graph_password=password
    )


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="The target store's URI (neo4j://..., or embedded).")] = None,
    source: Annotated[str | None, typer.Option("--from", help="The source store's URI (default the current).")] = None,
    to_user: Annotated[str | None, typer.Option("--to-user", help="The target's user (Neo4j).")] = None,
    from_user: Annotated[str | None, typer.Option("--from-user", help="The source's user (Neo4j).")] = None,
    to_home: Annotated[
        Path | None, typer.Option("--to-home", file_okay=False, help="Another home for an embedded target.")
    ] = None,
    from_home: Annotated[
        Path | None, typer.Option("--from-home", file_okay=False, help="Another home for an embedded source.")
    ] = None,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Copy the whole graph (vocabulary, practice facts, corpora, runs) from one store to another.

    One side defaults to the current store. Passwords come from MEDCORE_TO_PASSWORD and
    MEDCORE_FROM_PASSWORD. Idempotent: an interrupted copy, run again, completes; the
    counts of both stores are compared at the end."""
    from kg.graph.copy import copy_graph
    from kg.graph.store import open_store

    if to is None and to_home is None:
        raise typer.BadParameter(
            "say where to copy to: --to URI (or --to-home DIR for another embedded home)", param_hint="--to"
        )
    target_settings = _side(ctx, to, to_user, to_home, "MEDCORE_TO_PASSWORD")
    source_settings = _side(ctx, source, from_user, from_home, "MEDCORE_FROM_PASSWORD")
    if (target_settings.graph_uri, target_settings.home) == (source_settings.graph_uri, source_settings.home):
        raise typer.BadParameter("the source and the target are the same store", param_hint="--to")
    with open_store(source_settings) as origin, open_store(target_settings) as target:
        total = sum(origin.counts().nodes.values())
        copied = 0

        def where() -> str:
            return f"{copied} nodes and relationships copied to {target.runner.description}"

        with resumable(ctx, where), bar(None, "copying", quiet) as advance:

            def step(what: str, n: int) -> None:
                nonlocal copied
                copied += n
                advance(n)

            summary = copy_graph(origin, target, progress=step)
    if as_json:
        emit_json(summary.model_dump())
        return
    nodes, relationships = sum(summary.nodes.values()), sum(summary.relationships.values())
    console().print(
        f"Copied {nodes} nodes ({total} in the source) and {relationships} relationships to "
        f"{target.runner.description}; the counts agree."
    )
