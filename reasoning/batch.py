"""Many questions at once: bounded concurrency, a progress bar, failures recorded, every
finished item written out at once, and a rerun that completes an interrupted batch.

The output is JSONL, one line per item (`reasoning.results.export_line`). An item is
finished when the output holds a line of it without an error, with the same id and run key:
the same question under the same model, prompts and settings. A rerun skips finished items
and retries failed ones, whose old lines it drops.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kg.errors import IngestError, MedcoreError
from reasoning.results import CoReasonResult, FailedItem, Item, export_line

if TYPE_CHECKING:
    from reasoning.pipeline import CoReasoner

__all__ = ["finished_keys", "progress_bar", "read_items", "run_batch"]

Key = tuple[Any, str]  # (item id, run key)


Outcome = CoReasonResult | FailedItem


async def run_batch(
    reasoner: CoReasoner,
    items: Sequence[Item],
    *,
    concurrency: int,
    out: Path | None,
    progress: bool,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """The outcome of every item not yet finished in `out`, in the order of `items`;
    `on_outcome` hears of each as it finishes."""
    keys = [(item.id, reasoner.run_key(item)) for item in items]
    done = _resume(out, set(keys)) if out else set()
    todo = [(item, key) for item, key in zip(items, keys, strict=True) if key not in done]
    slots = asyncio.Semaphore(concurrency)
    results: list[CoReasonResult | FailedItem | None] = [None] * len(todo)
    handle = out.open("a", encoding="utf-8") if out else None

    async def one(index: int, item: Item, run_key: str, advance: Callable[[], None]) -> None:
        async with slots:
            try:
                result: CoReasonResult | FailedItem = await reasoner.arun_item(item)
            except MedcoreError as exc:  # this item fails; the batch goes on
                result = FailedItem(**item.model_dump(), error=f"{type(exc).__name__}: {exc}", run_key=run_key)
        results[index] = result
        if handle:
            handle.write(export_line(result) + "\n")
            handle.flush()
        if on_outcome:
            on_outcome(result)
        advance()

    try:
        with progress_bar(len(todo), progress) as advance:
            await asyncio.gather(*(one(i, item, key[1], advance) for i, (item, key) in enumerate(todo)))
    finally:
        if handle:
            handle.close()
    return [r for r in results if r is not None]


def read_items(path: Path, defaults: dict[str, Any] | None = None) -> list[Item]:
    """Every item of a JSONL file, checked before anything runs: a field a line lacks is
    taken from `defaults` (the command line's --lang, --task, --region).

    Raises:
        IngestError: a malformed line, or an item that cannot run (names file, line and field).
    """
    from ingest.progress import read_lines

    items = []
    with read_lines(path) as lines:
        for number, raw in lines:
            if raw.strip():
                try:
                    items.append(_item(raw, defaults or {}))
                except ValueError as exc:  # pydantic's, JSON's and UTF-8's errors are ValueErrors
                    raise IngestError(_problem(exc, raw), path=str(path), line=number) from None
    return items


def _item(raw: bytes, defaults: dict[str, Any]) -> Item:
    record = json.loads(raw.decode("utf-8"))
    if not isinstance(record, dict):
        raise ValueError('not a JSON object; give one item per line: {"question": ..., "lang": ...}')
    return Item.model_validate(defaults | record)


def _problem(exc: ValueError, raw: bytes) -> str:
    from ingest.jsonl import describe_validation_error, json_problem

    if isinstance(exc, ValidationError):
        return describe_validation_error(exc)
    if isinstance(exc, json.JSONDecodeError):
        return json_problem(raw.decode("utf-8"))
    return str(exc)


def finished_keys(out: Path) -> set[Key]:
    """(id, run key) of every item `out` holds without an error."""
    return {_key(record) for record in _read(out)[0] if not record.get("error")}


def _key(record: dict[str, Any]) -> Key:
    return (record.get("id"), str(record.get("run_key")))


def _read(out: Path) -> tuple[list[dict[str, Any]], bool]:
    """The records of an output file, and whether its end was cut off by a crash (a last
    line without its newline, which the rerun writes again). A malformed line elsewhere is
    an error: nothing of the file is lost."""
    if not out.exists():
        return [], False
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    cut = bool(text) and not text.endswith("\n")
    if cut:
        lines.pop()
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise IngestError(f"not a results line ({exc.msg}); fix or remove it", path=str(out), line=number) from None
    return records, cut


def _resume(out: Path, retried: set[Key]) -> set[Key]:
    """The finished keys of `out`, after dropping its lines of failed items that are to be
    retried and a cut-off last line (an atomic rewrite)."""
    records, cut = _read(out)
    kept = [record for record in records if not (record.get("error") and _key(record) in retried)]
    if cut or len(kept) != len(records):
        _rewrite(out, kept)
    return {_key(record) for record in kept if not record.get("error")}


def _rewrite(out: Path, records: list[dict[str, Any]]) -> None:
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}-")
    with os.fdopen(handle, "w", encoding="utf-8") as rewritten:
        rewritten.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    os.replace(temp, out)


@contextmanager
def progress_bar(total: int, shown: bool, label: str = "co-reasoning") -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when asked for (rich is imported only then); yields the
    function that advances it by one."""
    if not shown:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("items", total=total)
        yield lambda: progress.advance(task)
