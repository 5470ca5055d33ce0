"""`medcore config show`: the effective settings and where each comes from."""

from __future__ import annotations

import typer

from reasoning.cli.common import JsonFlag, console, emit_json, state

__all__ = ["register"]

config_app = typer.Typer(no_args_is_help=True, help="Inspect the settings.")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Show the effective settings.

    Every setting's value and its source (command line, environment, config file or
    default); secrets are masked. JSON output: {name: {value, source}}."""
    from kg.settings import describe_settings

    root = state(ctx)
    described = describe_settings(root.config, home=root.home)
    if as_json:
        emit_json({s.name: {"value": s.value, "source": s.source} for s in described})
        return
    from rich.table import Table

    table = Table("setting", "value", "source")
    for s in described:
        table.add_row(s.name, "" if s.value is None else str(s.value), s.source)
    console().print(table)
