"""MultiMed-X: BioNLI (two-way NLI) and LiveQA (long-form QA) in each language, with English.

Layouts read, from a directory (at any depth) or one file:
- `bionli_<code>_<n>.xlsx`: columns `EN`, `<code>`, `gold_label` (entailment | contradiction);
  each cell "Premise: ... Hypothesis: ..." with its language's markers.
- `liveqa_<code>_<n>.xlsx`: columns `EN`, `<code>`; each cell "Question: ... Answer: ...";
  the answer is the reference answer (gold, and english_gold from EN).
- `<name>_<code>_<...>.jsonl`: records {"en": cell, "<code>": cell} (LiveQA cells; BioNLI
  cells with "gold_label" when the name starts with bionli).
- the dataset card's table (CSV, JSONL or XLSX): columns `id`, `lang`, `task` (nli | qa),
  `source`, `text`, `label`; see `_card`.
The file code `jp` is Japanese (`ja`). Ids are "<file name>:<row>", or the card's `id`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ingest.benchmarks.collect import Collector, row_error
from ingest.benchmarks.multimedx_cells import CellError, Parts, nli_text, split_nli, split_qa
from ingest.benchmarks.paths import code_of, files_under
from ingest.benchmarks.tables import Row, Table, first_record, open_table
from kg.errors import ConfigError, IngestError
from kg.languages import check_language

__all__ = ["NLI_LABELS", "read_multimedx"]

NLI_LABELS = ["entailment", "contradiction"]
_RELEASE = re.compile(r"(?P<task>bionli|liveqa)_(?P<code>[a-z]{2})_[^.]+\.xlsx", re.IGNORECASE)
_RECORDS = re.compile(r"(?P<task>.+?)_(?P<code>[a-z]{2})_[^.]+\.jsonl", re.IGNORECASE)
_CARD = ("id", "lang", "task", "text", "label")  # and `source`, which says nothing an item needs
_LAYOUTS = (
    "bionli_<lang>_<n>.xlsx, liveqa_<lang>_<n>.xlsx, <name>_<lang>_<n>.jsonl, "
    "or a table with columns id, lang, task, source, text, label"
)


def read_multimedx(path: Path, collector: Collector) -> None:
    """Collect the MultiMed-X items of `path`, file by file in path order, rows in file order.

    Raises:
        IngestError: a file is none of the layouts, lacks a column, or (unless skipping bad
            rows) has a malformed row; names the file, the row and the column.
    """
    for file in files_under(path, (".xlsx", ".csv", ".jsonl"), what="MultiMed-X"):
        _read_file(file, collector)


def _read_file(file: Path, collector: Collector) -> None:
    release = _RELEASE.fullmatch(file.name)
    if release:
        _release_file(file, release["task"].lower(), release["code"], collector)
        return
    table = open_table(file)
    columns = set(table.columns) if table.columns is not None else set(first_record(file) or {})
    if {"lang", "task", "text"} <= columns:
        _card(table, collector)
        return
    records = _RECORDS.fullmatch(file.name)
    if records is None:
        raise row_error(f"not a MultiMed-X file: expected {_LAYOUTS}", file, None)
    task = "bionli" if records["task"].lower().startswith("bionli") else "liveqa"
    _release_file(file, task, records["code"], collector)


def _release_file(file: Path, task: str, code: str, collector: Collector) -> None:
    lang = code_of(code)
    if lang is None:
        raise row_error(f"{code!r} in the file name is not an ISO 639-1 language code", file, None)
    if collector.wants(lang):  # other languages' files are never opened
        _release(open_table(file), task == "bionli", code, lang, collector)


def _column(columns: Iterable[str], *names: str) -> str | None:
    """The column spelled like one of `names`, case aside."""
    wanted = {name.lower() for name in names}
    return next((column for column in columns if column.lower() in wanted), None)


def _cell(row: Row, column: str, *, nli: bool, lang: str) -> Parts:
    try:
        return (split_nli if nli else split_qa)(row.text(column), lang)
    except CellError as exc:
        raise row_error(f"{column}: {exc}", row.path, row.line) from None


def _gold_label(row: Row, column: str) -> str:
    label = row.text(column).lower()
    if label not in NLI_LABELS:
        raise row_error(f"{column}: {label!r} is not one of {', '.join(NLI_LABELS)}", row.path, row.line)
    return label


def _release(table: Table, nli: bool, code: str, lang: str, collector: Collector) -> None:
    """A release file: one item per row, from the local column, with the EN column's parallel."""
    names = {"local": (code, lang), "english": ("EN",), "gold": ("gold_label",)}
    if table.columns is not None:  # a sheet: its header names the columns once
        for part in ("local", "english", "gold") if nli else ("local", "english"):
            if _column(table.columns, *names[part]) is None:
                table.require(names[part][0])
    for row in table.rows:
        with collector.row(table.path, row.line):
            row.check()
            columns = table.columns if table.columns is not None else list(row.values)
            local, english, gold = (_column(columns, *names[p]) or names[p][0] for p in ("local", "english", "gold"))
            parts = _cell(row, local, nli=nli, lang=lang)
            # An empty EN cell leaves the item without its parallel; a malformed one is an error.
            en = _cell(row, english, nli=nli, lang="en") if row.optional(english) else None
            identity = row.optional("id") if table.columns is None else None
            collector.add(
                table.path,
                row.line,
                id=identity or f"{table.path.name}:{row.line}",
                lang=lang,
                task="nli" if nli else "qa",
                question=nli_text(parts) if nli else parts.first,
                labels=NLI_LABELS if nli else None,
                gold=_gold_label(row, gold) if nli else parts.second,
                english=(nli_text(en) if nli else en.first) if en else None,
                english_gold=en.second if en and not nli else None,
            )


def _card_content(row: Row, lang: str) -> tuple[str, str, str | None]:
    """(task, question, gold) of a card row. NLI: the text is a BioNLI cell and the label
    the gold label. QA: the text is a LiveQA cell, or the bare question when it does not
    start with a question marker; the gold is the label, else the cell's answer."""
    task = row.text("task").lower()
    if task == "nli":
        return task, nli_text(_cell(row, "text", nli=True, lang=lang)), _gold_label(row, "label")
    if task != "qa":
        raise row_error(f"task: expected nli or qa, got {task!r}", row.path, row.line)
    text = row.text("text")
    try:
        parts: Parts | None = split_qa(text, lang)
    except CellError as exc:
        if not exc.unmarked:
            raise row_error(f"text: {exc}", row.path, row.line) from None
        parts = None
    question = parts.first if parts else text
    return task, question, row.optional("label") or (parts.second if parts else None)


def _card(table: Table, collector: Collector) -> None:
    """The dataset card's table: one item per row in its language. A row in English whose
    id is another row's id gives that row its English parallel."""
    table.require(*_CARD)
    rows = list(table.rows)
    english: dict[str, tuple[str, str | None]] = {}
    for row in rows:
        if row.problem is None and (row.optional("lang") or "").lower() == "en" and row.optional("id"):
            try:
                _, question, gold = _card_content(row, "en")
            except IngestError:  # reported with its own row, when English is loaded
                continue
            english[row.text("id")] = (question, gold)
    for row in rows:
        with collector.row(table.path, row.line):
            row.check()
            try:
                lang = check_language(row.text("lang"))
            except ConfigError as exc:
                raise row_error(f"lang: {exc}", row.path, row.line) from None
            if not collector.wants(lang):
                continue
            task, question, gold = _card_content(row, lang)
            identity = row.text("id")
            parallel = english.get(identity) if lang != "en" else None
            collector.add(
                table.path,
                row.line,
                id=identity,
                lang=lang,
                task=task,
                question=question,
                labels=NLI_LABELS if task == "nli" else None,
                gold=gold,
                english=parallel[0] if parallel else None,
                english_gold=parallel[1] if parallel and task == "qa" else None,
            )
