"""The commands this package adds to `medcore` (an entry point of group `medcore.commands`):
`cypher` (any query; read-only unless --write), `query` (the named ones), `runs` (the runs in
the graph) and `viz` (one run drawn).

They take the store from the root command's settings (`--home`, `--config`, the
environment), reached through the click context, so that this package needs none of the
CLI's code.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer

from kg.errors import ConfigError, excerpt

if TYPE_CHECKING:
    from kg.graph.store import GraphStore
    from kg.settings import Settings
    from queries.library import NamedQuery

__all__ = ["register"]

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")]
Params = Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE; null for none.")]


class _Root(Protocol):
    @property
    def settings(self) -> Settings: ...


def register(app: typer.Typer) -> None:
    app.command("cypher")(cypher)
    app.command("query")(query)
    app.command("runs")(runs)
    app.command("viz")(viz)


@contextmanager
def _store(ctx: typer.Context) -> Iterator[GraphStore]:
    from kg.graph.store import open_store

    root: _Root = ctx.find_root().obj
    store = open_store(root.settings)
    try:
        yield store
    finally:
        store.close()


def _usage(message: str, option: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=option)


def _emit_json(rows: Any) -> None:
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")


def _emit_csv(rows: list[dict[str, Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if rows:
        writer.writerow(rows[0].keys())
    for row in rows:  # lists and maps as JSON, so that a cell holds one value
        writer.writerow(v if v is None or isinstance(v, str | int | float) else json.dumps(v) for v in row.values())


def _print_rows(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not rows:
        Console().print("(no rows)")
        return
    table = Table(*rows[0].keys())
    for row in rows:  # values as JSON: null, lists and strings told apart
        table.add_row(*(json.dumps(v, ensure_ascii=False, default=str) for v in row.values()))
    Console(soft_wrap=True).print(table)


_INT64 = (-(2**63), 2**63 - 1)  # what both engines store; FalkorDB clamps anything beyond


class _Unholdable(ValueError):
    """A --param value the store cannot hold."""


def _json_param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise _usage(f"{excerpt(text)} is not NAME=VALUE (e.g. --param cui=C0024530)", "--param")
    try:
        value = json.loads(raw, parse_constant=_no_constant)  # numbers, lists, true/false/null, "quoted"
        _check_holdable(value)
    except json.JSONDecodeError:
        return name, raw
    except RecursionError:
        raise _usage(f"{name}: the JSON value is nested too deeply", "--param") from None
    except _Unholdable as exc:
        raise _usage(f"{name}: {exc}; quote it to send text (--param '{name}=\"...\"')", "--param") from None
    except ValueError:  # Python's limit on the digits of an int (thousands)
        raise _usage(
            f"{name}: the number has too many digits for the store; quote it to send text", "--param"
        ) from None
    return name, value


def _no_constant(word: str) -> Any:
    raise _Unholdable(f"{word} is not a number the store holds")


def _check_holdable(value: Any) -> None:
    """Refuse what the store would change: integers beyond 64 bits (clamped by FalkorDB),
    floats beyond the double range (read as infinity), in lists and maps too."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        digits = str(value)  # shown whole only when short: a message never echoes pages of input
        shown = digits if len(digits) <= 40 else f"{digits[:20]}... ({len(digits)} digits)"
        raise _Unholdable(f"{shown} is outside the 64-bit integer range the store holds ({_INT64[0]} to {_INT64[1]})")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unholdable("a number beyond the range of a double is not a number the store holds")
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        _check_holdable(item)


def cypher(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(metavar="QUERY", help="A Cypher statement; values with --param.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (JSON values allowed).")] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Allow statements that write (CREATE, SET, DELETE, MERGE, ...).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Run a Cypher query on the store.

    Read-only unless --write: the engine itself refuses a statement that writes. Values go
    in as parameters (--param NAME=VALUE); JSON output is a list of rows."""
    from kg.errors import ReadOnlyError

    if not statement.strip():
        raise _usage("is empty; give a Cypher statement, e.g. 'MATCH (c:Concept) RETURN count(c)'", "QUERY")
    params = dict(_json_param(p) for p in param or [])
    with _store(ctx) as store:
        try:
            rows = store.query(statement, params, read_only=not write)
        except ReadOnlyError as exc:
            raise ReadOnlyError(f"{exc}; nothing was changed (pass --write to allow writes)") from exc
    if as_json:
        _emit_json(rows)
    else:
        _print_rows(rows)


def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="A query's name (see --list).")] = None,
    param: Params = None,
    list_queries: Annotated[bool, typer.Option("--list", help="The queries, their parameters and examples.")] = False,
    as_json: JsonFlag = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the rows as CSV.")] = False,
) -> None:
    """Run a named analysis query (queries/*.cypher) on the store.

    Values are read by the parameter's declared type; parameters left out take their default."""
    from queries.library import named_queries, run

    queries = named_queries()
    if list_queries:
        _list(queries, as_json)
        return
    if name is None:
        raise _usage("give a query's name, or --list to see them", "NAME")
    if name not in queries:
        raise _usage(f"no query {excerpt(name)}; `medcore query --list` shows {len(queries)}", "NAME")
    if as_json and as_csv:
        raise _usage("choose one of --json and --csv", "--csv")
    values = _typed_params(queries[name], param or [])
    with _store(ctx) as store:
        rows = run(name, store, **values)
    if as_json:
        _emit_json(rows)
    elif as_csv:
        _emit_csv(rows)
    else:
        _print_rows(rows)


def _typed_params(named: NamedQuery, given: list[str]) -> dict[str, Any]:
    from queries.library import parse_value

    types = {p.name: p.type for p in named.parameters}
    values = {}
    for text in given:
        key, sep, raw = text.partition("=")
        if not sep or not key:
            raise _usage(f"{excerpt(text)} is not NAME=VALUE", "--param")
        if key not in types:
            raise _usage(
                f"{named.name} has no parameter {excerpt(key)}; its parameters: {', '.join(types) or 'none'}", "--param"
            )
        try:
            values[key] = parse_value(raw, types[key], key)
        except ConfigError as exc:
            raise _usage(str(exc), "--param") from None
    return values


def _list(queries: dict[str, NamedQuery], as_json: bool) -> None:
    if as_json:
        _emit_json([_described(q) for q in queries.values()])
        return
    from rich.console import Console

    out = Console(soft_wrap=True, highlight=False)
    for q in queries.values():
        out.print(f"[bold]{q.name}[/bold]: {q.description}")
        for p in q.parameters:
            default = "required" if p.required else f"default {'null' if p.default is None else p.default}"
            out.print(f"    {p.name} ({p.type}, {default}): {p.description}", markup=False)
        out.print(f"    e.g. {q.example}", markup=False)


def _described(q: NamedQuery) -> dict[str, Any]:
    parameters = [
        {
            "name": p.name,
            "type": p.type,
            "required": p.required,
            "default": None if p.required else p.default,
            "description": p.description,
        }
        for p in q.parameters
    ]
    return {"name": q.name, "description": q.description, "parameters": parameters, "example": q.example}


def runs(
    ctx: typer.Context,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language (ISO 639-1).")] = None,
    method: Annotated[str | None, typer.Option("--method", help="Only this method.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """The runs in the graph, newest first: id, question, language, method, date and answer."""
    from kg.languages import check_language
    from queries.library import run

    try:
        code = check_language(lang) if lang else None
    except ConfigError as exc:
        raise _usage(str(exc), "--lang") from None
    with _store(ctx) as store:
        rows = run("runs", store, lang=code, method=method, limit=limit)
    if as_json:
        _emit_json(rows)
        return
    from rich.console import Console
    from rich.table import Column, Table

    if not rows:
        Console().print("No runs yet: `medcore ask` or `medcore demo` makes some.")
        return
    table = Table(Column("run", no_wrap=True), "lang", "method", Column("created", no_wrap=True), "question", "answer")
    for row in rows:
        answer = row["answer"] or f"({row['status']})"
        table.add_row(
            row["run"],
            row["lang"],
            row["method"] or "",
            row["created"] or "",
            _short(row["question"], 60),
            _short(answer, 40),
        )
    Console().print(table)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def viz(
    ctx: typer.Context,
    run_key: Annotated[str, typer.Argument(metavar="RUN", help="A run's id (see `medcore runs`).")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The HTML file to write.")] = Path("run.html"),
    png: Annotated[Path | None, typer.Option("--png", dir_okay=False, help="Also a static PNG picture.")] = None,
) -> None:
    """Draw one run as a self-contained HTML page (no network needed to view it).

    English and local chains side by side with the scaffold between them, alignment links
    with their scores, the evidence each scaffold step cites, the concepts left out with the
    reason; click a node for its details."""
    from queries.viz import write_html, write_png

    with _store(ctx) as store:
        drawn = write_html(store, run_key, out)
        if png is not None:
            write_png(store, run_key, png)
    print(f"Wrote {out} ({drawn} nodes){f' and {png}' if png else ''}.")
