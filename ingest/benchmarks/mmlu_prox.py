"""MMLU-ProX: MMLU-Pro translated into 29 languages, up to ten options a question; only its
health category is read.

CSV or Parquet, one file per language, found and named as for Global-MMLU. Columns used:
question_id, question, option_0 .. option_9, answer (a letter), answer_index, category
(rows whose category is "health" are kept). Option i is letter A + i; empty options (a
question with fewer than ten) are left out, so letters keep their positions and the gold
letter its meaning. The item's id is question_id, the same question's id in every language.
"""

from __future__ import annotations

import string
from pathlib import Path

from ingest.benchmarks.collect import Collector, row_error
from ingest.benchmarks.global_mmlu import table_files
from ingest.benchmarks.tables import Row, open_table

__all__ = ["read_mmlu_prox"]

_OPTIONS = {string.ascii_uppercase[i]: f"option_{i}" for i in range(10)}
_COLUMNS = ("question_id", "question", *_OPTIONS.values(), "answer", "category")


def read_mmlu_prox(path: Path, collector: Collector) -> None:
    """Collect the health items of MMLU-ProX in `path` (a .csv/.parquet file or a directory).

    Raises:
        IngestError: no such file, a file's language cannot be known or none is in the
            languages asked for, a file lacks a column, or (unless skipping bad rows) a kept
            row is malformed (names the file, the row and the column).
    """
    for file, lang in table_files(path, collector, what="MMLU-ProX"):
        table = open_table(file)
        table.require(*_COLUMNS)
        for row in table.rows:
            with collector.row(file, row.line):
                row.check()
                if row.text("category").lower() != "health":
                    continue
                options = {letter: text for letter, column in _OPTIONS.items() if (text := row.optional(column))}
                gold = row.choice("answer", options)
                _check_index(row, gold)
                collector.add(
                    file,
                    row.line,
                    id=row.optional("question_id") or f"{file.name}:{row.line}",
                    lang=lang,
                    task="mcq",
                    question=row.text("question"),
                    options=options,
                    gold=gold,
                )


def _check_index(row: Row, gold: str) -> None:
    """answer_index, when given, must point at the answer letter: a disagreement means the
    options were shifted somewhere, and no one can tell which of the two is right."""
    raw = row.optional("answer_index")
    if raw is None:
        return
    try:
        index = int(float(raw))  # CSV exports of integer columns may write 3.0
    except ValueError:
        raise row_error(f"answer_index: expected a number, got {raw!r}", row.path, row.line) from None
    if not 0 <= index < len(_OPTIONS) or string.ascii_uppercase[index] != gold:
        raise row_error(f"answer_index: {index} disagrees with answer {gold!r}", row.path, row.line)
