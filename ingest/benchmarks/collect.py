"""What every benchmark reader shares: the rows it keeps, the rows it skips, and the errors.

A reader turns each row into an item inside `Collector.row(...)`. A problem with the row is
an `IngestError` naming the file, the row and the field; the collector raises it, or, when
the load was asked to skip bad rows, counts it and lets the reader go on to the next row.
Problems with a whole file (a missing column, an unreadable file) are raised by the reader
outside `row(...)`: skipping cannot help there, every row would fail the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest.benchmarks.items import BenchmarkItem, SkippedRow
from ingest.jsonl import describe_validation_error
from kg.errors import IngestError

__all__ = ["Collector", "row_error"]


def row_error(message: str, path: Path, line: int | None) -> IngestError:
    """The error for a problem at `line` of `path` (`line` None: the file as a whole)."""
    return IngestError(message, path=str(path), line=line)


class Collector:
    """The items of one load, in file order, with the rows skipped instead of raised.

    Args:
        dataset: the dataset name every item gets.
        langs: the ISO 639-1 codes to keep (None: all).
        skip_bad: count a bad row in `skipped` and go on, instead of raising.
    """

    def __init__(self, dataset: str, *, langs: frozenset[str] | None, skip_bad: bool) -> None:
        self.dataset = dataset
        self.langs = langs
        self.skip_bad = skip_bad
        self.items: list[BenchmarkItem] = []
        self.skipped: list[SkippedRow] = []
        # (lang, id) -> where it was first seen: the evaluation runner resumes by id within a
        # dataset and language, so a repeated id would silently stand for two questions.
        self._seen: dict[tuple[str, str], str] = {}

    def wants(self, lang: str) -> bool:
        """Whether items in `lang` (an ISO 639-1 code) are kept."""
        return self.langs is None or lang in self.langs

    @contextmanager
    def row(self, path: Path, line: int) -> Iterator[None]:
        """Run the reading of one row: its `IngestError` is raised, or counted when skipping.

        Raises:
            IngestError: the row is malformed and the load does not skip bad rows.
        """
        try:
            yield
        except IngestError as exc:
            if not self.skip_bad:
                raise
            where = f"{exc.path}:{exc.line}: " if exc.path and exc.line else f"{exc.path}: " if exc.path else ""
            self.skipped.append(SkippedRow(source=f"{path.name}:{line}", reason=str(exc).removeprefix(where)))

    def add(self, path: Path, line: int, **fields: Any) -> None:
        """Keep the item made of `fields` (all of BenchmarkItem's but dataset and source).

        Items outside the wanted languages are dropped here, so readers need not check.

        Raises:
            IngestError: the fields do not make a valid item, or its id repeats one already
                kept in the same language (names the field and the earlier row).
        """
        source = f"{path.name}:{line}"
        try:
            item = BenchmarkItem(dataset=self.dataset, source=source, **fields)
        except ValidationError as exc:
            raise row_error(describe_validation_error(exc), path, line) from None
        if not self.wants(item.lang):
            return
        first = self._seen.setdefault((item.lang, item.id), source)
        if first != source:
            raise row_error(f"id: {item.id!r} repeats the id of {first} ({item.lang})", path, line)
        self.items.append(item)
