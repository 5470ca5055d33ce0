"""What every `medcore` command shares: the root options, the settings and store of one
invocation, JSON and JSONL output, progress on stderr, and how an interruption is reported.

Heavy modules (the store clients, pydantic-settings, rich's progress) are imported where
they are used, so that `medcore --help` and argument errors come back at once.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from kg.graph.store import GraphStore
    from kg.settings import Settings

__all__ = [
    "JsonFlag",
    "QuietFlag",
    "State",
    "bar",
    "checked",
    "console",
    "emit_json",
    "emit_jsonl",
    "open_store",
    "resumable",
    "settings",
    "show_progress",
    "state",
    "status",
    "usage_error",
]

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (see the README for its shape).")]
QuietFlag = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]


@dataclass
class State:
    """The root options of one invocation. Settings are read on first use: a command that
    fails on its arguments never pays for them."""

    home: Path | None = None
    config: Path | None = None
    debug: bool = False
    interrupt_reported: bool = False
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from kg.settings import load_settings

            self._settings = load_settings(config=self.config, home=self.home)
        return self._settings


def state(ctx: typer.Context) -> State:
    return ctx.find_root().ensure_object(State)


def settings(ctx: typer.Context) -> Settings:
    return state(ctx).settings


@contextmanager
def open_store(ctx: typer.Context) -> Iterator[GraphStore]:
    """The store of this command, closed at the end. A full disk met on the way (the graph's
    snapshot, a cache, an output file) is one plain `DiskFullError` naming where."""
    from kg.graph.store import open_store as open_graph_store

    store = open_graph_store(settings(ctx))
    try:
        yield store
    except BaseException as failed:
        closed = _close_after(store, failed)
        if _no_space(failed):
            raise _disk_full(ctx, failed, saved=closed) from failed
        raise
    store.close()


def _close_after(store: GraphStore, failed: BaseException) -> bool:
    """Close the store of a command that failed. When closing fails too (its writes could
    not be saved: a full disk), the user hears of both; when both are a full disk, the
    store's error replaces the first, as it says what was saved. Whether it closed cleanly."""
    from kg.errors import MedcoreError
    from kg.graph.stores.snapshots import SnapshotError

    try:
        store.close()
    except MedcoreError as closing:
        if isinstance(closing, SnapshotError) and (isinstance(failed, SnapshotError) or _no_space(failed)):
            raise closing from None
        print(f"{type(closing).__name__}: {closing}", file=sys.stderr, flush=True)
        return False
    return True


def _no_space(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def _disk_full(ctx: typer.Context, error: BaseException, *, saved: bool) -> Exception:
    """`saved`: the store closed cleanly, so what this command wrote to the graph is saved."""
    from kg.graph.stores.snapshots import DiskFullError

    filename = getattr(error, "filename", None)
    where = Path(os.fsdecode(filename)).parent if filename else settings(ctx).home
    graph = "the graph's writes so far are saved" if saved else "the graph could not be closed cleanly"
    return DiskFullError(f"disk full at {where}; free space and re-run ({graph})")


def usage_error(message: str, option: str | None = None) -> typer.BadParameter:
    """An argument error: exit 2 with the command's usage line and `message`."""
    return typer.BadParameter(message, param_hint=option)


def checked(check: Callable[[str], str], value: str | None) -> str | None:
    """`check(value)` for an option callback: the library's `ConfigError` (an unknown
    language code, say) becomes a usage error of that option."""
    from kg.errors import ConfigError

    try:
        return None if value is None else check(value)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from None


# -- output ------------------------------------------------------------------------------


def emit_json(value: Any) -> None:
    """One JSON document on stdout (indented: it is also read by people)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_jsonl(value: Any, handle: IO[str] | None = None) -> None:
    """One JSON object on one line of `handle` (stdout by default), flushed: a reader of a
    stream sees each record as soon as it is done."""
    out = handle or sys.stdout
    out.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
    out.flush()


def console() -> Console:
    """Rich output on stdout (tables, summaries)."""
    from rich.console import Console

    return Console(soft_wrap=True)


# -- progress, on stderr -------------------------------------------------------------------


def show_progress(quiet: bool) -> bool:
    """Progress is drawn on stderr when it is a terminal and `-q` was not given."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def status(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A one-line status on stderr (a spinner and what is being done); yields the function
    that updates it."""
    if not show_progress(quiet):
        yield lambda message: None
        return
    from rich.console import Console

    with Console(stderr=True).status("") as line:
        yield lambda message: line.update(message)


@contextmanager
def bar(total: int | None, label: str, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields the function that advances it."""
    if not show_progress(quiet):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


# -- interruption --------------------------------------------------------------------------


@contextmanager
def resumable(ctx: typer.Context, progress: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C inside: say what was completed (`progress()`) and that running the same
    command again completes the work, then exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        print(
            f"Interrupted: {progress()}. What was written stays; run the same command again to complete it.",
            file=sys.stderr,
            flush=True,
        )
        state(ctx).interrupt_reported = True
        raise typer.Exit(130) from None
