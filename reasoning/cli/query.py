"""`medcore query`: the named analysis queries of the `queries` package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from reasoning.cli.common import JsonFlag, console, emit_csv, emit_json, open_store, print_rows, usage_error

if TYPE_CHECKING:
    from queries.library import NamedQuery

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("query")(query)


def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="A query's name (see --list).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE; null for none.")] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="The queries, their parameters and examples.")] = False,
    as_json: JsonFlag = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the rows as CSV.")] = False,
) -> None:
    """Run a named analysis query (queries/*.cypher) on the store.

    Values are read by the parameter's declared type; parameters left out take their default."""
    from queries.library import named_queries

    queries = named_queries()
    if list_queries:
        _list(queries, as_json)
        return
    if name is None:
        raise usage_error("give a query's name, or --list to see them", "NAME")
    if name not in queries:
        raise usage_error(f"no query {name!r}; `medcore query --list` shows {len(queries)}", "NAME")
    if as_json and as_csv:
        raise usage_error("choose one of --json and --csv", "--csv")
    values = _values(queries[name], param or [])
    from queries.library import run

    with open_store(ctx) as store:
        rows = run(name, store, **values)
    if as_json:
        emit_json(rows)
    elif as_csv:
        emit_csv(rows)
    else:
        print_rows(rows)


def _values(named: NamedQuery, given: list[str]) -> dict[str, Any]:
    from kg.errors import ConfigError
    from queries.library import parse_value

    types = {p.name: p.type for p in named.parameters}
    values = {}
    for text in given:
        key, sep, raw = text.partition("=")
        if not sep or not key:
            raise usage_error(f"{text!r} is not NAME=VALUE", "--param")
        if key not in types:
            known = ", ".join(types) or "none"
            raise usage_error(f"{named.name} has no parameter {key!r}; its parameters: {known}", "--param")
        try:
            values[key] = parse_value(raw, types[key], key)
        except ConfigError as exc:
            raise usage_error(str(exc), "--param") from None
    return values


def _list(queries: dict[str, NamedQuery], as_json: bool) -> None:
    if as_json:
        emit_json(
            [
                {
                    "name": q.name,
                    "description": q.description,
                    "parameters": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "required": p.required,
                            "default": None if p.required else p.default,
                            "description": p.description,
                        }
                        for p in q.parameters
                    ],
                    "example": q.example,
                }
                for q in queries.values()
            ]
        )
        return
    out = console()
    for q in queries.values():
        out.print(f"[bold]{q.name}[/bold]: {q.description}", highlight=False)
        for p in q.parameters:
            default = "required" if p.required else f"default {'null' if p.default is None else p.default}"
            out.print(f"    {p.name} ({p.type}, {default}): {p.description}", highlight=False, markup=False)
        out.print(f"    e.g. {q.example}", highlight=False, markup=False)
