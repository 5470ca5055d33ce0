"""What every `medcore` command shares: the console, the settings and the store of a run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from kg.settings import Settings
from kg.store import GraphStore, open_store

__all__ = ["JsonFlag", "out", "open_store_of", "print_json", "settings_of"]

out = Console(soft_wrap=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def settings_of(ctx: typer.Context) -> Settings:
    return ctx.find_root().obj  # type: ignore[no-any-return]


@contextmanager
def open_store_of(ctx: typer.Context) -> Iterator[GraphStore]:
    store = open_store(settings_of(ctx))
    try:
        yield store
    finally:
        store.close()


def print_json(value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str), ensure_ascii=False)
