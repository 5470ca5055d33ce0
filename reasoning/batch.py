"""Many questions at once: bounded concurrency, a progress bar, failures recorded, every
finished item written out at once, and a rerun that completes an interrupted batch.

The output is JSONL, one line per item (`reasoning.results.export_line`): an item is known
by its id (by its run key when it has none), and its line is its latest outcome. An item is
finished when that line has no error and the same run key: the same question under the
same model, prompts and settings. A rerun skips finished items and runs the others again
(failed ones, and those whose line was made under other settings). Outcomes are appended as
they come, so a crash loses nothing finished; the file is then rewritten, atomically, to
one line per item, at the end of a batch and at the start of the next one after a crash.
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
Identity = tuple[str, Any]  # ("id", item id), or ("run", run key) for an item without an id


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
    if out:
        _check_unique(keys)  # one line per item: two items must not share one
    done = _resume(out, keys) if out else set()
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
        if out and todo:
            _compact(out)  # a retried item's new line replaces its old one
    return [r for r in results if r is not None]


def read_items(path: Path, defaults: dict[str, Any] | None = None) -> list[Item]:
    """Every item of a JSONL file, checked before anything runs: a field a line lacks is
    taken from `defaults` (the command line's --lang, --task, --region).

    Raises:
        IngestError: a malformed line, or an item that cannot run (names file, line and field).
    """
    from ingest.progress import read_lines

    items = []
    ids: dict[str, int] = {}  # id -> its line: the output holds one line per id
    with read_lines(path) as lines:
        for number, raw in lines:
            if raw.strip():
                try:
                    item = _item(raw, defaults or {})
                except ValueError as exc:  # pydantic's, JSON's and UTF-8's errors are ValueErrors
                    raise IngestError(_problem(exc, raw), path=str(path), line=number) from None
                if item.id is not None and ids.setdefault(item.id, number) != number:
                    raise IngestError(
                        f"id: {item.id!r:.80} is also the id of line {ids[item.id]}; give each item its own id",
                        path=str(path),
                        line=number,
                    )
                items.append(item)
    return items


def _item(raw: bytes, defaults: dict[str, Any]) -> Item:
    from ingest.jsonl import parse_json

    record = parse_json(raw.decode("utf-8"))
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
    """(id, run key) of every item whose latest line in `out` has no error."""
    return {_key(record) for record in _latest(_read(out)[0]).values() if not record.get("error")}


def _key(record: dict[str, Any]) -> Key:
    return (record.get("id"), str(record.get("run_key")))


def _identity(key: Key) -> Identity:
    item_id, run_key = key
    return ("run", run_key) if item_id is None else ("id", item_id)


def _check_unique(keys: list[Key]) -> None:
    seen: dict[Identity, int] = {}
    for position, key in enumerate(keys, start=1):
        identity = _identity(key)
        if identity in seen:
            what = f"the id {key[0]!r:.80}" if key[0] is not None else "the same question and no id"
            raise IngestError(
                f"items {seen[identity]} and {position} have {what}; the output holds one line per item, "
                "so give each item its own id"
            )
        seen[identity] = position


def _latest(records: list[dict[str, Any]]) -> dict[Identity, dict[str, Any]]:
    """Each item's last line, in the order of those lines."""
    latest: dict[Identity, dict[str, Any]] = {}
    for record in records:
        identity = _identity(_key(record))
        latest.pop(identity, None)  # re-inserted: the dict's order is that of the last lines
        latest[identity] = record
    return latest


def _read(out: Path) -> tuple[list[dict[str, Any]], bool]:
    """The records of an output file, and whether its end was cut off by a crash (a last
    line without its newline, which the rerun writes again). A malformed line elsewhere is
    an error: nothing of the file is lost."""
    from ingest.jsonl import parse_json

    if not out.exists():
        return [], False
    try:
        text = out.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 ({exc.reason}); is this a results file?", path=str(out)) from None
    lines = text.splitlines()
    cut = bool(text) and not text.endswith("\n")
    if cut:
        lines.pop()
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            record = parse_json(line)
        except ValueError as exc:
            problem = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise IngestError(f"not a results line ({problem}); fix or remove it", path=str(out), line=number) from None
        if not isinstance(record, dict):
            raise IngestError("not a results line (not a JSON object); fix or remove it", path=str(out), line=number)
        records.append(record)
    return records, cut


def _resume(out: Path, keys: list[Key]) -> set[Key]:
    """The keys among `keys` that `out` holds finished, after compacting it."""
    latest = _compact(out)
    return {key for key in keys if (line := latest.get(_identity(key))) and not line.get("error") and _key(line) == key}


def _compact(out: Path) -> dict[Identity, dict[str, Any]]:
    """Rewrite `out` to its items' latest lines, when it holds more (an old line of an
    item run again) or a last line cut off by a crash; returns those lines."""
    records, cut = _read(out)
    latest = _latest(records)
    if cut or len(latest) != len(records):
        _rewrite(out, list(latest.values()))
    return latest


def _rewrite(out: Path, records: list[dict[str, Any]]) -> None:
    """Replace `out` at once: a reader, or a crash, sees the old file or the new one whole."""
    mode = out.stat().st_mode & 0o777 if out.exists() else None
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as rewritten:
            rewritten.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
            rewritten.flush()
            os.fsync(rewritten.fileno())
        if mode is not None:
            os.chmod(temp, mode)  # mkstemp makes it 0600; the results file keeps its own mode
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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
