"""MMedBench: multiple-choice medical exam questions in six languages, one JSONL file each.

Files are named by the language in English (Chinese.jsonl, Japanese.jsonl, English.jsonl,
French.jsonl, Russian.jsonl, Spanish.jsonl), usually under `Test/` (a directory load leaves
`Train/` out). Records: {"question", "options": {"A": text, ...}, "answer_idx": "B",
"answer", "rationale", "meta_info"}. Records have no id: an item's id is "<file name>:<line>".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ingest.benchmarks.collect import Collector, row_error
from ingest.benchmarks.paths import code_of, files_under, other_split, pick_languages
from ingest.benchmarks.tables import Row, open_table
from kg.languages import language_names

__all__ = ["read_mmedbench"]


@cache
def _codes_by_name() -> dict[str, str]:
    """English language name (lower case) -> ISO 639-1 code, every name of a code counted
    ("Spanish; Castilian" gives spanish and castilian)."""
    return {
        name.strip().lower(): code
        for code, names in language_names().items()
        for name in names.split(";")
        if name.strip()
    }


def _language(file: Path) -> str | None:
    stem = file.stem.strip()
    return _codes_by_name().get(stem.lower()) or code_of(stem)


def read_mmedbench(path: Path, collector: Collector) -> None:
    """Collect the MMedBench items of `path` (a .jsonl file or a directory of them).

    Raises:
        IngestError: a file's language cannot be known from its name, no file is in the
            languages asked for, or (unless skipping bad rows) a record is malformed;
            names the file, the line and the field.
    """
    files = [f for f in files_under(path, (".jsonl",), what="MMedBench") if path.is_file() or not other_split(f, path)]
    picked = pick_languages(
        files,
        collector.langs,
        root=path,
        what="MMedBench",
        language=_language,
        naming="MMedBench names its files by the language in English (Chinese.jsonl, Japanese.jsonl)",
    )
    for file, lang in picked:
        for row in open_table(file).rows:
            with collector.row(file, row.line):
                row.check()
                options = _options(row)
                collector.add(
                    file,
                    row.line,
                    id=f"{file.name}:{row.line}",
                    lang=lang,
                    task="mcq",
                    question=row.text("question"),
                    options=options,
                    gold=(gold := _answer(row, options)),
                    multiple="," in gold,
                )


def _options(row: Row) -> dict[str, str]:
    raw: Any = row.values.get("options")
    if not isinstance(raw, dict) or not raw:
        raise row_error(f"options: expected an object of letter: text, got {raw!r:.60}", row.path, row.line)
    # An option without text is no option (some exams have four choices where others have five).
    options = {str(letter).strip().upper(): str(text).strip() for letter, text in raw.items() if text is not None}
    return {letter: text for letter, text in options.items() if text}


def _answer(row: Row, options: dict[str, str]) -> str:
    """answer_idx, checked against the options. Questions with several right answers (some
    Japanese ones) list them; their gold is the letters joined by commas, as MMedBench's
    own scoring writes them ("A,C")."""
    raw: Any = row.values.get("answer_idx")
    letters = raw if isinstance(raw, list) else [raw]
    if not letters or not all(isinstance(letter, str) and letter.strip() for letter in letters):
        raise row_error(f"answer_idx: expected an option letter, got {raw!r:.60}", row.path, row.line)
    checked = [letter.strip().upper() for letter in letters]
    for letter in checked:
        if letter not in options:
            choices = ", ".join(options)
            raise row_error(f"answer_idx: {letter!r} is not one of the options ({choices})", row.path, row.line)
    return ",".join(checked)
