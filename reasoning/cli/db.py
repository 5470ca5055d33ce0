"""`medcore db start|status|stop`: the embedded FalkorDB server as a daemon."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from kg.errors import ConfigError
from reasoning.cli.common import JsonFlag, console, emit_json, settings

if TYPE_CHECKING:
    from kg.graph.stores.embedded import EmbeddedServer

__all__ = ["register"]

db_app = typer.Typer(no_args_is_help=True, help="Manage the embedded FalkorDB server.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


def _server(ctx: typer.Context) -> EmbeddedServer:
    from kg.graph.stores.embedded import EmbeddedServer

    current = settings(ctx)
    if not current.is_embedded:
        raise ConfigError("`medcore db` manages the embedded store; the graph URI points elsewhere")
    return EmbeddedServer(current.graph_dir, startup_timeout_s=current.graph_startup_timeout_s)


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
    """Stop the daemon (now, or when the last attached process closes)."""
    server = _server(ctx)
    if not server.stop() and not as_json:
        console().print("Other processes are attached; the server stops when the last one closes.")
    _print_status(server, as_json)


@db_app.command("status")
def db_status(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Say whether the embedded server is running, and where."""
    _print_status(_server(ctx), as_json)
