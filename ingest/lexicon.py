"""Load plain lexicons: terms for concepts already in the graph, from CSV or JSONL.

CSV: a header naming `cui`, `lang`, `text` and optionally `source` and `status`, then one
term a row. JSONL: one {"cui", "lang", "text", "source"?, "status"?} a line. A term
without a source gets the file's name. Curated terms are written as given; learned ones
never overwrite a term that is already there.

Every concept must already exist: the first row naming an unknown CUI stops the load
with its file and line, after every row before it was written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.jsonl import describe_validation_error, json_problem
from ingest.progress import read_lines
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph import statements as st
from kg.graph.model import Term
from kg.graph.model.base import Lang, NonEmpty
from kg.graph.model.vocabulary import ConceptId, TermText
from kg.graph.store import GraphStore

__all__ = ["LexiconRecord", "load_lexicon"]

_COLUMNS = ("cui", "lang", "text", "source", "status")
_REQUIRED = ("cui", "lang", "text")


class LexiconRecord(BaseModel):
    """One term of a lexicon file."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    cui: ConceptId
    lang: Lang
    text: TermText
    source: NonEmpty | None = None
    status: Literal["curated", "learned"] = "curated"


@dataclass(frozen=True)
class _Row:
    line: int
    term: Term


def load_lexicon(store: GraphStore, path: Path, *, show_progress: bool = False) -> LoadSummary:
    """Load the terms of a .csv or .jsonl lexicon onto existing concepts.

    Args:
        store: the graph to write to; every CUI of the file must already be in it.
        path: a .csv (header cui,lang,text[,source][,status]) or .jsonl file.
        show_progress: draw a progress bar on stderr.

    Returns:
        Counts per kind: terms (curated), learned_terms, concept_links (DENOTES written).

    Raises:
        IngestError: an unknown file type, a malformed row or an unknown CUI (names file,
            line and field). Every row before it is written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise IngestError(f"a lexicon is a .csv or .jsonl file, got {suffix or 'no extension'!r}", path=str(path))
    records = _csv_records(path, show_progress) if suffix == ".csv" else _jsonl_records(path, show_progress)
    summary = LoadSummary()
    default_source = f"lexicon {path.name}"
    pending: list[_Row] = []
    try:
        for line, record in records:
            pending.append(_Row(line, _term(record, default_source)))
            if len(pending) >= store.batch_size:
                batch, pending = pending, []
                _write(store, path, batch, summary)
    except IngestError:
        _write(store, path, pending, summary)  # rows before the bad one; an unknown CUI among them wins
        raise
    _write(store, path, pending, summary)
    return summary


def _term(record: LexiconRecord, default_source: str) -> Term:
    return Term(
        text=record.text, lang=record.lang, cui=record.cui, source=record.source or default_source, status=record.status
    )


# -- reading ---------------------------------------------------------------------------


def _validated(values: dict[str, Any], path: Path, line: int) -> LexiconRecord:
    try:
        return LexiconRecord.model_validate(values)
    except ValidationError as exc:
        raise IngestError(describe_validation_error(exc), path=str(path), line=line) from None


def _jsonl_records(path: Path, show: bool) -> Iterator[tuple[int, LexiconRecord]]:
    with read_lines(path, show=show) as lines:
        for number, raw in lines:
            text = _decode(raw, path, number)
            if not text.strip():
                continue
            try:
                yield number, LexiconRecord.model_validate_json(text)
            except ValidationError as exc:
                if any(err["type"] == "json_invalid" for err in exc.errors()):
                    raise IngestError(json_problem(text), path=str(path), line=number) from None
                raise IngestError(describe_validation_error(exc), path=str(path), line=number) from None


class _Lines:
    """Decoded lines for the csv module, remembering the number of the last one read
    (a quoted field may span lines, so csv reads as many as a record needs)."""

    def __init__(self, lines: Iterator[tuple[int, bytes]], path: Path) -> None:
        self._lines = lines
        self._path = path
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        self.number, raw = next(self._lines)
        text = _decode(raw, self._path, self.number)
        return text.removeprefix("\ufeff") if self.number == 1 else text  # a BOM from spreadsheet exports


def _csv_records(path: Path, show: bool) -> Iterator[tuple[int, LexiconRecord]]:
    with read_lines(path, show=show) as lines:
        feed = _Lines(lines, path)
        reader = csv.reader(feed, strict=True)
        header = _header(reader, feed, path)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise IngestError(f"not valid CSV: {exc}", path=str(path), line=feed.number) from None
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise IngestError(
                    f"expected {len(header)} fields ({','.join(header)}), found {len(row)}",
                    path=str(path),
                    line=feed.number,
                )
            # An empty optional cell means "not given", not an empty source or status.
            values = {name: cell for name, cell in zip(header, row, strict=True) if cell.strip() or name in _REQUIRED}
            yield feed.number, _validated(values, path, feed.number)


def _header(reader: Iterator[list[str]], feed: _Lines, path: Path) -> list[str]:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise IngestError("empty file: expected a header cui,lang,text[,source][,status]", path=str(path)) from None
    except csv.Error as exc:
        raise IngestError(f"not valid CSV: {exc}", path=str(path), line=feed.number) from None
    missing = [name for name in _REQUIRED if name not in header]
    unknown = [name for name in header if name not in _COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise IngestError(
            f"header must name cui,lang,text and optionally source,status once each; got {','.join(header)!r}",
            path=str(path),
            line=feed.number,
        )
    return header


def _decode(raw: bytes, path: Path, number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8: {exc.reason}", path=str(path), line=number) from None


# -- writing ---------------------------------------------------------------------------


def _write(store: GraphStore, path: Path, batch: list[_Row], summary: LoadSummary) -> None:
    """Write the rows before the first unknown CUI, then report that CUI (if any)."""
    if not batch:
        return
    cuis = sorted({row.term.cui for row in batch})
    unknown = {found["key"] for found in store.execute(st.missing_nodes("Concept"), keys=cuis)}
    bad = next((index for index, row in enumerate(batch) if row.term.cui in unknown), None)
    good = batch if bad is None else batch[:bad]
    _write_terms(store, [row.term for row in good if row.term.status == "curated"], summary)
    _write_learned(store, [row.term for row in good if row.term.status == "learned"], summary)
    if bad is not None:
        raise IngestError(
            f"cui: concept {batch[bad].term.cui} is not in the graph; load its concept first "
            "(a lexicon only adds terms to existing concepts)",
            path=str(path),
            line=batch[bad].line,
        )


def _write_terms(store: GraphStore, terms: list[Term], summary: LoadSummary) -> None:
    if terms:
        summary.add("terms", store.upsert_nodes(terms))
        summary.add("concept_links", store.upsert_relationships(t.denotes() for t in terms))


def _write_learned(store: GraphStore, terms: list[Term], summary: LoadSummary) -> None:
    # One statement creates the term only if its key is new, and links it.
    if terms:
        unique = {term.key: term for term in terms}.values()  # a repeated row counts once
        rows = [{"key": term.key, "cui": term.cui, "props": term.properties()} for term in unique]
        written = store.execute(st.ADD_LEARNED_TERMS, rows=rows)
        summary.add("learned_terms", len(rows))
        summary.add("concept_links", written[0]["written"] if written else 0)
