"""Global-MMLU: MMLU translated into 42 languages; only its medical subjects are read.

CSV or Parquet, one file per language, named by it (`zh/test.parquet`, `test-zh.csv`,
`global_mmlu_zh.csv`) or given with exactly one language. Columns used: sample_id,
subject_category (rows whose category is "Medical" are kept), question, option_a ..
option_d, answer (a letter). The item's id is sample_id, which is the same question's id in
every language.
"""

from __future__ import annotations

from pathlib import Path

from ingest.benchmarks.collect import Collector
from ingest.benchmarks.paths import files_under, other_split, pick_languages
from ingest.benchmarks.tables import open_table

__all__ = ["read_global_mmlu", "table_files"]

_OPTIONS = {"A": "option_a", "B": "option_b", "C": "option_c", "D": "option_d"}
_COLUMNS = ("sample_id", "subject_category", "question", *_OPTIONS.values(), "answer")


def table_files(path: Path, collector: Collector, *, what: str) -> list[tuple[Path, str]]:
    """The CSV and Parquet files of `path` with their languages, kept to those asked for; a
    directory's dev, validation and train splits are left out.

    Raises:
        IngestError: no such file, a file's language cannot be known, or none is in the
            languages asked for.
    """
    files = files_under(path, (".csv", ".parquet"), what=what)
    if path.is_dir():
        files = [file for file in files if not other_split(file, path)]
    return pick_languages(files, collector.langs, root=path, what=what)


def read_global_mmlu(path: Path, collector: Collector) -> None:
    """Collect the medical Global-MMLU items of `path` (a .csv/.parquet file or a directory).

    Raises:
        IngestError: as `table_files`; a file lacks a column; or (unless skipping bad rows)
            a kept row is malformed (names the file, the row and the column).
    """
    for file, lang in table_files(path, collector, what="Global-MMLU"):
        table = open_table(file)
        table.require(*_COLUMNS)
        for row in table.rows:
            with collector.row(file, row.line):
                row.check()
                if row.text("subject_category").lower() != "medical":
                    continue
                options = {letter: text for letter, column in _OPTIONS.items() if (text := row.optional(column))}
                collector.add(
                    file,
                    row.line,
                    id=row.optional("sample_id") or f"{file.name}:{row.line}",
                    lang=lang,
                    task="mcq",
                    question=row.text("question"),
                    options=options,
                    gold=row.choice("answer", options),
                )
