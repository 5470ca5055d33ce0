"""Many questions at once: bounded concurrency, a progress bar, failures recorded, every
finished item written out at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.errors import MedcoreError
from reasoning.results import CoReasonResult, Item

if TYPE_CHECKING:
    from reasoning.pipeline import CoReasoner, FailedItem

__all__ = ["run_batch"]


async def run_batch(
    reasoner: CoReasoner, items: Sequence[Item], *, concurrency: int, out: Path | None, progress: bool
) -> list[CoReasonResult | FailedItem]:
    from reasoning.pipeline import FailedItem, export_line

    slots = asyncio.Semaphore(concurrency)
    results: list[CoReasonResult | FailedItem | None] = [None] * len(items)
    handle = out.open("a", encoding="utf-8") if out else None
    bar = Progress(TextColumn("co-reasoning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), disable=not progress)  # fmt: skip
    task = bar.add_task("items", total=len(items))

    async def one(index: int, item: Item) -> None:
        async with slots:
            try:
                result: CoReasonResult | FailedItem = await reasoner.arun_item(item)
            except MedcoreError as exc:  # this item fails; the batch goes on
                result = FailedItem(**item.model_dump(), error=f"{type(exc).__name__}: {exc}")
        results[index] = result
        if handle:
            handle.write(export_line(result) + "\n")
            handle.flush()
        bar.advance(task)

    try:
        with bar:
            await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
    finally:
        if handle:
            handle.close()
    return [r for r in results if r is not None]
