"""Any benchmark as JSONL: one record a line, its fields named through a field map.

The map takes our field names (id, lang, task, question, options, labels, gold, english,
english_gold) to the file's, e.g. {"question": "prompt", "gold": "label", "lang": "language"};
a field it leaves out is read under our name. `options` is an object of letter: text or a
list (lettered A, B, ... in order); `labels` a list. Without a task the record's shape gives
it: labels make it nli, options mcq, neither qa. Without a language the one language asked
for is used. Without an id an item's id is "<file name>:<line>".
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.benchmarks.collect import Collector, row_error
from ingest.benchmarks.paths import files_under
from ingest.benchmarks.tables import Row, open_table
from kg.errors import ConfigError
from kg.languages import check_language

__all__ = ["FIELDS", "read_generic"]

FIELDS = ("id", "lang", "task", "question", "options", "labels", "gold", "english", "english_gold")
_TASKS = ("qa", "mcq", "nli")


def read_generic(path: Path, collector: Collector, field_map: Mapping[str, str] | None = None) -> None:
    """Collect the items of a JSONL file (or a directory of them, in path order).

    Raises:
        ConfigError: `field_map` names a field that is not ours.
        IngestError: no such file, or (unless skipping bad rows) a line is not JSON or not
            a valid item (names the file, the line and the file's field).
    """
    unknown = sorted(set(field_map or {}) - set(FIELDS))
    if unknown:
        fields = ", ".join(FIELDS)
        raise ConfigError(f"field map: {', '.join(unknown)} is not a field of an item; the fields are {fields}")
    names = {field: (field_map or {}).get(field, field) for field in FIELDS}
    default_lang = next(iter(collector.langs)) if collector.langs and len(collector.langs) == 1 else None
    for file in files_under(path, (".jsonl",), what="JSONL"):
        for row in open_table(file).rows:
            with collector.row(file, row.line):
                row.check()
                _Record(row, names).add_to(collector, default_lang)


class _Record:
    """One record read through the field map; messages name the file's field (and ours)."""

    def __init__(self, row: Row, names: Mapping[str, str]) -> None:
        self.row = row
        self.names = names

    def label(self, field: str) -> str:
        name = self.names[field]
        return name if name == field else f"{name} ({field})"

    def error(self, field: str, problem: str) -> Exception:
        return row_error(f"{self.label(field)}: {problem}", self.row.path, self.row.line)

    def raw(self, field: str) -> Any:
        return self.row.values.get(self.names[field])

    def text(self, field: str) -> str | None:
        value = self.raw(field)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(field, f"expected text, got {value!r:.60}")
        return str(value).strip() or None

    def options(self) -> dict[str, str] | None:
        value = self.raw("options")
        if value is None:
            return None
        if isinstance(value, list):
            value = dict(zip(string.ascii_uppercase, value, strict=False))
        texts = isinstance(value, dict) and all(v is None or isinstance(v, str | int | float) for v in value.values())
        if not texts:
            raise self.error("options", f"expected an object of letter: text or a list of texts, got {value!r:.60}")
        # An option without text is no option (questions with fewer choices pad theirs).
        return {str(k).strip(): str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}

    def labels(self) -> list[str] | None:
        value = self.raw("labels")
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error("labels", f"expected a list of label names, got {value!r:.60}")
        return [v.strip() for v in value]

    def add_to(self, collector: Collector, default_lang: str | None) -> None:
        code = self.text("lang") or default_lang
        if code is None:
            raise self.error("lang", "missing; give it in each record or ask for exactly one language")
        try:
            lang = check_language(code)
        except ConfigError as exc:
            raise self.error("lang", str(exc)) from None
        if not collector.wants(lang):  # another language's record need not be valid to be left out
            return
        question = self.text("question")
        if question is None:
            raise self.error("question", "missing or empty")
        options, labels, gold = self.options(), self.labels(), self.text("gold")
        task = (self.text("task") or ("nli" if labels else "mcq" if options else "qa")).lower()
        if task not in _TASKS:
            raise self.error("task", f"expected one of {', '.join(_TASKS)}, got {task!r}")
        if task == "mcq" and not options:
            raise self.error("options", "missing; a multiple-choice item needs its options")
        choices = options if task == "mcq" else labels if task == "nli" else None
        if gold is not None and choices is not None and gold not in choices:
            kind = "options" if task == "mcq" else "labels"
            raise self.error("gold", f"{gold!r} is not one of the {kind} ({', '.join(choices)})")
        collector.add(
            self.row.path,
            self.row.line,
            id=self.text("id") or f"{self.row.path.name}:{self.row.line}",
            lang=lang,
            task=task,
            question=question,
            options=options if task == "mcq" else None,
            labels=labels if task == "nli" else None,
            gold=gold,
            english=self.text("english"),
            english_gold=self.text("english_gold"),
        )
