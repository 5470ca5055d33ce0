"""Load plain lexicons: terms for concepts already in the graph, from CSV or JSONL.

CSV: a header naming `cui`, `lang`, `text` and optionally `source` and `status`, then one
term a row. JSONL: one {"cui", "lang", "text", "source"?, "status"?} a line. A term
without a source gets the file's name. Curated terms are written as given; learned ones
never overwrite a term that is already there.

Every concept must already exist: the first row naming an unknown CUI stops the load
with its file and line, after every row before it was written. A term given on several
rows of one file is stored as the last of them says (see `load_lexicon`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.jsonl import describe_validation_error, json_problem
from ingest.progress import read_lines
from ingest.storable import check_record
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph import statements as st
from kg.graph.keys import keyed_row
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


def load_lexicon(store: GraphStore, path: Path, *, show_progress: bool = False) -> LoadSummary:
    """Load the terms of a .csv or .jsonl lexicon onto existing concepts.

    The file is read twice: a first pass finds, for each term (cui, lang, text), the last
    row that gives it, and where the load must stop (a malformed row, an unknown CUI); the
    second writes those last rows, up to that stop. So a term given on several rows is
    stored as its last row says, on the first load and on every reload, whatever the batch
    size; the earlier rows are counted as terms_repeated.

    Args:
        store: the graph to write to; every CUI of the file must already be in it.
        path: a .csv (header cui,lang,text[,source][,status]) or .jsonl file.
        show_progress: draw a progress bar on stderr.

    Returns:
        Counts per kind: terms (curated), learned_terms, concept_links (DENOTES written),
        terms_repeated (rows a later row of the file replaces).

    Raises:
        IngestError: an unknown file type, a malformed row, text the store cannot hold or an
            unknown CUI (names file, line and field). Every row before it is written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise IngestError(f"a lexicon is a .csv or .jsonl file, got {suffix or 'no extension'!r}", path=str(path))
    read = _csv_records if suffix == ".csv" else _jsonl_records
    default_source = f"lexicon {path.name}"
    last, stop = _survey(store, path, read(path, show_progress), default_source)
    if stop is not None and stop.line is None:
        raise stop  # the file as a whole is unreadable: nothing to write
    summary = LoadSummary()
    pending: list[Term] = []
    try:
        for line, record in read(path, show_progress):
            if stop is not None and stop.line is not None and line >= stop.line:
                break
            term = _term(record, default_source)
            if last.get(term.key) != line:
                summary.add("terms_repeated", 1)
                continue
            pending.append(term)
            if len(pending) >= store.batch_size:
                _write(store, pending, summary)
                pending = []
    except IngestError as exc:  # the bad row the first pass found (or the file changed since)
        stop = stop or exc
    _write(store, pending, summary)
    if stop is not None:
        raise stop
    return summary


def _term(record: LexiconRecord, default_source: str) -> Term:
    return Term(
        text=record.text, lang=record.lang, cui=record.cui, source=record.source or default_source, status=record.status
    )


def _survey(
    store: GraphStore, path: Path, records: Iterator[tuple[int, LexiconRecord]], default_source: str
) -> tuple[dict[str, int], IngestError | None]:
    """Term key -> the line of its last row, over the rows before the first bad one; and the
    error of that bad row (None if there is none). Holds one key per distinct term."""
    last: dict[str, int] = {}
    pending: list[tuple[int, str, str]] = []  # (line, cui, term key)
    try:
        for line, record in records:
            pending.append((line, record.cui, _term(record, default_source).key))
            if len(pending) >= store.batch_size:
                batch, pending = pending, []
                _check_cuis(store, path, batch, last)
        _check_cuis(store, path, pending, last)
    except IngestError as exc:
        try:
            _check_cuis(store, path, pending, last)  # an unknown CUI before the bad row comes first
        except IngestError as earlier:
            return last, earlier
        return last, exc
    return last, None


def _check_cuis(store: GraphStore, path: Path, batch: list[tuple[int, str, str]], last: dict[str, int]) -> None:
    """Note the rows before the first unknown CUI of the batch, then report that CUI (if any)."""
    if not batch:
        return
    cuis = sorted({cui for _, cui, _ in batch})
    unknown = {found["key"] for found in store.execute(st.missing_nodes("Concept"), keys=cuis)}
    for line, cui, key in batch:
        if cui in unknown:
            raise IngestError(
                f"cui: concept {cui} is not in the graph; load its concept first "
                "(a lexicon only adds terms to existing concepts)",
                path=str(path),
                line=line,
            )
        last[key] = line


# -- reading ---------------------------------------------------------------------------


def _validated(values: dict[str, Any], path: Path, line: int) -> LexiconRecord:
    try:
        record = LexiconRecord.model_validate(values)
    except ValidationError as exc:
        raise IngestError(describe_validation_error(exc), path=str(path), line=line) from None
    check_record(record, path, line)
    return record


def _jsonl_records(path: Path, show: bool) -> Iterator[tuple[int, LexiconRecord]]:
    with read_lines(path, show=show) as lines:
        for number, raw in lines:
            text = _decode(raw, path, number)
            if not text.strip():
                continue
            try:
                record = LexiconRecord.model_validate_json(text)
            except ValidationError as exc:
                if any(err["type"] == "json_invalid" for err in exc.errors()):
                    raise IngestError(json_problem(text), path=str(path), line=number) from None
                raise IngestError(describe_validation_error(exc), path=str(path), line=number) from None
            check_record(record, path, number)
            yield number, record


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


def _write(store: GraphStore, terms: list[Term], summary: LoadSummary) -> None:
    _write_terms(store, [term for term in terms if term.status == "curated"], summary)
    _write_learned(store, [term for term in terms if term.status == "learned"], summary)


def _write_terms(store: GraphStore, terms: list[Term], summary: LoadSummary) -> None:
    if terms:
        summary.add("terms", store.upsert_nodes(terms))
        summary.add("concept_links", store.upsert_relationships(t.denotes() for t in terms))


def _write_learned(store: GraphStore, terms: list[Term], summary: LoadSummary) -> None:
    # One statement creates the term only if its key is new, and links it.
    if terms:
        rows = [{"cui": term.cui, **keyed_row("key", term.key, term.properties())} for term in terms]
        written = store.execute(st.ADD_LEARNED_TERMS, rows=rows)
        summary.add("learned_terms", len(rows))
        summary.add("concept_links", written[0]["written"] if written else 0)
