"""Expert evaluation: blinded rating sheets out, ratings back in.

`write_sheets` picks the long-form answers of the chosen methods, shuffles them (seeded) and
writes one sheet per language (XLSX or CSV) in which an answer is known only by a code, with
empty columns for a rating of each criterion, overall and a comment; the code -> dataset,
item, method key goes to a separate file that raters never see. `import_ratings` reads a
filled sheet with its key, checks every rating (an integer 1-5; a row left blank is not
rated), and appends the records with the rating attached, so that the report shows experts'
scores beside the judge's. Importing the same sheet again replaces its ratings.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from ingest.benchmarks.tables import open_table
from kg.errors import IngestError, excerpt
from reasoning.evaluation.judge import DEFAULT_CRITERIA
from reasoning.evaluation.records import EvalRecord, ExpertRating
from reasoning.evaluation.runner import ResultsDir

__all__ = ["KEY_COLUMNS", "import_ratings", "sheet_columns", "write_sheets"]

KEY_COLUMNS = ["code", "dataset", "item_id", "lang", "method"]
_SHOWN = ["code", "question", "reference", "answer"]
_NOTES = ["comment", "rater"]


def sheet_columns(criteria: Sequence[str] = tuple(DEFAULT_CRITERIA)) -> list[str]:
    return [*_SHOWN, *criteria, "overall", *_NOTES]


def write_sheets(
    results: Path,
    out: Path,
    *,
    methods: Sequence[str],
    per_language: int | None = None,
    seed: int = 0,
    fmt: Literal["xlsx", "csv"] = "xlsx",
) -> list[Path]:
    """OUT/sheet-<lang>.<fmt> per language and OUT/key.csv; the paths written.

    With `per_language`, that many items a language are drawn (seeded), each with the answers
    of every method, so that methods are compared on the same questions."""
    by_lang: dict[str, list[EvalRecord]] = {}
    for record in ResultsDir(results).all_latest():
        if record.task == "qa" and record.status == "answered" and record.method in methods:
            by_lang.setdefault(record.lang, []).append(record)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written, key_rows = [], []
    for lang, records in sorted(by_lang.items()):
        records = _draw(records, per_language, rng)
        rng.shuffle(records)
        rows = []
        for number, record in enumerate(records, start=1):
            code = f"{lang}-{number:04d}"
            key_rows.append([code, record.dataset, record.item_id, record.lang, record.method])
            rows.append([code, record.question, record.gold or "", record.response])
        path = out / f"sheet-{lang}.{fmt}"
        _write(path, sheet_columns(), rows)
        written.append(path)
    key = out / "key.csv"
    _write(key, KEY_COLUMNS, key_rows)
    return [*written, key]


def _draw(records: list[EvalRecord], per_language: int | None, rng: random.Random) -> list[EvalRecord]:
    items = sorted({(r.dataset, r.item_id) for r in records})
    if per_language is None or per_language >= len(items):
        return sorted(records, key=lambda r: (r.dataset, r.item_id, r.method))
    chosen = set(rng.sample(items, per_language))
    return sorted((r for r in records if (r.dataset, r.item_id) in chosen), key=lambda r: (r.dataset, r.item_id))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    rows = [[*row, *[""] * (len(header) - len(row))] for row in rows]  # the rating cells, empty
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def import_ratings(results: Path, sheet: Path, key: Path, *, rater: str | None = None) -> int:
    """Fold the ratings of a filled `sheet` into `results`; the answers rated.

    Raises:
        IngestError: a code missing from the key, a rating that is not an integer 1-5, or a
            row rated in part; the message names the file, the row and the column. Nothing
            is written unless the whole sheet is valid.
    """
    codes = {row.values["code"]: row.values for row in open_table(key).rows}
    table = open_table(sheet)
    table.require("code", "overall")
    criteria = [c for c in table.columns or [] if c not in (*_SHOWN, "overall", *_NOTES)]
    rated: list[tuple[Mapping[str, Any], ExpertRating]] = []
    for row in table.rows:
        row.check()
        values = row.values
        marks = {name: values.get(name) for name in [*criteria, "overall"]}
        if all(_blank(v) for v in marks.values()):
            continue
        where = f"{sheet}:{row.line}"
        code = str(values.get("code") or "")
        if code not in codes:
            raise IngestError(f"{where}: code {excerpt(code)} is not in the key {key}")
        scores = {name: _rating(value, where, name) for name, value in marks.items()}
        who = rater or str(values.get("rater") or "").strip()
        if not who:
            raise IngestError(f"{where}: rater: say who rated (the rater column, or --rater)")
        overall = scores.pop("overall")
        comment = str(values.get("comment") or "").strip()
        rating = ExpertRating(rater=who, sheet=f"{sheet.name}#{code}", scores=scores, overall=overall, comment=comment)
        rated.append((codes[code], rating))
    return _append(ResultsDir(results), rated, key)


def _append(results: ResultsDir, rated: list[tuple[Mapping[str, Any], ExpertRating]], key: Path) -> int:
    records: dict[tuple[str, str, str, str], EvalRecord] = {}
    for entry, _ in rated:  # every answer found before anything is written
        where = (str(entry["dataset"]), str(entry["method"]), str(entry["lang"]), str(entry["item_id"]))
        record = records.get(where) or results.latest(*where[:3]).get(where[3])
        if record is None:
            raise IngestError(f"{key}: {entry['code']}: no such answer in {results.root}; is it the right key?")
        records[where] = record
    for entry, rating in rated:
        where = (str(entry["dataset"]), str(entry["method"]), str(entry["lang"]), str(entry["item_id"]))
        others = [r for r in records[where].experts if (r.rater, r.sheet) != (rating.rater, rating.sheet)]
        records[where] = records[where].model_copy(update={"experts": [*others, rating]})
    with results.appending() as writer:
        for record in records.values():
            writer.write(record)
    return len(rated)


def _blank(value: Any) -> bool:
    return value is None or not str(value).strip()


def _rating(value: Any, where: str, column: str) -> int:
    text = "" if value is None else str(value).strip()
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not text or number != int(number) or not 1 <= number <= 5:
        raise IngestError(f"{where}: {column}: {text or 'blank'} is not a rating; give a whole number from 1 to 5")
    return int(number)
