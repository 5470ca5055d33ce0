"""Rows of the file formats benchmarks are released in: CSV, XLSX, Parquet and JSONL.

Every reader yields `Row`s numbered as a person looking at the file would count them: the
line a CSV record starts on (header = line 1), the spreadsheet row of an XLSX sheet, the line
of a JSONL file, the record (from 1) of a Parquet file. A row the reader could not read whole
(bad JSON, more cells than the header) still comes out, with its `problem`, so that a load
skipping bad rows can count it and go on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.benchmarks.collect import row_error
from ingest.jsonl import json_problem, parse_json
from ingest.progress import bounded_lines

__all__ = ["TABLE_SUFFIXES", "Row", "Table", "first_record", "open_table"]

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet", ".jsonl")


@dataclass(frozen=True)
class Row:
    """One row of a table: its number, its cells by column name, what made it unreadable."""

    path: Path
    line: int
    values: Mapping[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def check(self) -> None:
        """Raises IngestError when the reader could not read this row whole."""
        if self.problem:
            raise row_error(self.problem, self.path, self.line)

    def text(self, column: str) -> str:
        """The cell of `column` as stripped text.

        Raises:
            IngestError: the cell is missing or empty (names the column).
        """
        value = self.values.get(column)
        if column not in self.values:
            raise row_error(f"{column}: missing", self.path, self.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise row_error(f"{column}: empty", self.path, self.line)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise row_error(f"{column}: expected text, got {value!r:.60}", self.path, self.line)
        return str(value).strip()

    def choice(self, column: str, options: Mapping[str, str]) -> str:
        """The option letter in `column` (case aside), checked to be one of `options`.

        Raises:
            IngestError: the cell is empty or names no option (names the column).
        """
        letter = self.text(column).upper()
        if letter not in options:
            choices = ", ".join(options) or "none"
            problem = f"{column}: {letter!r} is not one of the options ({choices})"
            raise row_error(problem, self.path, self.line)
        return letter

    def optional(self, column: str) -> str | None:
        """The cell of `column` as stripped text, None when missing or blank."""
        value = self.values.get(column)
        if value is None or isinstance(value, dict | list):
            return None
        return str(value).strip() or None


@dataclass
class Table:
    """A file's column names (None for JSONL, where each record has its own) and rows."""

    path: Path
    columns: list[str] | None
    rows: Iterator[Row]

    def require(self, *needed: str) -> None:
        """Raises IngestError naming the first column of `needed` the table lacks."""
        if self.columns is None:
            return
        for column in needed:
            if column not in self.columns:
                header = 1 if self.path.suffix.lower() in {".csv", ".xlsx"} else None
                present = ", ".join(self.columns) or "none"
                raise row_error(f"{column}: missing column (the columns are: {present})", self.path, header)


def open_table(path: Path) -> Table:
    """The table in `path`, read by its suffix (.csv, .xlsx, .parquet, .jsonl).

    Raises:
        IngestError: the file cannot be opened or read, or its suffix is none of these.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path)
    if suffix == ".xlsx":
        return _xlsx(path)
    if suffix == ".parquet":
        return _parquet(path)
    if suffix == ".jsonl":
        return Table(path, None, _jsonl(path))
    raise row_error(f"not a table: expected one of {', '.join(TABLE_SUFFIXES)}", path, None)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: spreadsheet exports often start with a BOM
    except OSError as exc:
        raise row_error(f"cannot open: {exc.strerror}", path, None) from None
    except UnicodeDecodeError as exc:
        raise row_error(f"not UTF-8: {exc.reason}", path, None) from None


def _csv(path: Path) -> Table:
    reader = csv.reader(io.StringIO(_text(path), newline=""))  # newline="": line breaks in quotes stay
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        raise row_error(f"not valid CSV: {exc}", path, 1) from None

    def rows() -> Iterator[Row]:
        while True:
            line = reader.line_num + 1  # a quoted cell may span lines: the record starts here
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise row_error(f"not valid CSV: {exc}", path, line) from None
            if not any(cell.strip() for cell in cells):
                continue
            problem = f"{len(cells)} cells but the header has {len(header)}" if len(cells) > len(header) else None
            cells += [""] * (len(header) - len(cells))  # a short record: its last cells are empty
            yield Row(path, line, dict(zip(header, cells, strict=False)), problem)

    return Table(path, header, rows())


def _xlsx(path: Path) -> Table:
    try:
        import openpyxl  # only benchmark files need it
    except ImportError:
        raise row_error("reading .xlsx needs openpyxl: pip install openpyxl", path, None) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors alike
        raise row_error(f"not a readable .xlsx workbook: {exc}", path, None) from None
    try:  # read whole and closed at once: a read-only workbook holds its file open until closed
        cells_by_row = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header = [str(cell).strip() if cell is not None else "" for cell in (cells_by_row or [()])[0]]

    def rows() -> Iterator[Row]:
        for number, cells in enumerate(cells_by_row[1:], start=2):
            if all(cell is None or not str(cell).strip() for cell in cells):
                continue  # sheets often end in blank formatted rows
            cells = (*cells, *([None] * (len(header) - len(cells))))  # a row may stop at its last value
            yield Row(path, number, {name: cell for name, cell in zip(header, cells, strict=False) if name})

    return Table(path, header, rows())


def _parquet(path: Path) -> Table:
    try:
        import pyarrow.parquet as pq  # an optional dependency: only Parquet benchmarks need it
    except ImportError:
        raise row_error("reading Parquet needs pyarrow: pip install 'med-coreasoner[parquet]'", path, None) from None
    try:
        table = pq.read_table(path)  # a benchmark's language file is a few MB at most
    except Exception as exc:  # pyarrow's errors (ArrowInvalid, OSError) have no common base
        raise row_error(f"not a readable Parquet file: {exc}", path, None) from None

    def rows() -> Iterator[Row]:
        number = 0
        for batch in table.to_batches(max_chunksize=2048):  # Python objects for a batch at a time
            for values in batch.to_pylist():
                number += 1
                yield Row(path, number, values)

    return Table(path, list(table.column_names), rows())


def _jsonl(path: Path) -> Iterator[Row]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise row_error(f"cannot open: {exc.strerror}", path, None) from None
    with handle:
        for number, raw in bounded_lines(handle, path):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Row(path, number, problem=f"not UTF-8: {exc.reason}")
                continue
            if not line.strip():
                continue
            try:
                record = parse_json(line)  # at most MAX_JSON_DEPTH deep: json.loads recurses per level
            except ValueError:  # JSONDecodeError is one
                yield Row(path, number, problem=json_problem(line))
                continue
            if not isinstance(record, dict):
                yield Row(path, number, problem=f"expected a JSON object, got {type(record).__name__}")
                continue
            yield Row(path, number, record)


def first_record(path: Path) -> Mapping[str, Any] | None:
    """The first readable record of a JSONL file (None if it has none): its keys tell layouts apart."""
    for row in _jsonl(path):
        if row.problem is None:
            return row.values
    return None
